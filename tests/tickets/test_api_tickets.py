"""Incidents and requests worked end to end over the REST API.

Times are computed by hand on the 24x7 calendar: tier 2 P1 is 10 minutes
to respond and 2 hours to resolve (here pausing while pending a vendor);
the L1 OLA is 15 minutes / 4 hours.
"""

import pytest
from api_helpers import ok, post

from stanchion.catalog.models import SlaPolicy
from stanchion.tickets.models import Ticket, TimelineEvent

from . import api_support as support
from .api_support import H, M, iso
from .conftest import T0

# Fixtures shared by the API test modules.
clock, clients, laptop = support.clock, support.clients, support.laptop


def incident(desk, title):
    """An agent reporting for Rita (agents here have no person record)."""
    return {"title": title, "requester": desk.requester.pk}


@pytest.fixture
def p1_pauses_for_vendor(desk):
    SlaPolicy.objects.filter(tier="2", priority="p1").update(pause_states=["pending_vendor"])


def test_incident_open_assign_comment_pend_resolve_reopen_close(
    desk, clients, clock, p1_pauses_for_vendor
):
    # The employee reports it for herself (requester defaults to her).
    created = post(
        clients.requester,
        "/api/incidents/",
        {"title": "VPN down for everyone", "service": desk.service.pk, "impact": 1, "urgency": "1"},
        status=201,
    )
    assert created["number"] == "INC-000001"
    assert created["requester"] == desk.requester.pk
    assert created["reported_by"] == desk.requester_login.pk
    assert (created["channel"], created["priority"], created["state"]) == ("api", "p1", "new")
    assert created["sla_due_at"] == iso(T0 + 10 * M)
    url = f"/api/incidents/{created['id']}/"

    clock.set(T0 + 2 * M)
    assigned = post(clients.agent, url + "assign/", {"team": desk.l1.pk, "assignee": desk.agent.pk})
    assert (assigned["state"], assigned["assignment_team"], assigned["assignee"]) == (
        "assigned",
        desk.l1.pk,
        desk.agent.pk,
    )

    clock.set(T0 + 5 * M)
    reply = post(clients.agent, url + "comment/", {"body": "Looking at it"}, status=201)
    assert (reply["kind"], reply["public"], reply["at"]) == ("comment", True, iso(T0 + 5 * M))
    clock.set(T0 + 6 * M)
    post(clients.agent, url + "comment/", {"body": "ISP ticket 4711", "public": False}, 201)

    clock.set(T0 + 20 * M)
    version = ok(clients.agent.get(url))["version"]
    pending = post(
        clients.agent,
        url + "pend/",
        {"reason": "pending_vendor", "comment": "Waiting for the ISP", "version": version},
    )
    assert (pending["state"], pending["pending_reason"]) == ("pending", "pending_vendor")
    assert pending["first_response_at"] == iso(T0 + 5 * M)
    assert pending["sla_due_at"] is None  # the only running SLA clock is paused

    clock.set(T0 + 50 * M)
    started = post(clients.agent, url + "start/")
    # Two hours plus the half hour spent waiting for the vendor.
    assert started["state"] == "in_progress"
    assert started["sla_due_at"] == iso(T0 + 150 * M)

    clock.set(T0 + 60 * M)
    resolved = post(
        clients.agent,
        url + "resolve/",
        {"resolution_code": "solved", "resolution_notes": "Restarted the gateway"},
        HTTP_IF_MATCH=f'"{started["version"]}"',
    )
    assert (resolved["state"], resolved["resolved_at"]) == ("resolved", iso(T0 + 60 * M))
    assert (resolved["resolved_by_tier"], resolved["sla_due_at"]) == ("l1", None)

    # The requester says it is down again; the resolved half hour is a pause.
    clock.set(T0 + 90 * M)
    reopened = post(clients.requester, url + "reopen/", {"reason": "Down again"})
    assert (reopened["state"], reopened["reopen_count"]) == ("in_progress", 1)
    assert reopened["sla_due_at"] == iso(T0 + 180 * M)

    clock.set(T0 + 100 * M)
    post(
        clients.agent, url + "resolve/", {"resolution_code": "workaround", "resolution_notes": "x"}
    )
    clock.set(T0 + 110 * M)
    closed = post(clients.agent, url + "close/")
    assert (closed["state"], closed["closed_at"]) == ("closed", iso(T0 + 110 * M))

    staff_view = ok(clients.agent.get(url + "timeline/"))["results"]
    expected = [
        ("created", True, T0, {}),
        ("state", False, T0 + 2 * M, {"from": "new", "to": "assigned"}),
        ("assignment", False, T0 + 2 * M, {"to_team": "Service Desk", "tier": "l1"}),
        ("comment", True, T0 + 5 * M, {}),
        ("note", False, T0 + 6 * M, {}),
        ("state", True, T0 + 20 * M, {"from": "assigned", "to": "pending"}),
        ("state", True, T0 + 50 * M, {"from": "pending", "to": "in_progress"}),
        ("state", True, T0 + 60 * M, {"from": "in_progress", "to": "resolved"}),
        ("state", True, T0 + 90 * M, {"from": "resolved", "to": "in_progress"}),
        ("state", True, T0 + 100 * M, {"from": "in_progress", "to": "resolved"}),
        ("state", True, T0 + 110 * M, {"from": "resolved", "to": "closed"}),
    ]
    assert len(staff_view) == len(expected)
    for event, (kind, public, at, data) in zip(staff_view, expected, strict=True):
        assert (event["kind"], event["public"], event["at"]) == (kind, public, iso(at))
        assert data.items() <= event["data"].items(), event
    assert staff_view[5]["body"] == "Waiting for the ISP"
    assert staff_view[5]["data"]["reason"] == "pending_vendor"

    # The requester sees the same history without the internal part.
    own_view = ok(clients.requester.get(url + "timeline/"))["results"]
    assert [e["id"] for e in own_view] == [
        e["id"]
        for e in staff_view
        if e["kind"] not in ("note", "assignment")
        and not (e["kind"] == "state" and e["data"]["to"] == "assigned")
    ]
    assert "ISP ticket 4711" not in str(own_view)

    sla = ok(clients.agent.get(url + "sla/", {"at": iso(T0 + 110 * M)}))
    clocks = {(c["kind"], c["team"]): c for c in sla["clocks"]}
    assert set(clocks) == {
        ("response", None),
        ("resolution", None),
        ("ola_response", desk.l1.pk),
        ("ola_resolution", desk.l1.pk),
    }
    response = clocks[("response", None)]
    assert (response["state"], response["due_at"]) == ("met", iso(T0 + 10 * M))
    # Stopped at the first reply: 5 of 10 minutes used.
    assert response["status"]["elapsed_seconds"] == 300
    assert response["status"]["remaining_seconds"] == 300
    assert response["status"]["percent"] == 50.0
    resolution = clocks[("resolution", None)]
    assert resolution["state"] == "met" and resolution["stopped_at"] == iso(T0 + 100 * M)
    assert resolution["due_at"] == iso(T0 + 180 * M)
    # 100 minutes open, minus 30 pending and 30 resolved: 40 of 120 minutes.
    assert resolution["status"]["elapsed_seconds"] == 40 * 60
    assert resolution["status"]["remaining_seconds"] == 80 * 60
    assert resolution["status"]["level"] == "ok"
    why = resolution["explanation"]
    assert why["due"] == (T0 + 180 * M).isoformat()
    assert why["duration_seconds"] == 7200
    assert [p["excluded_seconds"] for p in why["pauses"]] == [1800, 1800]
    ola = clocks[("ola_resolution", desk.l1.pk)]
    # Four hours from the assignment at 2 minutes, plus the two pauses.
    assert ola["due_at"] == iso(T0 + 2 * M + 4 * H + 60 * M)

    stored = Ticket.objects.get(pk=created["id"])
    assert (stored.state, stored.reopen_count, stored.resolution_code) == (
        "closed",
        1,
        "workaround",
    )


