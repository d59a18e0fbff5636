"""The monthly service review against a small hand-made month.

The review is for October 2026 in the reporting zone (Europe/Berlin), compared
with September 2026. October runs from 2026-09-30 22:00 UTC to 2026-10-31
23:00 UTC: 31 days and the hour clocks went back, 745 hours (44,700 minutes).
September is 30 days, 720 hours (43,200 minutes). Every time below is UTC,
well inside its month.

    October
    I1  incident  Mail P1 Hardware  opened 10-05 10:00, answered 10:10, resolved 12:00,
        impact 10:00-11:00, escalated, reassigned twice
        clocks: response met, resolution met; OLA response (L2) met
    I2  incident  Mail P2 Hardware  opened 10-06 09:00, answered 09:30, resolved 13:00,
        impact 10-05 10:30-11:30 (overlaps I1: Mail is down 10:00-11:30, 90 min, 1 outage)
        clocks: response met, resolution MISSED (due 12:00, stopped 13:00: 60 min
        late, paused 10:00-10:30)
    I3  incident  VPN P3 Software   opened 10-10 08:00, answered 09:00, still in progress,
        title starting with "=" (a spreadsheet formula)
        clocks: response MISSED (due 08:30, stopped 09:00: 30 min late)
    R1  request   VPN P4 Software   opened 10-12 09:00, fulfilled 10-14 09:00 (48 h)
        clocks: response met, resolution MISSED (due 10-13 09:00: 1,440 min late)
    R2  request   VPN P4 no category, opened 10-20 09:00, open
        clocks: response cancelled (never counts)

    September
    S1  incident  VPN P2 Hardware   opened 09-10 08:00, answered 08:20, resolved 10:00,
        impact 08:00-09:00 (VPN down 60 min)
        clocks: response met, resolution met
    RS1 request   VPN P4 Software   opened 09-15 09:00, fulfilled 09-16 09:00 (24 h)
        clocks: response MISSED (due 10:00, stopped 11:00), resolution met

    Surveys: on I1 sent 10-05 13:00, answered 10-06 rated 5; on I2 sent 10-06 14:00,
    answered 10-07 rated 2; on R1 sent 10-14 10:00, never answered; on S1 sent 09-10
    11:00, answered 09-11 rated 4; on RS1 sent 09-29 09:00, answered 10-02 rated 3.
"""

import csv
import io
import sys
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from stanchion.accounts.models import Person, Team
from stanchion.accounts.roles import Role
from stanchion.catalog.models import BusinessCalendar, CatalogItem, Service
from stanchion.metrics import review, review_lists
from stanchion.metrics.models import KpiTarget
from stanchion.metrics.review_views import csv_cell
from stanchion.tickets.models import Category, CsatSurvey, SlaClock, Ticket

