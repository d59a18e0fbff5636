"""Availability and MTBF from incident impact windows, computed by hand.

November 2026 in Berlin is 30 days = 720 hours long. The organisation has
two live services, Mail (tier 1) and VPN (tier 2).
"""

import pytest

from stanchion.catalog.models import Service
from stanchion.metrics import engine
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import kpis

from .conftest import LATER, NOV, month, utc

AVAILABILITY, MTBF = kpis.get("availability"), kpis.get("mtbf")


def compute(kpi, period=NOV, segment=None, now=LATER):
    return engine.compute_one(kpi, period, segment, now=now, targets=TargetTable())


def outage(org, service, start, end, **fields):
    return org.ticket(service=service, impact_start=start, impact_end=end, **fields)


@pytest.fixture
def outages(org):
    # Mail: two reports of one outage, 10:00-12:00 and 11:00-13:00 on
    # 2 November, merge into 10:00-13:00 (3 h); another hour on the 10th.
    outage(org, org.mail, utc(2026, 11, 2, 10), utc(2026, 11, 2, 12))
    outage(org, org.mail, utc(2026, 11, 2, 11), utc(2026, 11, 2, 13))
    outage(org, org.mail, utc(2026, 11, 10, 0), utc(2026, 11, 10, 1))
    # VPN: down from 20:00 UTC on 31 October to 01:00 UTC on 1 November;
    # November (Berlin) starts at 23:00 UTC, so 2 h of it fall in November.
    outage(org, org.vpn, utc(2026, 10, 31, 20), utc(2026, 11, 1, 1))
    # Not outages of November: October only, no impact window, a request,
    # an incident without a service.
    outage(org, org.vpn, utc(2026, 10, 5), utc(2026, 10, 6))
    org.ticket(service=org.mail, created_at=utc(2026, 11, 3))
    outage(org, org.mail, utc(2026, 11, 4), utc(2026, 11, 5), kind="request")
    outage(org, None, utc(2026, 11, 4), utc(2026, 11, 5))
    return org


def test_availability_merges_overlapping_windows(outages):
    got = compute(AVAILABILITY)[ALL]
    # 6 hours down of 2 x 720 service hours.
    assert got.numerator == pytest.approx(6 * 3600)
    assert got.value == pytest.approx(100 * (1 - 6 / 1440))  # 99.583...
    assert got.status == "near"  # target 99.9, warning 99.5
    # The records: the four incidents whose windows make up the downtime.
    assert got.denominator == 4
    assert engine.records(AVAILABILITY, NOV, now=LATER).count() == 4


def test_availability_by_service_and_tier(outages):
    org = outages
    by_service = compute(AVAILABILITY, segment="service")
    assert set(by_service) == {org.mail.pk, org.vpn.pk}
    # Mail: 3 h + 1 h of 720 h. VPN: 2 h.
    assert by_service[org.mail.pk].value == pytest.approx(100 * (1 - 4 / 720))
    assert by_service[org.vpn.pk].value == pytest.approx(100 * (1 - 2 / 720))
    assert by_service[org.mail.pk].denominator == 3
    for service, count in ((org.mail.pk, 3), (org.vpn.pk, 1)):
        rows = engine.records(AVAILABILITY, NOV, "service", service, now=LATER)
        assert rows.count() == count
    by_tier = compute(AVAILABILITY, segment="service_tier")
    assert by_tier["1"].value == pytest.approx(100 * (1 - 4 / 720))
    assert by_tier["2"].value == pytest.approx(100 * (1 - 2 / 720))
    assert engine.records(AVAILABILITY, NOV, "service_tier", "1", now=LATER).count() == 3


def test_mtbf(outages):
    org = outages
    # Mail: 716 h up, 2 separate outages -> 358 h. VPN: 718 h, 1 -> 718 h.
    by_service = compute(MTBF, segment="service")
    assert by_service[org.mail.pk].value == pytest.approx(358.0)
    assert by_service[org.vpn.pk].value == pytest.approx(718.0)
    # Together: (1440 - 6) h / 3 outages = 478 h.
    got = compute(MTBF)[ALL]
    assert got.value == pytest.approx(478.0)
    assert got.status == "near"  # target 720, warning 168