def test_request_with_manager_approval_then_tasks_over_the_api(desk, laptop, clients, clock):
    created = post(
        clients.requester,
        "/api/requests/",
        {"catalog_item": laptop.pk, "answers": {"model": "Pro", "monitors": 1}},
        status=201,
    )
    assert (created["number"], created["state"]) == ("REQ-000001", "awaiting_approval")
    assert created["answers"] == {"model": "Pro", "monitors": 1}
    assert created["title"] == "New laptop"

    # Addressed to her manager: he sees it, she does not (it is not hers to decide).
    assert ok(clients.requester.get("/api/approvals/"))["results"] == []
    waiting = ok(clients.manager.get("/api/approvals/"))["results"]
    assert len(waiting) == 1
    approval = waiting[0]
    assert approval["request"]["number"] == "REQ-000001"
    assert approval["request"]["answers"] == {"model": "Pro", "monitors": 1}
    # ...though he may not read the request itself.
    assert clients.manager.get(f"/api/requests/{created['id']}/").status_code == 404

    # An agent is not the approver: refused, and nothing changes.
    refused = clients.agent.post(f"/api/approvals/{approval['id']}/approve/", {}, format="json")
    assert refused.status_code == 403

    clock.set(T0 + H)
    decided = post(clients.manager, f"/api/approvals/{approval['id']}/approve/", {"comment": "OK"})
    assert (decided["state"], decided["decided_by"]) == ("approved", desk.manager_login.pk)
    request = ok(clients.agent.get(f"/api/requests/{created['id']}/"))
    assert (request["state"], request["assignment_team"]) == ("in_progress", desk.l2.pk)
    # The item's promise of 40 hours, from the approval.
    delivery = {
        c["kind"]: c for c in ok(clients.agent.get(f"/api/requests/{created['id']}/sla/"))["clocks"]
    }["resolution"]
    assert delivery["due_at"] == iso(T0 + H + 40 * H)

    tasks = ok(clients.agent.get("/api/tasks/", {"ticket": created["id"], "ordering": "id"}))
    by_title = {t["title"]: t for t in tasks["results"]}
    assert {t: by_title[t]["state"] for t in by_title} == {
        "Reserve device": "open",
        "Order dock": "open",
        "Hand over": "waiting",
    }
    clock.set(T0 + 2 * H)
    started = post(clients.specialist, f"/api/tasks/{by_title['Reserve device']['id']}/start/")
    assert (started["state"], started["assignee"]) == ("in_progress", desk.specialist.pk)
    post(clients.specialist, f"/api/tasks/{by_title['Reserve device']['id']}/complete/")
    clock.set(T0 + 3 * H)
    post(clients.agent, f"/api/tasks/{by_title['Order dock']['id']}/complete/", {"notes": "Sent"})
    hand_over = ok(clients.agent.get(f"/api/tasks/{by_title['Hand over']['id']}/"))
    assert hand_over["state"] == "open"
    clock.set(T0 + 5 * H)
    done = post(
        clients.agent, f"/api/tasks/{by_title['Hand over']['id']}/complete/", {"notes": "Handed"}
    )
    assert (done["state"], done["done_at"]) == ("done", iso(T0 + 5 * H))

    fulfilled = ok(clients.requester.get(f"/api/requests/{created['id']}/"))
    assert (fulfilled["state"], fulfilled["resolution_code"]) == ("resolved", "fulfilled")
    assert fulfilled["resolved_at"] == iso(T0 + 5 * H)
    # Completing a task twice is an invalid transition naming both states.
    again = clients.agent.post(
        f"/api/tasks/{by_title['Hand over']['id']}/complete/", {}, format="json"
    )
    assert again.status_code == 409
    assert "'done'" in again.json()["error"]["message"]


