"""The change KPIs on hand-made histories: every expected number below is
worked out by hand in the comments next to it. November 2026 in Berlin runs
from 2026-10-31 23:00 UTC to 2026-11-30 23:00 UTC."""

import pytest

from stanchion.accounts.roles import Role
from stanchion.metrics import engine
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import Share, kpis

from .kpis_world import CHANGE_KPIS, LATER, NOV, OCT, berlin, org_fixture, utc, values  # noqa: F401

NOV_QUERY = "period=month&at=2026-11-01"


def check(key, numerator, denominator, expected, *, period=NOV):
    kpi = kpis.get(key)
    got = values(key, period)[ALL]
    assert got.denominator == denominator, key
    assert got.numerator == pytest.approx(numerator, abs=1e-6), key
    if expected is None:
        assert got.value is None, key
    else:
        assert got.value == pytest.approx(expected, abs=1e-6), key
    assert engine.records(kpi, period, now=LATER).count() == denominator, key
    if isinstance(kpi.measure, Share):
        assert engine.records(kpi, period, part="numerator", now=LATER).count() == numerator
    return got


@pytest.fixture
def finished(org):
    """Changes whose implementation finished around November."""
    o = org
    made = {
        "c1": o.change("standard", [o.mail], implementer_team=o.ops,
                       actual_end=utc(2026, 11, 2, 10), outcome="successful"),
        "c2": o.change("standard", [o.mail, o.vpn], implementer_team=o.ops,
                       actual_end=utc(2026, 11, 3, 10), outcome="failed"),
        # Successful as recorded, but two incidents were caused by it: one failure.
        "c3": o.change("normal", [o.vpn], implementer_team=o.apps, incidents=2,
                       actual_end=utc(2026, 11, 4, 10), outcome="successful"),
        "c4": o.change("normal", [], implementer_team=o.apps,
                       actual_end=utc(2026, 11, 5, 10), outcome="rolled_back"),
        "c5": o.change("emergency", [o.mail], implementer_team=o.ops,
                       actual_end=utc(2026, 11, 6, 10), outcome="successful_with_issues"),
        # 23:59:59 on 31 October in Berlin: October's.
        "c6": o.change("normal", [o.mail], actual_end=utc(2026, 10, 31, 22, 59, 59),
                       outcome="failed"),
        # Midnight at the start of 1 November in Berlin: November's.
        "c7": o.change("normal", [o.mail], actual_end=utc(2026, 10, 31, 23), outcome="successful"),
        # Still implementing, cancelled, or finished without an outcome: not counted.
        "c8": o.change("normal", [o.mail], state="implementing", actual_start=utc(2026, 11, 7)),
        "c9": o.change("normal", [o.mail], state="cancelled"),
        "c10": o.change("normal", [o.mail], state="review", actual_end=utc(2026, 11, 8)),
    }  # fmt: skip
    return made


def test_change_failure_rate_counts_failed_outcomes_and_caused_incidents(finished):
    # Finished in November: c1, c2, c3, c4, c5, c7; failed: c2 (failed), c3
    # (incidents), c4 (rolled back) -> 3 of 6.
    check("change_failure_rate", 3, 6, 50.0)
    # October: c6 alone, failed.
    check("change_failure_rate", 1, 1, 100.0, period=OCT)


def test_change_failure_rate_by_type(finished):
    check("change_failure_rate_standard", 1, 2, 50.0)  # c1, c2 (failed)
    check("change_failure_rate_normal", 2, 3, 200 / 3)  # c3 (incident), c4, c7
    check("change_failure_rate_emergency", 0, 1, 0.0)  # c5: with issues is not a failure


