"""A small organisation for the change KPI tests, and a factory that writes
changes straight into the table with explicit timestamps, so that every
expected value can be worked out by hand (the lifecycle services have tests
of their own).

The reporting zone is Europe/Berlin (settings.REPORT_TIME_ZONE): November
2026 runs from 2026-10-31 23:00 UTC to 2026-11-30 23:00 UTC.
"""

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from stanchion.accounts.models import Person, Team
from stanchion.accounts.roles import Role
from stanchion.catalog.models import BusinessCalendar, Service
from stanchion.changes.models import Change, ChangeIncident
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import TargetTable
from stanchion.metrics.registry import kpis
from stanchion.tickets.models import Ticket

BERLIN = ZoneInfo("Europe/Berlin")
_numbers = itertools.count(1)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def berlin(*parts):
    return datetime(*parts, tzinfo=BERLIN)


def month(year, number):
    return periods.containing("month", date(year, number, 1), BERLIN)


NOV = month(2026, 11)
OCT = month(2026, 10)
LATER = utc(2027, 6, 1)
CHANGE_KPIS = [kpi for kpi in kpis.all() if kpi.group == "Change management"]


def values(key, period=NOV, segment=None, *, now=LATER):
    return engine.compute_one(kpis.get(key), period, segment, now=now, targets=TargetTable())


@dataclass
class Org:
    ops: Team
    apps: Team
    mail: Service
    vpn: Service
    user: object
    person: Person

    def change(self, change_type="normal", services=(), incidents=0, **fields):
        n = next(_numbers)
        fields.setdefault("number", f"CHG-K{n:06d}")
        fields.setdefault("title", f"Change {n}")
        fields.setdefault("requested_by", self.user)
        fields.setdefault("state", "closed" if fields.get("actual_end") else "scheduled")
        change = Change.objects.create(change_type=change_type, **fields)
        change.services.set(services)
        for _ in range(incidents):
            self.incident_for(change)
        return change

    def incident_for(self, change):
        n = next(_numbers)
        ticket = Ticket.objects.create(
            kind="incident",
            number=f"INC-K{n:06d}",
            title=f"Caused by {change.number}",
            requester=self.person,
            state="resolved",
            created_at=change.actual_end or change.created_at,
        )
        return ChangeIncident.objects.create(change=change, incident=ticket)


@pytest.fixture(name="org")
def org_fixture(db, make_user):
    calendar = BusinessCalendar.objects.get(name="24x7")
    ops = Team.objects.create(name="Platform operations", tier="l2")
    apps = Team.objects.create(name="Business applications", tier="l3")
    mail = Service.objects.create(
        name="Mail", tier="1", owner_team=ops, support_team=ops, calendar=calendar
    )
    vpn = Service.objects.create(
        name="VPN", tier="2", owner_team=apps, support_team=apps, calendar=calendar
    )
    person = Person.objects.create(name="Rita", email="rita@example.com", employee_id="K1")
    return Org(ops, apps, mail, vpn, make_user(Role.AGENT), person)
