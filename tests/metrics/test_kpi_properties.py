"""Random ticket histories: the engine's KPIs, overall and by each segment,
against the second, deliberately simple implementation in
test_kpi_reference.py.

The period is November 2026 or October 2026 in Berlin, finished or still
running. Every example writes its rows inside a savepoint that is rolled
back, so examples never see each other's tickets.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stanchion.metrics import engine
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import kpis

from .conftest import LATER, NOV
from .test_kpi_reference import (
    EDGES,
    OCT,
    RUNNING,
    SPAN_MINUTES,
    Clock,
    Reference,
    Row,
    Survey,
    after,
    at,
    edge_history,
)
from .test_kpi_reference import row as quiet_row

SEGMENTS = (None, "service", "service_tier", "team", "priority", "location", "category")
# Two in three instants are edges.
instants = st.one_of(st.integers(0, SPAN_MINUTES), st.sampled_from(EDGES), st.sampled_from(EDGES))
# Minutes: a few, up to weeks, or to a whole month and more.
durations = st.one_of(st.integers(0, 120), st.integers(0, 40 * 24 * 60))


teams = st.sampled_from([None, "l1", "l2", "l3"])
clocks = st.builds(
    Clock,
    kind=st.sampled_from(["response", "resolution", "ola_response", "ola_resolution"]),
    state=st.sampled_from(["met", "met", "missed", "cancelled", "running", "paused"]),
    stopped=st.one_of(st.none(), durations),
    team=teams,
)
surveys = st.builds(
    Survey,
    sent=instants,
    rating=st.one_of(st.none(), st.integers(1, 5)),
    answered=st.one_of(st.none(), durations),
)
rows = st.builds(
    Row,
    kind=st.sampled_from(["incident", "request"]),
    created=instants,
    first_response=st.one_of(st.none(), durations),
    resolved=st.one_of(st.none(), durations),
    closed=st.one_of(st.none(), durations),
    state=st.sampled_from(["new", "in_progress", "pending", "resolved", "closed", "cancelled"]),
    pending_reason=st.sampled_from(["", "pending_customer", "pending_change"]),
    resolution_code=st.sampled_from(["", "solved", "workaround", "fulfilled", "duplicate"]),
    priority=st.sampled_from(["p1", "p2", "p3", "p4"]),
    service=st.sampled_from([None, "mail", "vpn", "fax"]),
    team=teams,
    requester=st.sampled_from(["person", "visitor"]),
    category=st.sampled_from([None, "hardware", "software"]),
    catalog=st.booleans(),
    reassignments=st.integers(0, 3),
    reopens=st.integers(0, 2),
    escalated=st.booleans(),
    resolved_by_tier=st.sampled_from(["", "l1", "l2", "l3"]),
    impact=st.one_of(st.none(), st.tuples(instants, st.one_of(st.none(), durations))),
    clocks=st.lists(clocks, max_size=2),
    surveys=st.lists(surveys, max_size=1),
)
histories = st.lists(rows, max_size=8)
# The KPIs the reference implements (the service desk's; change management's
# have no changes here and must stay empty). Apps installed later test their
# own KPIs against their own histories.
REFERENCE_GROUPS = ("Service desk", "Change management")


def reference_kpis():
    return [kpi for kpi in kpis.all() if kpi.group in REFERENCE_GROUPS]


# -- writing the rows ------------------------------------------------------


def insert(org, history, world):
    """Writes the rows; returns each row's (ticket, clocks, surveys)."""
    written = []
    for row in history:
        created = at(row.created)
        ticket = org.ticket(
            kind=row.kind,
            created_at=created,
            first_response_at=after(created, row.first_response),
            resolved_at=after(created, row.resolved),
            closed_at=after(created, row.closed),
            state=row.state,
            pending_reason=row.pending_reason if row.state == "pending" else "",
            resolution_code=row.resolution_code,
            priority=row.priority,
            service=world[row.service] if row.service else None,
            assignment_team=world[row.team] if row.team else None,
            requester=world[row.requester],
            category=world[row.category] if row.category else None,
            catalog_item=org.laptop if row.catalog else None,
            reassignment_count=row.reassignments,
            reopen_count=row.reopens,
            was_escalated=row.escalated,
            resolved_by_tier=row.resolved_by_tier,
            impact_start=at(row.impact[0]) if row.impact else None,
            impact_end=after(at(row.impact[0]), row.impact[1]) if row.impact else None,
        )
        clock_rows, survey_rows = [], []
        for clock in row.clocks:
            stopped = after(created, clock.stopped)
            clock_rows.append(
                org.clock(
                    ticket,
                    clock.kind,
                    clock.state,
                    stopped if clock.state in ("met", "missed", "cancelled") else None,
                    team=world[clock.team] if clock.team else None,
                )
            )
        for survey in row.surveys:
            sent = at(survey.sent)
            answered = after(sent, survey.answered)
            survey_rows.append(org.survey(ticket, sent, survey.rating, answered))
        written.append((ticket, clock_rows, survey_rows))
    return written


