"""Attachments over the API: limits, the allowlist checked on content too,
who may attach what, and downloads that are never rendered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stanchion.tickets.models import Attachment, TimelineEvent

from . import api_support as support

clients = support.clients

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PE_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture
def ticket(desk, clients):
    response = clients.requester.post("/api/incidents/", {"title": "Screen"}, format="json")
    return response.json()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client, ticket, name, content, **fields):
    body = {"ticket": ticket["id"], "file": SimpleUploadedFile(name, content), **fields}
    return client.post("/api/attachments/", body, format="multipart")


def refused_on_file(response, *words):
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["error"]["fields"]["file"])
    for word in words:
        assert word in message, message
    assert not Attachment.objects.exists()


def test_upload_list_and_download(desk, clients, ticket, media):
    response = upload(clients.requester, ticket, "screen.png", PNG)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["size"], body["content_type"]) == ("screen.png", 72, "image/png")
    assert body["public"] is True and body["uploaded_by"] == desk.requester_login.pk
    stored = Attachment.objects.get()
    # Stored under the content hash in MEDIA_ROOT, not under the given name.
    assert (media / stored.file.name).read_bytes() == PNG
    assert stored.file.name.endswith(body["sha256"]) and "screen" not in stored.file.name
    assert TimelineEvent.objects.filter(kind="attachment", public=True).count() == 1

    download = clients.agent.get(f"/api/attachments/{body['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"] == 'attachment; filename="screen.png"'
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    rows = clients.requester.get("/api/attachments/", {"ticket": ticket["id"]}).json()["results"]
    assert [row["id"] for row in rows] == [body["id"]]


def test_too_big_is_refused_with_the_limit(desk, clients, ticket, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    refused_on_file(upload(clients.requester, ticket, "big.txt", b"a" * 101), "101", "100")
    assert upload(clients.requester, ticket, "ok.txt", b"a" * 100).status_code == 201


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "page.html", "image.svg", "noext"])
def test_forbidden_types_are_refused(desk, clients, ticket, media, name):
    refused_on_file(upload(clients.requester, ticket, name, b"hello"), "not accepted", "png")


@pytest.mark.parametrize(
    "name, content",
    [
        ("holiday.png", PE_EXECUTABLE),  # an executable wearing an image's name
        ("invoice.pdf", b"<html><script>alert(1)</script>"),
        ("photo.jpg", PNG),  # a real image, but not what its name says
        ("report.docx", PE_EXECUTABLE),
        ("notes.txt", PE_EXECUTABLE),
        ("data.csv", b"a,b\x00\x01\x02"),
    ],
)
def test_disguised_content_is_refused(desk, clients, ticket, media, name, content):
    refused_on_file(upload(clients.requester, ticket, name, content), "not")


def test_empty_and_missing_files(desk, clients, ticket, media):
    refused_on_file(upload(clients.requester, ticket, "empty.txt", b""), "empty")
    missing = clients.requester.post(
        "/api/attachments/", {"ticket": ticket["id"]}, format="multipart"
    )
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]


def test_path_in_the_name_is_dropped(desk, clients, ticket, media):
    response = upload(clients.agent, ticket, "../../etc/notes.txt", b"hi")
    assert response.status_code == 201
    assert response.json()["name"] == "notes.txt"


def test_employees_attach_publicly_to_their_own_tickets_only(desk, clients, ticket, media):
    internal = upload(clients.requester, ticket, "a.txt", b"hi", public="false")
    assert internal.status_code == 400 and "public" in internal.json()["error"]["fields"]
    others = clients.agent.post(
        "/api/incidents/", {"title": "x", "requester": desk.manager_login.person_id}, format="json"
    ).json()
    elsewhere = upload(clients.requester, others, "a.txt", b"hi")
    assert elsewhere.status_code == 400 and "ticket" in elsewhere.json()["error"]["fields"]
    assert not Attachment.objects.exists()


def test_internal_files_are_hidden_from_the_requester(desk, clients, ticket, media):
    note = upload(clients.agent, ticket, "firewall.log", b"deny 10.0.0.1", public="false")
    assert note.status_code == 201
    shared = upload(clients.agent, ticket, "howto.txt", b"Reboot")
    listed = clients.requester.get("/api/attachments/").json()["results"]
    assert [row["id"] for row in listed] == [shared.json()["id"]]
    for path in ("", "download/"):
        url = f"/api/attachments/{note.json()['id']}/{path}"
        assert clients.requester.get(url).status_code == 404
    timeline = clients.requester.get(f"/api/incidents/{ticket['id']}/timeline/").json()
    assert "firewall.log" not in str(timeline["results"])


def test_json_uploads_are_refused(desk, clients, ticket, media):
    response = clients.agent.post(
        "/api/attachments/", {"ticket": ticket["id"], "file": "aGk="}, format="json"
    )
    assert response.status_code == 415