def test_change_failure_rate_by_service_counts_a_change_for_each_service(finished, org):
    by_service = values("change_failure_rate", segment="service")
    got = {key: (v.numerator, v.denominator) for key, v in by_service.items()}
    # Mail: c1, c2, c5, c7 (c2 failed); VPN: c2, c3 (both failed); none: c4.
    assert got == {org.mail.pk: (1, 4), org.vpn.pk: (2, 2), None: (1, 1)}
    kpi = kpis.get("change_failure_rate")
    mail = engine.records(kpi, NOV, "service", org.mail.pk, now=LATER)
    assert sorted(c.number for c in mail) == sorted(
        finished[k].number for k in ("c1", "c2", "c5", "c7")
    )
    failed_vpn = engine.records(kpi, NOV, "service", org.vpn.pk, part="numerator", now=LATER)
    assert sorted(c.number for c in failed_vpn) == sorted([finished["c2"].number,
                                                           finished["c3"].number])  # fmt: skip
    assert engine.records(kpi, NOV, "service", "none", now=LATER).get() == finished["c4"]


def test_change_failure_rate_by_team(finished, org):
    by_team = values("change_failure_rate", segment="team")
    got = {key: (v.numerator, v.denominator) for key, v in by_team.items()}
    # Ops: c1, c2, c5 (c2 failed); apps: c3, c4 (both); no team: c7.
    assert got == {org.ops.pk: (1, 3), org.apps.pk: (2, 2), None: (0, 1)}


def test_changes_by_outcome(finished):
    check("changes_successful", 0, 3, 3)  # c1, c3, c7 (c3's incidents do not change it)
    check("changes_successful_with_issues", 0, 1, 1)  # c5
    check("changes_failed", 0, 1, 1)  # c2
    check("changes_rolled_back", 0, 1, 1)  # c4


def test_the_total_by_service_is_not_the_sum_of_overlapping_parts(finished):
    # c2 is on two services: the parts count 7 changes, the total 6.
    totals, split = engine.compute_split(CHANGE_KPIS, NOV, "service", now=LATER,
                                         targets=TargetTable())  # fmt: skip
    parts = split["change_failure_rate"].values()
    assert sum(v.denominator for v in parts) == 7
    total = totals["change_failure_rate"][ALL]
    assert (total.numerator, total.denominator) == (3, 6)
    # By team every change is in one part: the parts add up.
    totals, split = engine.compute_split(CHANGE_KPIS, NOV, "team", now=LATER,
                                         targets=TargetTable())  # fmt: skip
    assert totals["change_failure_rate"][ALL].denominator == 6


@pytest.fixture
def started(org):
    """Changes whose implementation started around November (Berlin times)."""
    o = org
    return {
        # Friday 16:00 to Monday 10:00: 8 + 10 hours = 0.75 business days.
        "s1": o.change("standard", [o.mail], implementer_team=o.ops,
                       submitted_at=berlin(2026, 11, 6, 16), actual_start=berlin(2026, 11, 9, 10)),
        # Monday to Monday two weeks later: 10 business days.
        "s2": o.change("standard", [o.vpn], implementer_team=o.ops,
                       submitted_at=berlin(2026, 11, 2, 9), actual_start=berlin(2026, 11, 16, 9)),
        # Wednesday noon to the next Thursday noon: 6 business days. Planned
        # outside its window, overridden with a reason.
        "s3": o.change("normal", [o.mail], implementer_team=o.apps,
                       submitted_at=berlin(2026, 11, 4, 12), approved_at=berlin(2026, 11, 5, 12),
                       actual_start=berlin(2026, 11, 12, 12),
                       conflicts=[{"kind": "outside_window", "message": "Outside"}],
                       conflict_override_reason="The vendor is only there on Thursday"),
        # Saturday to Sunday: 0 business days. Never approved. An overlap is
        # not a breach.
        "s4": o.change("normal", [o.mail, o.vpn], implementer_team=o.apps,
                       submitted_at=berlin(2026, 11, 14, 10), actual_start=berlin(2026, 11, 15, 18),
                       conflicts=[{"kind": "overlap", "message": "Overlaps CHG-1"}]),
        # Tuesday 22:00 to Wednesday 01:00: 3 hours = 0.125. In a blackout,
        # nobody overrode it.
        "s5": o.change("emergency", [o.mail], implementer_team=o.ops,
                       submitted_at=berlin(2026, 11, 24, 22), approved_at=berlin(2026, 11, 24, 23),
                       actual_start=berlin(2026, 11, 25, 1),
                       conflicts=[{"kind": "overlap", "message": "x"},
                                  {"kind": "blackout", "message": "Year end"}]),
        # One hour, 1/24 of a business day; approved after the work began.
        "s6": o.change("emergency", [o.vpn], implementer_team=o.ops,
                       submitted_at=berlin(2026, 11, 30, 8), approved_at=berlin(2026, 11, 30, 10),
                       actual_start=berlin(2026, 11, 30, 9)),
        # Midnight starting 1 December: December's.
        "s7": o.change("emergency", [o.mail], submitted_at=berlin(2026, 11, 30, 20),
                       actual_start=berlin(2026, 12, 1, 0),
                       conflicts=[{"kind": "blackout", "message": "Year end"}]),
        # Started without ever being submitted: no lead time, but a change.
        "s8": o.change("normal", [], approved_at=berlin(2026, 11, 3, 9),
                       actual_start=berlin(2026, 11, 3, 10)),
    }  # fmt: skip


