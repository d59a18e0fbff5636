"""A small service desk to test tickets against: a 24x7 tier-2 service, an
L1 and an L2 team with OLAs, a requester with a manager who can sign in."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar, OlaPolicy
from stanchion.core.services import create_record

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def open_p1(desk, title="VPN down for everyone", **extra):
    """A tier 2 P1 incident opened at T0: on the 24x7 calendar it is due for
    response in 10 minutes and for resolution in 2 hours."""
    from stanchion.tickets import services

    return services.open_incident(
        actor=desk.agent,
        requester=desk.requester,
        title=title,
        service=desk.service,
        impact="1",
        urgency="1",
        now=T0,
        **extra,
    )


@dataclass
class Desk:
    service: object
    l1: Team
    l2: Team
    agent: object
    specialist: object
    requester: object  # Person
    requester_login: object
    manager_login: object
    calendar: BusinessCalendar


@pytest.fixture
def desk(make_user):
    always = BusinessCalendar.objects.get(name="24x7")
    l1 = create_record(Team, {"name": "Service Desk", "tier": "l1"})
    l2 = create_record(Team, {"name": "Network", "tier": "l2"})
    agent, specialist = make_user(Role.AGENT), make_user(Role.AGENT)
    accounts.add_team_member(l1, agent, actor=None)
    accounts.add_team_member(l2, specialist, actor=None)
    for team, response, resolution in ((l1, 15, 240), (l2, 60, 480)):
        create_record(
            OlaPolicy,
            {
                "team": team,
                "priority": "",
                "calendar": always,
                "response_target": timedelta(minutes=response),
                "resolution_target": timedelta(minutes=resolution),
            },
        )
    svc = catalog.create_service(
        actor=None, name="VPN", tier="2", owner_team=l2, support_team=l2, calendar=always
    )
    boss = accounts.create_person(
        actor=None, name="Boss", email="boss@example.com", employee_id="E1"
    )
    person = accounts.create_person(
        actor=None, name="Rita Requester", email="rita@example.com", employee_id="E2", manager=boss
    )
    rita = make_user(Role.REQUESTER, person=person)
    boss_login = make_user(Role.REQUESTER, person=boss)
    return Desk(svc, l1, l2, agent, specialist, person, rita, boss_login, always)
