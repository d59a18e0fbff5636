"""Writing through the catalog pages: saved by the services, audited as web
changes, version-checked, and bad input named next to its field."""

import json
from datetime import time, timedelta

import pytest
from django.urls import reverse

from stanchion.accounts.roles import Role
from stanchion.catalog import services
from stanchion.catalog.forms import parse_duration
from stanchion.catalog.models import (
    BusinessCalendar,
    CatalogItem,
    Closure,
    OlaPolicy,
    Service,
    ServiceDependency,
    SlaPolicy,
)
from stanchion.catalog.views_common import business_duration, delivery_in_words
from stanchion.core.models import AuditEntry
from stanchion.core.services import update_fields

HTMX_DEPENDENCIES = {"HX-Request": "true", "HX-Target": "service-dependencies"}
HTMX_CLOSURES = {"HX-Request": "true", "HX-Target": "calendar-closures"}


def service_post(team, calendar, **changes):
    data = {
        "name": "Wi-Fi",
        "description": "Office wireless",
        "tier": "1",
        "status": "live",
        "owner_team": team.pk,
        "support_team": team.pk,
        "calendar": calendar.pk,
        "visible_in_portal": "on",
    }
    return {**data, **changes}


def test_create_service_via_web_is_audited_as_the_admin(catalog_admin, web_client, team, berlin):
    response = web_client(catalog_admin).post(
        reverse("catalog:service-create"), service_post(team, berlin)
    )
    svc = Service.objects.get(name="Wi-Fi")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:service-detail", args=[svc.pk])
    entry = AuditEntry.objects.get(model="catalog.service", object_id=str(svc.pk))
    assert (entry.action, entry.source, entry.actor_id) == ("create", "web", catalog_admin.pk)
    assert entry.changes["name"] == [None, "Wi-Fi"]


