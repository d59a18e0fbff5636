"""The demo company's major incidents: past outages resolved with updates,
reviews and actions; one current P1 whose update is overdue."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from stanchion.core.demo import run_demo
from stanchion.core.registry import registry
from stanchion.majorincidents.models import MajorIncident, ServiceSubscription

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
STEPS = ("directory", "catalog", "tickets", "majorincidents")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            steps = [s for s in registry.demo if s.name in STEPS]
            yield run_demo(seed=7, employees=50, tickets=30, now=NOW, steps=steps)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_one_current_p1_with_an_overdue_update(demo):
    [current] = MajorIncident.objects.filter(state="declared")
    assert current.priority == "p1" and current.ticket.is_major
    assert current.ticket.impact_start == current.impact_start < current.declared_at
    assert current.updates.count() == 1
    assert current.update_overdue(NOW)  # posted 70 minutes ago, due every 30
    assert current.children.count() == 2


@pytest.mark.django_db
def test_past_outages_are_resolved_with_updates_reviews_and_actions(demo):
    past = list(MajorIncident.objects.filter(state="resolved"))
    assert past, "the service desk's outages became major incidents"
    for mi in past:
        assert mi.impact_start <= mi.mitigated_at <= mi.resolved_at <= NOW
        assert mi.ticket.state in ("resolved", "closed")
        assert mi.updates.count() >= 2
        assert mi.updates.filter(state="resolved").count() == 1
        assert mi.review.root_cause and "Impact started." in mi.review.timeline
        actions = list(mi.review.actions.all())
        assert len(actions) == 3
        for action in actions:
            assert (action.state == "done") == (action.done_at is not None)
        for child in mi.children.select_related("ticket"):
            assert child.ticket.state in ("resolved", "closed")


@pytest.mark.django_db
def test_employees_follow_services(demo):
    assert ServiceSubscription.objects.exists()
    assert not ServiceSubscription.objects.exclude(user__role="requester").exists()