def test_rejection_closes_the_request_with_the_reason(desk, laptop, clients):
    created = post(
        clients.requester,
        "/api/requests/",
        {"catalog_item": laptop.pk, "answers": {"model": "Air"}},
        status=201,
    )
    approval = ok(clients.manager.get("/api/approvals/"))["results"][0]
    missing = clients.manager.post(f"/api/approvals/{approval['id']}/reject/", {}, format="json")
    assert missing.status_code == 400
    assert "comment" in missing.json()["error"]["fields"]
    post(clients.manager, f"/api/approvals/{approval['id']}/reject/", {"comment": "Not in budget"})
    request = ok(clients.requester.get(f"/api/requests/{created['id']}/"))
    assert (request["state"], request["resolution_code"]) == ("closed", "rejected")
    assert request["resolution_notes"] == "Not in budget"


def test_invalid_transition_is_409_naming_both_states(desk, clients):
    created = post(clients.agent, "/api/incidents/", incident(desk, "Printer on fire"), status=201)
    url = f"/api/incidents/{created['id']}/"
    response = clients.agent.post(url + "close/", {}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert "'new'" in error["message"] and "'closed'" in error["message"]
    post(clients.agent, url + "cancel/", {"reason": "Duplicate"})
    response = clients.agent.post(url + "start/", {}, format="json")
    assert response.status_code == 409
    assert "from 'cancelled' to 'in_progress'" in response.json()["error"]["message"]
    assert ok(clients.agent.get(url))["state"] == "cancelled"


def test_stale_versions_on_actions_and_patch(desk, clients):
    created = post(clients.agent, "/api/incidents/", incident(desk, "Slow wifi"), status=201)
    url = f"/api/incidents/{created['id']}/"
    read = created["version"]
    post(clients.agent, url + "assign/", {"team": desk.l1.pk, "version": read})
    now_at = ok(clients.agent.get(url))["version"]
    assert now_at > read

    stale = clients.agent.post(url + "start/", {"version": read}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["current"]["state"] == "assigned"
    stale = clients.agent.post(url + "start/", {}, format="json", HTTP_IF_MATCH=f'"{read}"')
    assert stale.status_code == 412
    assert ok(clients.agent.get(url))["state"] == "assigned"  # nothing happened

    patched = clients.agent.patch(url, {"title": "Very slow wifi", "version": read}, format="json")
    assert patched.status_code == 409
    assert patched.json()["error"]["current"]["title"] == "Slow wifi"
    no_version = clients.agent.patch(url, {"title": "Very slow wifi"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()["error"]["fields"]
    patched = clients.agent.patch(
        url,
        {"title": "Very slow wifi", "impact": "1", "urgency": "1", "version": now_at},
        format="json",
    )
    body = ok(patched)
    assert (body["title"], body["priority"]) == ("Very slow wifi", "p1")
    assert patched["ETag"] == f'"{body["version"]}"'
    field_event = TimelineEvent.objects.get(ticket_id=created["id"], kind="field")
    assert field_event.data["changes"]["title"] == ["Slow wifi", "Very slow wifi"]


def test_employees_see_only_their_own_tickets_and_no_internal_notes(
    desk, clients, make_user, api_client
):
    mine = post(clients.requester, "/api/incidents/", {"title": "My laptop"}, status=201)
    post(
        clients.agent,
        f"/api/incidents/{mine['id']}/comment/",
        {"body": "Secret internal remark", "public": False},
        status=201,
    )
    post(clients.agent, f"/api/incidents/{mine['id']}/comment/", {"body": "Reboot it"}, 201)
    others = post(
        clients.agent,
        "/api/incidents/",
        {"title": "Someone else's", "requester": desk.manager_login.person_id},
        status=201,
    )

    rows = ok(clients.requester.get("/api/incidents/"))["results"]
    assert [r["number"] for r in rows] == [mine["number"]]
    for path in ("", "timeline/", "comment/"):
        url = f"/api/incidents/{others['id']}/{path}"
        response = (
            clients.requester.post(url, {"body": "hi"}, format="json")
            if path == "comment/"
            else clients.requester.get(url)
        )
        assert response.status_code == 404, path
    assert clients.requester.get(f"/api/incidents/{others['id']}/sla/").status_code == 403
    timeline = ok(clients.requester.get(f"/api/incidents/{mine['id']}/timeline/"))["results"]
    assert [e["kind"] for e in timeline] == ["created", "comment"]
    assert "Secret" not in str(timeline)
    # She replies on her own ticket, but cannot write an internal note.
    post(clients.requester, f"/api/incidents/{mine['id']}/comment/", {"body": "Done"}, 201)
    note = clients.requester.post(
        f"/api/incidents/{mine['id']}/comment/", {"body": "x", "public": False}, format="json"
    )
    assert note.status_code == 400 and "public" in note.json()["error"]["fields"]
    # ...and reports only for herself.
    for_other = clients.requester.post(
        "/api/incidents/",
        {"title": "x", "requester": desk.manager_login.person_id},
        format="json",
    )
    assert for_other.status_code == 400 and "requester" in for_other.json()["error"]["fields"]


def test_auditors_read_but_never_write(desk, clients, make_user, api_client):
    auditor = api_client(make_user("auditor"))
    created = post(clients.agent, "/api/incidents/", incident(desk, "Disk full"), status=201)
    url = f"/api/incidents/{created['id']}/"
    assert ok(auditor.get(url))["number"] == created["number"]
    assert ok(auditor.get(url + "sla/"))["clocks"] == []
    for action, body in (("comment/", {"body": "x"}), ("start/", {}), ("", None)):
        response = (
            auditor.patch(url, {"title": "x", "version": 1}, format="json")
            if body is None
            else auditor.post(url + action, body, format="json")
        )
        assert response.status_code == 403, action
    assert TimelineEvent.objects.filter(ticket_id=created["id"]).count() == 1


def test_list_filters_search_and_sla_ordering(desk, clients, clock):
    def open_one(title, minutes, **extra):
        clock.set(T0 + minutes * M)
        return post(
            clients.agent,
            "/api/incidents/",
            {**incident(desk, title), "service": desk.service.pk, **extra},
            status=201,
        )

    # Tier 2: P1 responds in 10 minutes; P3 (impact 2, urgency 2) in 4 hours.
    low = open_one("Slow wiki", 0, impact="2", urgency="2")
    high = open_one("VPN down", 5, impact="1", urgency="1", assignment_team=desk.l2.pk)
    plain = open_one("Printer jam", 10)  # no service: no SLA, due never
    plain_url = f"/api/incidents/{plain['id']}/"
    post(clients.agent, plain_url + "cancel/", {"reason": "Fixed itself"})

    def numbers(**query):
        return [r["number"] for r in ok(clients.agent.get("/api/incidents/", query))["results"]]

    assert numbers(ordering="sla_due_at") == [high["number"], low["number"], plain["number"]]
    assert numbers(ordering="-sla_due_at")[0] == plain["number"]
    assert numbers(priority="p1") == [high["number"]]
    assert numbers(state=["new", "assigned"], ordering="id") == [low["number"], high["number"]]
    assert numbers(assignment_team=desk.l2.pk) == [high["number"]]
    assert numbers(q="vpn") == [high["number"]]
    assert numbers(q=low["number"].lower()) == [low["number"]]
    assert numbers(sla_due_before=iso(T0 + 60 * M)) == [high["number"]]
    assert numbers(created_after=iso(T0 + 5 * M), ordering="id") == [
        high["number"],
        plain["number"],
    ]
    assert numbers(created_before=iso(T0 + 5 * M)) == [low["number"]]
    # Incidents and requests are separate endpoints over one table.
    assert ok(clients.agent.get("/api/requests/"))["results"] == []
    assert clients.agent.get(f"/api/requests/{low['id']}/").status_code == 404
    # Walking pages sorted by a key that is empty for some rows.
    first = ok(clients.agent.get("/api/incidents/", {"ordering": "sla_due_at", "page_size": 2}))
    assert [r["number"] for r in first["results"]] == [high["number"], low["number"]]
    rest = ok(clients.agent.get(first["next"]))
    assert [r["number"] for r in rest["results"]] == [plain["number"]]
