"""A small IT organisation to test problems against: two services (VPN, Mail)
with two incident categories (Network, Email), an agent in the Network team,
an IT administrator, an auditor, a requester who can sign in, and a helper
that opens incidents at chosen times. ``NOW`` is a Monday at 09:00 UTC."""

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import create_record
from stanchion.problems.models import RootCauseCategory
from stanchion.tickets.models import Category

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_n = itertools.count(1)


@dataclass
class World:
    team: Team
    agent: object
    admin: object
    auditor: object
    requester: object  # User
    person: object  # Person
    vpn: object
    mail: object
    network: Category
    email: Category
    config_error: RootCauseCategory
    capacity: RootCauseCategory

    def incident(self, title="VPN drops", *, service=None, category=None, at=None, **fields):
        from stanchion.tickets import services

        return services.open_incident(
            actor=None,
            requester=self.person,
            title=title,
            service=service or self.vpn,
            category=category or self.network,
            now=at or NOW,
            **fields,
        )

    def request(self):
        from stanchion.tickets import services

        item = catalog.create_catalog_item(
            actor=None,
            service=self.vpn,
            name=f"VPN token {next(_n)}",
            approval="none",
            delivery_target=timedelta(hours=8),
            form_definition=[],
        )
        return services.open_request(actor=None, requester=self.person, item=item, answers={})

    def problem(self, title="VPN drops every morning", **fields):
        from stanchion.problems import services

        fields.setdefault("services", [self.vpn])
        fields.setdefault("category", self.network)
        return services.create_problem(actor=self.agent, title=title, now=NOW, **fields)


@pytest.fixture
def world(make_user):
    always = BusinessCalendar.objects.get(name="24x7")
    team = create_record(Team, {"name": "Network", "tier": "l2"})
    agent = make_user(Role.AGENT)
    accounts.add_team_member(team, agent, actor=None)
    vpn = catalog.create_service(
        actor=None, name="VPN", tier="2", owner_team=team, support_team=team, calendar=always
    )
    mail = catalog.create_service(
        actor=None, name="Mail", tier="2", owner_team=team, support_team=team, calendar=always
    )
    person = accounts.create_person(
        actor=None, name="Rita Requester", email="rita@example.com", employee_id="E2"
    )
    return World(
        team=team,
        agent=agent,
        admin=make_user(Role.IT_ADMIN),
        auditor=make_user(Role.AUDITOR),
        requester=make_user(Role.REQUESTER, person=person),
        person=person,
        vpn=vpn,
        mail=mail,
        network=create_record(Category, {"name": "Network"}),
        email=create_record(Category, {"name": "Email"}),
        config_error=create_record(RootCauseCategory, {"name": "Configuration error"}),
        capacity=create_record(RootCauseCategory, {"name": "Capacity"}),
    )
