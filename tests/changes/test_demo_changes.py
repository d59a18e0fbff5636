"""The demo's year of change management: the mix of types, failures linked
to the incidents they caused, CAB meetings with decisions and attendance,
windows and the year-end freeze, KPIs in a plausible range, and the same
history for the same seed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from stanchion.changes.models import (
    Blackout,
    CabAgendaItem,
    CabAttendance,
    CabMeeting,
    Change,
    ChangeApproval,
    ChangeEvent,
    ChangeIncident,
    MaintenanceWindow,
)
from stanchion.core.demo import run_demo
from stanchion.core.registry import registry
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday afternoon
CHANGES = 60
YEAR = periods.Period("custom", NOW - timedelta(days=365), NOW)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo company with a year of tickets and changes, rolled
    back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_demo(seed=7, employees=60, tickets=40, changes=CHANGES, now=NOW)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint():
    changes = list(
        Change.objects.order_by("number").values_list(
            "number", "title", "change_type", "state", "outcome", "planned_start",
            "actual_start", "risk_score", "requested_by__email",
        )
    )  # fmt: skip
    events = list(ChangeEvent.objects.order_by("id").values_list("change__number", "kind", "at"))
    return changes, events


@pytest.mark.django_db
def test_same_seed_same_history():
    steps = [s for s in registry.demo if s.name in ("directory", "catalog", "changes")]
    runs = []
    for _ in range(2):
        with transaction.atomic():
            run_demo(seed=3, employees=50, changes=20, now=NOW, steps=steps)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0][0], "the demo made no changes"
    assert runs[0] == runs[1]


def kpi(key):
    value = engine.compute([key], YEAR, now=NOW, targets=TargetTable())[key][ALL]
    return value.value, value.denominator


@pytest.mark.django_db
def test_the_mix_of_change_types(demo):
    types = list(Change.objects.values_list("change_type", flat=True))
    assert len(types) == CHANGES
    # 70 / 25 / 5 of 60, give or take the one a linked incident turns normal.
    assert 40 <= types.count("standard") <= 42
    assert 15 <= types.count("normal") <= 17
    assert types.count("emergency") == 3
    assert ("Changes", CHANGES) in demo["summary"]


@pytest.mark.django_db
def test_the_history_spans_the_year_and_ends_with_work_ahead(demo):
    started = Change.objects.exclude(actual_start=None)
    first = started.order_by("actual_start").first().actual_start
    assert first < NOW - timedelta(days=300)
    assert Change.objects.filter(state="closed").count() >= CHANGES * 0.8
    assert all(c.actual_start <= NOW for c in started)
    # Every step is on the timeline, at or before now.
    assert not ChangeEvent.objects.filter(at__gt=NOW).exists()
    assert ChangeEvent.objects.filter(kind="state").count() > CHANGES * 4


@pytest.mark.django_db
def test_the_rules_hold_for_every_change(demo):
    for change in Change.objects.exclude(actual_start=None):
        if change.change_type != "standard":
            assert change.approved_at is not None and change.approved_at <= change.actual_start
        if change.state == "closed":
            assert all(step["done"] for step in change.validation_checklist), change.number
            assert change.outcome
        if change.change_type == "emergency" and change.state == "closed":
            assert change.retrospective
        if change.outcome in ("failed", "rolled_back"):
            assert change.outcome_notes


@pytest.mark.django_db
def test_some_failures_are_the_incidents_they_caused(demo):
    links = list(ChangeIncident.objects.select_related("change", "incident"))
    assert links
    for link in links:
        change, incident = link.change, link.incident
        assert incident.kind == "incident"
        assert change.actual_end < incident.created_at <= change.actual_end + timedelta(hours=5)
        assert incident.service_id in set(change.services.values_list("pk", flat=True))


@pytest.mark.django_db
def test_cab_meetings_decide_the_high_risk_changes(demo):
    held = CabMeeting.objects.filter(state="held")
    assert held.count() >= 20  # every other Tuesday
    assert CabAttendance.objects.filter(attended=True).count() >= held.count()
    decided = CabAgendaItem.objects.exclude(decision="")
    assert decided.filter(decision="approved").exists()
    for item in decided.filter(decision="approved"):
        assert item.change.risk_level == "high"
        cab = ChangeApproval.objects.get(change=item.change, kind="cab")
        assert cab.state == "approved"


@pytest.mark.django_db
def test_windows_and_blackouts(demo):
    assert MaintenanceWindow.objects.filter(weekdays=[1, 3]).count() >= 5
    freezes = Blackout.objects.filter(name__startswith="Year-end change freeze")
    assert freezes.count() == 2
    assert all(not f.services.exists() for f in freezes)
    # Only emergencies run in the freeze, and with a recorded override.
    for freeze in freezes:
        inside = Change.objects.filter(
            actual_start__gte=freeze.starts_at, actual_start__lt=freeze.ends_at
        )
        for change in inside:
            assert change.change_type == "emergency"
            assert change.conflict_override_reason


@pytest.mark.django_db
def test_the_change_kpis_on_the_demo_are_plausible(demo):
    rate, finished = kpi("change_failure_rate")
    assert finished >= CHANGES * 0.8
    assert 0 < rate < 40
    ratio, started = kpi("emergency_change_ratio")
    assert 2 <= ratio <= 10 and started >= finished
    standard, _ = kpi("change_lead_time_standard")
    normal, _ = kpi("change_lead_time_normal")
    emergency, _ = kpi("change_lead_time_emergency")
    assert 0.5 < standard < 5
    assert normal > standard
    assert 0 <= emergency < 0.5
    assert kpi("changes_without_approval") == (0, 0)
    breaches, _ = kpi("changes_in_breach")
    assert breaches >= 1
    assert kpi("changes_in_breach_unexcused")[0] == 0
    outcomes = sum(
        kpi(f"changes_{o}")[0]
        for o in ("successful", "successful_with_issues", "failed", "rolled_back")
    )
    assert outcomes == finished
