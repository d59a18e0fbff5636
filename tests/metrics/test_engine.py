"""The engine around the KPIs: segments (including records without a
value), drill-down by segment, organisation targets, trends, the moment a
period is counted at, bad segments, and a constant number of queries
whatever the number of records."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stanchion.metrics import engine
from stanchion.metrics.engine import ALL, SegmentError, TargetTable
from stanchion.metrics.models import KpiTarget
from stanchion.metrics.registry import kpis

from .conftest import LATER, NOV, month, utc

MTTR = kpis.get("mttr")


@pytest.fixture
def restored(org):
    """Four incidents restored in November, after 60, 120, 180 and 240
    minutes, spread over services, teams, locations and categories."""

    def make(minutes, **fields):
        start = utc(2026, 11, 10, 8)
        return org.ticket(
            created_at=start, resolved_at=start.replace(hour=8 + minutes // 60), **fields
        )  # noqa: E501

    make(60, service=org.mail, assignment_team=org.l1, category=org.hardware, priority="p1")
    make(120, service=org.mail, assignment_team=org.l2, requester=org.visitor, priority="p2")
    make(180, service=org.vpn, assignment_team=org.l2, category=org.software, priority="p1")
    make(240, requester=org.visitor, category=org.hardware, priority="p3")
    return org


def test_segments_by_every_field_including_records_without_one(restored):
    org = restored
    expected = {
        "service": {org.mail.pk: (90, 2), org.vpn.pk: (180, 1), None: (240, 1)},
        "service_tier": {"1": (90, 2), "2": (180, 1), None: (240, 1)},
        "team": {org.l1.pk: (60, 1), org.l2.pk: (150, 2), None: (240, 1)},
        "location": {org.berlin.pk: (120, 2), None: (180, 2)},
        "category": {org.hardware.pk: (150, 2), org.software.pk: (180, 1), None: (120, 1)},
        "priority": {"p1": (120, 2), "p2": (120, 1), "p3": (240, 1)},
    }
    for segment, wanted in expected.items():
        got = engine.compute_one(MTTR, NOV, segment, now=LATER, targets=TargetTable())
        assert {k: (round(v.value, 6), v.denominator) for k, v in got.items()} == wanted, segment
        for key, (_, denominator) in wanted.items():
            assert got[key].segment == segment
            rows = engine.records(MTTR, NOV, segment, "none" if key is None else key, now=LATER)
            assert rows.count() == denominator, (segment, key)


def test_targets_by_priority_and_organisation_overrides(restored):
    by_priority = engine.compute_one(MTTR, NOV, "priority", now=LATER)
    # P1 target 120 min: 120 is on it. P3's target is 2,880.
    assert (by_priority["p1"].target, by_priority["p1"].status) == (120.0, "on")
    assert by_priority["p3"].status == "on"
    overall = engine.overall(MTTR, NOV, now=LATER)
    # (60 + 120 + 180 + 240) / 4 = 150 minutes against 1,440.
    assert (overall.value, overall.status) == (pytest.approx(150.0), "on")

    KpiTarget.objects.create(kpi="mttr", priority="", target=100.0, warning=200.0)
    KpiTarget.objects.create(kpi="mttr", priority="p1", target=90.0, warning=110.0)
    overall = engine.overall(MTTR, NOV, now=LATER)
    assert (overall.target, overall.warning, overall.status) == (100.0, 200.0, "near")
    by_priority = engine.compute_one(MTTR, NOV, "priority", now=LATER)
    assert by_priority["p1"].status == "off"  # 120 is past the warning of 110
    # P3 keeps the registry's own per-priority target.
    assert (by_priority["p3"].target, by_priority["p3"].status) == (2880.0, "on")
    # By service, the organisation's overall target applies.
    by_service = engine.compute_one(MTTR, NOV, "service", now=LATER)
    assert by_service[restored.vpn.pk].value == pytest.approx(180.0)
    assert by_service[restored.vpn.pk].status == "near"  # past 100, within 200


def test_a_higher_is_better_target(org):
    ticket = org.ticket(created_at=utc(2026, 11, 1))
    for rating in (5, 4, 4, 3):  # 16 / 4 = 4.0
        org.survey(ticket, utc(2026, 11, 2), rating, utc(2026, 11, 3))
    csat = kpis.get("csat_average")
    assert engine.overall(csat, NOV, now=LATER).status == "off"  # target 4.5, warning 4.2
    KpiTarget.objects.create(kpi="csat_average", target=4.2, warning=3.9)
    assert engine.overall(csat, NOV, now=LATER).status == "near"
    KpiTarget.objects.filter(kpi="csat_average").update(target=4.0)
    assert engine.overall(csat, NOV, now=LATER).status == "on"


def test_target_validation_names_the_field():
    cases = [
        ({"kpi": "nope", "target": 1}, "kpi"),
        ({"kpi": "fcr", "priority": "p1", "target": 50}, "priority"),
        ({"kpi": "fcr", "target": 60, "warning": 70}, "warning"),  # higher is better
        ({"kpi": "mttr", "target": 60, "warning": 30}, "warning"),  # lower is better
        ({"kpi": "fcr", "target": 120}, "target"),
        ({"kpi": "mttr", "target": -1}, "target"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as error:
            KpiTarget(**fields).clean()
        assert field in error.value.message_dict, fields
    KpiTarget(kpi="mttr", priority="p2", target=400, warning=900).clean()


def test_trend_is_oldest_first_with_empty_months(org):
    org.ticket(created_at=utc(2026, 9, 10))
    org.ticket(created_at=utc(2026, 11, 10))
    org.ticket(created_at=utc(2026, 11, 11), service=org.mail)
    volume = kpis.get("incident_volume")
    series = engine.trend(volume, NOV, 4, now=LATER)
    assert [(v.period.key, v.value) for v in series] == [
        ("2026-08", 0), ("2026-09", 1), ("2026-10", 0), ("2026-11", 2),
    ]  # fmt: skip
    mail = engine.trend(volume, NOV, 2, now=LATER, segment="service", value=org.mail.pk)
    assert [(v.period.key, v.denominator) for v in mail] == [("2026-10", 0), ("2026-11", 1)]


def test_a_running_period_is_counted_up_to_now():
    now = utc(2026, 11, 15, 12)
    assert engine.as_of(NOV, now) == now
    assert engine.as_of(NOV, LATER) == NOV.end


def test_tickets_from_after_now_are_not_in_the_running_period(org):
    # "Now" is the 15th; a ticket stamped the 20th (a clock skew) is in
    # November's opened tickets but not yet in its backlog.
    org.ticket(created_at=utc(2026, 11, 20))
    now = utc(2026, 11, 15)
    values = engine.compute(["incident_volume", "backlog_over_7d"], NOV, now=now)
    assert values["incident_volume"][ALL].value == 1
    assert values["backlog_over_7d"][ALL].denominator == 0


def test_bad_segments_are_refused_by_name(db):
    with pytest.raises(SegmentError) as error:
        engine.records(MTTR, NOV, "colour", "red")
    assert error.value.field == "segment"
    assert "colour" in error.value.message
    with pytest.raises(SegmentError) as error:
        engine.records(kpis.get("availability"), NOV, "team", 1)
    assert "cannot be split by team" in error.value.message
    # A KPI that cannot be split that way is left out of a split.
    assert "availability" not in engine.compute(["availability", "mttr"], NOV, "team", now=LATER)


def _history(org, scale):
    """``scale`` copies of a month's work: tickets of both kinds on both
    services, clocks, surveys and outages."""
    for n in range(scale):
        service = (org.mail, org.vpn, None)[n % 3]
        day = utc(2026, 11, 1 + n % 28, 9)
        ticket = org.ticket(
            created_at=day, first_response_at=day.replace(hour=10),
            resolved_at=day.replace(hour=12), service=service, assignment_team=org.l2,
            category=org.hardware, resolved_by_tier="l1",
            impact_start=day, impact_end=day.replace(hour=11),
        )  # fmt: skip
        request = org.ticket(
            kind="request", created_at=day, resolved_at=None, service=service,
            assignment_team=org.l1,
        )  # fmt: skip
        org.clock(ticket, "response", "met", day.replace(hour=10))
        org.clock(request, "resolution", "missed", day.replace(hour=20))
        org.clock(ticket, "ola_response", "met", day.replace(hour=10), team=org.l2)
        org.survey(ticket, day.replace(hour=12), 4, day.replace(hour=13))


def _queries(segment):
    with CaptureQueriesContext(connection) as captured:
        values = engine.compute(kpis.all(), NOV, segment, now=LATER)
    return len(captured), values


@pytest.mark.parametrize("segment", [None, "service"])
def test_all_kpis_take_a_constant_number_of_queries(org, segment):
    _history(org, 2)
    small, values = _queries(segment)
    assert values["incident_volume"] and values["csat_average"]
    _history(org, 30)
    large, values = _queries(segment)
    assert large == small
    # One aggregate per source (the service desk's 8, change management's 2,
    # and those of the apps installed after them), two for each custom KPI
    # (live services and outages for availability...) and one for the
    # organisation's targets.
    sources = {k.source.key for k in kpis.all() if k.custom is None}
    assert {"tickets_opened", "changes_finished", "changes_started"} <= sources
    customs = sum(1 for k in kpis.all() if k.custom is not None)
    assert large <= len(sources) + 2 * customs + 1
    if segment is None:
        assert values["incident_volume"][ALL].value == 32
        assert values["mtta"][ALL].value == pytest.approx(60.0)


def test_the_split_adds_up_to_the_total(org):
    _history(org, 9)
    split = engine.compute(kpis.all(), NOV, "service", now=LATER, targets=TargetTable())
    whole = engine.compute(kpis.all(), NOV, now=LATER, targets=TargetTable())
    for key, values in split.items():
        if kpis.get(key).custom is not None:
            continue
        assert sum(v.denominator for v in values.values()) == whole[key][ALL].denominator, key
        assert sum(v.numerator for v in values.values()) == pytest.approx(
            whole[key][ALL].numerator
        ), key


def test_month_boundaries_use_the_reporting_zone_through_the_database(org):
    # Both are in the database as UTC; Berlin's November starts between them.
    org.ticket(created_at=utc(2026, 10, 31, 22, 59, 59))
    org.ticket(created_at=utc(2026, 10, 31, 23, 0, 0))
    volume = kpis.get("incident_volume")
    assert engine.overall(volume, NOV, now=LATER).value == 1
    assert engine.overall(volume, month(2026, 10), now=LATER).value == 1
