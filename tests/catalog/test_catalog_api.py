"""The catalog REST API: create and read back, and bad input (400 naming the
field, nothing written). Expected values are written by hand."""

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar, OlaPolicy, SlaPolicy, WorkingInterval

sys.path.insert(0, str(Path(__file__).parent))
from catalog_api_support import (  # noqa: E402
    LUNCH_BREAK_WEEK,
    assert_invalid,
    make_office,
    make_teams,
    rows,
    service_maker,
    signed_in,
)


@pytest.fixture
def api_admin(make_user, api_client):
    return signed_in(api_client, make_user(Role.IT_ADMIN))


@pytest.fixture
def teams(db):
    return make_teams()


@pytest.fixture
def office(db):
    return make_office()


@pytest.fixture
def new_service(office, teams):
    return service_maker(office, teams["identity"])


# -- create and read back ---------------------------------------------------------------------


def test_a_whole_catalog_is_created_and_read_back(api_admin, teams):
    desk, identity = teams["desk"].pk, teams["identity"].pk
    calendar = api_admin.post(
        "/api/calendars/",
        {
            "name": "Berlin office",
            "time_zone": "Europe/Berlin",
            "holiday_country": "DE",
            "holiday_subdivision": "BE",
            "intervals": LUNCH_BREAK_WEEK + [{"weekday": 4, "start": "22:00", "end": "06:00"}],
        },
        format="json",
    )
    assert calendar.status_code == 201, calendar.content
    calendar_id = calendar.json()["id"]
    closure = api_admin.post(
        "/api/calendar-closures/",
        {"calendar": calendar_id, "date": "2026-12-24", "name": "Christmas Eve"},
        format="json",
    )
    assert closure.status_code == 201, closure.content

    read = api_admin.get(f"/api/calendars/{calendar_id}/").json()
    assert read["intervals"] == [
        *LUNCH_BREAK_WEEK[:8],
        {"weekday": 4, "start": "09:00:00", "end": "12:00:00"},
        {"weekday": 4, "start": "13:00:00", "end": "17:00:00"},
        {"weekday": 4, "start": "22:00:00", "end": "06:00:00"},
    ]
    assert read["closures"] == [
        {
            "id": closure.json()["id"],
            "calendar": calendar_id,
            "date": "2026-12-24",
            "name": "Christmas Eve",
            "version": 1,
        }
    ]
    assert read["version"] == 2  # the closure gave the calendar a new version

    service = api_admin.post(
        "/api/services/",
        {
            "name": "VPN",
            "tier": "1",
            "owner_team": identity,
            "support_team": desk,
            "calendar": calendar_id,
            "description": "Remote access to the office network.",
        },
        format="json",
    )
    assert service.status_code == 201, service.content
    service_id = service.json()["id"]
    read = api_admin.get(f"/api/services/{service_id}/")
    assert read["ETag"] == '"1"'
    assert {k: v for k, v in read.json().items() if k not in ("created_at", "updated_at")} == {
        "id": service_id,
        "name": "VPN",
        "description": "Remote access to the office network.",
        "tier": "1",
        "status": "live",
        "owner_team": identity,
        "support_team": desk,
        "business_owner": None,
        "calendar": calendar_id,
        "visible_in_portal": True,
        "depends_on": [],
        "version": 1,
    }

    form = [
        {"name": "reason", "label": "Reason", "type": "textarea", "required": True},
        {"name": "days", "type": "integer", "min": 1, "max": 90},
    ]
    item = api_admin.post(
        "/api/catalog-items/",
        {
            "service": service_id,
            "name": "VPN for a contractor",
            "form_definition": form,
            "approval": "team",
            "approval_team": identity,
            "delivery_target": "08:00:00",
            "tasks": [
                {"stage": 1, "title": "Create the account", "team": identity},
                {"stage": 2, "title": "Send the profile", "description": "By mail", "team": desk},
            ],
        },
        format="json",
    )
    assert item.status_code == 201, item.content
    read = api_admin.get(f"/api/catalog-items/{item.json()['id']}/").json()
    assert read["form_definition"] == form
    assert read["delivery_target"] == "08:00:00"
    assert (read["approval"], read["approval_team"]) == ("team", identity)
    assert read["tasks"] == [
        {"stage": 1, "title": "Create the account", "description": "", "team": identity},
        {"stage": 2, "title": "Send the profile", "description": "By mail", "team": desk},
    ]

    sla = api_admin.post(
        "/api/sla-policies/",
        {
            "name": "VPN P2",
            "service": service_id,
            "priority": "p2",
            "response_target": "00:15:00",
            "resolution_target": "02:00:00",
            "pause_states": ["pending_customer", "pending_vendor"],
        },
        format="json",
    )
    assert sla.status_code == 201, sla.content
    read = api_admin.get(f"/api/sla-policies/{sla.json()['id']}/").json()
    assert read == {
        "id": sla.json()["id"],
        "name": "VPN P2",
        "tier": "",
        "service": service_id,
        "priority": "p2",
        "response_target": "00:15:00",
        "resolution_target": "02:00:00",
        "calendar": None,
        "pause_states": ["pending_customer", "pending_vendor"],
        "version": 1,
    }

    ola = api_admin.post(
        "/api/ola-policies/",
        {
            "team": desk,
            "response_target": "00:30:00",
            "resolution_target": "1 00:00:00",
            "calendar": calendar_id,
        },
        format="json",
    )
    assert ola.status_code == 201, ola.content
    read = api_admin.get(f"/api/ola-policies/{ola.json()['id']}/").json()
    assert (read["team"], read["priority"], read["resolution_target"]) == (desk, "", "1 00:00:00")