LATER = datetime(2027, 6, 1, tzinfo=UTC)
OCT_MINUTES, SEP_MINUTES = 44700, 43200


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def world(db):
    calendar = BusinessCalendar.objects.get(name="24x7")
    l1 = Team.objects.create(name="Desk", tier="l1")
    l2 = Team.objects.create(name="Net", tier="l2")
    mail = Service.objects.create(
        name="Mail", tier="1", owner_team=l2, support_team=l2, calendar=calendar, status="live"
    )
    vpn = Service.objects.create(
        name="VPN", tier="2", owner_team=l2, support_team=l2, calendar=calendar, status="live"
    )
    hardware = Category.objects.create(name="Hardware")
    software = Category.objects.create(name="Software")
    person = Person.objects.create(name="Rita", email="rita@example.com", employee_id="R1")
    laptop = CatalogItem.objects.create(
        service=vpn, name="Laptop", delivery_target=timedelta(days=2)
    )

    def ticket(number, kind, service, priority, category, created, **fields):
        return Ticket.objects.create(
            number=number,
            kind=kind,
            title=fields.pop("title", f"Ticket {number}"),
            requester=person,
            service=service,
            priority=priority,
            category=category,
            created_at=created,
            catalog_item=laptop if kind == "request" else None,
            state="resolved" if fields.get("resolved_at") else "in_progress",
            **fields,
        )

    def clock(on, kind, state, due, stopped, **fields):
        return SlaClock.objects.create(
            ticket=on,
            kind=kind,
            state=state,
            due_at=due,
            stopped_at=stopped,
            started_at=on.created_at,
            target_seconds=3600,
            policy_name="Standard",
            calendar=calendar,
            **fields,
        )

    i1 = ticket(
        "INC-1", "incident", mail, "p1", hardware, utc(2026, 10, 5, 10),
        first_response_at=utc(2026, 10, 5, 10, 10), resolved_at=utc(2026, 10, 5, 12),
        resolution_code="solved", impact_start=utc(2026, 10, 5, 10),
        impact_end=utc(2026, 10, 5, 11), assignment_team=l2, was_escalated=True,
        reassignment_count=2,
    )  # fmt: skip
    i2 = ticket(
        "INC-2", "incident", mail, "p2", hardware, utc(2026, 10, 6, 9),
        first_response_at=utc(2026, 10, 6, 9, 30), resolved_at=utc(2026, 10, 6, 13),
        resolution_code="solved", impact_start=utc(2026, 10, 5, 10, 30),
        impact_end=utc(2026, 10, 5, 11, 30), assignment_team=l1,
    )  # fmt: skip
    i3 = ticket(
        "INC-3", "incident", vpn, "p3", software, utc(2026, 10, 10, 8),
        first_response_at=utc(2026, 10, 10, 9), title="=HYPERLINK(\"http://x\")",
        assignment_team=l1,
    )  # fmt: skip
    r1 = ticket(
        "REQ-1", "request", vpn, "p4", software, utc(2026, 10, 12, 9),
        first_response_at=utc(2026, 10, 12, 10), resolved_at=utc(2026, 10, 14, 9),
        resolution_code="fulfilled", assignment_team=l1,
    )  # fmt: skip
    r2 = ticket("REQ-2", "request", vpn, "p4", None, utc(2026, 10, 20, 9))
    s1 = ticket(
        "INC-S1", "incident", vpn, "p2", hardware, utc(2026, 9, 10, 8),
        first_response_at=utc(2026, 9, 10, 8, 20), resolved_at=utc(2026, 9, 10, 10),
        resolution_code="solved", impact_start=utc(2026, 9, 10, 8),
        impact_end=utc(2026, 9, 10, 9),
    )  # fmt: skip
    rs1 = ticket(
        "REQ-S1", "request", vpn, "p4", software, utc(2026, 9, 15, 9),
        first_response_at=utc(2026, 9, 15, 11), resolved_at=utc(2026, 9, 16, 9),
        resolution_code="fulfilled",
    )  # fmt: skip

    clock(i1, "response", "met", utc(2026, 10, 5, 10, 15), utc(2026, 10, 5, 10, 10))
    clock(i1, "resolution", "met", utc(2026, 10, 5, 12), utc(2026, 10, 5, 12))
    clock(i1, "ola_response", "met", utc(2026, 10, 5, 11), utc(2026, 10, 5, 10, 10), team=l2)
    clock(i2, "response", "met", utc(2026, 10, 6, 9, 30), utc(2026, 10, 6, 9, 30))
    clock(
        i2, "resolution", "missed", utc(2026, 10, 6, 12), utc(2026, 10, 6, 13),
        pauses=[["2026-10-06T10:00:00+00:00", "2026-10-06T10:30:00+00:00"]],
    )  # fmt: skip
    clock(i3, "response", "missed", utc(2026, 10, 10, 8, 30), utc(2026, 10, 10, 9))
    clock(r1, "response", "met", utc(2026, 10, 12, 17), utc(2026, 10, 12, 10))
    clock(r1, "resolution", "missed", utc(2026, 10, 13, 9), utc(2026, 10, 14, 9))
    clock(r2, "response", "cancelled", utc(2026, 10, 20, 17), utc(2026, 10, 20, 10))
    clock(s1, "response", "met", utc(2026, 9, 10, 8, 30), utc(2026, 9, 10, 8, 20))
    clock(s1, "resolution", "met", utc(2026, 9, 10, 12), utc(2026, 9, 10, 10))
    clock(rs1, "response", "missed", utc(2026, 9, 15, 10), utc(2026, 9, 15, 11))
    clock(rs1, "resolution", "met", utc(2026, 9, 17, 9), utc(2026, 9, 16, 9))

    for on, sent, rating, answered in (
        (i1, utc(2026, 10, 5, 13), 5, utc(2026, 10, 6, 8)),
        (i2, utc(2026, 10, 6, 14), 2, utc(2026, 10, 7, 8)),
        (r1, utc(2026, 10, 14, 10), None, None),
        (s1, utc(2026, 9, 10, 11), 4, utc(2026, 9, 11, 8)),
        (rs1, utc(2026, 9, 29, 9), 3, utc(2026, 10, 2, 8)),
    ):
        CsatSurvey.objects.create(ticket=on, sent_at=sent, rating=rating, answered_at=answered)
    return {"mail": mail, "vpn": vpn}