def test_emergency_change_ratio(started):
    # Started in November: s1-s6 and s8 (7); emergency: s5, s6.
    check("emergency_change_ratio", 2, 7, 200 / 7)


def test_change_lead_time_in_business_days(started):
    check("change_lead_time_standard", 10.75, 2, 5.375)  # (0.75 + 10) / 2
    check("change_lead_time_normal", 6.0, 2, 3.0)  # (6 + 0) / 2; s8 was never submitted
    check("change_lead_time_emergency", 0.125 + 1 / 24, 2, (0.125 + 1 / 24) / 2)


def test_lead_time_is_wall_clock_across_the_dst_change(org):
    # Friday 23 October noon (CEST) to Monday 26 October noon (CET): 12 + 12
    # hours of weekdays, one business day, though 73 hours elapse.
    org.change("normal", [org.mail], submitted_at=berlin(2026, 10, 23, 12),
               actual_start=berlin(2026, 10, 26, 12))  # fmt: skip
    check("change_lead_time_normal", 1.0, 1, 1.0, period=OCT)


def test_lead_time_follows_the_reporting_zone(org, settings):
    # 2026-11-06 23:30 UTC is Friday 23:30 in London but Saturday 00:30 in
    # Berlin; the start is Monday 09 November 00:30 UTC in both (Monday).
    org.change("normal", submitted_at=utc(2026, 11, 6, 23, 30),
               actual_start=utc(2026, 11, 9, 0, 30))  # fmt: skip
    # Berlin: weekend from Saturday 00:30 local, Monday 01:30 local -> 1.5 h.
    check("change_lead_time_normal", 1.5 / 24, 1, 1.5 / 24)
    settings.REPORT_TIME_ZONE = "Europe/London"
    # London: Friday 23:30 to midnight (0.5 h) + Monday to 00:30 (0.5 h).
    assert values("change_lead_time_normal")[ALL].numerator == pytest.approx(1 / 24)


def test_changes_implemented_without_approval(started):
    # Normal/emergency started in November without an approval before the
    # start: s4 (none) and s6 (approved an hour after it began). Standard
    # changes s1, s2 are pre-approved; s3, s5, s8 were approved in time.
    got = check("changes_without_approval", 0, 2, 2)
    assert got.status == "off"
    kpi = kpis.get("changes_without_approval")
    assert {c.number for c in engine.records(kpi, NOV, now=LATER)} == {
        started["s4"].number,
        started["s6"].number,
    }


def test_changes_in_breach_of_a_window_or_blackout(started):
    # s3 (outside its window, overridden) and s5 (blackout); s4's overlap is
    # not a breach and s7 started in December.
    kpi = kpis.get("changes_in_breach")
    check("changes_in_breach", 0, 2, 2)
    assert {c.number for c in engine.records(kpi, NOV, now=LATER)} == {
        started["s3"].number,
        started["s5"].number,
    }
    check("changes_in_breach", 0, 0, 0, period=OCT)  # none in October
    check("changes_in_breach_unexcused", 0, 1, 1)  # s5 only


def test_breaches_by_service(started, org):
    got = {k: v.denominator for k, v in values("changes_in_breach", segment="service").items()}
    assert got == {org.mail.pk: 2}


