"""Standard, normal and emergency changes taken through their whole life
over the REST API, and a CAB meeting run over it.

Expected values are worked out by hand from the ``org`` fixture (see
tests/changes/conftest.py): NOW is Monday 2 March 2026 09:00 UTC, on the
24x7 (UTC) calendar; ``org.plan(7)`` is Monday 9 March 20:00-22:00.
"""

from datetime import timedelta

from stanchion.changes.models import Change, ChangeApproval
from stanchion.tickets import services as tickets

from . import api_support as support
from .api_support import iso, ok, post
from .conftest import NOW

clock, clients = support.clock, support.clients

LOWEST = {
    "user_impact": "none",
    "reversibility": "minutes",
    "experience": "routine",
    "teams_involved": "one",
}


def states(client, url):
    """The state moves on the change's timeline, in order."""
    events = ok(client.get(url + "timeline/"))["results"]
    return [(e["data"]["from"], e["data"]["to"]) for e in events if e["kind"] == "state"]


def test_standard_change_from_template_to_closed(org, clients, clock):
    start = NOW.replace(hour=20) + timedelta(days=7)
    created = post(
        clients.agent,
        "/api/changes/",
        {"change_type": "standard", "template": org.template.pk, "planned_start": iso(start)},
        status=201,
    )
    # The template gives the title, plans, checklist, team, service and the
    # end (90 minutes after the start).
    assert created["number"] == "CHG-000001"
    assert (created["state"], created["title"]) == ("draft", "Monthly Wiki patching")
    assert created["services"] == [org.wiki.pk]
    assert created["planned_end"] == iso(start + timedelta(minutes=90))
    assert created["implementation_plan"] == "Apply the OS updates, reboot."
    assert created["validation_checklist"] == [
        {"item": "Wiki answers", "done": False},
        {"item": "Search works", "done": False},
    ]
    assert created["implementer_team"] == org.platform.pk
    assert created["requested_by"] == created["owner"] == org.agent.pk
    url = f"/api/changes/{created['id']}/"

    # Pre-approved: submitting schedules it at once. Its risk: only the
    # unanswered questionnaire counts (5 + 4 + 3 + 3), tier 3, no dependents,
    # a week of lead time, both plans present.
    submitted = post(clients.agent, url + "submit/")
    assert submitted["state"] == "scheduled"
    assert (submitted["risk_score"], submitted["risk_level"]) == (15, "low")
    points = {f["key"]: f["points"] for f in submitted["risk_factors"]}
    assert sum(points.values()) == 15
    assert {k: v for k, v in points.items() if v} == {
        "answer:user_impact": 5,
        "answer:reversibility": 4,
        "answer:experience": 3,
        "answer:teams_involved": 3,
    }
    assert submitted["conflicts"] == []
    assert submitted["submitted_at"] == submitted["approved_at"] == iso(NOW)
    assert (
        ok(clients.agent.get("/api/change-approvals/", {"change": created["id"]}))["results"] == []
    )

    clock.set(start)
    started = post(clients.agent, url + "start/")
    assert (started["state"], started["actual_start"]) == ("implementing", iso(start))
    done = [{"item": "Wiki answers", "done": True}, {"item": "Search works", "done": True}]
    checked = post(clients.agent, url + "validation/", {"validation_checklist": done})
    assert checked["validation_checklist"] == done
    clock.set(start + timedelta(minutes=80))
    finished = post(clients.agent, url + "finish/", {"outcome": "successful"})
    assert (finished["state"], finished["outcome"]) == ("review", "successful")
    assert finished["actual_end"] == iso(start + timedelta(minutes=80))
    closed = post(clients.agent, url + "close/")
    assert (closed["state"], closed["closed_at"]) == ("closed", iso(start + timedelta(minutes=80)))
    assert states(clients.auditor, url) == [
        ("draft", "assessment"),
        ("assessment", "scheduled"),
        ("scheduled", "implementing"),
        ("implementing", "review"),
        ("review", "closed"),
    ]


def _normal_body(org, **extra):
    start, end = org.plan(7)
    return {
        "change_type": "normal",
        "title": "Upgrade the wiki",
        "services": [org.wiki.pk],
        "implementation_plan": "Upgrade the package, restart.",
        "backout_plan": "Reinstall the previous package.",
        "test_plan": "Open the front page.",
        "planned_start": iso(start),
        "planned_end": iso(end),
        "implementer_team": org.platform.pk,
        "risk_answers": LOWEST,
        **extra,
    }