OCTOBER = "2026-10"


def october():
    return review.parse_month(OCTOBER, now=LATER)


def built(key):
    return review.build_table(key, october(), now=LATER)


def by(rows, field):
    return {row[field]: row for row in rows}


def measures(table):
    return {(row["measure"]): row for row in table.rows}


# -- months -------------------------------------------------------------------


def test_a_month_is_its_days_in_the_reporting_zone():
    period = october()
    assert period.start == utc(2026, 9, 30, 22)
    assert period.end == utc(2026, 10, 31, 23)
    assert period.previous().key == "2026-09"


@pytest.mark.parametrize(
    ("text", "status"),
    [("2026-13", 400), ("2026-00", 400), ("2026-1", 400), ("October", 400), ("", 400),
     ("2026-12", 404), ("2099-01", 404)],
)  # fmt: skip
def test_a_bad_or_future_month_is_refused_by_name(text, status):
    with pytest.raises(review.MonthError) as raised:
        review.parse_month(text, now=utc(2026, 11, 26, 12))
    assert raised.value.status == status
    assert f"{text}" in raised.value.message


def test_the_current_month_can_be_reviewed_while_it_runs():
    assert review.parse_month("2026-11", now=utc(2026, 11, 26, 12)).key == "2026-11"


def test_the_default_is_the_last_complete_month():
    assert review.last_complete_month(utc(2026, 11, 26, 12)).key == "2026-10"
    # 1 November 00:30 in Berlin is still 31 October in UTC: November has begun.
    assert review.last_complete_month(utc(2026, 10, 31, 23, 30)).key == "2026-10"
    assert review.last_complete_month(utc(2026, 10, 31, 22, 30)).key == "2026-09"


# -- the tables -----------------------------------------------------------------


