"""Fixtures for the catalog page tests: a signed-in client per user and a
small catalog (a live service with an item, a retired and a hidden service,
an office calendar, an SLA override and an OLA)."""

from datetime import time, timedelta

import pytest
from django.test import Client

from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services
from stanchion.catalog.models import OlaPolicy, SlaPolicy
from stanchion.core.services import create_record, service

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def web_client(db):
    """web_client(user) -> a Django test client signed in as that user."""

    def make(user):
        client = Client()
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return make


@pytest.fixture
def catalog_admin(make_user):
    return make_user(Role.IT_ADMIN)


@pytest.fixture
def team(db):
    return Team.objects.create(name="Identity & Access", tier="l2")


@pytest.fixture
def berlin(catalog_admin):
    """Monday to Friday, 09:00-17:00, with Berlin's public holidays."""
    return services.create_calendar(
        actor=catalog_admin,
        name="Berlin office",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        holiday_subdivision="BE",
        intervals=[(day, time(9), time(17)) for day in range(5)],
    )


@pytest.fixture
def make_service(catalog_admin, berlin, team):
    def make(name, **fields):
        fields = {
            "tier": "2",
            "owner_team": team,
            "support_team": team,
            "calendar": berlin,
            **fields,
        }
        return services.create_service(actor=catalog_admin, name=name, **fields)

    return make


@pytest.fixture
def make_item(catalog_admin, team):
    def make(svc, name, **fields):
        fields = {"delivery_target": timedelta(hours=8), "form_definition": [], **fields}
        return services.create_catalog_item(
            actor=catalog_admin,
            service=svc,
            name=name,
            tasks=[(1, f"Fulfil {name}", team)],
            **fields,
        )

    return make


@service
def _policies(svc, calendar, team, *, actor):
    sla = create_record(
        SlaPolicy,
        {
            "name": f"{svc} P2",
            "service": svc,
            "priority": "p2",
            "response_target": timedelta(minutes=20),
            "resolution_target": timedelta(hours=3),
            "calendar": calendar,
        },
    )
    ola = create_record(
        OlaPolicy,
        {
            "team": team,
            "response_target": timedelta(hours=1),
            "resolution_target": timedelta(hours=8),
            "calendar": calendar,
        },
    )
    return sla, ola


@pytest.fixture
def catalog(make_service, make_item, catalog_admin, berlin, team):
    vpn = make_service("VPN", tier="1")
    item = make_item(
        vpn,
        "VPN for a contractor",
        form_definition=[{"name": "reason", "label": "Reason", "type": "text", "required": True}],
    )
    retired = make_service("Fax gateway", status="retired")
    make_item(retired, "Fax number")
    hidden = make_service("HRIS feed", visible_in_portal=False)
    sla, ola = _policies(vpn, berlin, team, actor=catalog_admin)
    return {
        "vpn": vpn,
        "item": item,
        "retired": retired,
        "hidden": hidden,
        "calendar": berlin,
        "sla": sla,
        "ola": ola,
    }
