"""Shared fixtures for the major incident tests.

``mi_org``: the Platform team with the agent ``agent`` (the commander) and a
second agent ``comms``; services Wiki and Mail on the 24x7 calendar; two
employees ``alice`` and ``bob`` with logins linked to directory records,
and ``carol``, a directory record without a login; an auditor, an IT
administrator and a requester login. ``NOW`` is a Monday at 09:00 UTC.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.tickets import services as tickets

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class MiOrg:
    platform: object
    agent: object
    comms: object
    admin: object
    auditor: object
    alice: object
    bob: object
    carol: object
    wiki: object
    mail: object

    def incident(self, *, requester=None, impact="1", urgency="1", service=None, at=None, **kw):
        return tickets.open_incident(
            actor=self.agent,
            requester=requester or self.alice.person,
            title=kw.pop("title", "Wiki is down"),
            impact=impact,
            urgency=urgency,
            service=service or self.wiki,
            now=at or NOW,
            **kw,
        )


@pytest.fixture
def mi_org(make_user):
    always = BusinessCalendar.objects.get(name="24x7")
    agent, comms = make_user(Role.AGENT), make_user(Role.AGENT)
    platform = accounts.create_team(actor=None, name="Platform", tier="l2", manager=None)
    for user in (agent, comms):
        accounts.add_team_member(platform, user, actor=None)

    def employee(name, login=True):
        person = accounts.create_person(
            actor=None, name=name, email=f"{name.lower()}@example.com", employee_id=name.upper()
        )
        if not login:
            return person
        return make_user(Role.REQUESTER, person=person, email=f"{name.lower()}.login@example.com")

    def service(name):
        return catalog.create_service(
            actor=None,
            name=name,
            tier="2",
            owner_team=platform,
            support_team=platform,
            calendar=always,
        )

    return MiOrg(
        platform=platform,
        agent=agent,
        comms=comms,
        admin=make_user(Role.IT_ADMIN),
        auditor=make_user(Role.AUDITOR),
        alice=employee("Alice"),
        bob=employee("Bob"),
        carol=employee("Carol", login=False),
        wiki=service("Wiki"),
        mail=service("Mail"),
    )


def minutes(n):
    return timedelta(minutes=n)