def test_service_health(world):
    rows = by(built("health").rows, "service")
    assert list(rows) == ["All services", "Mail", "VPN"]
    everything, mail, vpn = rows["All services"], rows["Mail"], rows["VPN"]
    # Mail is down 10:00-11:30 once (I1 and I2 overlap): 90 of 44,700 minutes.
    assert mail["availability"] == pytest.approx(100 * (1 - 90 / OCT_MINUTES))  # 99.7987
    assert mail["availability_previous"] == pytest.approx(100.0)
    assert (mail["outages"], mail["downtime_minutes"]) == (1, pytest.approx(90))
    # VPN: up all October; down 60 of 43,200 minutes in September (S1).
    assert vpn["availability"] == pytest.approx(100.0)
    assert vpn["availability_previous"] == pytest.approx(100 * (1 - 60 / SEP_MINUTES))
    # Both services: 90 minutes over two services' time.
    assert everything["availability"] == pytest.approx(100 * (1 - 90 / (2 * OCT_MINUTES)))
    assert everything["availability_previous"] == pytest.approx(100 * (1 - 60 / (2 * SEP_MINUTES)))
    assert everything["availability_change"] == pytest.approx(
        100 * (1 - 90 / (2 * OCT_MINUTES)) - 100 * (1 - 60 / (2 * SEP_MINUTES))
    )
    # Incidents opened: Mail I1, I2; VPN I3 (October) and S1 (September).
    assert (mail["incidents"], mail["incidents_previous"], mail["incidents_change"]) == (2, 0, 2)
    assert (vpn["incidents"], vpn["incidents_previous"]) == (1, 1)
    assert (everything["incidents"], everything["incidents_previous"]) == (3, 1)
    # SLA clocks: Mail 4 (I1 both met, I2 response met, resolution missed) -> 75%;
    # VPN 3 (I3 response missed, R1 response met, resolution missed) -> 1/3.
    assert (mail["sla_clocks"], mail["sla_met"]) == (4, pytest.approx(75.0))
    assert mail["sla_met_previous"] is None
    assert (vpn["sla_clocks"], vpn["sla_met"]) == (3, pytest.approx(100 / 3))
    # September, VPN: S1 both met, RS1 response missed, resolution met -> 3/4.
    assert vpn["sla_met_previous"] == pytest.approx(75.0)
    assert everything["sla_clocks"] == 7
    assert everything["sla_met"] == pytest.approx(400 / 7)
    assert everything["sla_change"] == pytest.approx(400 / 7 - 75.0)


def test_sla_attainment_overall_and_by_priority(world):
    rows = {(row["measure"], row["priority"]): row for row in built("sla").rows}
    response = rows[("SLA attainment: incident response", "All")]
    # I1 and I2 met, I3 missed; September S1 met.
    assert (response["clocks"], response["met"], response["missed"]) == (3, 2, 1)
    assert response["attainment"] == pytest.approx(200 / 3)
    assert response["previous"] == pytest.approx(100.0)
    assert response["change"] == pytest.approx(200 / 3 - 100)
    assert (response["target"], response["status"]) == (95.0, "off")
    resolution = rows[("SLA attainment: incident resolution", "All")]
    assert (resolution["clocks"], resolution["met"], resolution["attainment"]) == (2, 1, 50.0)
    request_response = rows[("SLA attainment: request response", "All")]
    # R1 met (R2's cancelled clock does not count); September RS1 missed.
    assert (request_response["clocks"], request_response["attainment"]) == (1, 100.0)
    assert (request_response["previous"], request_response["change"]) == (0.0, 100.0)
    request_resolution = rows[("SLA attainment: request resolution", "All")]
    assert (request_resolution["attainment"], request_resolution["previous"]) == (0.0, 100.0)
    # By priority: I1 (P1) met, I2 (P2) met, I3 (P3) missed; September S1 (P2) met.
    assert rows[("SLA attainment: incident response", "P1")]["attainment"] == 100.0
    assert rows[("SLA attainment: incident response", "P1")]["previous"] is None
    assert rows[("SLA attainment: incident response", "P2")]["previous"] == 100.0
    assert rows[("SLA attainment: incident response", "P3")]["attainment"] == 0.0
    assert ("SLA attainment: incident response", "P4") not in rows
    ola = rows[("OLA attainment", "All")]
    assert (ola["clocks"], ola["met"], ola["previous"]) == (1, 1, None)
    # Missed clocks here are the breaches list: 1 + 1 + 0 + 1.
    missed = sum(
        row["missed"] for (name, priority), row in rows.items()
        if name.startswith("SLA attainment") and priority == "All"
    )  # fmt: skip
    assert missed == len(built("breaches").rows) == 3


def test_an_organisation_target_sets_the_status(world):
    KpiTarget.objects.create(kpi="sla_response_incidents", priority="", target=60, warning=50)
    rows = {(row["measure"], row["priority"]): row for row in built("sla").rows}
    row = rows[("SLA attainment: incident response", "All")]
    assert (row["target"], row["status"]) == (60, "on")