def test_dependencies_and_links(api_admin, new_service):
    sso, vpn = new_service("SSO"), new_service("VPN")
    created = api_admin.post(
        "/api/service-dependencies/", {"service": vpn.pk, "depends_on": sso.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    assert api_admin.get(f"/api/services/{vpn.pk}/").json()["depends_on"] == [sso.pk]
    link = api_admin.post(
        "/api/service-links/",
        {"service": sso.pk, "kind": "runbook", "title": "Outage", "url": "https://wiki.test/sso"},
        format="json",
    )
    assert link.status_code == 201, link.content
    assert api_admin.delete(f"/api/service-dependencies/{created.json()['id']}/").status_code == 204
    assert api_admin.get(f"/api/services/{vpn.pk}/").json()["depends_on"] == []


def test_calendar_update_replaces_the_week_in_one_version(api_admin, office):
    before = api_admin.get(f"/api/calendars/{office.pk}/").json()
    week = [{"weekday": 0, "start": "22:00:00", "end": "06:00:00"}]
    response = api_admin.patch(
        f"/api/calendars/{office.pk}/",
        {"intervals": week, "description": "Night shift", "version": before["version"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["intervals"] == week
    assert response.json()["version"] == before["version"] + 1
    assert [str(i) for i in WorkingInterval.objects.filter(calendar=office)] == [
        "Monday 22:00-06:00 (overnight)"
    ]
    # Sending the same again changes nothing: no new version.
    again = api_admin.patch(
        f"/api/calendars/{office.pk}/",
        {"intervals": week, "version": before["version"] + 1},
        format="json",
    )
    assert again.json()["version"] == before["version"] + 1


def test_item_tasks_are_replaced_as_a_whole(api_admin, new_service, teams):
    item = catalog.create_catalog_item(
        actor=None,
        service=new_service("Laptops"),
        name="New laptop",
        tasks=[(1, "Order", teams["desk"]), (2, "Ship", teams["desk"])],
    )
    tasks = [{"stage": 1, "title": "Hand over", "description": "At the desk", "team": 0}]
    tasks[0]["team"] = teams["identity"].pk
    response = api_admin.patch(
        f"/api/catalog-items/{item.pk}/", {"tasks": tasks, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["tasks"] == tasks
    assert list(item.task_templates.values_list("title", flat=True)) == ["Hand over"]
    # Without "tasks", the template is kept.
    api_admin.patch(
        f"/api/catalog-items/{item.pk}/", {"description": "x", "version": 2}, format="json"
    )
    assert list(item.task_templates.values_list("title", flat=True)) == ["Hand over"]


def test_effective_sla_per_priority(api_admin, new_service, office):
    always = BusinessCalendar.objects.get(name="24x7")
    vpn = new_service("VPN", tier="1")
    own = SlaPolicy.objects.create(
        name="VPN P2",
        service=vpn,
        priority="p2",
        response_target=timedelta(minutes=15),
        resolution_target=timedelta(hours=2),
    )
    tier1 = {p.priority: p.pk for p in SlaPolicy.objects.filter(tier="1", service=None)}
    response = api_admin.get(f"/api/services/{vpn.pk}/sla/")
    assert response.status_code == 200, response.content
    # The installed tier 1 defaults (docs/catalog.md), with the service's own P2.
    assert response.json() == {
        "service": vpn.pk,
        "tier": "1",
        "targets": [
            {
                "priority": "p1",
                "policy": tier1["p1"],
                "policy_name": "Tier 1 P1",
                "source": "tier",
                "response_target": "00:10:00",
                "resolution_target": "01:00:00",
                "calendar": always.pk,
                "pause_states": [],
            },
            {
                "priority": "p2",
                "policy": own.pk,
                "policy_name": "VPN P2",
                "source": "service",
                "response_target": "00:15:00",
                "resolution_target": "02:00:00",
                "calendar": office.pk,  # none on the policy: the service's hours
                "pause_states": [],
            },
            {
                "priority": "p3",
                "policy": tier1["p3"],
                "policy_name": "Tier 1 P3",
                "source": "tier",
                "response_target": "02:00:00",
                "resolution_target": "16:00:00",
                "calendar": office.pk,
                "pause_states": ["pending_customer", "pending_vendor"],
            },
            {
                "priority": "p4",
                "policy": tier1["p4"],
                "policy_name": "Tier 1 P4",
                "source": "tier",
                "response_target": "08:00:00",
                "resolution_target": "1 16:00:00",
                "calendar": office.pk,
                "pause_states": ["pending_customer", "pending_vendor"],
            },
        ],
    }


# -- bad input --------------------------------------------------------------------------------


@pytest.fixture
def world(api_admin, new_service, office, teams):
    """SSO, VPN and Directory with VPN -> SSO -> Directory; an item on VPN."""
    sso, vpn, directory = new_service("SSO"), new_service("VPN"), new_service("Directory")
    catalog.add_dependency(vpn, sso, actor=None)
    catalog.add_dependency(sso, directory, actor=None)
    catalog.add_closure(office, actor=None, date=date(2026, 12, 24), name="Eve")
    item = catalog.create_catalog_item(actor=None, service=vpn, name="VPN access")
    OlaPolicy.objects.create(
        team=teams["desk"],
        priority="p1",
        response_target=timedelta(minutes=30),
        resolution_target=timedelta(hours=4),
        calendar=office,
    )
    office.refresh_from_db()
    return {
        "sso": sso,
        "vpn": vpn,
        "directory": directory,
        "office": office,
        "item": item,
        "desk": teams["desk"],
    }


def _calendar_body(**overrides):
    return {
        "name": "Lisbon",
        "time_zone": "Europe/Lisbon",
        "intervals": LUNCH_BREAK_WEEK,
        **overrides,
    }


def _item_body(w, **overrides):
    return {"service": w["vpn"].pk, "name": "New laptop", **overrides}


def _sla_body(**overrides):
    return {
        "name": "Policy",
        "tier": "2",
        "priority": "p2",
        "response_target": "00:30:00",
        "resolution_target": "08:00:00",
        **overrides,
    }


OVERLAP = [
    {"weekday": 0, "start": "09:00", "end": "13:00"},
    {"weekday": 0, "start": "12:00", "end": "17:00"},
]

# (case, method, url(w), body(w), field, message fragments)
BAD_WRITES = [
    (
        "overlapping intervals on create",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(intervals=OVERLAP),
        "intervals",
        ["weekly intervals overlap: Mon 09:00-13:00 and Mon 12:00-17:00"],
    ),
    (
        "overlapping intervals on update",
        "patch",
        lambda w: f"/api/calendars/{w['office'].pk}/",
        lambda w: {"intervals": OVERLAP, "version": w["office"].version},
        "intervals",
        ["overlap"],
    ),
    (
        # Sunday 22:00-06:00 runs into Monday 05:00-07:00.
        "overnight interval overlapping the next morning",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(
            intervals=[
                {"weekday": 6, "start": "22:00", "end": "06:00"},
                {"weekday": 0, "start": "05:00", "end": "07:00"},
            ]
        ),
        "intervals",
        ["overlap"],
    ),
    (
        "a working calendar with no hours",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(intervals=[]),
        "intervals",
        ["at least one weekly interval"],
    ),
    (
        "an interval on weekday 7",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(intervals=[{"weekday": 7, "start": "09:00", "end": "17:00"}]),
        "intervals",
        ["less than or equal to 6"],
    ),
    (
        "an unknown key in an interval",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(
            intervals=[{"weekday": 0, "start": "09:00", "end": "17:00", "day": 1}]
        ),
        "intervals",
        ["Unknown field"],
    ),
    (
        "a holiday country that does not exist",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(holiday_country="XX"),
        "holiday_country",
        ["'XX' is not a country with known public holidays."],
    ),
    (
        "an unknown time zone",
        "post",
        lambda w: "/api/calendars/",
        lambda w: _calendar_body(time_zone="Mars/Olympus"),
        "time_zone",
        [],
    ),
    (
        "a second closure on one day",
        "post",
        lambda w: "/api/calendar-closures/",
        lambda w: {"calendar": w["office"].pk, "date": "2026-12-24", "name": "Again"},
        "date",
        ["Berlin office is already closed on 2026-12-24."],
    ),
    (
        "a form definition with min above max",
        "post",
        lambda w: "/api/catalog-items/",
        lambda w: _item_body(
            w, form_definition=[{"name": "seats", "type": "integer", "min": 5, "max": 1}]
        ),
        "form_definition",
        ["field 'seats': min is greater than max."],
    ),
    (
        "a form definition that is not a list",
        "post",
        lambda w: "/api/catalog-items/",
        lambda w: _item_body(w, form_definition={"name": "seats"}),
        "form_definition",
        ["The form definition must be a list of fields."],
    ),
    (
        "a form definition error on update",
        "patch",
        lambda w: f"/api/catalog-items/{w['item'].pk}/",
        lambda w: {"form_definition": [{"name": "Bad Name", "type": "text"}], "version": 1},
        "form_definition",
        ["field 1: name must be lowercase letters"],
    ),
    (
        "a second item of the same name",
        "post",
        lambda w: "/api/catalog-items/",
        lambda w: _item_body(w, name="VPN access"),
        "name",
        ["VPN already offers an item named “VPN access”."],
    ),
    (
        "a task for a team that does not exist",
        "post",
        lambda w: "/api/catalog-items/",
        lambda w: _item_body(w, tasks=[{"title": "Ship", "team": 999999}]),
        "tasks",
        ["Invalid pk"],
    ),
    (
        "team approval without the team",
        "post",
        lambda w: "/api/catalog-items/",
        lambda w: _item_body(w, approval="team"),
        "approval_team",
        ["Choose the team that approves this item."],
    ),
    (
        "a promised delivery of zero",
        "post",
        lambda w: "/api/catalog-items/",
        lambda w: _item_body(w, delivery_target="00:00:00"),
        "delivery_target",
        ["must be positive"],
    ),
    (
        "a dependency that closes a cycle",
        "post",
        lambda w: "/api/service-dependencies/",
        lambda w: {"service": w["directory"].pk, "depends_on": w["vpn"].pk},
        "depends_on",
        ["This would create a dependency cycle: Directory → VPN → SSO → Directory."],
    ),
    (
        "a service depending on itself",
        "post",
        lambda w: "/api/service-dependencies/",
        lambda w: {"service": w["sso"].pk, "depends_on": w["sso"].pk},
        "depends_on",
        ["A service cannot depend on itself."],
    ),
    (
        "a dependency twice",
        "post",
        lambda w: "/api/service-dependencies/",
        lambda w: {"service": w["vpn"].pk, "depends_on": w["sso"].pk},
        "depends_on",
        ["VPN already depends on SSO."],
    ),
    (
        "a zero SLA target",
        "post",
        lambda w: "/api/sla-policies/",
        lambda w: _sla_body(service=w["vpn"].pk, tier="", response_target="00:00:00"),
        "response_target",
        ["The target must be longer than zero."],
    ),
    (
        "an SLA policy with both tier and service",
        "post",
        lambda w: "/api/sla-policies/",
        lambda w: _sla_body(service=w["vpn"].pk, tier="1"),
        "tier",
        ["Give either a service tier or a service, not both."],
    ),
    (
        "an unknown pause state",
        "post",
        lambda w: "/api/sla-policies/",
        lambda w: _sla_body(service=w["vpn"].pk, tier="", pause_states=["on_holiday"]),
        "pause_states",
        ["not a valid choice"],
    ),
    (
        # Tier 2 P2 is one of the installed defaults.
        "a second tier policy for one tier and priority",
        "post",
        lambda w: "/api/sla-policies/",
        lambda w: _sla_body(),
        "priority",
        ["Tier 2 already has a P2 policy (Tier 2 P2); change that one instead."],
    ),
    (
        "an SLA target over ten years",
        "post",
        lambda w: "/api/sla-policies/",
        lambda w: _sla_body(service=w["vpn"].pk, tier="", resolution_target="3651 00:00:00"),
        "resolution_target",
        ["at most 3650 days"],
    ),
    (
        "a second OLA for one team and priority",
        "post",
        lambda w: "/api/ola-policies/",
        lambda w: {
            "team": w["desk"].pk,
            "priority": "p1",
            "response_target": "01:00:00",
            "resolution_target": "02:00:00",
            "calendar": w["office"].pk,
        },
        "priority",
        ["Team Service Desk already has a P1 policy"],
    ),
    (
        "a service on a calendar that does not exist",
        "patch",
        lambda w: f"/api/services/{w['sso'].pk}/",
        lambda w: {"calendar": 999999, "version": 1},
        "calendar",
        ["Invalid pk"],
    ),
    (
        "a service's dependencies written on the service",
        "patch",
        lambda w: f"/api/services/{w['sso'].pk}/",
        lambda w: {"depends_on": [w["vpn"].pk], "version": 1},
        "depends_on",
        ["read-only"],
    ),
]


@pytest.mark.parametrize(
    "method,url,body,field,fragments",
    [case[1:] for case in BAD_WRITES],
    ids=[c[0] for c in BAD_WRITES],
)
def test_bad_writes_are_400_naming_the_field_and_write_nothing(
    method, url, body, field, fragments, world, api_admin
):
    before = rows()
    versions = {key: type(rec).objects.get(pk=rec.pk).version for key, rec in world.items()}
    response = getattr(api_admin, method)(url(world), body(world), format="json")
    assert_invalid(response, field, *fragments)
    assert rows() == before
    assert versions == {key: type(rec).objects.get(pk=rec.pk).version for key, rec in world.items()}


BAD_QUERIES = [
    ("week", {"date": "21.12.2026"}, "date", ["Date has wrong format"]),
    ("week", {"date": "2026-02-30"}, "date", []),
    ("week", {"date": "0001-01-01"}, "date", ["between 1900 and 2999"]),
    ("due", {"duration": "04:00:00"}, "start", ["required"]),
    ("due", {"start": "2026-12-23T10:00:00+01:00"}, "duration", ["required"]),
    (
        "due",
        {"start": "2026-12-23T10:00:00", "duration": "04:00:00"},
        "start",
        ["Give the time zone offset"],
    ),
    ("due", {"start": "yesterday", "duration": "04:00:00"}, "start", ["wrong format"]),
    ("due", {"start": "9999-12-31T23:00:00Z", "duration": "04:00:00"}, "start", ["between"]),
    ("due", {"start": "2026-12-23T10:00:00Z", "duration": "four hours"}, "duration", []),
    ("due", {"start": "2026-12-23T10:00:00Z", "duration": "-01:00:00"}, "duration", ["greater"]),
    ("due", {"start": "2026-12-23T10:00:00Z", "duration": "367 00:00:00"}, "duration", ["less"]),
]


@pytest.mark.parametrize("action,query,field,fragments", BAD_QUERIES)
def test_bad_calendar_queries_are_400_naming_the_parameter(
    action, query, field, fragments, api_admin, office
):
    response = api_admin.get(f"/api/calendars/{office.pk}/{action}/", query)
    assert_invalid(response, field, *fragments)


def test_deleting_a_calendar_in_use_is_a_409_naming_the_users(api_admin, new_service, office):
    new_service("VPN")
    OlaPolicy.objects.create(
        team=new_service("SSO").owner_team,
        response_target=timedelta(hours=1),
        resolution_target=timedelta(hours=8),
        calendar=office,
    )
    before = rows()
    response = api_admin.delete(f"/api/calendars/{office.pk}/")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "protected",
        "message": "Still in use by OLA policies, services; remove those references first.",
        "fields": {},
    }
    assert rows() == before