def test_back_to_back_windows_are_one_failure(org):
    # 09:00-10:00 and 10:00-10:30: one continuous outage of 90 minutes; a
    # window inside another adds nothing. Then a separate 30 minutes.
    outage(org, org.vpn, utc(2026, 11, 3, 9), utc(2026, 11, 3, 10))
    outage(org, org.vpn, utc(2026, 11, 3, 10), utc(2026, 11, 3, 10, 30))
    outage(org, org.vpn, utc(2026, 11, 3, 9, 15), utc(2026, 11, 3, 9, 45))
    outage(org, org.vpn, utc(2026, 11, 4, 9), utc(2026, 11, 4, 9, 30))
    vpn = compute(AVAILABILITY, segment="service")[org.vpn.pk]
    assert vpn.numerator == pytest.approx(120 * 60)
    assert vpn.denominator == 4
    # (720 h - 2 h) / 2 failures = 359 h.
    assert compute(MTBF, segment="service")[org.vpn.pk].value == pytest.approx(359.0)


def test_an_ongoing_outage_counts_up_to_now(org):
    outage(org, org.mail, utc(2026, 11, 15, 10), None)
    now = utc(2026, 11, 15, 12)
    # The period so far: 31 Oct 23:00 to 15 Nov 12:00 UTC = 14 d 13 h = 349 h.
    # Mail has been down for 2 of them; VPN not at all.
    by_service = compute(AVAILABILITY, segment="service", now=now)
    assert by_service[org.mail.pk].value == pytest.approx(100 * (1 - 2 / 349))
    assert by_service[org.vpn.pk].value == 100.0
    assert by_service[org.vpn.pk].denominator == 0
    overall = compute(AVAILABILITY, now=now)[ALL]
    assert overall.value == pytest.approx(100 * (1 - 2 / 698))
    assert compute(MTBF, now=now)[ALL].value == pytest.approx((698 - 2) / 1)
    # Seen from after the month, it has lasted to the end: 15 Nov 10:00 to
    # 30 Nov 23:00 UTC = 15 d 13 h = 373 h.
    later = compute(AVAILABILITY, segment="service")
    assert later[org.mail.pk].value == pytest.approx(100 * (1 - 373 / 720))


def test_a_month_long_outage_in_october_is_zero_availability(org):
    # October in Berlin: 30 Sep 22:00 UTC to 31 Oct 23:00 UTC, 745 hours
    # (summer time ends on the 25th). VPN is down for all of it.
    outage(org, org.vpn, utc(2026, 9, 30, 22), utc(2026, 10, 31, 23))
    # Mail is down for one hour.
    outage(org, org.mail, utc(2026, 10, 25, 1), utc(2026, 10, 25, 2))
    october = month(2026, 10)
    by_service = compute(AVAILABILITY, october, "service")
    assert by_service[org.vpn.pk].value == pytest.approx(0.0)
    assert by_service[org.mail.pk].value == pytest.approx(100 * (1 - 1 / 745))
    assert compute(AVAILABILITY, october)[ALL].value == pytest.approx(100 * (1 - 746 / 1490))
    assert compute(MTBF, october, "service")[org.vpn.pk].value == pytest.approx(0.0)


def test_only_live_services_count(org):
    fax = Service.objects.create(
        name="Fax", tier="3", status="retired", owner_team=org.l1, support_team=org.l1,
        calendar=org.calendar,
    )  # fmt: skip
    retiring = Service.objects.create(
        name="Old VPN", tier="3", status="retiring", owner_team=org.l1, support_team=org.l1,
        calendar=org.calendar,
    )  # fmt: skip
    # The retired service's outage is not the organisation's downtime.
    outage(org, fax, utc(2026, 11, 2), utc(2026, 11, 12))
    # A retiring service is still in use: 72 hours down.
    outage(org, retiring, utc(2026, 11, 2), utc(2026, 11, 5))
    got = compute(AVAILABILITY)[ALL]
    # Mail, VPN and Old VPN: 3 x 720 h, 72 h down.
    assert got.value == pytest.approx(100 * (1 - 72 / 2160))
    assert got.denominator == 1
    assert engine.records(AVAILABILITY, NOV, now=LATER).count() == 1
    assert fax.pk not in compute(AVAILABILITY, segment="service")


def test_no_outage_means_full_availability_and_no_mtbf(org):
    by_service = compute(AVAILABILITY, segment="service")
    assert {k: v.value for k, v in by_service.items()} == {org.mail.pk: 100.0, org.vpn.pk: 100.0}
    assert compute(MTBF)[ALL].value is None
    # A period that has not started yet has no time to be available in.
    assert compute(AVAILABILITY, month(2027, 1), now=utc(2026, 12, 15))[ALL].value is None
