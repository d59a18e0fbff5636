"""Two people acting on one change at the same instant, on PostgreSQL (each
thread its own connection, as two server workers would have): nothing is
lost and no decision is made twice."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from stanchion.changes import services
from stanchion.changes.models import Change
from stanchion.changes.services import approvals, lifecycle
from stanchion.core.errors import ConflictError

from .conftest import NOW

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_saves(monkeypatch):
    """Hold the row locks a little longer, so the second thread is surely
    waiting on them rather than arriving after the first is done."""
    for module in (lifecycle, approvals):
        original = module.save_validated

        def held(instance, original=original):
            time.sleep(0.05)
            return original(instance)

        monkeypatch.setattr(module, "save_validated", held)


def at_once(*calls):
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
    return results


def test_two_edits_of_the_same_version_one_wins(org, slow_saves):
    change = org.normal()
    seen = change.version
    results = at_once(
        lambda: services.update_change(
            change, {"title": "By the agent"}, actor=org.agent, expected_version=seen
        ),
        lambda: services.update_change(
            change, {"title": "By the manager"}, actor=org.tm, expected_version=seen
        ),
    )
    won = [r for r in results if isinstance(r, Change)]
    lost = [r for r in results if isinstance(r, ConflictError)]
    assert len(won) == 1 and len(lost) == 1, results
    change.refresh_from_db()
    assert (change.title, change.version) == (won[0].title, seen + 1)


def test_the_last_of_two_simultaneous_approvals_sets_approved_at(org, fixed_risk, slow_saves):
    fixed_risk("medium")
    change = services.submit(org.normal(services=[org.sso]), actor=org.agent, now=NOW)
    services.request_approval(change, actor=org.agent, now=NOW)
    platform = change.approvals.get(kind="team_manager")
    identity = change.approvals.get(kind="service_owner")
    results = at_once(
        lambda: services.decide(platform, actor=org.tm, approve=True, now=NOW),
        lambda: services.decide(identity, actor=org.tm_id, approve=True, now=NOW),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    change.refresh_from_db()
    assert change.approved_at == NOW
    assert change.events.filter(kind="approved").count() == 1


def test_one_approval_is_decided_once(org, fixed_risk, slow_saves):
    fixed_risk("low")
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    services.request_approval(change, actor=org.agent, now=NOW)
    approval = change.approvals.get()
    results = at_once(
        lambda: services.decide(approval, actor=org.tm, approve=True, now=NOW),
        lambda: services.decide(approval, actor=org.tm_b, approve=False, comment="No", now=NOW),
    )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert change.events.filter(kind="approval").count() == 1
