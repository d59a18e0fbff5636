"""Bulk actions from a queue: one service call per ticket, each outcome
reported; a refused ticket neither blocks nor undoes the others."""

from django.urls import reverse

from stanchion.tickets import services
from stanchion.tickets.models import Ticket

from .test_agent_world import HTMX, login, open_ticket

RESULTS = {**HTMX, "HX-Target": "queue-results"}


def selected(*tickets):
    return [f"{t.pk}:{t.version}" for t in tickets]


def test_bulk_state_change_reports_the_refused_ticket(desk):
    first = open_ticket(desk, "First", team=desk.l1)
    second = open_ticket(desk, "Second", team=desk.l1)
    done = open_ticket(desk, "Already resolved", team=desk.l1)
    done = services.resolve(done, actor=desk.agent, code="solved", notes="Fixed.")
    response = login(desk.agent).post(
        reverse("tickets:bulk"),
        {
            "action": "state",
            "state": "pending",
            "pending_reason": "pending_vendor",
            "queue": "all",
            "query": "sort=-created",
            "ticket": selected(first, second, done),
        },
        headers=RESULTS,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "2 changed, 1 refused" in body
    assert (
        f"{done.number}</a> A ticket cannot go from &#x27;resolved&#x27; to &#x27;pending&#x27;"
        in (body)
    )
    states = dict(Ticket.objects.values_list("title", "state"))
    assert states == {"First": "pending", "Second": "pending", "Already resolved": "resolved"}
    assert Ticket.objects.get(pk=first.pk).pending_reason == "pending_vendor"


def test_bulk_assign_with_a_stale_row_and_a_non_member(desk):
    fresh = open_ticket(desk, "Fresh")
    stale = open_ticket(desk, "Stale")
    stale_seen = selected(stale)
    services.add_comment(stale, actor=desk.specialist, body="Changed meanwhile")
    client = login(desk.agent)
    response = client.post(
        reverse("tickets:bulk"),
        {
            "action": "assign",
            "assignment_team": desk.l2.pk,
            "queue": "unassigned",
            "ticket": selected(fresh) + stale_seen,
        },
        headers=RESULTS,
    )
    body = response.content.decode()
    assert "1 changed, 1 refused" in body
    assert "someone else changed it" in body
    assert Ticket.objects.get(pk=fresh.pk).assignment_team == desk.l2
    assert Ticket.objects.get(pk=stale.pk).assignment_team is None

    # The agent is not in Network: naming them as assignee is refused by name.
    again = Ticket.objects.get(pk=stale.pk)
    response = client.post(
        reverse("tickets:bulk"),
        {
            "action": "assign",
            "assignment_team": desk.l2.pk,
            "assignee": desk.agent.pk,
            "queue": "all",
            "ticket": selected(again),
        },
        headers=RESULTS,
    )
    assert f"{desk.agent} is not a member of Network." in response.content.decode()


def test_bulk_without_selection_or_choice_says_what_is_missing(desk):
    ticket = open_ticket(desk, "One")
    client = login(desk.agent)
    response = client.post(
        reverse("tickets:bulk"), {"action": "assign", "queue": "all"}, headers=RESULTS
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select at least one ticket." in body
    assert "Choose the team to assign the tickets to." in body
    response = client.post(
        reverse("tickets:bulk"),
        {"action": "state", "state": "pending", "queue": "all", "ticket": selected(ticket)},
        headers=RESULTS,
    )
    assert "Say what the tickets are waiting for." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == "new"


def test_auditor_cannot_bulk_act(desk, make_user):
    ticket = open_ticket(desk, "One")
    response = login(make_user("auditor")).post(
        reverse("tickets:bulk"),
        {"action": "state", "state": "in_progress", "queue": "all", "ticket": selected(ticket)},
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).state == "new"


def test_a_refused_bulk_request_keeps_the_choices_and_ticked_rows(desk):
    ticket = open_ticket(desk, "Keep me ticked")
    response = login(desk.agent).post(
        reverse("tickets:bulk"),
        {"action": "state", "state": "pending", "queue": "all", "ticket": selected(ticket)},
        headers=RESULTS,
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        f'value="{ticket.pk}:{ticket.version}" aria-label="Select {ticket.number}" checked' in body
    )
    assert '<option value="pending" selected>' in body