def test_incident_trend_over_six_months(world):
    table = built("incidents")
    months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert [c.key for c in table.columns][2:8] == months
    rows = measures(table)
    opened = rows["Incidents opened"]
    assert [opened[m] for m in months] == [0, 0, 0, 0, 1, 3]
    assert opened["change"] == 2
    assert (rows["P1 incidents opened"]["2026-10"], rows["P1 incidents opened"]["change"]) == (1, 1)
    assert (rows["P2 incidents opened"]["2026-09"], rows["P2 incidents opened"]["2026-10"]) == (
        1,
        1,
    )
    mtta = rows["Mean time to acknowledge (MTTA)"]
    # October: 10, 30 and 60 minutes; September: 20.
    assert mtta["2026-10"] == pytest.approx(100 / 3)
    assert mtta["2026-09"] == pytest.approx(20.0)
    assert mtta["2026-08"] is None
    assert mtta["change"] == pytest.approx(100 / 3 - 20)
    mttr = rows["Mean time to restore (MTTR)"]
    # October: I1 120 and I2 240 minutes (I3 is not resolved); September: 120.
    assert (mttr["2026-10"], mttr["2026-09"], mttr["change"]) == pytest.approx((180, 120, 60))
    assert (mttr["target"], mttr["status"]) == (1440.0, "on")


def test_request_trend(world):
    rows = measures(built("requests"))
    opened = rows["Request volume"]
    assert (opened["2026-10"], opened["2026-09"]) == (2, 1)
    fulfilment = rows["Request fulfilment time"]
    # R1 took 48 hours; RS1 24.
    trend = (fulfilment["2026-10"], fulfilment["2026-09"], fulfilment["change"])
    assert trend == pytest.approx((48, 24, 24))
    assert fulfilment["status"] == "on"  # the target is 48 hours or less
    promise = rows["Requests delivered within the catalog promise"]
    assert (promise["2026-10"], promise["2026-09"]) == (0.0, 100.0)


def test_top_categories(world):
    rows = built("categories").rows
    # October: Hardware I1, I2; Software I3, R1; none R2. Ties go by name.
    assert [(r["category"], r["opened"]) for r in rows] == [
        ("Hardware", 2), ("Software", 2), ("No category", 1),
    ]  # fmt: skip
    hardware, software, none = rows
    assert (hardware["incidents"], hardware["requests"], hardware["escalated"]) == (2, 0, 1)
    assert (software["incidents"], software["requests"], software["escalated"]) == (1, 1, 0)
    assert [r["share"] for r in rows] == [40.0, 40.0, 20.0]
    # September: Hardware S1, Software RS1.
    assert [(r["previous"], r["change"]) for r in rows] == [(1, 1), (1, 1), (0, 1)]
    assert [r["rank"] for r in rows] == [1, 2, 3]


def test_breaches_with_reasons(world):
    rows = built("breaches").rows
    assert [(r["ticket"], r["clock"]) for r in rows] == [
        ("INC-2", "Resolution"), ("INC-3", "First response"), ("REQ-1", "Resolution"),
    ]  # fmt: skip
    inc2, inc3, req1 = rows
    assert (inc2["priority"], inc2["service"], inc2["team"]) == ("P2", "Mail", "Desk")
    # Due 12:00 UTC = 14:00 in Berlin (summer time), stopped an hour later.
    assert inc2["due_at"].isoformat() == "2026-10-06T14:00:00+02:00"
    assert (inc2["late_minutes"], inc2["paused_minutes"]) == (60.0, 30.0)
    assert inc2["resolution"] == "Solved (permanently)"
    assert inc2["reasons"] == "paused 1× (30 min); resolved: solved (permanently)"
    assert (inc3["late_minutes"], inc3["reasons"]) == (30.0, "still open")
    assert req1["late_minutes"] == 1440.0
    assert req1["reasons"] == "resolved: fulfilled"
    assert review_lists.breach_count(october().previous(), LATER) == 1  # RS1's response


