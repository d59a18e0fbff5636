"""Who sees which part of the catalog through the API, lost-update protection
on services, and list query counts that do not grow with the rows."""

import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import Service

sys.path.insert(0, str(Path(__file__).parent))
from api_expectations import LIST_QUERY_BUDGET, LIST_ROW_MAKERS  # noqa: E402
from catalog_api_support import make_office, make_teams, service_maker, signed_in  # noqa: E402


@pytest.fixture
def clients(make_user, api_client):
    return {
        role: signed_in(api_client, make_user(role))
        for role in (Role.REQUESTER, Role.AGENT, Role.IT_ADMIN)
    }


@pytest.fixture
def portfolio(db):
    """A live portal service with an active and a withdrawn item, and services
    employees must not see: retired, hidden from the portal, planned."""
    teams = make_teams()
    make = service_maker(make_office(), teams["identity"])
    vpn = make("VPN")
    fax = make("Fax gateway", status="retired")
    hris = make("HRIS feed", visible_in_portal=False)
    chat = make("New chat", status="planned")
    item = catalog.create_catalog_item(actor=None, service=vpn, name="VPN access")
    withdrawn = catalog.create_catalog_item(
        actor=None, service=vpn, name="Dial-up", is_active=False
    )
    fax_number = catalog.create_catalog_item(actor=None, service=fax, name="Fax number")
    hris_export = catalog.create_catalog_item(actor=None, service=hris, name="HRIS export")
    return {
        "vpn": vpn,
        "fax": fax,
        "hris": hris,
        "chat": chat,
        "item": item,
        "withdrawn": withdrawn,
        "fax_number": fax_number,
        "hris_export": hris_export,
    }


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_requester_sees_only_live_portal_services_and_their_active_items(clients, portfolio):
    requester = clients[Role.REQUESTER]
    assert names(requester.get("/api/services/")) == ["VPN"]
    assert requester.get(f"/api/services/{portfolio['vpn'].pk}/").status_code == 200
    for key in ("fax", "hris", "chat"):
        response = requester.get(f"/api/services/{portfolio[key].pk}/")
        assert response.status_code == 404, key
        assert portfolio[key].name not in response.content.decode()
    assert names(requester.get("/api/catalog-items/")) == ["VPN access"]
    for key in ("withdrawn", "fax_number", "hris_export"):
        assert requester.get(f"/api/catalog-items/{portfolio[key].pk}/").status_code == 404, key
    # Filtering does not widen what they see.
    assert names(requester.get("/api/services/", {"status": "retired"})) == []


@pytest.mark.parametrize("role", [Role.AGENT, Role.IT_ADMIN])
def test_staff_see_the_whole_portfolio(role, clients, portfolio):
    client = clients[role]
    assert names(client.get("/api/services/")) == ["Fax gateway", "HRIS feed", "New chat", "VPN"]
    assert names(client.get("/api/catalog-items/")) == [
        "Dial-up",
        "Fax number",
        "HRIS export",
        "VPN access",
    ]
    assert names(client.get("/api/services/", {"status": "retired"})) == ["Fax gateway"]


def test_requester_cannot_read_the_effective_sla(clients, portfolio):
    response = clients[Role.REQUESTER].get(f"/api/services/{portfolio['vpn'].pk}/sla/")
    assert response.status_code == 403


# -- lost updates -----------------------------------------------------------------------------


