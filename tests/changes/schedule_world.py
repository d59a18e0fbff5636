"""A small world for the schedule tests (risk, windows, conflicts, calendar,
feeds): teams, services on a Berlin and a New York calendar, and a helper that
writes changes straight into the table in any state, so that these tests do
not depend on the lifecycle services they are not about."""

from datetime import UTC, datetime, time

from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import ServiceDependency
from stanchion.changes.models import Blackout, Change, ChangeTemplate, MaintenanceWindow


def utc(*args):
    return datetime(*args, tzinfo=UTC)


class World:
    def __init__(self, make_user):
        self.admin = make_user(Role.IT_ADMIN)
        self.requester = make_user(Role.AGENT)
        self.ops = Team.objects.create(name="Platform operations", tier="l2")
        self.apps = Team.objects.create(name="Business applications", tier="l2")
        self.berlin = catalog.create_calendar(
            actor=self.admin,
            name="Berlin ops",
            time_zone="Europe/Berlin",
            intervals=[(d, time(9), time(17)) for d in range(5)],
        )
        self.new_york = catalog.create_calendar(
            actor=self.admin,
            name="New York ops",
            time_zone="America/New_York",
            intervals=[(d, time(9), time(17)) for d in range(5)],
        )
        self._numbers = 0

    def service(self, name, tier="2", calendar=None, team=None):
        team = team or self.ops
        return catalog.create_service(
            actor=self.admin,
            name=name,
            tier=tier,
            owner_team=team,
            support_team=team,
            calendar=calendar or self.berlin,
        )

    def depends(self, service, on):
        return ServiceDependency.objects.create(service=service, depends_on=on)

    def change(self, services=(), *, state="scheduled", start=None, end=None, **fields):
        self._numbers += 1
        fields.setdefault("title", f"Change {self._numbers}")
        fields.setdefault("requested_by", self.requester)
        change = Change(
            number=f"CHG-{self._numbers:06d}",
            state=state,
            planned_start=start,
            planned_end=end,
            **fields,
        )
        change.save()
        change.services.set(services)
        return change

    def window(self, service, weekdays, start_time, minutes, **fields):
        fields.setdefault("name", f"Window {service.name}")
        return MaintenanceWindow.objects.create(
            service=service,
            weekdays=weekdays,
            start_time=start_time,
            duration_minutes=minutes,
            **fields,
        )

    def blackout(self, name, start, end, services=()):
        blackout = Blackout.objects.create(name=name, starts_at=start, ends_at=end)
        blackout.services.set(services)
        return blackout

    def template(self, name="OS patching", **fields):
        return ChangeTemplate.objects.create(name=name, **fields)