def compare(history, world, period, now):
    reference = Reference(history, world, period, now)
    for segment in SEGMENTS:
        got = engine.compute(reference_kpis(), period, segment, now=now, targets=TargetTable())
        wanted = reference.expected(segment)
        outages = reference.availability(segment)
        for kpi in reference_kpis():
            if segment is not None and segment not in kpi.segments:
                assert kpi.key not in got
                continue
            values = got[kpi.key]
            where = (kpi.key, segment)
            if kpi.custom is not None:
                assert set(values) == set(outages), where
                for key, (down, records, failures, services) in outages.items():
                    value = values[key]
                    assert value.denominator == records, where
                    span = (reference.as_of - reference.start).total_seconds() * services
                    if kpi.key == "availability":
                        expected = 100 * (1 - down / span)
                    else:
                        expected = (span - down) / failures / 3600 if failures else None
                    assert value.value == pytest.approx(expected, abs=1e-6), (where, key)
                continue
            expected = wanted.get(kpi.key, {})
            if segment is None:
                expected = {ALL: expected.get(ALL, [0.0, 0])}
            assert set(values) == set(expected), where
            for key, (numerator, denominator) in expected.items():
                value = values[key]
                assert value.denominator == denominator, (where, key)
                assert value.numerator == pytest.approx(numerator, abs=0.01), (where, key)
                if kpi.unit == "count":
                    assert value.value == denominator
                elif not denominator:
                    assert value.value is None
                elif kpi.unit == "percent":
                    assert value.value == pytest.approx(100 * numerator / denominator)
                else:
                    scale = {"minutes": 60, "hours": 3600, "score": 1}[kpi.unit]
                    assert value.value == pytest.approx(numerator / denominator / scale)
                if segment is None:
                    rows = engine.records(kpi, period, now=now)
                    assert rows.count() == denominator, where
                    if kpi.unit == "percent":
                        met = engine.records(kpi, period, part="numerator", now=now)
                        assert met.count() == numerator, where


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories, period=st.sampled_from([NOV, OCT]), running=st.booleans())
@example(history=edge_history(NOV, RUNNING[NOV]), period=NOV, running=True)
@example(history=edge_history(NOV, LATER), period=NOV, running=False)
@example(history=edge_history(OCT, LATER), period=OCT, running=False)
def test_engine_agrees_with_a_simple_implementation(org, world, history, period, running):
    now = RUNNING[period] if running else LATER
    with transaction.atomic():
        insert(org, history, world)
        compare(history, world, period, now)
        transaction.set_rollback(True)


def test_one_row_through_both_implementations(org, world):
    rows = [quiet_row(created=60 * 24 * 38, first_response=30, service="mail")]  # 2 November
    insert(org, rows, world)
    compare(rows, world, NOV, LATER)
    assert engine.overall(kpis.get("mtta"), NOV, now=LATER).value == pytest.approx(30.0)
