"""Change management pages for every role: who may open what (as the roles
in accounts/roles.py grant), sign-in for visitors, the navigation, and query
counts of the list pages that do not grow with their rows."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.accounts.roles import Role
from stanchion.changes import services
from stanchion.changes.models import Blackout, CabMeeting, MaintenanceWindow
from stanchion.core.registry import registry
from stanchion.core.services import create_record

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def records(org):
    """One of each record the pages show."""
    now = timezone.now()
    start = (now + timedelta(days=10)).replace(microsecond=0)
    change = services.create_change(
        actor=org.agent,
        change_type="normal",
        title="Upgrade the wiki",
        services=[org.wiki],
        planned_start=start,
        planned_end=start + timedelta(hours=2),
        implementation_plan="Upgrade.",
    )
    window = create_record(
        MaintenanceWindow,
        {
            "service": org.wiki,
            "name": "Sunday night",
            "weekdays": [6],
            "start_time": "02:00",
            "duration_minutes": 240,
        },
    )
    blackout = create_record(
        Blackout, {"name": "Year end", "starts_at": now, "ends_at": now + timedelta(days=1)}
    )
    meeting = create_record(
        CabMeeting,
        {"title": "Weekly CAB", "starts_at": now, "ends_at": now + timedelta(hours=1)},
    )
    return {
        "change": change.number,
        "template": org.template.pk,
        "window": window.pk,
        "blackout": blackout.pk,
        "meeting": meeting.pk,
    }


# (url name, record key or None, permission the page needs)
PAGES = [
    ("changes:change-list", None, "change.view"),
    ("changes:change-detail", "change", "change.view"),
    ("changes:change-new", None, "change.add"),
    ("changes:change-edit", "change", "change.change"),
    ("changes:approval-inbox", None, "changeapproval.decide"),
    ("changes:delegations", None, "changeapproval.decide"),
    ("changes:cab-list", None, "cabmeeting.view"),
    ("changes:cab-detail", "meeting", "cabmeeting.view"),
    ("changes:cab-new", None, "cabmeeting.add"),
    ("changes:template-list", None, "changetemplate.view"),
    ("changes:template-detail", "template", "changetemplate.view"),
    ("changes:template-create", None, "changetemplate.add"),
    ("changes:template-edit", "template", "changetemplate.change"),
    ("changes:template-delete", "template", "changetemplate.delete"),
    ("changes:window-list", None, "maintenancewindow.view"),
    ("changes:window-detail", "window", "maintenancewindow.view"),
    ("changes:window-create", None, "maintenancewindow.add"),
    ("changes:window-edit", "window", "maintenancewindow.change"),
    ("changes:window-delete", "window", "maintenancewindow.delete"),
    ("changes:blackout-list", None, "blackout.view"),
    ("changes:blackout-detail", "blackout", "blackout.view"),
    ("changes:blackout-create", None, "blackout.add"),
    ("changes:blackout-edit", "blackout", "blackout.change"),
    ("changes:blackout-delete", "blackout", "blackout.delete"),
]

# Written out by hand from the role descriptions (not from roles.py): who
# reads, who works changes, who decides, who keeps the CAB and the admin pages.
READ = {
    "change.view",
    "cabmeeting.view",
    "changetemplate.view",
    "maintenancewindow.view",
    "blackout.view",
}
WORK = READ | {"change.add", "change.change"}
DECIDE = WORK | {"changeapproval.decide"}
MANAGE = DECIDE | {
    f"{model}.{action}"
    for model in ("cabmeeting", "changetemplate", "maintenancewindow", "blackout")
    for action in ("add", "change", "delete")
}
EXPECTED = {
    Role.REQUESTER: set(),
    Role.AUDITOR: READ,
    Role.AGENT: WORK,
    Role.TEAM_MANAGER: DECIDE,
    Role.CHANGE_APPROVER: MANAGE,
    Role.IT_ADMIN: MANAGE,
}


def url_of(records, name, key):
    if key is None:
        return reverse(name)
    value = records[key]
    return reverse(name, kwargs={"number": value} if key == "change" else {"pk": value})


@pytest.mark.parametrize("role", Role.values())
def test_every_page_answers_each_role_as_its_permissions_say(role, make_user, records):
    client = signed_in(make_user(role))
    failures = []
    for name, key, permission in PAGES:
        url = url_of(records, name, key)
        expected = 200 if permission in EXPECTED[role] else 403
        status = client.get(url).status_code
        if status != expected:
            failures.append((url, status, expected))
    assert failures == []


def test_anonymous_visitors_are_sent_to_sign_in(records):
    client = Client()
    for name, key, _permission in PAGES:
        url = url_of(records, name, key)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_an_unknown_change_number_is_404(org):
    client = signed_in(org.agent)
    assert client.get("/changes/CHG-999999/").status_code == 404


CHANGE_NAV = {
    "Changes": "change.view",
    "Change calendar": "change.view",
    "My approvals": "changeapproval.decide",
    "CAB meetings": "cabmeeting.view",
    "Change templates": "changetemplate.view",
    "Maintenance windows": "maintenancewindow.view",
    "Blackouts": "blackout.view",
}


@pytest.mark.parametrize("role", Role.values())
def test_the_navigation_shows_each_role_the_change_pages_it_may_open(role, make_user, records):
    user = make_user(role)
    client = signed_in(user)
    shown = [
        item
        for item in registry.nav_for(user)
        if item.url_name.startswith("changes:") and item.label in CHANGE_NAV
    ]
    expected = {label for label, perm in CHANGE_NAV.items() if perm in EXPECTED[role]}
    assert {item.label for item in shown} == expected
    # No entry leads nowhere: each opens for the roles it is shown to.
    for item in shown:
        response = client.get(reverse(item.url_name))
        assert response.status_code == 200, item.url_name
    body = client.get(reverse("home")).content.decode()
    for label in expected:
        assert f">{label}" in body


def make_changes(org, count):
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    for n in range(count):
        change = services.create_change(
            actor=org.agent,
            change_type="normal",
            title=f"Change {n}",
            services=[org.wiki, org.app] if n % 2 else [org.mail],
            planned_start=start + timedelta(hours=3 * n),
            planned_end=start + timedelta(hours=3 * n + 1),
            implementer_team=org.platform,
            implementation_plan="Do it.",
        )
        if n % 3 == 0:
            services.submit(change, actor=org.agent)


def list_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?state=draft",
        "?change_type=normal&risk_level=low",
        "?service={wiki}",
        "?implementer_team={team}&sort=-risk",
        "?q=Change",
    ],
)
def test_the_change_list_costs_the_same_queries_for_5_or_25_changes(
    query, org, django_assert_max_num_queries
):
    client = signed_in(org.admin)
    url = reverse("changes:change-list") + query.format(wiki=org.wiki.pk, team=org.platform.pk)
    make_changes(org, 5)
    few = list_queries(client, url, django_assert_max_num_queries, 20)
    make_changes(org, 20)
    many = list_queries(client, url, django_assert_max_num_queries, 20)
    assert many == few


def test_the_change_list_filters_by_state_type_service_team_and_risk(org):
    make_changes(org, 6)  # 0 and 3 submitted; odd ones on Wiki and App
    client = signed_in(org.agent)

    def titles(query):
        body = client.get(reverse("changes:change-list") + query).content.decode()
        return {f"Change {n}" for n in range(6) if f">Change {n}<" in body}

    assert titles("?state=assessment") == {"Change 0", "Change 3"}
    assert titles(f"?service={org.app.pk}") == {"Change 1", "Change 3", "Change 5"}
    assert titles(f"?service={org.mail.pk}") == {"Change 0", "Change 2", "Change 4"}
    assert titles("?change_type=emergency") == set()
    assert titles(f"?implementer_team={org.other.pk}") == set()
    assert titles("?q=Change 4") == {"Change 4"}
    # A garbled filter is an empty page with the field's error, not a 500.
    response = client.get(reverse("changes:change-list") + "?state=nonsense&service=abc")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Select a valid choice" in text


@pytest.mark.parametrize(
    "name", ["changes:template-list", "changes:window-list", "changes:blackout-list"]
)
def test_admin_lists_cost_the_same_queries_for_few_or_many_rows(
    name, org, django_assert_max_num_queries
):
    client = signed_in(org.admin)
    now = timezone.now()

    def add(offset, count):
        for n in range(offset, offset + count):
            create_record(
                MaintenanceWindow,
                {
                    "service": org.wiki if n % 2 else org.sso,
                    "name": f"Window {n}",
                    "weekdays": [n % 7],
                    "start_time": "01:00",
                    "duration_minutes": 60,
                },
            )
            blackout = create_record(
                Blackout,
                {
                    "name": f"Freeze {n}",
                    "starts_at": now + timedelta(days=n),
                    "ends_at": now + timedelta(days=n, hours=5),
                },
            )
            blackout.services.set([org.wiki, org.app])
            template = create_record(
                type(org.template), {"name": f"Template {n}", "implementer_team": org.platform}
            )
            template.services.set([org.wiki])

    add(0, 2)
    few = list_queries(client, reverse(name), django_assert_max_num_queries, 16)
    add(2, 12)
    many = list_queries(client, reverse(name), django_assert_max_num_queries, 16)
    assert many == few


def test_the_approvals_inbox_costs_the_same_queries_for_few_or_many_approvals(
    org, django_assert_max_num_queries
):
    def raise_for_approval(first, count):
        start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
        for n in range(first, first + count):
            change = services.create_change(
                actor=org.agent,
                change_type="normal",
                title=f"Change {n}",
                services=[org.wiki],
                planned_start=start + timedelta(days=n, hours=1),
                planned_end=start + timedelta(days=n, hours=2),
                implementer_team=org.platform,
                implementation_plan="Do it.",
                backout_plan="Undo it.",
                test_plan="Check it.",
            )
            services.submit(change, actor=org.agent)
            services.request_approval(change, actor=org.agent)

    client = signed_in(org.tm)
    url = reverse("changes:approval-inbox")
    raise_for_approval(0, 2)
    few = list_queries(client, url, django_assert_max_num_queries, 16)
    raise_for_approval(2, 6)
    many = list_queries(client, url, django_assert_max_num_queries, 16)
    assert many == few
    assert client.get(url).content.decode().count("data-approval=") == 8


def test_the_cab_list_costs_the_same_queries_for_few_or_many_meetings(
    org, django_assert_max_num_queries
):
    now = timezone.now()

    def plan(count):
        for n in range(count):
            services.plan_cab_meeting(
                actor=org.cab1,
                title=f"CAB {n}",
                starts_at=now + timedelta(days=7 * n),
                ends_at=now + timedelta(days=7 * n, hours=1),
                chair=org.cab2,
            )

    client = signed_in(org.agent)
    url = reverse("changes:cab-list")
    plan(2)
    few = list_queries(client, url, django_assert_max_num_queries, 14)
    plan(10)
    many = list_queries(client, url, django_assert_max_num_queries, 14)
    assert many == few
