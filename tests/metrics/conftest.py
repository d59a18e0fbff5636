"""A small organisation to compute KPIs against, and factories that write
tickets, SLA clocks and surveys straight through the ORM with explicit
timestamps, so every expected value can be worked out by hand.

Times are written in UTC (``utc(...)``); the reporting zone is
Europe/Berlin (settings.REPORT_TIME_ZONE), so November 2026 runs from
2026-10-31 23:00 UTC to 2026-11-30 23:00 UTC.
"""

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stanchion.accounts.models import Location, Person, Team
from stanchion.catalog.models import BusinessCalendar, CatalogItem, Service
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import Share, kpis
from stanchion.tickets.models import Category, CsatSurvey, SlaClock, Ticket

BERLIN = ZoneInfo("Europe/Berlin")
_numbers = itertools.count(1)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def month(year, number):
    """A month in the reporting zone."""
    return periods.containing("month", date(year, number, 1), BERLIN)


# November 2026 in Berlin: [2026-10-31 23:00 UTC, 2026-11-30 23:00 UTC).
NOV = month(2026, 11)
# After the period: computing "now" later than every period used here.
LATER = utc(2027, 6, 1)


def values(key, period=NOV, segment=None, *, now=LATER):
    return engine.compute_one(kpis.get(key), period, segment, now=now, targets=TargetTable())


def check(key, numerator, denominator, expected, *, period=NOV, now=LATER):
    """The KPI's overall value, and its drill-down lists."""
    kpi = kpis.get(key)
    got = values(key, period, now=now)[ALL]
    assert got.denominator == denominator
    assert got.numerator == pytest.approx(numerator, abs=0.01)
    if expected is None:
        assert got.value is None
    else:
        assert got.value == pytest.approx(expected, abs=1e-6)
    assert engine.records(kpi, period, now=now).count() == denominator
    if isinstance(kpi.measure, Share):
        assert engine.records(kpi, period, part="numerator", now=now).count() == numerator
    return got


@dataclass
class Org:
    l1: Team
    l2: Team
    l3: Team
    mail: Service  # tier 1
    vpn: Service  # tier 2
    hardware: Category
    software: Category
    berlin: Location
    person: Person  # in Berlin
    visitor: Person  # without a location
    laptop: CatalogItem  # on the VPN service, for catalog requests
    calendar: BusinessCalendar

    def ticket(self, **fields):
        """A ticket with defaults a test overrides: an incident on no
        service, opened at ``created_at`` (required)."""
        n = next(_numbers)
        kind = fields.setdefault("kind", "incident")
        fields.setdefault("number", f"{'INC' if kind == 'incident' else 'REQ'}-M{n:06d}")
        fields.setdefault("title", f"Ticket {n}")
        fields.setdefault("requester", self.person)
        fields.setdefault("state", "resolved" if fields.get("resolved_at") else "in_progress")
        if kind == "request":
            fields.setdefault("catalog_item", self.laptop)
        return Ticket.objects.create(**fields)

    def clock(self, ticket, kind, state, stopped_at, **fields):
        started = fields.pop("started_at", ticket.created_at)
        fields.setdefault("target_seconds", 3600)
        return SlaClock.objects.create(
            ticket=ticket,
            kind=kind,
            state=state,
            stopped_at=stopped_at,
            started_at=started,
            policy_name="Test policy",
            calendar=self.calendar,
            **fields,
        )

    def survey(self, ticket, sent_at, rating=None, answered_at=None):
        return CsatSurvey.objects.create(
            ticket=ticket, sent_at=sent_at, rating=rating, answered_at=answered_at
        )


@pytest.fixture
def org(db):
    calendar = BusinessCalendar.objects.get(name="24x7")
    l1 = Team.objects.create(name="Service Desk", tier="l1")
    l2 = Team.objects.create(name="Network", tier="l2")
    l3 = Team.objects.create(name="Platform Engineering", tier="l3")
    mail = Service.objects.create(
        name="Mail", tier="1", owner_team=l3, support_team=l2, calendar=calendar
    )
    vpn = Service.objects.create(
        name="VPN", tier="2", owner_team=l2, support_team=l2, calendar=calendar
    )
    berlin = Location.objects.create(name="Berlin HQ", time_zone="Europe/Berlin", country="DE")
    person = Person.objects.create(
        name="Rita", email="rita@example.com", employee_id="M1", location=berlin
    )
    visitor = Person.objects.create(name="Vic", email="vic@example.com", employee_id="M2")
    hardware = Category.objects.create(name="Hardware")
    software = Category.objects.create(name="Software")
    laptop = CatalogItem.objects.create(
        service=vpn, name="Laptop", delivery_target=timedelta(days=2)
    )
    return Org(l1, l2, l3, mail, vpn, hardware, software, berlin, person, visitor, laptop, calendar)


@pytest.fixture
def world(org):
    """The organisation by name, with a retired service (Fax) besides, for
    the generated histories of test_kpi_properties.py."""
    fax = Service.objects.create(
        name="Fax", tier="3", status="retired", owner_team=org.l1, support_team=org.l1,
        calendar=org.calendar,
    )  # fmt: skip
    names = ("l1", "l2", "l3", "mail", "vpn", "hardware", "software", "person", "visitor")
    return {"fax": fax, "berlin": org.berlin, **{name: getattr(org, name) for name in names}}