def test_normal_change_approved_by_the_team_manager_fails_and_causes_an_incident(
    org, clients, clock
):
    created = post(clients.agent, "/api/changes/", _normal_body(org), status=201)
    url = f"/api/changes/{created['id']}/"
    submitted = post(clients.agent, url + "submit/")
    # Every factor is at zero: tier 3, no dependents, no history, plans
    # present, a week ahead, the least risky answers.
    assert (submitted["state"], submitted["risk_score"], submitted["risk_level"]) == (
        "assessment",
        0,
        "low",
    )
    refused = clients.agent.post(url + "schedule/", {}, format="json")
    assert support.error(refused, 400, "approvals")

    asked = post(clients.agent, url + "request-approval/")
    assert asked["state"] == "authorisation"
    rows = ok(clients.auditor.get("/api/change-approvals/", {"change": created["id"]}))["results"]
    # Low risk: the implementer team's managers (its manager and its
    # team-manager member), not the requester.
    assert [(r["kind"], r["team"], r["approvers"], r["state"]) for r in rows] == [
        ("team_manager", org.platform.pk, sorted([org.tm.pk, org.tm_b.pk]), "pending")
    ]
    approval_url = f"/api/change-approvals/{rows[0]['id']}/"
    inbox = ok(clients.tm.get("/api/change-approvals/", {"mine": "true"}))["results"]
    assert [r["id"] for r in inbox] == [rows[0]["id"]]
    assert ok(clients.tm_id.get("/api/change-approvals/", {"mine": "true"}))["results"] == []
    assert ok(clients.agent.get("/api/change-approvals/", {"mine": "true"}))["results"] == []

    # Someone else's approval is refused; scheduling waits for it.
    support.error(clients.tm_id.post(approval_url + "approve/", {}, format="json"), 403)
    support.error(clients.agent.post(url + "schedule/", {}, format="json"), 400, "approvals")
    decided = post(clients.tm, approval_url + "approve/", {"comment": "Fine by me"})
    assert (decided["state"], decided["decided_by"], decided["comment"]) == (
        "approved",
        org.tm.pk,
        "Fine by me",
    )
    assert decided["decided_at"] == iso(NOW)
    assert ok(clients.tm.get(url))["approved_at"] == iso(NOW)
    assert ok(clients.tm.get("/api/change-approvals/", {"mine": "true"}))["results"] == []

    scheduled = post(clients.agent, url + "schedule/")
    assert scheduled["state"] == "scheduled"
    start, end = org.plan(7)
    clock.set(start)
    post(clients.agent, url + "start/")
    clock.set(end)
    # A failure must say what happened.
    support.error(
        clients.agent.post(url + "finish/", {"outcome": "failed"}, format="json"),
        400,
        "outcome_notes",
    )
    failed = post(
        clients.agent,
        url + "finish/",
        {"outcome": "failed", "outcome_notes": "The new version broke search."},
    )
    assert (failed["state"], failed["outcome"]) == ("review", "failed")
    assert failed["outcome_notes"] == "The new version broke search."

    incident = tickets.open_incident(
        actor=org.agent, requester=org.tm.person or _person(), title="Wiki search is empty"
    )
    link = post(
        clients.agent,
        url + "link-incident/",
        {"incident": incident.pk, "note": "Search index dropped by the upgrade"},
        status=201,
    )
    assert (link["incident"], link["incident_number"], link["linked_by"]) == (
        incident.pk,
        incident.number,
        org.agent.pk,
    )
    assert ok(clients.agent.get(url))["incidents"] == [incident.pk]
    assert (
        ok(clients.agent.get("/api/changes/", {"caused_incidents": "true"}))["results"][0]["id"]
        == created["id"]
    )

    closed = post(clients.agent, url + "close/")
    assert closed["state"] == "closed"
    assert states(clients.agent, url) == [
        ("draft", "assessment"),
        ("assessment", "authorisation"),
        ("authorisation", "scheduled"),
        ("scheduled", "implementing"),
        ("implementing", "review"),
        ("review", "closed"),
    ]