def test_stale_service_edit_shows_the_conflict_and_saves_nothing(
    catalog_admin, web_client, make_service, team, berlin
):
    svc = make_service("Wi-Fi", tier="2")
    # Someone else saves first: version 1 -> 2.
    update_fields(svc, {"tier": "1"}, actor=catalog_admin, expected_version=1)
    response = web_client(catalog_admin).post(
        reverse("catalog:service-edit", args=[svc.pk]),
        service_post(team, berlin, tier="3", version="1", name="Wireless"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "someone else changed this service" in body
    assert 'name="version" value="2"' in body
    svc.refresh_from_db()
    assert (svc.name, svc.tier, svc.version) == ("Wi-Fi", "1", 2)


def test_service_edit_with_current_version_saves_and_records_before_after(
    catalog_admin, web_client, make_service, team, berlin
):
    svc = make_service("Wi-Fi", tier="2")
    response = web_client(catalog_admin).post(
        reverse("catalog:service-edit", args=[svc.pk]),
        service_post(team, berlin, tier="1", version="1"),
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(model="catalog.service", action="update")
    assert entry.changes["tier"] == ["2", "1"] and entry.source == "web"


def test_dependency_cycle_is_shown_in_the_card_naming_the_chain(
    catalog_admin, web_client, make_service
):
    sso, directory, vpn = make_service("SSO"), make_service("Directory"), make_service("VPN")
    services.add_dependency(vpn, sso, actor=catalog_admin)
    services.add_dependency(sso, directory, actor=catalog_admin)
    before = ServiceDependency.objects.count()
    response = web_client(catalog_admin).post(
        reverse("catalog:service-dependency-add", args=[directory.pk]),
        {"depends_on": vpn.pk},
        headers=HTMX_DEPENDENCIES,
    )
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "<html" not in body and 'id="service-dependencies"' in body
    assert "This would create a dependency cycle: Directory → VPN → SSO → Directory." in body
    assert ServiceDependency.objects.count() == before


def test_add_and_remove_a_dependency_through_htmx(catalog_admin, web_client, make_service):
    vpn, sso = make_service("VPN"), make_service("SSO")
    client = web_client(catalog_admin)
    added = client.post(
        reverse("catalog:service-dependency-add", args=[vpn.pk]),
        {"depends_on": sso.pk},
        headers=HTMX_DEPENDENCIES,
    )
    assert "VPN now depends on SSO." in added.content.decode()
    link = ServiceDependency.objects.get(service=vpn, depends_on=sso)
    entry = AuditEntry.objects.get(model="catalog.servicedependency", action="create")
    assert entry.source == "web" and entry.actor_id == catalog_admin.pk
    removed = client.post(
        reverse("catalog:service-dependency-remove", args=[vpn.pk, link.pk]),
        headers=HTMX_DEPENDENCIES,
    )
    assert "VPN no longer depends on SSO." in removed.content.decode()
    assert not ServiceDependency.objects.exists()
    assert AuditEntry.objects.filter(model="catalog.servicedependency", action="delete").exists()


def test_agents_cannot_add_dependencies(make_user, web_client, make_service):
    vpn, sso = make_service("VPN"), make_service("SSO")
    response = web_client(make_user(Role.AGENT)).post(
        reverse("catalog:service-dependency-add", args=[vpn.pk]), {"depends_on": sso.pk}
    )
    assert response.status_code == 403
    assert not ServiceDependency.objects.exists()


# ---- Catalog items -------------------------------------------------------------

FORM = [{"name": "seats", "type": "integer", "min": 1, "max": 50, "required": True}]


def item_post(svc, team, **changes):
    data = {
        "service": svc.pk,
        "name": "Software licence",
        "description": "A paid seat",
        "approval": "manager",
        "delivery_target": "1h 30m",
        "is_active": "on",
        "form_definition": json.dumps(FORM),
        "tasks-TOTAL_FORMS": "3",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-stage": "1",
        "tasks-0-title": "Check the pool",
        "tasks-0-team": team.pk,
        "tasks-1-stage": "2",
        "tasks-1-title": "Buy the seat",
        "tasks-1-team": team.pk,
    }
    return {**data, **changes}


def test_create_item_with_form_and_tasks(catalog_admin, web_client, make_service, team):
    svc = make_service("Licences")
    response = web_client(catalog_admin).post(reverse("catalog:item-create"), item_post(svc, team))
    item = CatalogItem.objects.get(name="Software licence")
    assert response.status_code == 302
    assert item.delivery_target == timedelta(hours=1, minutes=30)
    assert item.form_definition == FORM
    tasks = [(t.stage, t.title) for t in item.task_templates.order_by("stage")]
    assert tasks == [(1, "Check the pool"), (2, "Buy the seat")]
    assert AuditEntry.objects.filter(
        model="catalog.catalogitem", action="create", source="web"
    ).exists()
    page = web_client(catalog_admin).get(reverse("catalog:item-detail", args=[item.pk]))
    text = page.content.decode()
    assert "Stage 1" in text and "Stage 2" in text and "starts when stage 1 is done" in text


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ('[{"name": "seats", "type": "integer",', "Not valid JSON (line 1, column 38)"),
        (
            '[{"name": "seats", "type": "integer", "min": 5, "max": 1}]',
            "field &#x27;seats&#x27;: min is greater than max.",
        ),
        ('{"name": "x"}', "The form definition must be a list of fields."),
    ],
)
def test_bad_form_definition_is_named_next_to_the_field(
    definition, message, catalog_admin, web_client, make_service, team
):
    svc = make_service("Licences")
    response = web_client(catalog_admin).post(
        reverse("catalog:item-create"), item_post(svc, team, form_definition=definition)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_form_definition_errors"' in body
    errors = body.split('id="id_form_definition_errors"')[1].split("</ul>")[0]
    assert message in errors
    assert not CatalogItem.objects.exists()


def test_task_row_without_team_is_refused(catalog_admin, web_client, make_service, team):
    svc = make_service("Licences")
    data = item_post(svc, team, **{"tasks-1-team": ""})
    response = web_client(catalog_admin).post(reverse("catalog:item-create"), data)
    assert response.status_code == 400
    assert "Choose the team that does this task." in response.content.decode()
    assert not CatalogItem.objects.exists()


def test_stale_item_edit_keeps_fields_and_tasks(
    catalog_admin, web_client, make_service, make_item, team
):
    svc = make_service("Licences")
    item = make_item(svc, "Software licence")  # one task: "Fulfil Software licence"
    services.update_catalog_item(
        item, {"description": "Newer"}, actor=catalog_admin, expected_version=1
    )
    response = web_client(catalog_admin).post(
        reverse("catalog:item-edit", args=[item.pk]),
        item_post(svc, team, version="1", description="Mine"),
    )
    assert response.status_code == 409
    assert "someone else changed this catalog item" in response.content.decode()
    item.refresh_from_db()
    assert item.description == "Newer" and item.version == 2
    assert [t.title for t in item.task_templates.all()] == ["Fulfil Software licence"]


def test_item_edit_replaces_the_tasks(catalog_admin, web_client, make_service, make_item, team):
    svc = make_service("Licences")
    item = make_item(svc, "Software licence")
    response = web_client(catalog_admin).post(
        reverse("catalog:item-edit", args=[item.pk]),
        item_post(svc, team, version="1", name="Software licence"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.version == 2
    assert [t.title for t in item.task_templates.order_by("stage")] == [
        "Check the pool",
        "Buy the seat",
    ]


# ---- Calendars -----------------------------------------------------------------


def hours_post(rows, version):
    data = {"hours-TOTAL_FORMS": str(len(rows)), "hours-INITIAL_FORMS": "0", "version": version}
    for n, (weekday, start, end) in enumerate(rows):
        data |= {f"hours-{n}-weekday": weekday, f"hours-{n}-start": start, f"hours-{n}-end": end}
    return data


def test_weekly_hours_overlap_is_refused_with_the_engines_message(
    catalog_admin, web_client, berlin
):
    rows = [("0", "09:00", "17:00"), ("0", "16:00", "18:00"), ("", "", "")]
    response = web_client(catalog_admin).post(
        reverse("catalog:calendar-hours", args=[berlin.pk]), hours_post(rows, "1")
    )
    assert response.status_code == 400
    assert "weekly intervals overlap: Mon 09:00-17:00 and Mon 16:00-18:00" in (
        response.content.decode()
    )
    assert berlin.intervals.count() == 5


def test_weekly_hours_are_replaced_as_a_whole_overnight_allowed(catalog_admin, web_client, berlin):
    rows = [("0", "22:00", "06:00"), ("2", "08:00", "12:00"), ("", "", "")]
    response = web_client(catalog_admin).post(
        reverse("catalog:calendar-hours", args=[berlin.pk]), hours_post(rows, "1")
    )
    assert response.status_code == 302
    week = list(berlin.intervals.order_by("weekday").values_list("weekday", "start", "end"))
    assert week == [(0, time(22), time(6)), (2, time(8), time(12))]
    berlin.refresh_from_db()
    assert berlin.version == 2


def test_stale_weekly_hours_are_not_saved(catalog_admin, web_client, berlin):
    update_fields(berlin, {"description": "x"}, actor=catalog_admin, expected_version=1)
    rows = [("0", "10:00", "11:00")]
    response = web_client(catalog_admin).post(
        reverse("catalog:calendar-hours", args=[berlin.pk]), hours_post(rows, "1")
    )
    assert response.status_code == 409
    assert "Not saved: someone else changed this calendar" in response.content.decode()
    assert berlin.intervals.count() == 5


def test_half_filled_row_names_the_missing_field(catalog_admin, web_client, berlin):
    rows = [("0", "09:00", "")]
    response = web_client(catalog_admin).post(
        reverse("catalog:calendar-hours", args=[berlin.pk]), hours_post(rows, "1")
    )
    assert response.status_code == 400
    assert "Fill in the weekday, start and end, or clear the row." in response.content.decode()


def test_create_calendar_with_hours_and_bad_holiday_country(catalog_admin, web_client):
    data = {
        "name": "Lisbon office",
        "time_zone": "Europe/Lisbon",
        "holiday_country": "XX",
        **{k: v for k, v in hours_post([("0", "09:00", "17:00")], "").items() if k != "version"},
    }
    client = web_client(catalog_admin)
    refused = client.post(reverse("catalog:calendar-create"), data)
    assert refused.status_code == 400
    assert "&#x27;XX&#x27; is not a country with known public holidays." in (
        refused.content.decode()
    )
    created = client.post(reverse("catalog:calendar-create"), data | {"holiday_country": "pt"})
    calendar = BusinessCalendar.objects.get(name="Lisbon office")
    assert created.status_code == 302
    assert calendar.holiday_country == "PT"
    assert list(calendar.intervals.values_list("weekday", "start", "end")) == [
        (0, time(9), time(17))
    ]


def test_add_and_remove_a_closure_through_htmx(catalog_admin, web_client, berlin):
    client = web_client(catalog_admin)
    added = client.post(
        reverse("catalog:calendar-closure-add", args=[berlin.pk]),
        {"date": "2099-06-01", "name": "Office move"},
        headers=HTMX_CLOSURES,
    )
    body = added.content.decode()
    assert added.status_code == 200 and "<html" not in body
    assert "Office move" in body
    closure = Closure.objects.get(calendar=berlin)
    again = client.post(
        reverse("catalog:calendar-closure-add", args=[berlin.pk]),
        {"date": "2099-06-01", "name": "Twice"},
        headers=HTMX_CLOSURES,
    )
    assert "Berlin office is already closed on 2099-06-01." in again.content.decode()
    client.post(
        reverse("catalog:calendar-closure-remove", args=[berlin.pk, closure.pk]),
        headers=HTMX_CLOSURES,
    )
    assert not Closure.objects.exists()
    actions = set(
        AuditEntry.objects.filter(model="catalog.closure").values_list("action", "source")
    )
    assert actions == {("create", "web"), ("delete", "web")}


# ---- SLA and OLA policies ------------------------------------------------------


def test_sla_policy_for_a_taken_cell_is_refused_naming_it(catalog_admin, web_client):
    # The installed defaults already hold tier 1 / P1.
    existing = SlaPolicy.objects.get(tier="1", priority="p1", service__isnull=True)
    response = web_client(catalog_admin).post(
        reverse("catalog:sla-create"),
        {
            "name": "Second",
            "tier": "1",
            "priority": "p1",
            "response_target": "5m",
            "resolution_target": "1h",
        },
    )
    assert response.status_code == 400
    assert f"Tier 1 already has a P1 policy: “{existing}”" in response.content.decode()


def test_sla_override_is_created_with_parsed_durations(catalog_admin, web_client, make_service):
    vpn = make_service("VPN", tier="1")
    response = web_client(catalog_admin).post(
        reverse("catalog:sla-create"),
        {
            "name": "VPN P2",
            "service": vpn.pk,
            "priority": "p2",
            "response_target": "15 min",
            "resolution_target": "2h 30m",
            "pause_states": ["pending_vendor"],
        },
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(service=vpn)
    assert policy.response_target == timedelta(minutes=15)
    assert policy.resolution_target == timedelta(hours=2, minutes=30)
    assert policy.pause_states == ["pending_vendor"]
    page = web_client(catalog_admin).get(reverse("catalog:service-detail", args=[vpn.pk]))
    text = page.content.decode()
    assert "This service's own" in text and "overrides tier 1: 30 min / 4 h" in text


def test_unreadable_duration_is_named(catalog_admin, web_client, team, berlin):
    response = web_client(catalog_admin).post(
        reverse("catalog:ola-create"),
        {
            "team": team.pk,
            "priority": "",
            "response_target": "soon",
            "resolution_target": "0m",
            "calendar": berlin.pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a duration such as 45m, 4h or 1h 30m." in body
    assert "The duration must be longer than zero." in body
    assert not OlaPolicy.objects.exists()


def test_delete_sla_policy_via_web(catalog_admin, web_client, catalog):
    policy = catalog["sla"]
    response = web_client(catalog_admin).post(
        reverse("catalog:sla-delete", args=[policy.pk]), {"version": policy.version}
    )
    assert response.status_code == 302
    assert not SlaPolicy.objects.filter(pk=policy.pk).exists()
    assert AuditEntry.objects.filter(model="catalog.slapolicy", action="delete").exists()


# ---- Durations in words ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", timedelta(hours=4)),
        ("1h 30m", timedelta(minutes=90)),
        ("90 min", timedelta(minutes=90)),
        ("2 hours 15 minutes", timedelta(minutes=135)),
        ("1.5h", timedelta(minutes=90)),
        ("1:30", timedelta(minutes=90)),
        ("40", timedelta(hours=40)),
        ("later", None),
        ("h", None),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(minutes=10), "10 min"),
        (timedelta(hours=4), "4 h"),
        (timedelta(hours=1, minutes=30), "1 h 30 min"),
        (timedelta(days=5), "120 h"),
        (timedelta(hours=40), "40 h"),
    ],
)
def test_business_duration_stays_in_hours(value, expected):
    assert business_duration(value) == expected


@pytest.mark.parametrize(
    ("target", "day_hours", "around", "expected"),
    [
        (timedelta(hours=8), 10, False, "within 8 business hours"),
        (timedelta(hours=40), 8, False, "within 5 business days"),
        (timedelta(hours=41), 8, False, "within 6 business days"),
        (timedelta(hours=10), 10, False, "within 1 business day"),
        (timedelta(minutes=30), 8, False, "within 30 min of business time"),
        (timedelta(hours=16), 24, True, "within 16 hours"),
        (timedelta(hours=48), 24, True, "within 2 days"),
    ],
)
def test_delivery_in_words(target, day_hours, around, expected):
    assert delivery_in_words(target, day_hours, around_the_clock=around) == expected


def test_item_edit_form_carries_task_instructions(catalog_admin, web_client, make_service, team):
    svc = make_service("Licences")
    item = services.create_catalog_item(
        actor=catalog_admin,
        service=svc,
        name="Seat",
        tasks=[(1, "Buy", team, "Use the reseller portal")],
    )
    page = web_client(catalog_admin).get(reverse("catalog:item-edit", args=[item.pk]))
    assert 'value="Use the reseller portal"' in page.content.decode()
