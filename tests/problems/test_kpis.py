"""Problem management KPIs on hand-made histories; every expected number is
worked out by hand in the comments. The period is November 2026 in UTC."""

import itertools
from datetime import UTC, date, datetime

import pytest

from stanchion.changes.models import Change
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import kpis
from stanchion.problems import services

pytestmark = pytest.mark.django_db
NOV = periods.containing("month", date(2026, 11, 1), UTC)
LATER = datetime(2027, 6, 1, tzinfo=UTC)
_n = itertools.count(1)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def value(key, segment=None, *, now=LATER):
    return engine.compute_one(kpis.get(key), NOV, segment, now=now, targets=TargetTable())


def problem(world, *, at, **fields):
    return services.create_problem(actor=None, title=f"Problem {next(_n)}", now=at, **fields)


def link(problem_, *incidents):
    for incident in incidents:
        services.link_incident(problem_, incident, actor=None)


def test_recurring_incident_rate(world):
    w = world
    p1 = problem(w, at=utc(2026, 10, 1), root_cause_category=w.capacity)
    p2 = problem(w, at=utc(2026, 11, 1), root_cause_category=w.capacity)
    p3 = problem(w, at=utc(2026, 11, 1), root_cause_category=w.config_error)
    p4 = problem(w, at=utc(2026, 11, 1))
    old = w.incident("old", at=utc(2026, 10, 10))
    i1 = w.incident("i1", at=utc(2026, 11, 5))  # p1 had `old` in October: recurring
    i2 = w.incident("i2", at=utc(2026, 11, 6))  # p2 shares p1's root cause: recurring
    i3 = w.incident("i3", at=utc(2026, 11, 7))  # p3's first: not recurring
    i4 = w.incident("i4", at=utc(2026, 11, 8))  # p3 had i3 the day before: recurring
    i5 = w.incident("i5", at=utc(2026, 11, 9))  # p4 has no root cause and no history
    w.incident("i6", at=utc(2026, 11, 10))  # linked to nothing
    dec = w.incident("dec", at=utc(2026, 12, 1))  # December's
    w.request()  # a request is no incident (opened now, outside November anyway)
    link(p1, old, i1, dec)
    link(p2, i2)
    link(p3, i3, i4)
    link(p4, i5)
    got = value("recurring_incident_rate")[ALL]
    # Six November incidents (i1..i6); i1, i2 and i4 recur: 3 / 6.
    assert (got.numerator, got.denominator) == (3, 6)
    assert got.value == pytest.approx(100 * 3 / 6)
    kpi = kpis.get("recurring_incident_rate")
    recurring = engine.records(kpi, NOV, part="numerator", now=LATER)
    assert sorted(t.title for t in recurring) == ["i1", "i2", "i4"]


