"""Random change histories: the engine's change KPIs, overall, by service and
by team, against a second, deliberately simple implementation written here
in plain Python (lists, loops and a day-by-day walk for business days).

Instants fall around October to December 2026, often on the edges that
matter: the periods' ends, the DST change of 25 October in Berlin, and the
midnights that start and end weekends. Every example writes its rows in a
savepoint that is rolled back.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable

from .kpis_world import BERLIN, CHANGE_KPIS, LATER, NOV, OCT, org_fixture, utc  # noqa: F401

BASE = utc(2026, 10, 1)
SPAN_MINUTES = 80 * 24 * 60
# The Berlin week of the DST change: Monday 19 to Monday 26 October.
DST_WEEK = periods.containing("week", date(2026, 10, 21), BERLIN)
PERIODS = (NOV, OCT, DST_WEEK)


def _minutes(moment):
    return int((moment - BASE).total_seconds() // 60)


EDGES = sorted(
    {_minutes(p.start) for p in PERIODS}
    | {_minutes(p.end) for p in PERIODS}
    | {_minutes(utc(2026, 10, 25, 1))}  # 03:00 CEST becomes 02:00 CET
    # Saturday and Monday midnights in Berlin.
    | {
        _minutes(
            datetime.combine(date(2026, 10, 3) + timedelta(weeks=w, days=d), time(), tzinfo=BERLIN)
        )
        for w in range(11)
        for d in (0, 2)
    }  # fmt: skip
)
instants = st.one_of(
    st.integers(0, SPAN_MINUTES),
    st.sampled_from(EDGES),
    st.sampled_from(EDGES).map(lambda m: m - 1),
)
# Minutes before the start: none, a few, days, or weeks (and now and then a
# submission recorded after the start).
leads = st.one_of(
    st.none(), st.integers(0, 180), st.integers(0, 30 * 24 * 60), st.integers(-120, 0)
)
CONFLICTS = ("overlap", "dependent_overlap", "outside_window", "blackout")
FAILED = ("failed", "rolled_back")


@dataclass(frozen=True)
class Row:
    change_type: str
    services: tuple
    team: str | None
    start: int | None
    end: int | None
    outcome: str
    lead: int | None
    approved: int | None  # minutes after the start (negative: before it)
    conflicts: tuple
    overridden: bool
    incidents: int


rows = st.builds(
    Row,
    change_type=st.sampled_from(["standard", "standard", "normal", "emergency"]),
    services=st.sampled_from([(), ("mail",), ("vpn",), ("mail", "vpn")]),
    team=st.sampled_from([None, "ops", "apps"]),
    start=st.one_of(st.none(), instants),
    end=st.one_of(st.none(), instants),
    outcome=st.sampled_from(["", "successful", "successful_with_issues", "failed", "rolled_back"]),
    lead=leads,
    approved=st.one_of(st.none(), st.integers(-3 * 24 * 60, 120), st.just(0)),
    conflicts=st.lists(st.sampled_from(CONFLICTS), max_size=3).map(tuple),
    overridden=st.booleans(),
    incidents=st.sampled_from([0, 0, 0, 1, 2]),
)
histories = st.lists(rows, max_size=8)


def at(minutes):
    return None if minutes is None else BASE + timedelta(minutes=minutes)


@dataclass
class Change:
    """A row with its instants."""

    row: Row
    start: datetime | None
    end: datetime | None
    submitted: datetime | None
    approved: datetime | None


def instants_of(row):
    start = at(row.start)
    submitted = start - timedelta(minutes=row.lead) if start and row.lead is not None else None
    approved = start + timedelta(minutes=row.approved) if start and row.approved is not None \
        else None  # fmt: skip
    return Change(row, start, at(row.end), submitted, approved)


def insert(org, history):
    teams = {"ops": org.ops, "apps": org.apps}
    services = {"mail": org.mail, "vpn": org.vpn}
    for row in history:
        change = instants_of(row)
        org.change(
            row.change_type,
            [services[s] for s in row.services],
            incidents=row.incidents,
            implementer_team=teams.get(row.team),
            actual_start=change.start,
            actual_end=change.end,
            outcome=row.outcome,
            submitted_at=change.submitted,
            approved_at=change.approved,
            conflicts=[{"kind": kind, "message": kind} for kind in row.conflicts],
            conflict_override_reason="Agreed with the owner" if row.overridden else "",
        )


# -- the simple implementation ---------------------------------------------------


def business_days(earlier, later):
    """Walk the local calendar a day at a time, adding the part of each
    Monday to Friday between the two wall-clock times."""
    if later < earlier:
        return -business_days(later, earlier)
    cursor = earlier.astimezone(BERLIN).replace(tzinfo=None)
    stop = later.astimezone(BERLIN).replace(tzinfo=None)
    total = 0.0
    while cursor < stop:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), time())
        step_end = min(stop, midnight)
        if cursor.weekday() < 5:
            total += (step_end - cursor).total_seconds()
        cursor = step_end
    return total / 86400


def expected(history, period, segment):
    """{kpi key: {segment value: [numerator, denominator]}}"""
    found = {}

    def keys_of(row):
        if segment is None:
            return [ALL]
        if segment == "team":
            return [row.team]
        return list(row.services) or [None]

    def add(kpi, row, numerator):
        for key in keys_of(row):
            pair = found.setdefault(kpi, {}).setdefault(key, [0.0, 0])
            pair[0] += numerator
            pair[1] += 1

    def inside(moment):
        return moment is not None and period.start <= moment < period.end

    for change in (instants_of(row) for row in history):
        row = change.row
        failed = row.outcome in FAILED or row.incidents > 0
        if inside(change.end) and row.outcome:
            add("change_failure_rate", row, 1 if failed else 0)
            add(f"change_failure_rate_{row.change_type}", row, 1 if failed else 0)
            add(f"changes_{row.outcome}", row, 0)
        if inside(change.start):
            add("emergency_change_ratio", row, 1 if row.change_type == "emergency" else 0)
            if change.submitted is not None:
                lead = business_days(change.submitted, change.start)
                add(f"change_lead_time_{row.change_type}", row, lead)
            in_time = change.approved is not None and change.approved <= change.start
            if row.change_type != "standard" and not in_time:
                add("changes_without_approval", row, 0)
            if "outside_window" in row.conflicts or "blackout" in row.conflicts:
                add("changes_in_breach", row, 0)
                if not row.overridden:
                    add("changes_in_breach_unexcused", row, 0)
    return found


def compare(org, history, period):
    ids = {"ops": org.ops.pk, "apps": org.apps.pk, "mail": org.mail.pk, "vpn": org.vpn.pk}
    for segment in (None, "service", "team"):
        got = engine.compute(CHANGE_KPIS, period, segment, now=LATER, targets=TargetTable())
        wanted = expected(history, period, segment)
        for kpi in CHANGE_KPIS:
            want = {ids.get(key, key): pair for key, pair in wanted.get(kpi.key, {}).items()}
            if segment is None:
                want = {ALL: want.get(ALL, [0.0, 0])}
            values = got[kpi.key]
            where = (kpi.key, segment)
            assert set(values) == set(want), where
            for key, (numerator, denominator) in want.items():
                value = values[key]
                assert value.denominator == denominator, (where, key)
                assert value.numerator == pytest.approx(numerator, abs=1e-6), (where, key)
                if segment is None:
                    assert engine.records(kpi, period, now=LATER).count() == denominator, where
                    if kpi.unit == "percent":
                        met = engine.records(kpi, period, part="numerator", now=LATER)
                        assert met.count() == numerator, where


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories, period=st.sampled_from(PERIODS))
def test_engine_agrees_with_a_simple_implementation(org, history, period):
    with transaction.atomic():
        insert(org, history)
        compare(org, history, period)
        transaction.set_rollback(True)


# The reference itself, by hand.


def test_business_days_by_hand():
    friday_4pm, monday_10am = utc(2026, 11, 6, 15), utc(2026, 11, 9, 9)  # Berlin +1
    assert business_days(friday_4pm, monday_10am) == pytest.approx(0.75)
    assert business_days(monday_10am, friday_4pm) == pytest.approx(-0.75)
    saturday, sunday = utc(2026, 11, 7, 11), utc(2026, 11, 8, 11)
    assert business_days(saturday, sunday) == 0
    # Across the DST change, in wall-clock time: Friday noon to Monday noon.
    assert business_days(utc(2026, 10, 23, 10), utc(2026, 10, 26, 11)) == pytest.approx(1.0)
    assert business_days(utc(2026, 11, 2, 8), utc(2026, 11, 16, 8)) == pytest.approx(10.0)