def _person():
    from stanchion.accounts import services as accounts

    return accounts.create_person(
        actor=None, name="Wiki User", email="wiki.user@example.com", employee_id="W1"
    )


def test_emergency_change_approved_by_an_emergency_approver_needs_a_retrospective(
    org, clients, clock
):
    body = _normal_body(
        org,
        change_type="emergency",
        title="Patch the SSO vulnerability",
        services=[org.sso.pk],
        planned_start=iso(NOW),
        planned_end=iso(NOW + timedelta(hours=1)),
        implementer_team=org.identity.pk,
    )
    created = post(clients.agent, "/api/changes/", body, status=201)
    url = f"/api/changes/{created['id']}/"
    # An emergency change may start at once: no "start in the past" error.
    assert post(clients.agent, url + "submit/")["state"] == "assessment"
    assert post(clients.agent, url + "request-approval/")["state"] == "authorisation"
    rows = ok(clients.agent.get("/api/change-approvals/", {"change": created["id"]}))["results"]
    assert [(r["kind"], r["approvers"]) for r in rows] == [
        ("emergency", sorted([org.cab1.pk, org.cab2.pk]))
    ]
    approval_url = f"/api/change-approvals/{rows[0]['id']}/"
    support.error(clients.tm_id.post(approval_url + "approve/", {}, format="json"), 403)
    assert post(clients.cab2, approval_url + "approve/")["decided_by"] == org.cab2.pk
    post(clients.agent, url + "schedule/")
    post(clients.agent, url + "start/")
    clock.set(NOW + timedelta(minutes=40))
    post(clients.agent, url + "finish/", {"outcome": "successful_with_issues"})
    support.error(clients.agent.post(url + "close/", {}, format="json"), 400, "retrospective")
    assert ok(clients.agent.get(url))["state"] == "review"
    closed = post(
        clients.agent,
        url + "close/",
        {"retrospective": "Found by the scanner at 08:30; patched within the hour."},
    )
    assert (closed["state"], closed["outcome"]) == ("closed", "successful_with_issues")
    assert closed["retrospective"].startswith("Found by the scanner")


def test_rejection_sends_the_change_back_to_assessment(org, clients):
    created = post(clients.agent, "/api/changes/", _normal_body(org), status=201)
    url = f"/api/changes/{created['id']}/"
    post(clients.agent, url + "submit/")
    post(clients.agent, url + "request-approval/")
    approval = ChangeApproval.objects.get(change_id=created["id"])
    approval_url = f"/api/change-approvals/{approval.pk}/"
    # A rejection needs its reason.
    support.error(clients.tm_b.post(approval_url + "reject/", {}, format="json"), 400, "comment")
    rejected = post(clients.tm_b, approval_url + "reject/", {"comment": "Not in release week"})
    assert rejected["state"] == "rejected"
    assert ok(clients.agent.get(url))["state"] == "assessment"
    # Deciding it again is refused, naming why.
    support.error(clients.tm.post(approval_url + "approve/", {}, format="json"), 400, "state")


