"""Phone and chat intake: requester search, priority preview, the new
incident form and its errors."""

from django.urls import reverse

from stanchion.tickets.models import Ticket

from .test_agent_world import HTMX, login


def test_requester_search_finds_people_by_name_or_email(desk):
    client = login(desk.agent)
    url = reverse("tickets:person-search")
    body = client.get(url, {"requester_search": "rita"}, headers=HTMX).content.decode()
    assert "Rita Requester" in body and f'data-person-id="{desk.requester.pk}"' in body
    assert "Boss" not in body
    body = client.get(url, {"requester_search": "boss@exa"}, headers=HTMX).content.decode()
    assert "Boss" in body and "Rita" not in body
    body = client.get(url, {"requester_search": "r"}, headers=HTMX).content.decode()
    assert "at least two letters" in body
    body = client.get(url, {"requester_search": "zzzz"}, headers=HTMX).content.decode()
    assert "Nobody matches" in body


def test_priority_preview_follows_the_matrix(desk):
    client = login(desk.agent)
    url = reverse("tickets:priority-preview")
    # The default matrix: impact 1 x urgency 1 is P1, 2 x 3 is P3, 3 x 3 is P4.
    for impact, urgency, expected in (("1", "1", "P1"), ("2", "3", "P3"), ("3", "3", "P4")):
        body = client.get(url, {"impact": impact, "urgency": urgency}).content.decode()
        assert f">{expected}</span>" in body
    assert "—" in client.get(url, {"impact": "9", "urgency": "1"}).content.decode()


def test_open_an_incident_for_a_caller(desk):
    response = login(desk.agent).post(
        reverse("tickets:incident-new"),
        {
            "requester": desk.requester.pk,
            "channel": "phone",
            "service": desk.service.pk,
            "impact": "2",
            "urgency": "1",
            "title": "Cannot reach the VPN from the hotel",
            "description": "Called at 9:10.",
            "assignment_team": desk.l1.pk,
            "assignee": desk.agent.pk,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:ticket", args=[ticket.number])
    assert (ticket.requester, ticket.channel, ticket.priority) == (desk.requester, "phone", "p2")
    assert (ticket.assignment_team, ticket.assignee, ticket.state) == (
        desk.l1,
        desk.agent,
        "assigned",
    )
    assert ticket.reported_by == desk.agent


def test_intake_errors_name_the_field(desk):
    client = login(desk.agent)
    response = client.post(
        reverse("tickets:incident-new"),
        {"channel": "phone", "impact": "2", "urgency": "2", "title": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Find the person who reported it." in body and "This field is required." in body
    response = client.post(
        reverse("tickets:incident-new"),
        {
            "requester": desk.requester.pk,
            "channel": "phone",
            "impact": "2",
            "urgency": "2",
            "title": "Team mismatch",
            "assignment_team": desk.l2.pk,
            "assignee": desk.agent.pk,
        },
    )
    assert response.status_code == 400
    assert f"{desk.agent} is not a member of Network." in response.content.decode()
    assert not Ticket.objects.exists()


def test_auditor_cannot_open_the_intake_form(desk, make_user):
    assert login(make_user("auditor")).get(reverse("tickets:incident-new")).status_code == 403
