"""Bad input to the change management API: a 4xx with the one error shape
naming the field, never a 500, and nothing written. Stale versions are
refused (409 for a version in the body, 412 for If-Match) with the record
as it is now. Role checks beyond the permission matrix in tests/api."""

from datetime import timedelta

import pytest

from stanchion.changes import services
from stanchion.changes.models import (
    ApprovalDelegation,
    Blackout,
    CabMeeting,
    Change,
    ChangeEvent,
    MaintenanceWindow,
)
from stanchion.core.models import AuditEntry

from . import api_support as support
from .api_support import error, iso, ok, post
from .conftest import NOW

clock, clients = support.clock, support.clients

START, END = NOW + timedelta(days=7), NOW + timedelta(days=7, hours=2)


def counts():
    models = (Change, ChangeEvent, MaintenanceWindow, Blackout, CabMeeting, ApprovalDelegation)
    return {m.__name__: m.objects.count() for m in models} | {"audit": AuditEntry.objects.count()}


def change_body(org, **extra):
    return {
        "title": "Upgrade the wiki",
        "services": [org.wiki.pk],
        "implementation_plan": "Upgrade",
        "planned_start": iso(START),
        "planned_end": iso(END),
        **extra,
    }


# (name, url, body(org)) -> the field the 400 must name.
CREATE_CASES = [
    (
        "end before start",
        "/api/changes/",
        lambda o: change_body(o, planned_end=iso(START)),
        "planned_end",
    ),
    ("unknown service", "/api/changes/", lambda o: change_body(o, services=[987654]), "services"),
    (
        "service twice",
        "/api/changes/",
        lambda o: change_body(o, services=[o.wiki.pk] * 2),
        "services",
    ),
    ("not a service id", "/api/changes/", lambda o: change_body(o, services=["wiki"]), "services"),
    ("unknown field", "/api/changes/", lambda o: change_body(o, colour="red"), "colour"),
    ("read-only field", "/api/changes/", lambda o: change_body(o, state="closed"), "state"),
    (
        "unknown type",
        "/api/changes/",
        lambda o: change_body(o, change_type="urgent"),
        "change_type",
    ),
    (
        "standard without template",
        "/api/changes/",
        lambda o: change_body(o, change_type="standard"),
        "template",
    ),
    (
        "template on a normal change",
        "/api/changes/",
        lambda o: change_body(o, template=o.template.pk),
        "template",
    ),
    ("no title", "/api/changes/", lambda o: {**change_body(o), "title": ""}, "title"),
    (
        "bad date",
        "/api/changes/",
        lambda o: change_body(o, planned_start="next tuesday"),
        "planned_start",
    ),
    (
        "checklist of numbers",
        "/api/changes/",
        lambda o: change_body(o, validation_checklist=[1, 2]),
        "validation_checklist",
    ),
    (
        "checklist not a list",
        "/api/changes/",
        lambda o: change_body(o, validation_checklist="test it"),
        "validation_checklist",
    ),
    (
        "unknown risk question",
        "/api/changes/",
        lambda o: change_body(o, risk_answers={"mood": "good"}),
        "risk_answers",
    ),
    (
        "unknown risk answer",
        "/api/changes/",
        lambda o: change_body(o, risk_answers={"user_impact": "some"}),
        "risk_answers",
    ),
    (
        "risk answers not an object",
        "/api/changes/",
        lambda o: change_body(o, risk_answers=["none"]),
        "risk_answers",
    ),
    (
        "unknown team",
        "/api/changes/",
        lambda o: change_body(o, implementer_team=987654),
        "implementer_team",
    ),
    (
        "conflict check end before start",
        "/api/changes/conflict-check/",
        lambda o: {"services": [o.wiki.pk], "start": iso(END), "end": iso(START)},
        "end",
    ),
    (
        "conflict check unknown service",
        "/api/changes/conflict-check/",
        lambda o: {"services": [987654], "start": iso(START), "end": iso(END)},
        "services",
    ),
    (
        "conflict check without services",
        "/api/changes/conflict-check/",
        lambda o: {"services": [], "start": iso(START), "end": iso(END)},
        "services",
    ),
    (
        "conflict check unknown change",
        "/api/changes/conflict-check/",
        lambda o: {
            "services": [o.wiki.pk],
            "start": iso(START),
            "end": iso(END),
            "exclude": 987654,
        },
        "exclude",
    ),
    (
        "window weekday 7",
        "/api/maintenance-windows/",
        lambda o: {
            "service": o.wiki.pk,
            "name": "W",
            "weekdays": [7],
            "start_time": "22:00",
            "duration_minutes": 60,
        },
        "weekdays",
    ),
    (
        "window without weekdays",
        "/api/maintenance-windows/",
        lambda o: {
            "service": o.wiki.pk,
            "name": "W",
            "weekdays": [],
            "start_time": "22:00",
            "duration_minutes": 60,
        },
        "weekdays",
    ),
    (
        "window weekday twice",
        "/api/maintenance-windows/",
        lambda o: {
            "service": o.wiki.pk,
            "name": "W",
            "weekdays": [1, 1],
            "start_time": "22:00",
            "duration_minutes": 60,
        },
        "weekdays",
    ),
    (
        "window of no time",
        "/api/maintenance-windows/",
        lambda o: {
            "service": o.wiki.pk,
            "name": "W",
            "weekdays": [1],
            "start_time": "22:00",
            "duration_minutes": 0,
        },
        "duration_minutes",
    ),
    (
        "window bad time",
        "/api/maintenance-windows/",
        lambda o: {
            "service": o.wiki.pk,
            "name": "W",
            "weekdays": [1],
            "start_time": "25:00",
            "duration_minutes": 60,
        },
        "start_time",
    ),
    (
        "window ends before it begins",
        "/api/maintenance-windows/",
        lambda o: {
            "service": o.wiki.pk,
            "name": "W",
            "weekdays": [1],
            "start_time": "22:00",
            "duration_minutes": 60,
            "valid_from": "2026-05-01",
            "valid_until": "2026-04-01",
        },
        "valid_until",
    ),
    (
        "window on unknown service",
        "/api/maintenance-windows/",
        lambda o: {
            "service": 987654,
            "name": "W",
            "weekdays": [1],
            "start_time": "22:00",
            "duration_minutes": 60,
        },
        "service",
    ),
    (
        "blackout end before start",
        "/api/blackouts/",
        lambda o: {"name": "Freeze", "starts_at": iso(END), "ends_at": iso(START)},
        "ends_at",
    ),
    (
        "blackout unknown service",
        "/api/blackouts/",
        lambda o: {
            "name": "Freeze",
            "starts_at": iso(START),
            "ends_at": iso(END),
            "services": [987654],
        },
        "services",
    ),
    (
        "meeting end before start",
        "/api/cab-meetings/",
        lambda o: {"title": "CAB", "starts_at": iso(END), "ends_at": iso(START)},
        "ends_at",
    ),
    (
        "meeting unknown attendee",
        "/api/cab-meetings/",
        lambda o: {
            "title": "CAB",
            "starts_at": iso(START),
            "ends_at": iso(END),
            "attendees": [987654],
        },
        "attendees",
    ),
    (
        "delegation end before start",
        "/api/change-delegations/",
        lambda o: {"delegate": o.deputy.pk, "starts_at": iso(END), "ends_at": iso(START)},
        "ends_at",
    ),
    (
        "delegation to oneself",
        "/api/change-delegations/",
        lambda o: {"delegate": o.admin.pk, "starts_at": iso(START), "ends_at": iso(END)},
        "delegate",
    ),
    (
        "delegation to an agent",
        "/api/change-delegations/",
        lambda o: {"delegate": o.agent.pk, "starts_at": iso(START), "ends_at": iso(END)},
        "delegate",
    ),
    (
        "delegation already over",
        "/api/change-delegations/",
        lambda o: {
            "delegate": o.deputy.pk,
            "starts_at": iso(NOW - timedelta(days=3)),
            "ends_at": iso(NOW - timedelta(days=1)),
        },
        "ends_at",
    ),
    (
        "template duration zero",
        "/api/change-templates/",
        lambda o: {"name": "T", "expected_duration_minutes": 0},
        "expected_duration_minutes",
    ),
    (
        "template duplicate name",
        "/api/change-templates/",
        lambda o: {"name": "Monthly Wiki patching"},
        "name",
    ),
]