def test_problem_backlog_by_priority_and_age(world):
    w = world
    a = problem(w, at=utc(2026, 7, 1), priority="p1")  # open, 153 days old on 1 Dec
    problem(w, at=utc(2026, 11, 20), priority="p2")  # open, young
    c = problem(w, at=utc(2026, 8, 1), priority="p2", workaround="w")
    services.move_problem(c, "investigating", actor=None, now=utc(2026, 9, 1))
    services.move_problem(c, "resolved", actor=None, note="fixed", now=utc(2026, 11, 15))
    d = problem(w, at=utc(2026, 10, 1), priority="p2")  # resolved only after November
    services.move_problem(d, "investigating", actor=None, now=utc(2026, 10, 2))
    services.move_problem(d, "resolved", actor=None, note="fixed", now=utc(2026, 12, 5))
    problem(w, at=utc(2026, 12, 3), priority="p1")  # raised after November
    f = problem(w, at=utc(2026, 9, 1), priority="p1")
    services.move_problem(f, "closed", actor=None, now=utc(2026, 11, 2))
    # Open on 1 December: a, the young one, d.
    backlog = value("problem_backlog")
    assert backlog[ALL].value == 3
    by_priority = {k: v.value for k, v in value("problem_backlog", "priority").items()}
    assert by_priority == {"p1": 1, "p2": 2}
    aged = value("problem_backlog_aged")[ALL]
    # Only a is over 90 days old (d: 61 days).
    assert (aged.numerator, aged.denominator) == (1, 3)
    kpi = kpis.get("problem_backlog_aged")
    assert [p.pk for p in engine.records(kpi, NOV, part="numerator", now=LATER)] == [a.pk]
    # Ages on 1 December: a 153 days (Jul 1), the young one 11 (Nov 20), d 61
    # (Oct 1): (153 + 11 + 61) / 3 = 75; P1 153, P2 (11 + 61) / 2 = 36.
    age = value("problem_backlog_age")[ALL]
    assert (age.value, age.denominator) == (pytest.approx(75.0), 3)
    by_priority = {k: v.value for k, v in value("problem_backlog_age", "priority").items()}
    assert by_priority == {"p1": pytest.approx(153.0), "p2": pytest.approx(36.0)}
    kpi = kpis.get("problem_backlog_age")
    assert engine.records(kpi, NOV, "priority", "p1", now=LATER).get() == a


def fix(world, problem_, actual_end):
    change = Change.objects.create(
        number=f"CHG-P{next(_n):06d}",
        title="Fix",
        requested_by=world.admin,
        state="closed" if actual_end else "scheduled",
        actual_end=actual_end,
    )
    return services.update_problem(problem_, {"fix_change": change}, actor=None)


def test_incidents_prevented(world):
    w = world
    x = problem(w, at=utc(2026, 6, 1), priority="p1")
    fix(w, x, utc(2026, 11, 10, 12))
    link(
        x,
        w.incident("x-jul", at=utc(2026, 7, 1)),  # 132 days before: outside the 90
        w.incident("x-aug", at=utc(2026, 8, 20)),  # before (82 days)
        w.incident("x-oct", at=utc(2026, 10, 1)),  # before
        w.incident("x-nov9", at=utc(2026, 11, 9)),  # before
        w.incident("x-nov20", at=utc(2026, 11, 20)),  # after
    )
    y = problem(w, at=utc(2026, 6, 1), priority="p3")
    fix(w, y, utc(2026, 11, 25))
    link(
        y,
        w.incident("y-nov1", at=utc(2026, 11, 1)),  # before
        w.incident("y-nov26", at=utc(2026, 11, 26)),  # after
        w.incident("y-dec", at=utc(2026, 12, 10)),  # after
        w.incident("y-mar", at=utc(2027, 3, 1)),  # 96 days after: outside
    )
    z = problem(w, at=utc(2026, 6, 1))
    fix(w, z, utc(2026, 10, 30))  # fixed in October
    link(z, w.incident("z", at=utc(2026, 10, 1)))
    fix(w, problem(w, at=utc(2026, 6, 1)), None)  # the fix has not finished
    # x: 3 before - 1 after = 2; y: 1 - 2 = -1; total 1 over 2 problems.
    by_priority = {k: v.value for k, v in value("incidents_prevented", "priority").items()}
    assert by_priority == {"p1": 2, "p3": -1}
    got = value("incidents_prevented")[ALL]
    assert (got.value, got.denominator) == (1, 2)
    kpi = kpis.get("incidents_prevented")
    assert sorted(p.pk for p in engine.records(kpi, NOV, now=LATER)) == sorted([x.pk, y.pk])
    # On 21 November y's fix is still to come: x alone.
    early = value("incidents_prevented", now=utc(2026, 11, 21))[ALL]
    assert (early.value, early.denominator) == (2, 1)


def test_no_fixed_problem_prevents_nothing(world):
    got = value("incidents_prevented")[ALL]
    assert (got.value, got.denominator) == (0, 0)