def test_csat(world):
    rows = measures(built("csat"))
    # Answered in October: 5 (I1), 2 (I2), 3 (RS1's, sent in September).
    assert rows["CSAT average"]["2026-10"] == pytest.approx(10 / 3)
    assert rows["CSAT average"]["2026-09"] == pytest.approx(4.0)
    assert rows["CSAT positive share"]["2026-10"] == pytest.approx(100 / 3)
    # Sent in October: I1, I2, R1; answered (at any time) 2. September: S1, RS1, both.
    assert rows["CSAT response rate"]["2026-10"] == pytest.approx(200 / 3)
    assert rows["CSAT response rate"]["2026-09"] == pytest.approx(100.0)
    assert (rows["Surveys sent"]["2026-10"], rows["Surveys answered"]["2026-10"]) == (3, 3)
    assert [rows[f"Rated {n}"]["2026-10"] for n in (5, 4, 3, 2, 1)] == [1, 0, 1, 1, 0]
    assert [rows[f"Rated {n}"]["2026-09"] for n in (5, 4, 3, 2, 1)] == [0, 1, 0, 0, 0]
    assert rows["Rated 4"]["change"] == -1


def test_an_empty_month_has_its_rows_without_values(db):
    data = review.build_review(review.parse_month("2026-10", now=LATER), now=LATER)
    assert [r["service"] for r in data.tables["health"].rows] == ["All services"]
    assert data.tables["breaches"].rows == []
    assert data.tables["categories"].rows == []
    assert measures(data.tables["incidents"])["Mean time to restore (MTTR)"]["2026-10"] is None


# -- CSV --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-x", "'-x"), ("@cmd", "'@cmd"),
     ("plain", "plain"), (-3, -3), (2.123456, 2.1235), (None, ""),
     (datetime(2026, 10, 1, 9, 30, tzinfo=UTC), "2026-10-01T09:30:00+00:00")],
)  # fmt: skip
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


def parse_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def agent_client(client, make_user):
    client.force_login(make_user(Role.AGENT))
    return client


def test_csv_exports_parse_back(world, agent_client):
    response = agent_client.get(f"/reviews/monthly/{OCTOBER}/breaches.csv")
    assert response.status_code == 200
    assert "service-review-2026-10-breaches.csv" in response["Content-Disposition"]
    rows = parse_csv(response)
    assert [r["ticket"] for r in rows] == ["INC-2", "INC-3", "REQ-1"]
    assert float(rows[0]["late_minutes"]) == 60.0
    assert rows[0]["due_at"] == "2026-10-06T14:00:00+02:00"
    # INC-3's title is a formula: a spreadsheet must show it, not run it.
    assert rows[1]["title"] == '\'=HYPERLINK("http://x")'

    rows = parse_csv(agent_client.get(f"/reviews/monthly/{OCTOBER}/sla.csv"))
    first = rows[0]
    assert list(first)[:3] == ["measure", "priority", "clocks"]
    assert (first["measure"], first["clocks"], first["met"]) == (
        "SLA attainment: incident response", "3", "2",
    )  # fmt: skip
    assert float(first["attainment"]) == pytest.approx(66.6667)
    assert float(first["change"]) == pytest.approx(-33.3333)

    rows = parse_csv(agent_client.get(f"/reviews/monthly/{OCTOBER}/incidents.csv"))
    assert rows[0]["measure"] == "Incidents opened"
    assert (rows[0]["2026-09"], rows[0]["2026-10"], rows[0]["change"]) == ("1", "3", "2")
    mtta = next(r for r in rows if r["measure"].startswith("Mean time to acknowledge"))
    assert mtta["2026-08"] == ""


