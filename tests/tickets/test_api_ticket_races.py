"""Two agents acting on one ticket at the same instant, through real
concurrent HTTP requests on PostgreSQL (each thread its own connection, as
two server workers would have). Nothing is lost: the loser of a versioned
race gets 409/412 with the winner's state; unversioned work (comments)
applies on top of the other change."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from stanchion.accounts import services as accounts
from stanchion.core import audit
from stanchion.tickets import services
from stanchion.tickets.models import Ticket, TimelineEvent
from stanchion.tickets.services import lifecycle

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_saves(monkeypatch):
    """Hold the ticket's row lock a little longer, so the second request is
    surely waiting on it rather than arriving after the first is done."""
    original = lifecycle.save_validated

    def held(instance):
        time.sleep(0.05)
        return original(instance)

    monkeypatch.setattr(lifecycle, "save_validated", held)


def client_for(user):
    _, raw = accounts.issue_token(actor=None, user=user, name="race", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def at_once(*calls):
    """Run the calls in threads released together; return their responses."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(hasattr(r, "status_code") for r in results), results
    return results


@pytest.fixture
def race(desk, slow_saves):
    agent, specialist = client_for(desk.agent), client_for(desk.specialist)
    accounts.add_team_member(desk.l1, desk.specialist, actor=None)

    def new_ticket():
        ticket = services.open_incident(
            actor=desk.agent, requester=desk.requester, title="VPN", assignment_team=desk.l1
        )
        return ticket, f"/api/incidents/{ticket.pk}/"

    return agent, specialist, new_ticket


@pytest.mark.parametrize("mode, conflict_status", [("version", 409), ("if-match", 412)])
def test_both_resolve_from_the_same_version_one_wins(desk, race, mode, conflict_status):
    agent, specialist, new_ticket = race
    for round_ in range(3):
        ticket, url = new_ticket()
        version = ticket.version

        def resolve(client, notes):
            body = {"resolution_code": "solved", "resolution_notes": notes}
            if mode == "version":
                return client.post(url + "resolve/", {**body, "version": version}, format="json")
            return client.post(url + "resolve/", body, format="json", HTTP_IF_MATCH=f'"{version}"')

        first, second = at_once(
            lambda: resolve(agent, "Fixed by A"), lambda: resolve(specialist, "Fixed by B")
        )
        statuses = sorted([first.status_code, second.status_code])
        assert statuses == sorted([200, conflict_status]), (round_, first.json(), second.json())
        winner, loser = (first, second) if first.status_code == 200 else (second, first)
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.state == "resolved"
        assert stored.resolution_notes == winner.json()["resolution_notes"]
        assert loser.json()["error"]["current"]["state"] == "resolved"
        assert loser.json()["error"]["current"]["version"] == stored.version
        resolved_events = TimelineEvent.objects.filter(
            ticket=ticket, kind="state", data__to="resolved"
        )
        assert resolved_events.count() == 1
    assert audit.verify() == []


def test_unversioned_resolves_race_into_an_invalid_transition(desk, race):
    agent, specialist, new_ticket = race
    ticket, url = new_ticket()
    body = {"resolution_code": "solved", "resolution_notes": "Done"}
    results = at_once(
        lambda: agent.post(url + "resolve/", body, format="json"),
        lambda: specialist.post(url + "resolve/", body, format="json"),
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["error"]["code"] == "invalid_transition"
    assert "'resolved'" in loser.json()["error"]["message"]
    assert Ticket.objects.get(pk=ticket.pk).surveys.count() == 1


def test_assign_and_comment_at_once_both_apply(desk, race):
    agent, specialist, new_ticket = race
    for _ in range(3):
        ticket, url = new_ticket()
        version = ticket.version
        assign, comment = at_once(
            lambda: agent.post(
                url + "assign/",
                {"team": desk.l2.pk, "assignee": desk.specialist.pk, "version": version},
                format="json",
            ),
            lambda: specialist.post(url + "comment/", {"body": "Found it"}, format="json"),
        )
        # The assignment names the version it read; a comment needs none and
        # may land first: the assignment then finds the ticket moved on.
        assert comment.status_code == 201, comment.content
        stored = Ticket.objects.get(pk=ticket.pk)
        assert TimelineEvent.objects.filter(ticket=ticket, kind="comment").count() == 1
        assert stored.first_response_at is not None
        if assign.status_code == 200:
            assert (stored.assignment_team_id, stored.assignee_id) == (
                desk.l2.pk,
                desk.specialist.pk,
            )
            assert stored.version == version + 2
        else:
            assert assign.status_code == 409
            assert assign.json()["error"]["current"]["first_response_at"] is not None
            assert stored.assignment_team_id == desk.l1.pk
            assert stored.version == version + 1


def test_two_comments_at_once_both_kept(desk, race):
    agent, specialist, new_ticket = race
    ticket, url = new_ticket()
    results = at_once(
        lambda: agent.post(url + "comment/", {"body": "From A"}, format="json"),
        lambda: specialist.post(
            url + "comment/", {"body": "From B", "public": False}, format="json"
        ),
    )
    assert [r.status_code for r in results] == [201, 201]
    bodies = set(TimelineEvent.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert {"From A", "From B"} <= bodies
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version + 2