@pytest.mark.parametrize("name, url, body, field", CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_bad_input_is_400_naming_the_field(name, url, body, field, org, clients):
    before = counts()
    error(clients.admin.post(url, body(org), format="json"), 400, field)
    assert counts() == before


def test_submitting_a_change_planned_in_the_past_names_the_start(org, clients):
    created = post(
        clients.agent,
        "/api/changes/",
        change_body(org, planned_start=iso(NOW - timedelta(hours=2)), planned_end=iso(NOW)),
        status=201,
    )
    url = f"/api/changes/{created['id']}/"
    error(clients.agent.post(url + "submit/", {}, format="json"), 400, "planned_start")
    assert ok(clients.agent.get(url))["state"] == "draft"


def test_submitting_without_services_or_plan_names_them(org, clients):
    created = post(
        clients.agent, "/api/changes/", {"title": "Something", "change_type": "normal"}, status=201
    )
    url = f"/api/changes/{created['id']}/"
    error(clients.agent.post(url + "submit/", {}, format="json"), 400, "services")


@pytest.mark.parametrize(
    "action, body, target",
    [
        ("start/", {}, "Implementing"),
        ("schedule/", {}, "Scheduled"),
        ("finish/", {"outcome": "successful"}, "Review"),
        ("close/", {}, "Closed"),
    ],
)
def test_invalid_transitions_are_refused_naming_the_state(action, body, target, org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    err = error(clients.agent.post(url + action, body, format="json"), 409, "state")
    assert err["code"] == "invalid_transition"
    assert err["message"] == f"A change cannot go from Draft to {target}."
    change.refresh_from_db()
    assert (change.state, change.version) == ("draft", 1)


def test_validation_is_recorded_once_work_starts(org, clients):
    change = org.normal()
    body = {"validation_checklist": [{"item": "Works", "done": True}]}
    response = clients.agent.post(f"/api/changes/{change.pk}/validation/", body, format="json")
    assert (
        "draft" in error(response, 400, "validation_checklist")["fields"]["validation_checklist"][0]
    )


def test_cancelled_change_cannot_be_submitted_or_edited(org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    post(clients.agent, url + "cancel/", {"reason": "Vendor withdrew the release"})
    error(clients.agent.post(url + "submit/", {}, format="json"), 409, "state")
    patch = clients.agent.patch(url, {"title": "X", "version": 2}, format="json")
    error(patch, 400, "state")
    error(clients.agent.post(url + "cancel/", {"reason": ""}, format="json"), 400, "reason")


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("finish/", {"outcome": "great"}, "outcome"),
        ("cancel/", {}, "reason"),
        ("comment/", {"body": ""}, "body"),
        ("comment/", {"body": "x" * 20001}, "body"),
        ("override-conflicts/", {}, "reason"),
        ("link-incident/", {"incident": 987654}, "incident"),
        ("unlink-incident/", {"incident": 987654}, "incident"),
        ("submit/", {"version": "two"}, "version"),
        ("submit/", {"verison": 1}, "verison"),
        ("submit/", [1, 2], None),
    ],
)
def test_bad_action_bodies_name_the_field(action, body, field, org, clients):
    change = org.normal()
    before = counts()
    error(clients.admin.post(f"/api/changes/{change.pk}/{action}", body, format="json"), 400, field)
    assert counts() == before


def test_unlinking_an_incident_that_is_not_linked_names_it(org, clients):
    change = org.normal()
    error(
        clients.agent.post(
            f"/api/changes/{change.pk}/unlink-incident/", {"incident": 5}, format="json"
        ),
        400,
        "incident",
    )


def test_occurrence_range_is_checked(org, clients):
    window = post(
        clients.admin,
        "/api/maintenance-windows/",
        {
            "service": org.wiki.pk,
            "name": "W",
            "weekdays": [1],
            "start_time": "22:00",
            "duration_minutes": 60,
        },
        status=201,
    )
    url = f"/api/maintenance-windows/{window['id']}/occurrences/"
    error(clients.agent.get(url, {"start": iso(END), "end": iso(START)}), 400, "end")
    error(
        clients.agent.get(url, {"start": iso(START), "end": iso(START + timedelta(days=400))}),
        400,
        "end",
    )
    error(clients.agent.get(url, {"start": "soon"}), 400, "start")


# Versions: PATCH must say which version it edits; a stale one changes nothing.
def test_edit_needs_the_version(org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    error(clients.agent.patch(url, {"title": "New"}, format="json"), 400, "version")
    response = clients.agent.get(url)
    assert response["ETag"] == '"1"'
    edited = ok(clients.agent.patch(url, {"title": "New", "version": 1}, format="json"))
    assert (edited["title"], edited["version"]) == ("New", 2)


@pytest.mark.parametrize("mode, status", [("body", 409), ("if-match", 412)])
def test_stale_edit_is_refused_with_the_current_change(mode, status, org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    ok(clients.tm.patch(url, {"title": "First", "version": 1}, format="json"))
    if mode == "body":
        response = clients.agent.patch(url, {"title": "Second", "version": 1}, format="json")
    else:
        response = clients.agent.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH='"1"')
    err = error(response, status)
    assert err["code"] == "conflict"
    assert (err["current"]["title"], err["current"]["version"]) == ("First", 2)
    change.refresh_from_db()
    assert (change.title, change.version) == ("First", 2)


@pytest.mark.parametrize("mode, status", [("body", 409), ("if-match", 412)])
def test_stale_action_is_refused_and_changes_nothing(mode, status, org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    ok(clients.tm.patch(url, {"description": "More", "version": 1}, format="json"))
    events = ChangeEvent.objects.count()
    if mode == "body":
        response = clients.agent.post(url + "submit/", {"version": 1}, format="json")
    else:
        response = clients.agent.post(url + "submit/", {}, format="json", HTTP_IF_MATCH='"1"')
    err = error(response, status)
    assert (err["current"]["state"], err["current"]["version"]) == ("draft", 2)
    change.refresh_from_db()
    assert (change.state, change.version) == ("draft", 2)
    assert ChangeEvent.objects.count() == events
    # With the current version it goes through.
    assert post(clients.agent, url + "submit/", {"version": 2})["state"] == "assessment"


def test_stale_if_match_on_a_template_and_a_meeting(org, clients):
    url = f"/api/change-templates/{org.template.pk}/"
    ok(clients.admin.patch(url, {"description": "v2", "version": 1}, format="json"))
    stale = clients.admin.patch(url, {"description": "v3"}, format="json", HTTP_IF_MATCH='"1"')
    assert error(stale, 412)["current"]["description"] == "v2"
    meeting = post(
        clients.cab1,
        "/api/cab-meetings/",
        {"title": "CAB", "starts_at": iso(START), "ends_at": iso(END)},
        status=201,
    )
    meeting_url = f"/api/cab-meetings/{meeting['id']}/"
    ok(clients.cab1.patch(meeting_url, {"location": "Room 1", "version": 1}, format="json"))
    stale = clients.cab2.post(meeting_url + "build-agenda/", {"version": 1}, format="json")
    assert error(stale, 409)["current"]["location"] == "Room 1"


def test_template_services_change_bumps_the_version(org, clients):
    url = f"/api/change-templates/{org.template.pk}/"
    edited = ok(clients.admin.patch(url, {"services": [org.app.pk], "version": 1}, format="json"))
    assert (edited["services"], edited["version"]) == ([org.app.pk], 2)
    stale = clients.cab1.patch(url, {"services": [], "version": 1}, format="json")
    assert error(stale, 409)["current"]["services"] == [org.app.pk]


# Roles.
def test_requesters_have_no_part_in_change_management(org, clients):
    for url in ("/api/changes/", "/api/change-approvals/", "/api/cab-meetings/", "/api/blackouts/"):
        error(clients.requester.get(url), 403)
    error(clients.requester.post("/api/changes/", change_body(org), format="json"), 403)


def test_auditors_read_but_do_not_work_changes(org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    assert ok(clients.auditor.get(url))["number"] == change.number
    for action in ("submit/", "cancel/", "comment/"):
        error(clients.auditor.post(url + action, {"reason": "x", "body": "x"}, format="json"), 403)
    error(clients.auditor.patch(url, {"title": "X", "version": 1}, format="json"), 403)
    change.refresh_from_db()
    assert (change.state, change.version) == ("draft", 1)


def test_only_change_approvers_and_admins_override_conflicts(org, clients):
    first = services.submit(org.normal(), actor=org.agent, now=NOW)
    second = services.submit(org.normal(title="Also the wiki"), actor=org.agent, now=NOW)
    assert [c["change"] for c in second.conflicts] == [first.pk]
    url = f"/api/changes/{second.pk}/override-conflicts/"
    for client in (clients.agent, clients.tm):
        error(client.post(url, {"reason": "Fine"}, format="json"), 403)
    overridden = post(clients.cab1, url, {"reason": "Separate nodes"})
    assert overridden["conflict_override_reason"] == "Separate nodes"
    assert overridden["conflict_override_by"] == org.cab1.pk


def test_agents_keep_templates_windows_and_blackouts_read_only(org, clients):
    body = {"name": "Freeze", "starts_at": iso(START), "ends_at": iso(END)}
    error(clients.agent.post("/api/blackouts/", body, format="json"), 403)
    error(clients.tm.post("/api/change-templates/", {"name": "T"}, format="json"), 403)
    assert post(clients.cab1, "/api/blackouts/", body, status=201)["services"] == []


def test_a_held_or_cancelled_meeting_is_not_edited(org, clients, clock):
    meeting = post(
        clients.cab1,
        "/api/cab-meetings/",
        {"title": "CAB", "starts_at": iso(NOW), "ends_at": iso(NOW + timedelta(hours=1))},
        status=201,
    )
    url = f"/api/cab-meetings/{meeting['id']}/"
    post(clients.cab1, url + "cancel/")
    error(clients.cab1.patch(url, {"title": "Renamed", "version": 2}, format="json"), 400, "state")
    error(clients.cab1.post(url + "hold/", {}, format="json"), 400, "state")
    assert ok(clients.cab1.get(url))["title"] == "CAB"