@pytest.mark.parametrize("table", review.TABLES)
def test_every_table_has_a_csv_with_a_header(world, agent_client, table):
    response = agent_client.get(f"/reviews/monthly/{OCTOBER}/{table}.csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert header == [c.key for c in built(table).columns]


# -- the page, the PDF, permissions and bad input -------------------------------


def test_the_page_shows_every_table_with_the_previous_month(
    world, agent_client, django_assert_max_num_queries
):
    # Aggregates only: about 13 per month of the six-month trends, a few per
    # table, and per KPI computation the lookup of its rolled-up days (and,
    # once days are rolled up, one read of their rows): flat, however many
    # tickets the month has.
    with django_assert_max_num_queries(150):
        response = agent_client.get(f"/reviews/monthly/{OCTOBER}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monthly service review: October 2026" in page
    assert "1 October 2026 to 31 October 2026, Europe/Berlin time" in page
    assert "compared with September 2026" in page
    for table in review.TABLES:
        assert f'id="{table}"' in page
        assert f"/reviews/monthly/2026-10/{table}.csv" in page
    assert "/reviews/monthly/2026-10.pdf" in page
    assert "99.799%" in page  # Mail's availability
    assert "+2" in page  # Mail's incidents against September
    assert 'href="/desk/tickets/INC-2/"' in page  # a breach links to its ticket
    # Text from tickets is escaped.
    assert "=HYPERLINK(&quot;http://x&quot;)" in page


def test_the_review_defaults_to_the_last_complete_month(agent_client):
    response = agent_client.get("/reviews/monthly/")
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/monthly/{review.last_complete_month().key}/"
    response = agent_client.get("/reviews/monthly/?month=2026-09")
    assert response["Location"] == "/reviews/monthly/2026-09/"


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/reviews/monthly/2026-13/", 400, "“2026-13” is not a month"),
        ("/reviews/monthly/soon/", 400, "“soon” is not a month"),
        ("/reviews/monthly/?month=2026-1", 400, "“2026-1” is not a month"),
        ("/reviews/monthly/2099-01/", 404, "January 2099 (2099-01) has not begun"),
        ("/reviews/monthly/2099-01.pdf", 404, "January 2099 (2099-01) has not begun"),
        ("/reviews/monthly/2026-13/sla.csv", 400, "“2026-13” is not a month"),
        ("/reviews/monthly/2026-10/tickets.csv", 404, "The review has no table “tickets”"),
    ],
)
def test_bad_input_is_named(agent_client, url, status, message):
    response = agent_client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/reviews/monthly/", "/reviews/monthly/2026-10/", "/reviews/monthly/2026-10.pdf",
            "/reviews/monthly/2026-10/csat.csv"],
)  # fmt: skip
def test_requesters_may_not_see_the_review(client, make_user, url):
    client.force_login(make_user(Role.REQUESTER))
    assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/reviews/monthly/2026-10/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def _pdf_text(pdf):
    """The PDF's compressed streams inflated: the outline (bookmarks) holds
    the headings as text."""
    found = b""
    position = 0
    while (start := pdf.find(b"stream\n", position)) != -1:
        position = start + 7
        try:
            found += zlib.decompressobj().decompress(pdf[position:])
        except zlib.error:
            continue
    return found


