"""The service catalog's endpoints in the API permission matrix and list tests
(see tests/api/api_expectations_loader.py), written by hand.

Requesters browse live services shown in the portal and their catalog items
(the targets below are such); everything else in the catalog is IT's: all
staff read it, only IT administrators write it.
"""

import itertools
from datetime import date, time, timedelta

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar, OlaPolicy, ServiceLink, SlaPolicy
from stanchion.core.services import creator

REQ, AGENT, TM, CA, ADMIN, AUD = (
    Role.REQUESTER,
    Role.AGENT,
    Role.TEAM_MANAGER,
    Role.CHANGE_APPROVER,
    Role.IT_ADMIN,
    Role.AUDITOR,
)
ROLES = [REQ, AGENT, TM, CA, ADMIN, AUD]
EVERYONE = set(ROLES)
STAFF = EVERYONE - {REQ}


def status_for(ok, allowed, otherwise=403):
    return {role: ok if role in allowed else otherwise for role in ROLES}


def _crud(prefix, readers=STAFF, writable=("create", "update", "partial_update", "destroy")):
    ok = {"create": 201, "update": 200, "partial_update": 200, "destroy": 204}
    table = {
        (prefix, "list"): status_for(200, readers),
        (prefix, "retrieve"): status_for(200, readers),
    }
    table.update({(prefix, action): status_for(ok[action], {ADMIN}) for action in writable})
    return table


EXPECTED = {
    **_crud("services", readers=EVERYONE),
    ("services", "sla"): status_for(200, STAFF),
    **_crud("service-dependencies", writable=("create", "destroy")),
    **_crud("service-links"),
    **_crud("calendars"),
    ("calendars", "week"): status_for(200, STAFF),
    ("calendars", "due"): status_for(200, STAFF),
    **_crud("calendar-closures", writable=("create", "destroy")),
    **_crud("catalog-items", readers=EVERYONE),
    **_crud("sla-policies"),
    ("sla-policies", "reapply"): status_for(200, {ADMIN}),
    **_crud("ola-policies"),
}

# Query strings for the actions that need them.
QUERIES = {
    ("calendars", "due"): "?start=2026-03-02T08:00:00Z&duration=04:00:00",
    ("calendars", "week"): "?date=2026-12-21",
}

WEEKDAYS_9_TO_17 = [(day, time(9), time(17)) for day in range(5)]
_n = itertools.count(1)


def _always():
    return BusinessCalendar.objects.get(name="24x7")


def _calendar(name=None):
    return catalog.create_calendar(
        actor=None,
        name=name or f"Office {next(_n)}",
        time_zone="Europe/Lisbon",
        intervals=WEEKDAYS_9_TO_17,
    )


def _team():
    return accounts.create_team(actor=None, name=f"Team {next(_n)}")


def _service(team=None, name=None):
    """A live service shown in the portal: one a requester may see."""
    team = team or _team()
    return catalog.create_service(
        actor=None,
        name=name or f"Service {next(_n)}",
        tier="2",
        owner_team=team,
        support_team=team,
        calendar=_always(),
    )


def _item(team=None):
    team = team or _team()
    return catalog.create_catalog_item(
        actor=None,
        service=_service(team),
        name=f"Item {next(_n)}",
        tasks=[(1, "Order", team), (2, "Ship", team)],
    )


def _sla_policy(service=None):
    return creator(SlaPolicy)(
        actor=None,
        name=f"Policy {next(_n)}",
        service=service or _service(),
        priority="p2",
        response_target=timedelta(minutes=15),
        resolution_target=timedelta(hours=4),
    )


def _ola_policy(team=None, calendar=None):
    return creator(OlaPolicy)(
        actor=None,
        team=team or _team(),
        priority="",
        response_target=timedelta(hours=4),
        resolution_target=timedelta(hours=24),
        calendar=calendar or _always(),
    )


TARGETS = {
    "services": lambda w, mk: _service(w.other_team),
    "service-dependencies": lambda w, mk: catalog.add_dependency(
        _service(), _service(), actor=None
    ),
    "service-links": lambda w, mk: creator(ServiceLink)(
        actor=None, service=_service(), kind="runbook", title="Runbook", url="https://x.test/r"
    ),
    "calendars": lambda w, mk: _calendar(),
    "calendar-closures": lambda w, mk: catalog.add_closure(
        _calendar(), actor=None, date=date(2026, 12, 24), name="Christmas Eve"
    ),
    "catalog-items": lambda w, mk: _item(w.other_team),
    "sla-policies": lambda w, mk: _sla_policy(),
    "ola-policies": lambda w, mk: _ola_policy(w.other_team, _calendar()),
}

