"""My tickets in the portal: the list, the public timeline, replying to a
question, reopening within the window and rating a resolved ticket."""

# Fixtures imported from test_portal_fixtures are used as test arguments.
# ruff: noqa: F811

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stanchion.tickets import services
from stanchion.tickets.models import CsatSurvey, Ticket

from .test_portal_fixtures import colleague, laptop, login, open_incident  # noqa: F401

DAY = timedelta(days=1)


def page_of(client, ticket):
    response = client.get(reverse("tickets:portal-ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def resolved_incident(desk, *, days_ago):
    """An incident opened and resolved ``days_ago`` days ago."""
    at = timezone.now() - days_ago * DAY
    ticket = open_incident(desk, now=at - timedelta(hours=2))
    return services.resolve(
        ticket, actor=desk.agent, code="solved", notes="Replaced the VPN profile.", now=at
    )


def test_internal_notes_and_assignment_details_never_reach_the_portal(desk, login):
    ticket = open_incident(desk)
    services.assign(ticket, actor=desk.agent, team=desk.l1, assignee=desk.agent)
    services.add_comment(ticket, actor=desk.agent, body="Secret: user is on VPN 2.3", public=False)
    services.add_comment(ticket, actor=desk.agent, body="Could you restart the VPN client?")
    services.assign(ticket, actor=desk.agent, team=desk.l2, assignee=desk.specialist)

    page = page_of(login(desk.requester_login), ticket)
    assert "Could you restart the VPN client?" in page
    assert "Secret: user is on VPN 2.3" not in page
    # Who holds it inside IT, and the reassignment, stay internal.
    assert desk.specialist.full_name not in page
    assert "Service Desk" not in page  # the team it was reassigned from


def test_the_description_is_markdown_with_raw_html_escaped(desk, login):
    ticket = services.open_incident(
        actor=desk.requester_login,
        requester=desk.requester,
        title="Odd",
        description="It says **denied** <script>alert(1)</script>",
    )
    page = page_of(login(desk.requester_login), ticket)
    assert "<strong>denied</strong>" in page
    assert "<script>alert(1)</script>" not in page


def test_replying_to_a_question_puts_the_ticket_back_in_progress(desk, login):
    ticket = open_incident(desk)
    services.assign(ticket, actor=desk.agent, team=desk.l1)
    services.change_state(
        ticket,
        "pending",
        actor=desk.agent,
        pending_reason="pending_customer",
        body="Which VPN client version do you use?",
    )
    client = login(desk.requester_login)
    page = page_of(client, ticket)
    assert "Waiting for your answer" in page and "Which VPN client version do you use?" in page
    assert "Send answer" in page

    response = client.post(
        reverse("tickets:portal-reply", args=[ticket.number]), {"body": "Version 5.1"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == "in_progress" and ticket.pending_reason == ""
    assert ticket.events.filter(kind="comment", public=True, body="Version 5.1").exists()
    assert "Version 5.1" in page_of(client, ticket)


def test_an_empty_reply_is_refused_beside_the_box(desk, login):
    ticket = open_incident(desk)
    response = login(desk.requester_login).post(
        reverse("tickets:portal-reply", args=[ticket.number]), {"body": "   "}
    )
    assert response.status_code == 400
    assert response.context["reply_form"].errors == {"body": ["This field is required."]}
    assert not ticket.events.filter(kind="comment").exists()


@pytest.fixture
def reopen_week(settings):
    settings.TICKET_REOPEN_DAYS = 7


def test_reopening_within_the_window(desk, login, reopen_week):
    ticket = resolved_incident(desk, days_ago=6)
    client = login(desk.requester_login)
    page = page_of(client, ticket)
    assert "Solved" in page and f"Reopen {ticket.number}" in page
    response = client.post(
        reverse("tickets:portal-reopen", args=[ticket.number]), {"reason": "It is back."}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == "in_progress" and ticket.reopen_count == 1
    assert "It is back." in page_of(client, ticket)


def test_reopening_needs_a_reason(desk, login, reopen_week):
    ticket = resolved_incident(desk, days_ago=1)
    response = login(desk.requester_login).post(
        reverse("tickets:portal-reopen", args=[ticket.number]), {"reason": ""}
    )
    assert response.status_code == 400
    assert response.context["reopen_form"].errors == {"reason": ["This field is required."]}
    ticket.refresh_from_db()
    assert ticket.state == "resolved"


def test_reopening_after_the_window_is_refused_with_the_reason(desk, login, reopen_week):
    ticket = resolved_incident(desk, days_ago=8)
    client = login(desk.requester_login)
    page = page_of(client, ticket)
    assert f"Reopen {ticket.number}" not in page and "report a new problem" in page
    response = client.post(
        reverse("tickets:portal-reopen", args=[ticket.number]), {"reason": "Still broken"}
    )
    assert response.status_code == 400
    assert "within 7 days of resolution" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == "resolved" and ticket.reopen_count == 0


def test_a_resolved_ticket_is_rated_once(desk, login):
    ticket = resolved_incident(desk, days_ago=1)
    client = login(desk.requester_login)
    assert "Rate how we did" in page_of(client, ticket)
    url = reverse("tickets:portal-rate", args=[ticket.number])

    bad = client.post(url, {"rating": "9"})
    assert bad.status_code == 400 and "rating" in bad.context["rating_form"].errors

    response = client.post(url, {"rating": "4", "comment": "Quick, thanks"})
    assert response.status_code == 302
    survey = CsatSurvey.objects.get(ticket=ticket)
    assert (survey.rating, survey.comment) == (4, "Quick, thanks")
    assert survey.answered_at is not None
    page = page_of(client, ticket)
    assert "Rate how we did" not in page and "4 out of 5" in page

    again = client.post(url, {"rating": "1", "comment": "Changed my mind"}, follow=True)
    assert "already been rated" in again.content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Quick, thanks")


def test_other_peoples_tickets_are_404_for_every_action(desk, colleague, login):
    ticket = resolved_incident(desk, days_ago=1)
    carl = login(colleague)
    for name, data in (
        ("tickets:portal-ticket", None),
        ("tickets:portal-reply", {"body": "hi"}),
        ("tickets:portal-reopen", {"reason": "x"}),
        ("tickets:portal-rate", {"rating": "1"}),
    ):
        url = reverse(name, args=[ticket.number])
        response = carl.get(url) if data is None else carl.post(url, data)
        assert response.status_code == 404, name
    ticket.refresh_from_db()
    assert ticket.state == "resolved"
    assert CsatSurvey.objects.get(ticket=ticket).answered_at is None


def test_my_tickets_lists_open_ones_first_then_the_newest(desk, login):
    now = timezone.now()
    old_open = open_incident(desk, title="Old and open", now=now - 5 * DAY)
    solved = open_incident(desk, title="Solved yesterday", now=now - 2 * DAY)
    services.resolve(solved, actor=desk.agent, code="solved", notes="Done", now=now - DAY)
    new_open = open_incident(desk, title="New and open", now=now - DAY)
    oldest_done = open_incident(desk, title="Cancelled long ago", now=now - 9 * DAY)
    services.cancel(oldest_done, actor=desk.agent, reason="Duplicate", now=now - 8 * DAY)

    response = login(desk.requester_login).get(reverse("tickets:my-tickets"))
    rows = [ticket.title for ticket, _ in response.context["rows"]]
    assert rows == ["New and open", "Old and open", "Solved yesterday", "Cancelled long ago"]
    words = {ticket.title: label.label for ticket, label in response.context["rows"]}
    assert words["Solved yesterday"] == "Solved" and words["New and open"] == "Received"
    assert old_open.pk and new_open.pk


def test_my_tickets_query_count_does_not_grow_with_rows(desk, laptop, login):
    client = login(desk.requester_login)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("tickets:my-tickets")).status_code == 200
        return len(captured)

    open_incident(desk)
    services.open_request(
        actor=desk.requester_login,
        requester=desk.requester,
        item=laptop,
        answers={"model": "Air", "keep_old": True},
    )
    few = queries()
    for n in range(8):
        open_incident(desk, title=f"Problem {n}")
    assert Ticket.objects.count() == 10
    assert queries() == few
    assert few <= 10


def test_a_ticket_reported_by_it_for_the_employee_is_theirs_too(desk, login):
    ticket = services.open_incident(
        actor=desk.agent, requester=desk.requester, title="Called about Wi-Fi", channel="phone"
    )
    client = login(desk.requester_login)
    assert "Called about Wi-Fi" in client.get(reverse("tickets:my-tickets")).content.decode()
    assert "Called about Wi-Fi" in page_of(client, ticket)
    # The agent who logged it does not get it in their own list.
    agent_list = login(desk.agent).get(reverse("tickets:my-tickets")).content.decode()
    assert "Called about Wi-Fi" not in agent_list
