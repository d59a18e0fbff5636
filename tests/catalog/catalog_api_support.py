"""Fixtures and helpers shared by the catalog API tests (test_catalog_api*.py).

The office calendar is Berlin's: Monday-Friday 09:00-12:00 and 13:00-17:00,
with Berlin's public holidays.
"""

from datetime import time

from stanchion.accounts import services as accounts
from stanchion.catalog import services as catalog
from stanchion.catalog.models import (
    BusinessCalendar,
    CatalogItem,
    Closure,
    FulfilmentTaskTemplate,
    OlaPolicy,
    Service,
    ServiceDependency,
    SlaPolicy,
    WorkingInterval,
)
from stanchion.core.models import AuditEntry

LUNCH_BREAK_WEEK = [
    {"weekday": day, "start": start, "end": end}
    for day in range(5)
    for start, end in (("09:00:00", "12:00:00"), ("13:00:00", "17:00:00"))
]


def signed_in(api_client, user):
    """An API client for ``user`` whose token's first use (stamped once) is behind it."""
    client = api_client(user)
    client.get("/api/users/me/")
    return client


def make_teams():
    return {
        "desk": accounts.create_team(actor=None, name="Service Desk", tier="l1"),
        "identity": accounts.create_team(actor=None, name="Identity", tier="l2"),
    }


def make_office():
    """Berlin office hours with Berlin's public holidays."""
    return catalog.create_calendar(
        actor=None,
        name="Berlin office",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        holiday_subdivision="BE",
        intervals=[(day, time(a), time(b)) for day in range(5) for a, b in ((9, 12), (13, 17))],
    )


def service_maker(office, team):
    """make(name, **fields) -> a live portal service on ``office``, run by ``team``."""

    def make(name, **fields):
        fields = {
            "tier": "2",
            "owner_team": team,
            "support_team": team,
            "calendar": office,
            **fields,
        }
        return catalog.create_service(actor=None, name=name, **fields)

    return make


def rows():
    """Row counts of everything the catalog API can write, and the audit trail."""
    models = (
        Service,
        ServiceDependency,
        BusinessCalendar,
        WorkingInterval,
        Closure,
        CatalogItem,
        FulfilmentTaskTemplate,
        SlaPolicy,
        OlaPolicy,
        AuditEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


def assert_invalid(response, field, *fragments):
    """400 in the one error shape, naming ``field``, with each fragment in its messages."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert field in error["message"]
    text = str(error["fields"][field])
    for fragment in fragments:
        assert fragment in text, (fragment, text)