def test_an_empty_period_has_no_values(org):
    for kpi in CHANGE_KPIS:
        got = engine.compute_one(kpi, NOV, now=LATER, targets=TargetTable())[ALL]
        assert got.denominator == 0, kpi.key
        assert got.value == (0 if kpi.unit == "count" else None), kpi.key
    assert values("changes_without_approval")[ALL].status == "on"


def test_every_change_kpi_is_defined_for_the_reader():
    keys = {kpi.key for kpi in CHANGE_KPIS}
    assert keys == {
        "change_failure_rate", "change_failure_rate_standard", "change_failure_rate_normal",
        "change_failure_rate_emergency", "emergency_change_ratio", "change_lead_time_standard",
        "change_lead_time_normal", "change_lead_time_emergency", "changes_successful",
        "changes_successful_with_issues", "changes_failed", "changes_rolled_back",
        "changes_without_approval", "changes_in_breach", "changes_in_breach_unexcused",
    }  # fmt: skip
    for kpi in CHANGE_KPIS:
        assert kpi.formula.endswith(".") and len(kpi.formula) > 60, kpi.key
        assert set(kpi.segments) == {"service", "team"}, kpi.key


# -- on the pages --------------------------------------------------------------


@pytest.fixture
def agent_client(client, make_user):
    client.force_login(make_user(Role.AGENT))
    return client


def test_the_dashboard_shows_the_change_group(started, agent_client):
    response = agent_client.get(f"/kpis/?{NOV_QUERY}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="section-title">Change management</h2>' in html
    for kpi in CHANGE_KPIS:
        assert f"/kpis/{kpi.key}/?" in html, kpi.key
    section = html[html.index("Change management</h2>") :]
    assert "28.6%" in section  # the emergency change ratio, 2 of 7
    assert "5.4 d" in section  # standard lead time, 5.375 business days


def test_the_records_page_lists_the_changes_behind_a_number(started, agent_client):
    response = agent_client.get(f"/kpis/changes_in_breach/records/?{NOV_QUERY}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="2"' in html
    assert started["s3"].number in html and started["s5"].number in html
    assert started["s7"].number not in html
    assert "Emergency" in html  # s5's type badge


def test_the_records_page_by_service(started, agent_client, org):
    url = f"/kpis/emergency_change_ratio/records/?{NOV_QUERY}&segment=service&value={org.vpn.pk}"
    response = agent_client.get(url + "&part=numerator")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="1"' in html and started["s6"].number in html


def test_a_change_kpi_page_breaks_down_by_service_and_team(started, agent_client):
    response = agent_client.get(f"/kpis/change_lead_time_standard/?{NOV_QUERY}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="by-service"' in html or "By service" in html
    assert "Mail" in html and "Platform operations" in html
    assert "business days" in html


def test_the_api_lists_the_changes_behind_a_value(started, api_client, make_user, org):
    client = api_client(make_user(Role.AUDITOR), scope="read")
    response = client.get(f"/api/kpis/changes_without_approval/records/?{NOV_QUERY}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    rows = {row["number"]: row for row in body["results"]}
    assert set(rows) == {started["s4"].number, started["s6"].number}
    assert rows[started["s6"].number]["type"] == "change"
    assert rows[started["s6"].number]["ticket"] is None
    assert rows[started["s6"].number]["detail"] == "Emergency"
    url = f"/api/kpis/emergency_change_ratio/values/?{NOV_QUERY}&segment=service"
    values = client.get(url).json()["values"]
    # Mail: s1, s3, s4, s5 (s5 emergency); VPN: s2, s4, s6 (s6); none: s8.
    got = {v["segment_value"]: (v["numerator"], v["denominator"]) for v in values}
    assert got == {str(org.mail.pk): (1, 4), str(org.vpn.pk): (1, 3), None: (0, 1)}
    url = f"/api/kpis/emergency_change_ratio/records/?{NOV_QUERY}&segment=service"
    numbers = {r["number"] for r in client.get(f"{url}&value={org.vpn.pk}").json()["results"]}
    assert numbers == {started[k].number for k in ("s2", "s4", "s6")}
    assert client.get(f"{url}&value=none").json()["count"] == 1  # s8
    assert client.get(f"{url}&value=mail").status_code == 400
