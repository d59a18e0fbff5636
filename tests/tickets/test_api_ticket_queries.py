"""Query counts of the ticket API: constant as rows grow (no N+1).

By hand: one query authenticates the token (joined to its user), one reads
the page; a detail reads the ticket; a timeline reads the ticket and then
the page of events.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stanchion.tickets import services

from . import api_support as support

clients = support.clients


def open_incidents(desk, count):
    for n in range(count):
        ticket = services.open_incident(
            actor=desk.agent,
            requester=desk.requester,
            title=f"Incident {n}",
            service=desk.service,
            assignment_team=desk.l1,
            assignee=desk.agent,
        )
        services.add_comment(ticket, actor=desk.agent, body="On it")


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured), response.json()


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_incident_list_queries_do_not_grow(desk, clients, who):
    client = getattr(clients, who)
    # One more query where a filter names a record: django-filter checks it exists.
    cases = [
        ({}, 2),
        ({"ordering": "sla_due_at", "state": ["assigned", "in_progress"]}, 2),
        ({"assignment_team": desk.l1.pk, "q": "incident", "ordering": "-created_at"}, 3),
    ]
    client.get("/api/incidents/")  # stamps the token's first use

    def measure(rows):
        for params, expected in cases:
            count, body = queries(client, "/api/incidents/", {**params, "page_size": 100})
            assert len(body["results"]) == rows, params
            assert count == expected, params

    open_incidents(desk, 5)
    measure(5)
    open_incidents(desk, 25)
    measure(30)


def test_detail_timeline_and_sla_query_counts(desk, clients):
    clients.agent.get("/api/incidents/")
    open_incidents(desk, 1)
    ticket_id = clients.agent.get("/api/incidents/").json()["results"][0]["id"]
    url = f"/api/incidents/{ticket_id}/"
    count, _ = queries(clients.agent, url)
    assert count == 2
    few, body = queries(clients.agent, url + "timeline/")
    assert few == 3 and len(body["results"]) == 4  # opened, state, assignment, reply
    for n in range(20):
        services.add_comment(
            desk.requester.tickets.get(pk=ticket_id),
            actor=desk.agent,
            body=f"Update {n}",
        )
    many, body = queries(clients.agent, url + "timeline/")
    assert many == 3 and len(body["results"]) == 24
    sla_queries, body = queries(clients.agent, url + "sla/")
    assert len(body["clocks"]) == 4
    print("SLA", sla_queries)
    assert sla_queries <= 8
