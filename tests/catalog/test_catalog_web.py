"""Catalog pages for every role: who may open what, and query counts that do
not grow with the number of rows."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stanchion.accounts.roles import Role
from stanchion.catalog import services
from stanchion.catalog.models import OlaPolicy, SlaPolicy
from stanchion.core.services import create_record, service

STAFF = [r for r in Role.values() if r != Role.REQUESTER]
READ_ONLY_STAFF = [r for r in STAFF if r != Role.IT_ADMIN]

# (url name, key of the record in the ``catalog`` fixture or None)
PORTAL_PAGES = [("catalog:portal", None), ("catalog:portal-service", "vpn")]
STAFF_READ_PAGES = [
    ("catalog:service-list", None),
    ("catalog:service-detail", "vpn"),
    ("catalog:service-detail", "retired"),
    ("catalog:item-list", None),
    ("catalog:item-detail", "item"),
    ("catalog:calendar-list", None),
    ("catalog:calendar-detail", "calendar"),
    ("catalog:sla-matrix", None),
    ("catalog:sla-detail", "sla"),
    ("catalog:ola-list", None),
    ("catalog:ola-detail", "ola"),
]
ADMIN_PAGES = [
    ("catalog:service-create", None),
    ("catalog:service-edit", "vpn"),
    ("catalog:item-create", None),
    ("catalog:item-edit", "item"),
    ("catalog:item-delete", "item"),
    ("catalog:calendar-create", None),
    ("catalog:calendar-edit", "calendar"),
    ("catalog:calendar-hours", "calendar"),
    ("catalog:sla-create", None),
    ("catalog:sla-edit", "sla"),
    ("catalog:sla-delete", "sla"),
    ("catalog:ola-create", None),
    ("catalog:ola-edit", "ola"),
    ("catalog:ola-delete", "ola"),
]
ALL_PAGES = PORTAL_PAGES + STAFF_READ_PAGES + ADMIN_PAGES


def url_of(catalog, name, key):
    return reverse(name, args=[catalog[key].pk]) if key else reverse(name)


def expected_status(role, pages_group):
    if pages_group is PORTAL_PAGES:
        return 200
    if pages_group is STAFF_READ_PAGES:
        return 403 if role == Role.REQUESTER else 200
    return 200 if role == Role.IT_ADMIN else 403


@pytest.mark.parametrize("role", Role.values())
def test_every_page_answers_each_role_as_its_permissions_say(role, make_user, web_client, catalog):
    client = web_client(make_user(role))
    failures = []
    for group in (PORTAL_PAGES, STAFF_READ_PAGES, ADMIN_PAGES):
        for name, key in group:
            url = url_of(catalog, name, key)
            status = client.get(url).status_code
            if status != expected_status(role, group):
                failures.append((url, status, expected_status(role, group)))
    assert failures == []


def test_anonymous_visitors_are_sent_to_sign_in(catalog):
    client = Client()
    for name, key in ALL_PAGES:
        url = url_of(catalog, name, key)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.AGENT, Role.IT_ADMIN])
def test_services_not_live_in_the_portal_are_404_in_the_employee_catalog(
    role, make_user, web_client, catalog
):
    client = web_client(make_user(role))
    for key in ("retired", "hidden"):
        url = reverse("catalog:portal-service", args=[catalog[key].pk])
        assert client.get(url).status_code == 404
    body = client.get(reverse("catalog:portal")).content.decode()
    assert "VPN for a contractor" in body
    assert "Fax gateway" not in body and "Fax number" not in body and "HRIS feed" not in body


def test_requester_reads_the_live_service_with_delivery_approval_and_form(
    make_user, web_client, catalog
):
    body = web_client(make_user(Role.REQUESTER)).get(
        reverse("catalog:portal-service", args=[catalog["vpn"].pk])
    )
    text = body.content.decode()
    # 8 business hours on an 8-hour working day (09:00-17:00) is one business day.
    assert "Within 1 business day" in text
    assert "No approval needed" in text
    assert 'aria-label="Form preview of VPN for a contractor"' in text
    assert "Reason" in text and "Required" in text
    # No way to open a request from here (that belongs to the service desk).
    assert "<button" not in text.split('id="main"')[1].split("</main>")[0]


def test_requester_gets_403_for_calendars_policies_and_portfolio(make_user, web_client, catalog):
    client = web_client(make_user(Role.REQUESTER))
    for url in (
        reverse("catalog:calendar-list"),
        reverse("catalog:calendar-detail", args=[catalog["calendar"].pk]),
        reverse("catalog:sla-matrix"),
        reverse("catalog:ola-list"),
        reverse("catalog:service-list"),
    ):
        assert client.get(url).status_code == 403, url


def test_navigation_shows_only_the_pages_a_role_may_open(make_user, web_client, catalog):
    requester = web_client(make_user(Role.REQUESTER)).get(reverse("catalog:portal"))
    nav = requester.content.decode().split('<nav class="nav"')[1].split("</nav>")[0]
    assert "Service catalog" in nav
    for label in ("Services", "Catalog items", "Calendars", "SLA policies"):
        assert f">{label}" not in nav
    agent = web_client(make_user(Role.AGENT)).get(reverse("catalog:portal"))
    nav = agent.content.decode().split('<nav class="nav"')[1].split("</nav>")[0]
    for label in ("Service catalog", "Services", "Catalog items", "Calendars", "SLA policies"):
        assert f">{label}" in nav


def test_write_buttons_only_for_it_admins(make_user, web_client, catalog):
    url = reverse("catalog:service-detail", args=[catalog["vpn"].pk])
    admin_page = web_client(make_user(Role.IT_ADMIN)).get(url).content.decode()
    agent_page = web_client(make_user(Role.AGENT)).get(url).content.decode()
    edit = reverse("catalog:service-edit", args=[catalog["vpn"].pk])
    assert edit in admin_page and "Add a dependency" in admin_page
    assert edit not in agent_page and "Add a dependency" not in agent_page


# ---- Query counts ------------------------------------------------------------


@pytest.fixture
def grow(make_service, make_item, catalog_admin, berlin, team):
    """grow(n): n live services each with an item, n calendars, n SLA
    overrides and n OLA policies."""
    made = {"n": 0}

    @service
    def policies(svc, n, *, actor):
        create_record(
            SlaPolicy,
            {
                "name": f"Override {n}",
                "service": svc,
                "priority": "p2",
                "response_target": timedelta(minutes=20),
                "resolution_target": timedelta(hours=3),
                "calendar": berlin,
            },
        )
        extra_team = type(team).objects.create(name=f"Team {n}", tier="l2")
        create_record(
            OlaPolicy,
            {
                "team": extra_team,
                "response_target": timedelta(hours=1),
                "resolution_target": timedelta(hours=8),
                "calendar": berlin,
            },
        )

    def make(total):
        while made["n"] < total:
            n = made["n"] = made["n"] + 1
            calendar = services.create_calendar(
                actor=catalog_admin,
                name=f"Office {n}",
                time_zone="Europe/Berlin",
                intervals=[(0, time(9), time(17))],
            )
            svc = make_service(f"Service {n:02d}", calendar=calendar)
            make_item(svc, f"Item {n:02d}")
            policies(svc, n, actor=catalog_admin)

    return make


# url name: text of the twentieth row, to see that the rows are on the page
LIST_PAGES = {
    "catalog:portal": "Service 20",
    "catalog:service-list": "Service 20",
    "catalog:item-list": "Item 20",
    "catalog:calendar-list": "Office 20",
    "catalog:sla-matrix": "Override 20",
    "catalog:ola-list": "Team 20",
}


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_use_the_same_number_of_queries_for_3_and_20_rows(
    name, grow, catalog_admin, web_client, django_assert_max_num_queries
):
    client = web_client(catalog_admin)
    url = reverse(name)
    grow(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(20)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert LIST_PAGES[name] in response.content.decode()