def test_cab_meeting_decides_a_high_risk_change(org, clients, clock, fixed_risk):
    fixed_risk("high")
    body = _normal_body(org, services=[org.sso.pk], title="Migrate SSO to the new cluster")
    created = post(clients.agent, "/api/changes/", body, status=201)
    url = f"/api/changes/{created['id']}/"
    assert post(clients.agent, url + "submit/")["risk_level"] == "high"
    post(clients.agent, url + "request-approval/")
    rows = ok(
        clients.agent.get("/api/change-approvals/", {"change": created["id"], "ordering": "id"})
    )["results"]
    # High risk: the implementer team's managers, the owner team of SSO
    # (Identity), and the CAB.
    assert [(r["kind"], r["team"]) for r in rows] == [
        ("team_manager", org.platform.pk),
        ("service_owner", org.identity.pk),
        ("cab", None),
    ]

    starts = NOW + timedelta(days=1, hours=1)
    meeting = post(
        clients.cab1,
        "/api/cab-meetings/",
        {
            "title": "Weekly CAB",
            "starts_at": iso(starts),
            "ends_at": iso(starts + timedelta(hours=1)),
            "location": "Room 4",
            "attendees": [org.cab2.pk, org.tm.pk],
        },
        status=201,
    )
    assert (meeting["state"], meeting["chair"], meeting["agenda"]) == ("planned", org.cab1.pk, [])
    assert sorted(a["user"] for a in meeting["attendance"]) == sorted(
        [org.cab1.pk, org.cab2.pk, org.tm.pk]
    )
    meeting_url = f"/api/cab-meetings/{meeting['id']}/"
    agenda = post(clients.cab1, meeting_url + "build-agenda/")["agenda"]
    assert [(i["change"], i["change_number"], i["order"], i["decision"]) for i in agenda] == [
        (created["id"], created["number"], 1, "")
    ]
    # Only the agenda's own items can be decided.
    support.error(
        clients.cab1.post(
            meeting_url + "decisions/", {"item": 999999, "decision": "approved"}, format="json"
        ),
        400,
        "item",
    )
    decided = post(
        clients.cab1,
        meeting_url + "decisions/",
        {"item": agenda[0]["id"], "decision": "approved", "note": "Rollback rehearsed"},
    )
    assert decided["agenda"][0]["decision"] == "approved"
    cab_row = ok(clients.cab1.get(f"/api/change-approvals/{rows[2]['id']}/"))
    assert (cab_row["state"], cab_row["decided_by"]) == ("approved", org.cab1.pk)

    attended = post(
        clients.cab1, meeting_url + "attendance/", {"attended": [org.cab1.pk, org.cab2.pk]}
    )
    assert {a["user"]: a["attended"] for a in attended["attendance"]} == {
        org.cab1.pk: True,
        org.cab2.pk: True,
        org.tm.pk: False,
    }
    # Not held before it starts.
    support.error(clients.cab1.post(meeting_url + "hold/", {}, format="json"), 400, "state")
    clock.set(starts + timedelta(minutes=50))
    held = post(clients.cab1, meeting_url + "hold/", {"minutes": "One change approved."})
    assert (held["state"], held["minutes"]) == ("held", "One change approved.")

    # The other two approvals, then the change can be scheduled.
    support.error(clients.agent.post(url + "schedule/", {}, format="json"), 400, "approvals")
    post(clients.tm, f"/api/change-approvals/{rows[0]['id']}/approve/")
    post(clients.tm_id, f"/api/change-approvals/{rows[1]['id']}/approve/")
    assert post(clients.agent, url + "schedule/")["state"] == "scheduled"
    assert Change.objects.get(pk=created["id"]).approved_at is not None


def test_delegate_decides_while_the_manager_is_away(org, clients):
    created = post(clients.agent, "/api/changes/", _normal_body(org), status=201)
    url = f"/api/changes/{created['id']}/"
    post(clients.agent, url + "submit/")
    post(clients.agent, url + "request-approval/")
    approval = ChangeApproval.objects.get(change_id=created["id"])
    assert ok(clients.deputy.get("/api/change-approvals/", {"mine": "true"}))["results"] == []

    delegation = post(
        clients.tm,
        "/api/change-delegations/",
        {
            "delegate": org.deputy.pk,
            "starts_at": iso(NOW - timedelta(hours=1)),
            "ends_at": iso(NOW + timedelta(days=7)),
            "reason": "Holiday",
        },
        status=201,
    )
    assert (delegation["delegator"], delegation["delegate"]) == (org.tm.pk, org.deputy.pk)
    # Seen by both people, not by a colleague.
    assert ok(clients.deputy.get(f"/api/change-delegations/{delegation['id']}/"))["id"]
    assert clients.tm_b.get(f"/api/change-delegations/{delegation['id']}/").status_code == 404

    inbox = ok(clients.deputy.get("/api/change-approvals/", {"mine": "true"}))["results"]
    assert [r["id"] for r in inbox] == [approval.pk]
    decided = post(clients.deputy, f"/api/change-approvals/{approval.pk}/approve/")
    assert (decided["decided_by"], decided["on_behalf_of"]) == (org.deputy.pk, org.tm.pk)

    # The delegator ends it; the delegate cannot.
    delegation_url = f"/api/change-delegations/{delegation['id']}/"
    support.error(clients.deputy.delete(delegation_url), 403)
    assert clients.tm.delete(delegation_url).status_code == 204
    assert clients.tm.get(delegation_url).status_code == 404