def test_a_stale_version_field_is_a_409_with_the_current_record(clients, portfolio):
    admin = clients[Role.IT_ADMIN]
    url = f"/api/services/{portfolio['vpn'].pk}/"
    first = admin.patch(url, {"description": "First", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    assert first["ETag"] == '"2"'
    # A second client still holding version 1 would overwrite "First".
    stale = admin.patch(url, {"description": "Second", "version": 1}, format="json")
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict"
    assert (error["current"]["version"], error["current"]["description"]) == (2, "First")
    service = Service.objects.get(pk=portfolio["vpn"].pk)
    assert (service.description, service.version) == ("First", 2)


def test_a_stale_if_match_is_a_412_and_a_fresh_one_succeeds(clients, portfolio):
    admin = clients[Role.IT_ADMIN]
    url = f"/api/services/{portfolio['vpn'].pk}/"
    admin.patch(url, {"tier": "1", "version": 1}, format="json")
    stale = admin.patch(url, {"tier": "3"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["error"]["current"]["tier"] == "1"
    fresh = admin.patch(url, {"tier": "3"}, format="json", HTTP_IF_MATCH='"2"')
    assert fresh.status_code == 200, fresh.content
    assert (fresh.json()["tier"], fresh["ETag"]) == ("3", '"3"')
    # A delete with a stale version deletes nothing.
    assert admin.delete(url, HTTP_IF_MATCH='"2"').status_code == 412
    assert Service.objects.filter(pk=portfolio["vpn"].pk).exists()


def test_an_update_without_a_version_is_refused_naming_it(clients, portfolio):
    admin = clients[Role.IT_ADMIN]
    response = admin.patch(
        f"/api/services/{portfolio['vpn'].pk}/", {"description": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]
    assert Service.objects.get(pk=portfolio["vpn"].pk).version == 1


def test_a_calendar_update_with_a_stale_version_changes_nothing(clients, db):
    admin = clients[Role.IT_ADMIN]
    office = make_office()
    url = f"/api/calendars/{office.pk}/"
    admin.patch(url, {"description": "Moved", "version": office.version}, format="json")
    stale = admin.patch(
        url,
        {
            "intervals": [{"weekday": 0, "start": "08:00", "end": "09:00"}],
            "version": office.version,
        },
        format="json",
    )
    assert stale.status_code == 409
    assert office.intervals.count() == 10


# -- query counts -----------------------------------------------------------------------------

LIST_ENDPOINTS = sorted(LIST_ROW_MAKERS)


@pytest.mark.parametrize("prefix", LIST_ENDPOINTS)
def test_list_queries_are_the_same_for_3_and_20_rows(
    prefix, make_user, api_client, django_assert_max_num_queries
):
    admin = make_user(Role.IT_ADMIN)
    client = signed_in(api_client, admin)
    url = f"/api/{prefix}/?page_size=100"
    LIST_ROW_MAKERS[prefix](3, admin, make_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    LIST_ROW_MAKERS[prefix](17, admin, make_user)
    with django_assert_max_num_queries(min(len(few), LIST_QUERY_BUDGET[prefix])):
        response = client.get(url)
    assert len(response.json()["results"]) >= 20


@pytest.mark.parametrize("prefix", ["services", "catalog-items"])
def test_requester_list_queries_are_the_same_for_3_and_20_rows(
    prefix, make_user, api_client, django_assert_max_num_queries
):
    admin = make_user(Role.IT_ADMIN)
    client = signed_in(api_client, make_user(Role.REQUESTER))
    url = f"/api/{prefix}/?page_size=100"
    LIST_ROW_MAKERS[prefix](3, admin, make_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    LIST_ROW_MAKERS[prefix](17, admin, make_user)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.json()["results"]) >= 20


# -- schema -----------------------------------------------------------------------------------


def test_the_catalog_endpoints_generate_a_valid_schema_without_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema
    from rest_framework.routers import DefaultRouter

    from stanchion.api.urls import router as api_router

    catalog_only = DefaultRouter()
    for prefix, viewset, basename in api_router.registry:
        if viewset.__module__.startswith("stanchion.catalog."):
            catalog_only.register(prefix, viewset, basename=basename)
    assert len(catalog_only.registry) == 8
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/", include(catalog_only.urls))])
    schema = generator.get_schema(request=None, public=True)
    warnings, errors = dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert warnings == {} and errors == {}
    validate_schema(schema)
    due = schema["paths"]["/api/calendars/{id}/due/"]["get"]
    assert {p["name"] for p in due["parameters"] if p["required"]} == {"id", "start", "duration"}