CREATE_BODIES = {
    "services": lambda w, mk: {
        "name": "Chat",
        "owner_team": w.other_team.pk,
        "support_team": w.other_team.pk,
        "calendar": _always().pk,
    },
    "service-dependencies": lambda w, mk: {
        "service": _service().pk,
        "depends_on": _service().pk,
    },
    "service-links": lambda w, mk: {
        "service": _service().pk,
        "kind": "status_page",
        "title": "Status",
        "url": "https://status.example.com/",
    },
    "calendars": lambda w, mk: {
        "name": "Austin office",
        "time_zone": "America/Chicago",
        "intervals": [{"weekday": 0, "start": "09:00", "end": "17:00"}],
    },
    "calendar-closures": lambda w, mk: {
        "calendar": _calendar().pk,
        "date": "2026-06-01",
        "name": "Office move",
    },
    "catalog-items": lambda w, mk: {
        "service": _service().pk,
        "name": "VPN access",
        "tasks": [{"title": "Grant access", "team": w.other_team.pk}],
    },
    "sla-policies": lambda w, mk: {
        "name": "Chat P1",
        "service": _service().pk,
        "priority": "p1",
        "response_target": "00:05:00",
        "resolution_target": "01:00:00",
    },
    "ola-policies": lambda w, mk: {
        "team": w.managed_team.pk,
        "priority": "p1",
        "response_target": "00:15:00",
        "resolution_target": "02:00:00",
        "calendar": _always().pk,
    },
}

PUT_BODIES = {
    "services": lambda t: {
        "name": "Renamed Service",
        "owner_team": t.owner_team_id,
        "support_team": t.support_team_id,
        "calendar": t.calendar_id,
    },
    "service-links": lambda t: {
        "service": t.service_id,
        "kind": "documentation",
        "title": "Docs",
        "url": "https://docs.example.com/",
    },
    "calendars": lambda t: {
        "name": f"{t.name} (new hours)",
        "time_zone": t.time_zone,
        "intervals": [{"weekday": 1, "start": "08:00", "end": "16:00"}],
    },
    "catalog-items": lambda t: {"service": t.service_id, "name": "Renamed item", "tasks": []},
    "sla-policies": lambda t: {
        "name": "Renamed",
        "service": t.service_id,
        "priority": "p2",
        "response_target": "00:20:00",
        "resolution_target": "04:00:00",
    },
    "ola-policies": lambda t: {
        "team": t.team_id,
        "response_target": "01:00:00",
        "resolution_target": "08:00:00",
        "calendar": t.calendar_id,
    },
}

PATCH_BODIES = {
    "services": {"tier": "1"},
    "service-links": {"title": "Runbook v2"},
    "calendars": {"description": "Office hours"},
    "catalog-items": {"description": "A laptop of your choice"},
    "sla-policies": {"pause_states": ["pending_customer"]},
    "ola-policies": {"priority": "p3"},
}


# List tests: ``count`` rows, each with the related records its row shows.
def _services(count, admin, make_user):
    team = _team()
    for _ in range(count):
        dependant = _service(team)
        catalog.add_dependency(dependant, _service(team), actor=None)


def _dependencies(count, admin, make_user):
    team = _team()
    for _ in range(count):
        catalog.add_dependency(_service(team), _service(team), actor=None)


def _links(count, admin, make_user):
    service = _service()
    for n in range(count):
        creator(ServiceLink)(
            actor=None, service=service, kind="runbook", title=f"R{n}", url="https://x.test/"
        )


def _calendars(count, admin, make_user):
    for _ in range(count):
        calendar = _calendar()
        catalog.add_closure(calendar, actor=None, date=date(2026, 8, 3), name="Summer")


def _closures(count, admin, make_user):
    calendar = _calendar()
    for n in range(count):
        catalog.add_closure(calendar, actor=None, date=date(2027, 1, 4 + n), name=f"C{n}")


def _items(count, admin, make_user):
    team = _team()
    for _ in range(count):
        _item(team)


def _sla_policies(count, admin, make_user):
    for _ in range(count):
        _sla_policy()


def _ola_policies(count, admin, make_user):
    calendar = _calendar()
    for _ in range(count):
        _ola_policy(calendar=calendar)


LIST_ROW_MAKERS = {
    "services": _services,
    "service-dependencies": _dependencies,
    "service-links": _links,
    "calendars": _calendars,
    "calendar-closures": _closures,
    "catalog-items": _items,
    "sla-policies": _sla_policies,
    "ola-policies": _ola_policies,
}

# The token (1) and the page (1), plus one query per prefetched list a row
# nests: a service's dependencies, a calendar's intervals and closures, an
# item's tasks.
LIST_QUERY_BUDGET = {
    "services": 3,
    "service-dependencies": 2,
    "service-links": 2,
    "calendars": 4,
    "calendar-closures": 2,
    "catalog-items": 3,
    "sla-policies": 2,
    "ola-policies": 2,
}
