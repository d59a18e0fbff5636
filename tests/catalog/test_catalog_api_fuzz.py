"""Schema fuzzing of the catalog endpoints against real rows.

The whole-API fuzzing in tests/api seeds only the directory, so catalog ids
there mostly miss. Here every detail operation is aimed at a seeded record
(a calendar with hours and a closure, services with a dependency and a link,
an item with a form and tasks, SLA and OLA policies), with more examples.
"""

from datetime import date, time, timedelta

import pytest
from schema_fuzz import call_and_check, endpoints_schema, fuzz_settings

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import OlaPolicy, ServiceLink, SlaPolicy
from stanchion.core.services import creator

PREFIXES = (
    "services",
    "service-dependencies",
    "service-links",
    "calendars",
    "calendar-closures",
    "catalog-items",
    "sla-policies",
    "ola-policies",
)
schema = endpoints_schema(PREFIXES)

ROWS = {}  # prefix -> id of the seeded record detail operations aim at


@pytest.fixture
def admin_token(db, make_user, in_test_transaction):
    admin = make_user(Role.IT_ADMIN)
    team = accounts.create_team(actor=None, name="Service Desk")
    berlin = catalog.create_calendar(
        actor=None,
        name="Berlin office",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        holiday_subdivision="BE",
        intervals=[(day, time(9), time(17)) for day in range(5)] + [(4, time(22), time(6))],
    )
    closure = catalog.add_closure(berlin, actor=None, date=date(2026, 12, 24), name="Eve")
    sso, vpn = (
        catalog.create_service(
            actor=None,
            name=name,
            tier="1",
            owner_team=team,
            support_team=team,
            calendar=berlin,
        )
        for name in ("SSO", "VPN")
    )
    dependency = catalog.add_dependency(vpn, sso, actor=None)
    link = creator(ServiceLink)(
        actor=None, service=sso, kind="runbook", title="Runbook", url="https://x.test/"
    )
    item = catalog.create_catalog_item(
        actor=None,
        service=vpn,
        name="VPN access",
        form_definition=[{"name": "reason", "type": "text", "required": True}],
        tasks=[(1, "Grant", team), (2, "Tell", team, "Mail the requester")],
    )
    sla = creator(SlaPolicy)(
        actor=None,
        name="SSO P1",
        service=sso,
        priority="p1",
        response_target=timedelta(minutes=5),
        resolution_target=timedelta(hours=1),
    )
    ola = creator(OlaPolicy)(
        actor=None,
        team=team,
        response_target=timedelta(hours=1),
        resolution_target=timedelta(hours=8),
        calendar=berlin,
    )
    ROWS.update(
        {
            "services": sso.pk,
            "service-dependencies": dependency.pk,
            "service-links": link.pk,
            "calendars": berlin.pk,
            "calendar-closures": closure.pk,
            "catalog-items": item.pk,
            "sla-policies": sla.pk,
            "ola-policies": ola.pk,
        }
    )
    _, raw = accounts.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


@schema.parametrize()
@fuzz_settings(max_examples=40)
def test_catalog_endpoints_never_fail_and_match_the_schema(case, admin_token):
    call_and_check(case, admin_token, ROWS)
