"""compute_split: totals summed from the per-segment parts in one pass, the
same numbers as computing overall on its own."""

import pytest

from stanchion.metrics import engine
from stanchion.metrics.engine import ALL
from stanchion.metrics.registry import kpis

from .conftest import LATER, NOV, utc


@pytest.fixture
def history(org):
    # By hand, November: incidents I1 (Mail, 60 min to resolve), I2 (VPN,
    # 180 min), I3 (no service, 30 min); request R1 (VPN, 48 h).
    i1 = org.ticket(
        created_at=utc(2026, 11, 2, 9),
        service=org.mail,
        first_response_at=utc(2026, 11, 2, 9, 10),
        resolved_at=utc(2026, 11, 2, 10),
    )
    i2 = org.ticket(
        created_at=utc(2026, 11, 3, 9),
        service=org.vpn,
        first_response_at=utc(2026, 11, 3, 9, 30),
        resolved_at=utc(2026, 11, 3, 12),
    )
    org.ticket(
        created_at=utc(2026, 11, 4, 9),
        resolved_at=utc(2026, 11, 4, 9, 30),
        first_response_at=utc(2026, 11, 4, 9, 5),
    )
    r1 = org.ticket(
        kind="request",
        created_at=utc(2026, 11, 5, 9),
        service=org.vpn,
        resolved_at=utc(2026, 11, 7, 9),
        resolution_code="fulfilled",
    )
    org.clock(i1, "resolution", "met", utc(2026, 11, 2, 10))
    org.clock(i2, "resolution", "missed", utc(2026, 11, 3, 12))
    org.clock(r1, "resolution", "met", utc(2026, 11, 7, 9))
    org.survey(i1, utc(2026, 11, 2, 11), rating=5, answered_at=utc(2026, 11, 2, 12))
    org.survey(i2, utc(2026, 11, 3, 13))


def test_totals_from_the_parts_equal_the_overall_numbers(history):
    totals, split = engine.compute_split(kpis.all(), NOV, "service", now=LATER)
    alone = engine.compute(kpis.all(), NOV, now=LATER)
    assert set(totals) == set(alone) == {kpi.key for kpi in kpis.all()}
    for key, values in alone.items():
        got, expected = totals[key][ALL], values[ALL]
        assert (got.numerator, got.denominator) == pytest.approx(
            (expected.numerator, expected.denominator)
        ), key
        assert (got.target, got.status) == (expected.target, expected.status), key
    # And by hand: MTTR is (60 + 180 + 30) / 3 = 90 minutes.
    assert totals["mttr"][ALL].value == pytest.approx(90.0)


def test_split_parts_by_hand(history, org):
    totals, split = engine.compute_split(["mttr", "sla_resolution_incidents"], NOV, "service",
                                         now=LATER)  # fmt: skip
    assert {k: v.value for k, v in split["mttr"].items()} == pytest.approx(
        {None: 30.0, org.mail.pk: 60.0, org.vpn.pk: 180.0}
    )
    assert totals["mttr"][ALL].value == pytest.approx(90.0)
    # Incident resolution clocks: Mail met, VPN missed: 50%.
    assert totals["sla_resolution_incidents"][ALL].value == pytest.approx(50.0)
    assert totals["sla_resolution_incidents"][ALL].denominator == 2


def test_kpis_that_cannot_be_split_still_get_a_total(history):
    # Availability cannot be split by team: its total is computed on its
    # own; the CSAT response rate is summed from its parts (1 of 2 answered).
    totals, split = engine.compute_split(["availability", "csat_response_rate"], NOV, "team",
                                         now=LATER)  # fmt: skip
    assert "availability" not in split
    assert totals["availability"][ALL].value == pytest.approx(100.0)
    assert totals["csat_response_rate"][ALL].value == pytest.approx(50.0)