def test_the_pdf_is_the_months_review(world, agent_client):
    response = agent_client.get(f"/reviews/monthly/{OCTOBER}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "service-review-2026-10.pdf" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    text = _pdf_text(pdf)
    assert b"Monthly service review: October 2026" in text
    assert b"SLA breaches" in text


def test_without_pango_the_pdf_is_a_clear_503(world, agent_client, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    response = agent_client.get(f"/reviews/monthly/{OCTOBER}.pdf")
    assert response.status_code == 503
    assert "Pango" in response.content.decode()


def _cell_links(page):
    """(href, text) of every link in the page's review tables."""
    import re

    return re.findall(r'<td class="[^"]*"><a href="([^"]+)">([^<]+)</a></td>', page)


def test_each_number_links_to_the_records_behind_it(world, agent_client):
    from urllib.parse import parse_qs, urlsplit

    from stanchion.metrics import engine
    from stanchion.metrics.registry import kpis

    page = agent_client.get(f"/reviews/monthly/{OCTOBER}/").content.decode()
    drills = [(href, text) for href, text in _cell_links(page) if "/records/" in href]
    checked = 0
    for href, text in drills:
        url = urlsplit(href.replace("&amp;", "&"))
        key = url.path.split("/")[2]
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        period = review.parse_month(params["at"][:7])
        segment = params.get("segment")
        value = params.get("value")
        if segment == "service":
            value = int(value)
        rows = engine.records(
            kpis.get(key), period, segment, value, part=params.get("part", "denominator")
        )
        if text.strip().replace(",", "").isdigit():  # a count: it is the list's length
            assert rows.count() == int(text.replace(",", "")), href
            checked += 1
    # SLA: incident response clocks 3 and met 2 for October link to 3 and 2 clocks.
    assert checked >= 10
    assert any(
        "sla_response_incidents/records/?period=month&amp;at=2026-10-01" in h for h, _ in drills
    )
    assert any("part=numerator" in h for h, _ in drills)


def test_the_review_is_in_the_navigation_for_staff_only(client, make_user):
    client.force_login(make_user(Role.AGENT))
    assert 'href="/reviews/monthly/"' in client.get("/").content.decode()
    client.force_login(make_user(Role.REQUESTER))
    assert 'href="/reviews/monthly/"' not in client.get("/").content.decode()


def test_a_retired_service_with_last_months_incidents_still_has_its_row(world):
    fax = Service.objects.create(
        name="Fax", tier="3", owner_team=world["mail"].owner_team,
        support_team=world["mail"].support_team, calendar=world["mail"].calendar,
        status="retired",
    )  # fmt: skip
    Ticket.objects.create(
        number="INC-F1", kind="incident", title="Fax jammed", service=fax, priority="p4",
        requester=Person.objects.get(employee_id="R1"), created_at=utc(2026, 9, 3, 9),
    )  # fmt: skip
    rows = by(built("health").rows, "service")
    assert list(rows) == ["All services", "Fax", "Mail", "VPN"]
    fax_row = rows["Fax"]
    # Not live: no availability; one incident in September, none in October.
    assert fax_row["availability"] is None
    assert (fax_row["incidents"], fax_row["incidents_previous"], fax_row["incidents_change"]) == (
        0, 1, -1,
    )  # fmt: skip
    assert (rows["All services"]["incidents"], rows["All services"]["incidents_previous"]) == (3, 2)


def test_the_page_takes_as_many_queries_for_a_busier_month(world, agent_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent_client.get(f"/reviews/monthly/{OCTOBER}/")  # sessions and caches warm
    with CaptureQueriesContext(connection) as before:
        agent_client.get(f"/reviews/monthly/{OCTOBER}/")
    calendar = BusinessCalendar.objects.get(name="24x7")
    team = Team.objects.create(name="Extra", tier="l3")
    for n in range(6):
        service = Service.objects.create(
            name=f"Extra {n}", owner_team=team, support_team=team, calendar=calendar
        )
        category = Category.objects.create(name=f"Extra {n}")
        extra = Ticket.objects.create(
            number=f"INC-X{n}", kind="incident", title="More", service=service, priority="p3",
            category=category, requester=Person.objects.get(employee_id="R1"),
            created_at=utc(2026, 10, 20, 9), assignment_team=team,
        )  # fmt: skip
        SlaClock.objects.create(
            ticket=extra, kind="response", state="missed", due_at=utc(2026, 10, 20, 10),
            stopped_at=utc(2026, 10, 20, 11), started_at=extra.created_at, target_seconds=3600,
            policy_name="Standard", calendar=calendar,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        response = agent_client.get(f"/reviews/monthly/{OCTOBER}/")
    assert "INC-X5" in response.content.decode()
    assert len(after) == len(before)


def test_a_long_breach_list_is_cut_on_the_page_but_whole_in_the_csv(
    world, agent_client, monkeypatch
):
    from stanchion.metrics import review_views

    monkeypatch.setattr(review_views, "PAGE_ROWS", 2)
    page = agent_client.get(f"/reviews/monthly/{OCTOBER}/").content.decode()
    assert "INC-2" in page and "INC-3" in page and "REQ-1" not in page
    assert "The first 2 of 3 rows; all of them are in breaches.csv." in page
    assert "SLA breaches <strong>3</strong>" in page
    rows = parse_csv(agent_client.get(f"/reviews/monthly/{OCTOBER}/breaches.csv"))
    assert len(rows) == 3
