"""Bad input to the ticket API: a 400 naming the field, and nothing written."""

import pytest

from stanchion.core.models import AuditEntry
from stanchion.tickets.models import Ticket, TimelineEvent

from . import api_support as support

clients, laptop = support.clients, support.laptop


def refused(response, *fields, status=400):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(fields) <= set(error["fields"]), error
    return error


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "x", "colour": "red"}, "colour"),  # unknown field
        ({"title": "x", "priority": "p1"}, "priority"),  # computed, not sent
        ({"title": "x", "state": "resolved"}, "state"),
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({}, "title"),
        ({"title": 5, "impact": "9"}, "impact"),
        ({"title": "x", "urgency": "high"}, "urgency"),
        ({"title": "x", "impact": None}, "impact"),
        ({"title": "x", "service": "VPN"}, "service"),
        ({"title": "x", "service": 99999}, "service"),
        ({"title": "x", "channel": "pigeon"}, "channel"),
        ({"title": "x", "is_major": "perhaps"}, "is_major"),
        ({"title": "x", "impact_start": "yesterday"}, "impact_start"),
        ({"title": "x", "assignee": 1}, "assignee"),  # no team chosen
    ],
)
def test_bad_incident_bodies_name_the_field_and_write_nothing(desk, clients, body, field):
    before = AuditEntry.objects.count()
    body = {"requester": desk.requester.pk, **body}
    refused(clients.agent.post("/api/incidents/", body, format="json"), field)
    assert not Ticket.objects.exists()
    assert AuditEntry.objects.count() == before


def test_non_object_bodies_are_refused(desk, clients):
    for body in ([1, 2], "text", None):
        response = clients.agent.post("/api/incidents/", body, format="json")
        assert response.status_code == 400, body
    assert not Ticket.objects.exists()


def test_subcategory_must_belong_to_the_category(desk, clients):
    hardware = clients.agent.post("/api/categories/", {"name": "Hardware"}, format="json")
    assert hardware.status_code == 403  # agents read the taxonomy, admins keep it
    from stanchion.core.services import creator
    from stanchion.tickets.models import Category

    hw = creator(Category)(actor=None, name="Hardware")
    net = creator(Category)(actor=None, name="Network")
    wifi = creator(Category)(actor=None, name="Wi-Fi", parent=net)
    body = {"title": "x", "requester": desk.requester.pk, "category": hw.pk, "subcategory": wifi.pk}
    refused(clients.agent.post("/api/incidents/", body, format="json"), "subcategory")
    assert not Ticket.objects.exists()


def test_bad_answers_are_named_per_field(desk, laptop, clients):
    body = {"catalog_item": laptop.pk, "answers": {"model": "Mac", "monitors": 5}}
    error = refused(
        clients.requester.post("/api/requests/", body, format="json"),
        "answers.model",
        "answers.monitors",
    )
    assert "answers.model" in error["message"]
    refused(
        clients.requester.post(
            "/api/requests/", {"catalog_item": laptop.pk, "answers": ["Pro"]}, format="json"
        ),
        "answers",
    )
    refused(
        clients.requester.post("/api/requests/", {"answers": {}}, format="json"), "catalog_item"
    )
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("pend", {}, "reason"),
        ("pend", {"reason": "waiting_for_godot"}, "reason"),
        ("cancel", {}, "reason"),
        ("cancel", {"reason": ""}, "reason"),
        ("resolve", {"resolution_notes": "x"}, "resolution_code"),
        ("resolve", {"resolution_code": "rejected", "resolution_notes": "x"}, "resolution_code"),
        ("resolve", {"resolution_code": "solved", "resolution_notes": "   "}, "resolution_notes"),
        ("assign", {}, "team"),
        ("assign", {"team": "L1"}, "team"),
        ("assign", {"team": 1, "assignee": 99999}, "assignee"),
        ("comment", {"body": ""}, "body"),
        ("comment", {"body": "x", "public": "maybe"}, "public"),
        ("comment", {"body": "x", "version": 1}, "version"),  # comments take none
        ("link", {"other": 99999}, "other"),
        ("start", {"version": "three"}, "version"),
        ("start", {"verison": 1}, "verison"),
    ],
)
def test_bad_action_bodies_name_the_field_and_change_nothing(desk, clients, action, body, field):
    created = clients.agent.post(
        "/api/incidents/", {"title": "VPN", "requester": desk.requester.pk}, format="json"
    ).json()
    if body.get("team") == 1:
        body = {**body, "team": desk.l1.pk}
    events = TimelineEvent.objects.count()
    response = clients.agent.post(f"/api/incidents/{created['id']}/{action}/", body, format="json")
    refused(response, field)
    ticket = Ticket.objects.get(pk=created["id"])
    assert (ticket.state, ticket.version) == ("new", created["version"])
    assert TimelineEvent.objects.count() == events


def test_assignee_outside_the_team_and_bad_if_match(desk, clients):
    created = clients.agent.post(
        "/api/incidents/", {"title": "VPN", "requester": desk.requester.pk}, format="json"
    ).json()
    url = f"/api/incidents/{created['id']}/"
    body = {"team": desk.l1.pk, "assignee": desk.specialist.pk}
    refused(clients.agent.post(url + "assign/", body, format="json"), "assignee")
    refused(
        clients.agent.post(url + "start/", {}, format="json", HTTP_IF_MATCH="latest"), "If-Match"
    )
    assert Ticket.objects.get(pk=created["id"]).state == "new"


def test_patch_refuses_unknown_and_workflow_fields(desk, clients):
    created = clients.agent.post(
        "/api/incidents/", {"title": "VPN", "requester": desk.requester.pk}, format="json"
    ).json()
    url = f"/api/incidents/{created['id']}/"
    for field, value in (("state", "closed"), ("assignee", 1), ("number", "INC-9"), ("x", 1)):
        body = {field: value, "version": created["version"]}
        refused(clients.agent.patch(url, body, format="json"), field)
    refused(
        clients.agent.patch(url, {"title": "", "version": created["version"]}, format="json"),
        "title",
    )
    assert Ticket.objects.get(pk=created["id"]).version == created["version"]
