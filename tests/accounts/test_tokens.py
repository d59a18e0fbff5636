"""API tokens: hashed at rest, shown once, expiry and revocation honoured,
last use stamped."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from stanchion.accounts import services
from stanchion.accounts.models import ApiToken
from stanchion.accounts.roles import Role
from stanchion.core.models import AuditEntry
from stanchion.core.services import update_fields


def bearer(raw, keyword="Bearer"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT)


def issue_over_api(user, api_client, **body):
    response = api_client(user).post(
        "/api/tokens/", {"name": "laptop", "scope": "read", **body}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_the_raw_key_is_shown_once_and_only_its_hash_is_stored(agent, api_client):
    created = issue_over_api(agent, api_client)
    raw = created["key"]
    assert raw.startswith("stn_") and len(raw) > 40
    token = ApiToken.objects.get(pk=created["id"])
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.key_prefix == raw[:8] == created["key_prefix"]

    # The raw key is in no column of the row, and nowhere in the audit trail.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table} WHERE id = %s", [token.pk])
        stored = cursor.fetchone()
    assert not any(raw in str(value) for value in stored)
    trail = json.dumps(list(AuditEntry.objects.values("changes", "object_repr")))
    assert raw not in trail and token.key_hash not in trail

    # Reading the token back never shows the key again.
    client = api_client(agent)
    detail = client.get(f"/api/tokens/{token.pk}/").json()
    listing = client.get("/api/tokens/").json()["results"]
    assert "key" not in detail and "key_hash" not in detail
    assert all("key" not in row for row in listing)
    assert raw not in json.dumps([detail, listing])

    # And the key works.
    assert bearer(raw).get("/api/users/me/").json()["id"] == agent.pk


def test_each_token_is_different(agent):
    raws = {services.issue_token(actor=agent, user=agent, name="t", scope="read")[1] for _ in "ab"}
    assert len(raws) == 2


def test_both_header_keywords_work_and_anything_else_is_refused(agent):
    _, raw = services.issue_token(actor=agent, user=agent, name="t", scope="read")
    assert bearer(raw, "Token").get("/api/users/me/").status_code == 200
    assert bearer(raw, "bearer").get("/api/users/me/").status_code == 200
    for header in (f"Bearer {raw} extra", "Bearer", f"Bearer {raw[:-1]}x", f"Basic {raw}"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/users/me/")
        assert response.status_code == 401, header
        assert response.json()["error"]["code"] in {"authentication_failed", "not_authenticated"}


def test_expiry_is_honoured(agent):
    soon = timezone.now() + timedelta(hours=1)
    token, raw = services.issue_token(
        actor=agent, user=agent, name="t", scope="read", expires_at=soon
    )
    assert bearer(raw).get("/api/users/me/").status_code == 200
    assert token.status == "active"
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = bearer(raw).get("/api/users/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]
    token.refresh_from_db()
    assert token.status == "expired"


def test_an_expiry_in_the_past_is_refused_at_creation(agent, api_client):
    response = api_client(agent).post(
        "/api/tokens/",
        {"name": "old", "scope": "read", "expires_at": "2000-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()["error"]["fields"]


def test_revoking_stops_the_token_at_once(agent, api_client):
    created = issue_over_api(agent, api_client)
    raw = created["key"]
    client = bearer(raw)
    assert client.get("/api/users/me/").status_code == 200
    # Revoked with another token of the same user.
    assert api_client(agent).delete(f"/api/tokens/{created['id']}/").status_code == 204
    token = ApiToken.objects.get(pk=created["id"])
    assert token.revoked_at is not None and token.status == "revoked"
    assert client.get("/api/users/me/").status_code == 401
    # Revoking again changes nothing.
    revoked_at = token.revoked_at
    assert api_client(agent).delete(f"/api/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


def test_a_revoked_token_cannot_revoke_itself_back(agent):
    token, raw = services.issue_token(actor=agent, user=agent, name="t", scope="write")
    client = bearer(raw)
    assert client.delete(f"/api/tokens/{token.pk}/").status_code == 204
    assert client.get("/api/tokens/").status_code == 401


def test_a_deactivated_users_tokens_stop_working(agent):
    _, raw = services.issue_token(actor=agent, user=agent, name="t", scope="read")
    assert bearer(raw).get("/api/users/me/").status_code == 200
    update_fields(agent, {"is_active": False}, actor=None, expected_version=agent.version)
    assert bearer(raw).get("/api/users/me/").status_code == 401


def test_last_use_is_stamped_at_most_once_a_minute(agent):
    token, raw = services.issue_token(actor=agent, user=agent, name="t", scope="read")
    assert token.last_used_at is None
    before = timezone.now()
    client = bearer(raw)
    assert client.get("/api/users/me/").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and before <= first <= timezone.now()

    # Within the minute: no write at all.
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/users/me/").status_code == 200
    assert not any(q["sql"].lstrip().upper().startswith("UPDATE") for q in captured)
    token.refresh_from_db()
    assert token.last_used_at == first

    # A use more than a minute later is stamped again.
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=two_minutes_ago)
    assert client.get("/api/users/me/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > two_minutes_ago + timedelta(minutes=1)


def test_stamping_last_use_writes_no_audit_entry(agent):
    _, raw = services.issue_token(actor=agent, user=agent, name="t", scope="read")
    count = AuditEntry.objects.count()
    assert bearer(raw).get("/api/users/me/").status_code == 200
    assert AuditEntry.objects.count() == count


def test_token_creation_cannot_choose_its_owner(agent, make_user, api_client):
    other = make_user(Role.IT_ADMIN)
    response = api_client(agent).post(
        "/api/tokens/", {"name": "x", "scope": "write", "user": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "user" in response.json()["error"]["fields"]
    assert not ApiToken.objects.filter(user=other).exists()
