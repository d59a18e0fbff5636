"""Fixtures for the knowledge base tests: an IT agent who writes articles,
an IT administrator, an auditor, and a requester with a directory record;
two services (VPN, Mail) and two incident categories (Network, Email)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import create_record
from stanchion.knowledge import services as kb
from stanchion.tickets.models import Category

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class World:
    agent: object
    agent2: object
    admin: object
    auditor: object
    requester: object
    person: object
    vpn: object
    mail: object
    network: object
    email: object

    def article(self, title="Connect to the VPN", body="Open the VPN client.", **fields):
        fields.setdefault("publish", True)
        fields.setdefault("audience", "employees")
        fields.setdefault("article_type", "howto")
        return kb.create_article(
            actor=fields.pop("actor", self.agent), title=title, body=body, **fields
        )


@pytest.fixture
def world(make_user):
    always = BusinessCalendar.objects.get(name="24x7")
    person = accounts.create_person(
        actor=None, name="Rita Requester", email="rita@example.com", employee_id="E-1"
    )
    requester = make_user(Role.REQUESTER, person=person)

    team = create_record(Team, {"name": "Service desk", "tier": "l1"})

    def service(name):
        return catalog.create_service(
            actor=None, name=name, tier="3", calendar=always, owner_team=team, support_team=team
        )

    return World(
        agent=make_user(Role.AGENT),
        agent2=make_user(Role.AGENT),
        admin=make_user(Role.IT_ADMIN),
        auditor=make_user(Role.AUDITOR),
        requester=requester,
        person=person,
        vpn=service("VPN"),
        mail=service("Mail"),
        network=create_record(Category, {"name": "Network"}),
        email=create_record(Category, {"name": "Email"}),
    )
