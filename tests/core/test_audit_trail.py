"""What the audit trail records for every write, and how its API filters it."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stanchion.accounts import services
from stanchion.accounts.models import ApiToken, User
from stanchion.accounts.roles import Role
from stanchion.core import audit
from stanchion.core.context import Source, acting
from stanchion.core.jobs import job
from stanchion.core.models import AuditEntry


def entries_after(seq, **filters):
    return list(AuditEntry.objects.filter(seq__gt=seq, **filters).order_by("seq"))


def last_seq():
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.fixture
def admin(make_user):
    return make_user(Role.IT_ADMIN)


# Per API endpoint: a create body, a patch, and what the patch must record
# (field -> [before, after], written out by hand).
CRUD = {
    "locations": (
        "accounts.location",
        {"name": "Austin", "time_zone": "America/Chicago", "country": "US"},
        {"time_zone": "America/New_York"},
        {"time_zone": ["America/Chicago", "America/New_York"], "version": [1, 2]},
    ),
    "departments": (
        "accounts.department",
        {"name": "Finance"},
        {"name": "Finance & Tax"},
        {"name": ["Finance", "Finance & Tax"], "version": [1, 2]},
    ),
    "people": (
        "accounts.person",
        {"name": "Ada Lovelace", "email": "ada@example.com", "employee_id": "E1"},
        {"title": "Analyst", "employment_status": "on_leave"},
        {
            "title": ["", "Analyst"],
            "employment_status": ["active", "on_leave"],
            "version": [1, 2],
        },
    ),
    "teams": (
        "accounts.team",
        {"name": "Service Desk", "tier": "l1"},
        {"tier": "l2", "description": "Second line"},
        {"tier": ["l1", "l2"], "description": ["", "Second line"], "version": [1, 2]},
    ),
}


@pytest.mark.parametrize("prefix", sorted(CRUD))
def test_api_create_update_delete_are_recorded(prefix, admin, api_client):
    model, create_body, patch, expected_update = CRUD[prefix]
    client = api_client(admin)
    start = last_seq()

    created = client.post(f"/api/{prefix}/", create_body, format="json", HTTP_X_REQUEST_ID="req-c1")
    assert created.status_code == 201, created.content
    assert created["X-Request-ID"] == "req-c1"
    pk = created.json()["id"]
    (create_entry,) = entries_after(start)
    assert (create_entry.action, create_entry.model, create_entry.object_id) == (
        "create",
        model,
        str(pk),
    )
    assert (create_entry.actor_id, create_entry.actor_repr) == (admin.pk, admin.email)
    assert (create_entry.source, create_entry.request_id) == ("api", "req-c1")
    for field, value in create_body.items():
        assert create_entry.changes[field] == [None, value]
    assert "updated_at" not in create_entry.changes

    start = last_seq()
    updated = client.patch(
        f"/api/{prefix}/{pk}/", {**patch, "version": 1}, format="json", HTTP_X_REQUEST_ID="req-u1"
    )
    assert updated.status_code == 200, updated.content
    (update_entry,) = entries_after(start)
    assert update_entry.action == "update"
    # Only what changed, with before and after.
    assert update_entry.changes == expected_update
    assert (update_entry.source, update_entry.request_id, update_entry.actor_id) == (
        "api",
        "req-u1",
        admin.pk,
    )

    # A patch that changes nothing writes no entry.
    start = last_seq()
    same = client.patch(f"/api/{prefix}/{pk}/", {**patch, "version": 2}, format="json")
    assert same.status_code == 200
    assert entries_after(start, model=model) == []

    start = last_seq()
    deleted = client.delete(f"/api/{prefix}/{pk}/", HTTP_X_REQUEST_ID="req-d1")
    assert deleted.status_code == 204
    (delete_entry,) = entries_after(start)
    assert (delete_entry.action, delete_entry.object_id, delete_entry.request_id) == (
        "delete",
        str(pk),
        "req-d1",
    )
    for field, (_, after) in expected_update.items():
        assert delete_entry.changes[field] == [after, None]


def test_user_lifecycle_is_recorded_with_the_password_redacted(admin, api_client):
    client = api_client(admin)
    start = last_seq()
    created = client.post(
        "/api/users/",
        {
            "email": "new.agent@example.com",
            "full_name": "New Agent",
            "role": "agent",
            "password": "Tr1cky-Secret-Pass",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    user = User.objects.get(email="new.agent@example.com")
    (entry,) = entries_after(start)
    assert (entry.action, entry.model, entry.object_id) == ("create", "accounts.user", str(user.pk))
    assert entry.changes["role"] == [None, "agent"]
    assert entry.changes["password"][1] == "[redacted]"
    dumped = json.dumps(entry.changes)
    assert user.password not in dumped and "Tr1cky" not in dumped and "argon2" not in dumped

    start = last_seq()
    changed = client.patch(
        f"/api/users/{user.pk}/",
        {"role": "team_manager", "password": "An0ther-Secret-Pass", "version": 1},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    role_entry, password_entry = entries_after(start)
    assert role_entry.changes == {"role": ["agent", "team_manager"], "version": [1, 2]}
    assert password_entry.changes == {
        "password": ["[redacted]", "[redacted]"],
        "version": [2, 3],
    }
    assert "An0ther" not in json.dumps(password_entry.changes)

    # Deleting a user deactivates it: recorded as the update it is.
    start = last_seq()
    assert client.delete(f"/api/users/{user.pk}/").status_code == 204
    (deactivation,) = entries_after(start)
    assert deactivation.action == "update"
    assert deactivation.changes == {"is_active": [True, False], "version": [3, 4]}


def test_membership_and_token_writes_are_recorded(admin, make_user, api_client):
    client = api_client(admin)
    team = services.create_team(actor=admin, name="Network")
    member = make_user(Role.AGENT)

    start = last_seq()
    added = client.post(
        "/api/team-memberships/", {"team": team.pk, "user": member.pk}, format="json"
    )
    assert added.status_code == 201
    (entry,) = entries_after(start)
    assert (entry.action, entry.model) == ("create", "accounts.teammembership")
    assert entry.changes["team_id"] == [None, team.pk]
    assert entry.changes["user_id"] == [None, member.pk]

    start = last_seq()
    assert client.delete(f"/api/team-memberships/{added.json()['id']}/").status_code == 204
    (entry,) = entries_after(start)
    assert (entry.action, entry.object_id) == ("delete", str(added.json()["id"]))

    start = last_seq()
    issued = client.post("/api/tokens/", {"name": "ci", "scope": "write"}, format="json")
    assert issued.status_code == 201
    raw = issued.json()["key"]
    token = ApiToken.objects.get(pk=issued.json()["id"])
    (entry,) = entries_after(start)
    assert (entry.action, entry.model, entry.actor_id) == ("create", "accounts.apitoken", admin.pk)
    assert entry.changes["key_hash"] == [None, "[redacted]"]
    dumped = json.dumps(entry.changes)
    assert raw not in dumped and token.key_hash not in dumped

    start = last_seq()
    assert client.delete(f"/api/tokens/{token.pk}/").status_code == 204
    (entry,) = entries_after(start)
    assert entry.action == "update"
    assert set(entry.changes) == {"revoked_at", "version"}
    assert entry.changes["revoked_at"][0] is None


def test_using_a_token_does_not_write_to_the_trail(admin, api_client):
    client = api_client(admin)
    start = last_seq()
    assert client.get("/api/people/").status_code == 200
    assert entries_after(start) == []


def test_web_writes_are_recorded_as_web_with_the_request_id(admin):
    browser = Client()
    browser.force_login(admin)
    start = last_seq()
    response = browser.post(
        reverse("accounts:team-create"),
        {"name": "Web Team", "tier": "l2", "description": "", "email": ""},
        HTTP_X_REQUEST_ID="web-req-7",
    )
    assert response.status_code in (200, 302)
    assert response["X-Request-ID"] == "web-req-7"
    (entry,) = entries_after(start)
    assert (entry.action, entry.model, entry.object_repr) == ("create", "accounts.team", "Web Team")
    assert (entry.source, entry.actor_id, entry.request_id) == ("web", admin.pk, "web-req-7")


def test_a_malformed_request_id_is_replaced(admin, api_client):
    client = api_client(admin)
    start = last_seq()
    response = client.post(
        "/api/departments/", {"name": "Legal"}, format="json", HTTP_X_REQUEST_ID="bad id\n<x>"
    )
    assert response.status_code == 201
    generated = response["X-Request-ID"]
    assert generated != "bad id\n<x>" and generated.isalnum()
    (entry,) = entries_after(start)
    assert entry.request_id == generated


def test_cli_writes_are_recorded_as_cli(db):
    start = last_seq()
    with acting(source=Source.CLI):
        call_command("createadmin", "root@example.com", "--password", "Correct-Horse-42")
    (entry,) = entries_after(start)
    assert (entry.action, entry.model, entry.source) == ("create", "accounts.user", "cli")
    assert entry.changes["email"] == [None, "root@example.com"]
    assert entry.changes["password"][1] == "[redacted]"


@job
def rename_team(team_id, name):
    from stanchion.accounts.models import Team
    from stanchion.core.services import update_fields

    team = Team.objects.get(pk=team_id)
    return update_fields(team, {"name": name}, actor=None, expected_version=team.version)


def test_job_writes_are_recorded_as_job(admin):
    team = services.create_team(actor=admin, name="Before")
    start = last_seq()
    rename_team(team.pk, "After")
    (entry,) = entries_after(start)
    assert (entry.action, entry.source, entry.actor_id) == ("update", "job", None)
    assert entry.changes == {"name": ["Before", "After"], "version": [1, 2]}


def test_service_actor_is_recorded_outside_requests(admin):
    start = last_seq()
    services.create_person(actor=admin, name="Bo", email="bo@example.com", employee_id="E7")
    (entry,) = entries_after(start)
    assert (entry.actor_id, entry.actor_repr, entry.source) == (admin.pk, admin.email, "system")


class TestAuditApi:
    @pytest.fixture
    def history(self, make_user, monkeypatch):
        """Entries at three known times by two actors."""
        admin = make_user(Role.IT_ADMIN)
        other = make_user(Role.IT_ADMIN)
        times = [datetime(2021, 1, day, 12, tzinfo=UTC) for day in (1, 2, 3)]
        made = {}
        for when, actor, name in zip(times, (admin, other, admin), ("Alpha", "Beta", "Gamma")):
            monkeypatch.setattr(audit.timezone, "now", lambda when=when: when)
            made[name] = services.create_team(actor=actor, name=name)
        monkeypatch.undo()
        seq_of = {
            name: AuditEntry.objects.get(model="accounts.team", object_id=str(team.pk)).seq
            for name, team in made.items()
        }
        return admin, other, made, seq_of, times

    def fetch(self, client, **params):
        response = client.get("/api/audit/", params)
        assert response.status_code == 200, response.content
        return [row["seq"] for row in response.json()["results"]]

    def test_filters_return_exactly_the_matching_entries(self, history, make_user, api_client):
        admin, other, made, seq_of, times = history
        client = api_client(make_user(Role.AUDITOR))
        assert self.fetch(client) == sorted(
            AuditEntry.objects.values_list("seq", flat=True), reverse=True
        )
        teams = sorted(seq_of.values(), reverse=True)
        assert self.fetch(client, model="accounts.team") == teams
        assert self.fetch(client, model="accounts.team", object_id=made["Beta"].pk) == [
            seq_of["Beta"]
        ]
        assert self.fetch(client, model="accounts.team", actor=admin.pk) == [
            seq_of["Gamma"],
            seq_of["Alpha"],
        ]
        assert self.fetch(client, model="accounts.team", since=times[1].isoformat()) == [
            seq_of["Gamma"],
            seq_of["Beta"],
        ]
        # The users and tokens above were written now, long after all three.
        recent = self.fetch(client, since=(times[2] + timedelta(days=1)).isoformat())
        assert recent == sorted(
            AuditEntry.objects.exclude(model="accounts.team").values_list("seq", flat=True),
            reverse=True,
        )
        assert len(recent) == 4  # two admins, the auditor, the auditor's token
        assert self.fetch(client, until=times[1].isoformat()) == [seq_of["Alpha"]]
        assert self.fetch(
            client, since=times[0].isoformat(), until=(times[2] - timedelta(hours=1)).isoformat()
        ) == [seq_of["Beta"], seq_of["Alpha"]]
        assert self.fetch(client, model="accounts.location") == []

    def test_entry_detail_shows_changes(self, history, make_user, api_client):
        _, other, made, seq_of, _ = history
        response = api_client(make_user(Role.AUDITOR)).get(f"/api/audit/{seq_of['Beta']}/")
        assert response.status_code == 200
        body = response.json()
        assert (body["actor"], body["action"], body["object_repr"]) == (other.pk, "create", "Beta")
        assert body["changes"]["name"] == [None, "Beta"]

    def test_bad_filter_values_are_400_naming_the_field(self, make_user, api_client):
        client = api_client(make_user(Role.AUDITOR))
        response = client.get("/api/audit/", {"since": "yesterday"})
        assert response.status_code == 400
        assert "since" in response.json()["error"]["fields"]
        response = client.get("/api/audit/", {"actor": "bob"})
        assert response.status_code == 400
        assert "actor" in response.json()["error"]["fields"]

    @pytest.mark.parametrize(
        "role, status",
        [
            (Role.AUDITOR, 200),
            (Role.IT_ADMIN, 200),
            (Role.AGENT, 403),
            (Role.TEAM_MANAGER, 403),
            (Role.CHANGE_APPROVER, 403),
            (Role.REQUESTER, 403),
        ],
    )
    def test_who_may_read_the_trail(self, role, status, make_user, api_client):
        client = api_client(make_user(role))
        assert client.get("/api/audit/").status_code == status

    def test_the_trail_cannot_be_written_through_the_api(self, make_user, api_client):
        client = api_client(make_user(Role.IT_ADMIN))
        seq = last_seq()
        assert client.post("/api/audit/", {}, format="json").status_code == 405
        assert client.delete(f"/api/audit/{seq}/").status_code == 405
        assert client.patch(f"/api/audit/{seq}/", {}, format="json").status_code == 405
