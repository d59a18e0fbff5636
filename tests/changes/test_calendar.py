"""The change calendar page: month and week views, filters by service and
team, windows and blackouts, conflicts marked on both sides, bad filters
named, permissions, and a query count that does not grow with the changes."""

import re
from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from stanchion.accounts.models import TeamMembership
from stanchion.accounts.roles import Role

from .schedule_world import World, utc

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
URL = "/changes/calendar/"


@pytest.fixture
def world(make_user, settings):
    settings.TIME_ZONE = "UTC"  # the viewer has no office: the installation's zone
    w = World(make_user)
    w.database = w.service("Database", tier="1")
    w.app = w.service("Payroll app", team=w.apps)
    w.mail = w.service("Mail")
    w.depends(w.app, on=w.database)
    w.viewer = make_user(Role.AGENT)
    TeamMembership.objects.create(team=w.apps, user=w.viewer)
    return w


def client_for(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def cells(html):
    """{date: cell html} for each day of the grid."""
    found = re.findall(r'<td class="[^"]*" data-day="([\d-]+)">(.*?)</td>', html, re.S)
    return dict(found)


@pytest.mark.django_db
def test_month_view_lists_changes_on_their_days(world):
    a = world.change([world.database], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 11))
    # Two days long: shown on both, its start time only on the first.
    b = world.change([world.mail], start=utc(2026, 6, 12, 22), end=utc(2026, 6, 13, 2))
    draft = world.change([world.mail], state="draft", start=utc(2026, 6, 10), end=utc(2026, 6, 11))
    gone = world.change(
        [world.mail], state="cancelled", start=utc(2026, 6, 10), end=utc(2026, 6, 11)
    )
    response = client_for(world.viewer).get(URL, {"date": "2026-06-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "June 2026" in html
    grid = cells(html)
    # Whole weeks: Monday 1 June to Sunday 5 July.
    assert min(grid) == "2026-06-01" and max(grid) == "2026-07-05" and len(grid) == 35
    assert f">09:00 {a.number}<" in grid["2026-06-10"]
    assert f">22:00 {b.number}<" in grid["2026-06-12"]
    assert f">… {b.number}<" in grid["2026-06-13"]
    assert draft.number not in html and gone.number not in html
    assert reverse("changes:change-detail", args=[a.number]) in grid["2026-06-10"]


@pytest.mark.django_db
def test_times_are_in_the_viewers_zone(world, settings):
    settings.TIME_ZONE = "America/New_York"
    c = world.change([world.mail], start=utc(2026, 6, 10, 2), end=utc(2026, 6, 10, 3))
    grid = cells(client_for(world.viewer).get(URL, {"date": "2026-06-10"}).content.decode())
    # 02:00 UTC on the 10th is 22:00 on the 9th in New York (EDT).
    assert c.number in grid["2026-06-09"] and "22:00" in grid["2026-06-09"]
    assert c.number not in grid["2026-06-10"]


@pytest.mark.django_db
def test_week_view_and_the_more_link(world):
    for hour in range(8):
        world.change([world.mail], start=utc(2026, 6, 10, hour), end=utc(2026, 6, 10, hour + 1))
    month = client_for(world.viewer).get(URL, {"date": "2026-06-10"}).content.decode()
    day = cells(month)["2026-06-10"]
    assert day.count('<li class="change') == 6  # six a day in the month view
    assert "+2 more" in day and "view=week" in day and "date=2026-06-10" in day
    week = client_for(world.viewer).get(URL, {"date": "2026-06-10", "view": "week"})
    html = week.content.decode()
    grid = cells(html)
    assert sorted(grid) == [f"2026-06-{d:02d}" for d in range(8, 15)]
    assert grid["2026-06-10"].count('<li class="change') == 8
    assert "Change 1" in grid["2026-06-10"]  # the week view shows titles
    assert "Week of 8 June 2026" in html


@pytest.mark.django_db
def test_filter_by_service_and_team(world):
    on_db = world.change([world.database], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 10))
    on_app = world.change([world.app], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 10))
    by_apps = world.change(
        [world.mail],
        start=utc(2026, 6, 11, 9),
        end=utc(2026, 6, 11, 10),
        implementer_team=world.apps,
    )
    client = client_for(world.viewer)
    html = client.get(URL, {"date": "2026-06-10", "service": world.database.pk}).content.decode()
    assert on_db.number in html and on_app.number not in html and by_apps.number not in html
    # The apps team: changes it implements, and changes on services it owns.
    html = client.get(URL, {"date": "2026-06-10", "team": world.apps.pk}).content.decode()
    assert on_app.number in html and by_apps.number in html and on_db.number not in html


@pytest.mark.django_db
def test_windows_and_blackouts(world):
    # Database window: Wednesdays 22:00 Berlin (CEST) = 20:00 UTC.
    window = world.window(world.database, [2], time(22), 120)
    freeze = world.blackout("Quarter close", utc(2026, 6, 29), utc(2026, 7, 1))
    mail_only = world.blackout("Mail move", utc(2026, 6, 3), utc(2026, 6, 4), [world.mail])
    client = client_for(world.viewer)
    html = client.get(URL, {"date": "2026-06-10"}).content.decode()
    grid = cells(html)
    assert "Quarter close" in grid["2026-06-29"] and "Quarter close" in grid["2026-06-30"]
    assert "Quarter close" not in grid["2026-07-01"]
    assert "Mail move" in grid["2026-06-03"]
    assert "Maintenance windows show when you filter" in html  # not listed unfiltered
    assert "Database window" not in html
    html = client.get(URL, {"date": "2026-06-10", "service": world.database.pk}).content.decode()
    grid = cells(html)
    assert "20:00–22:00 Database window" in grid["2026-06-10"]  # viewer in UTC
    assert reverse("changes:window-detail", args=[window.pk]) in grid["2026-06-17"]
    assert "Database window" not in grid["2026-06-11"]
    assert "Quarter close" in grid["2026-06-29"]  # global blackouts apply to every service
    assert reverse("changes:blackout-detail", args=[mail_only.pk]) not in html
    assert reverse("changes:blackout-detail", args=[freeze.pk]) in html


@pytest.mark.django_db
def test_conflicts_are_marked_on_both_changes(world):
    first = world.change([world.database], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 11))
    second = world.change(
        [world.database],
        start=utc(2026, 6, 10, 10),
        end=utc(2026, 6, 10, 12),
        conflicts=[
            {
                "kind": "overlap",
                "message": f"Overlaps {first.number} “Change 1” on Database.",
                "service": world.database.pk,
                "service_name": "Database",
                "start": "2026-06-10T09:00:00+00:00",
                "end": "2026-06-10T11:00:00+00:00",
                "change": first.pk,
                "change_number": first.number,
            }
        ],
    )
    calm = world.change([world.mail], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 10))
    html = client_for(world.viewer).get(URL, {"date": "2026-06-10"}).content.decode()
    assert "2 changes in conflict in this period" in html
    day = cells(html)["2026-06-10"]
    items = re.findall(r'<li class="(change[^"]*)"[^>]*>\s*<a href="[^"]*">[^<]*?(CHG-\d+)', day)
    classes = {number: cls for cls, number in items}
    assert classes[first.number] == "change conflict"
    assert classes[second.number] == "change conflict"
    assert classes[calm.number] == "change"
    assert f"Overlaps {first.number}" in html


@pytest.mark.django_db
def test_bad_filters_are_named_not_a_server_error(world):
    client = client_for(world.viewer)
    for params, field in (
        ({"date": "June"}, "Date"),
        ({"date": "0001-01-01"}, "Date"),
        ({"view": "year"}, "View"),
        ({"service": "999999"}, "Service"),
        ({"team": "x"}, "Team"),
    ):
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert field in response.content.decode()


@pytest.mark.django_db
def test_who_may_see_it(world, make_user):
    assert Client().get(URL).status_code == 302  # to the sign-in page
    requester = make_user(Role.REQUESTER)
    assert client_for(requester).get(URL).status_code == 403
    assert client_for(make_user(Role.AUDITOR)).get(URL).status_code == 200


@pytest.mark.django_db
def test_query_count_does_not_grow_with_changes(world, django_assert_max_num_queries):
    world.window(world.database, [2], time(22), 120)
    world.blackout("Freeze", utc(2026, 6, 10), utc(2026, 6, 11), [world.database])
    client = client_for(world.viewer)

    def load():
        with django_assert_max_num_queries(19) as captured:
            response = client.get(URL, {"date": "2026-06-10", "service": world.database.pk})
        assert response.status_code == 200
        return len(captured.captured_queries)

    world.change([world.database], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 10))
    few = load()
    for day in range(1, 29):
        start = utc(2026, 6, day, 9)
        for k in range(3):
            world.change(
                [world.database, world.app],
                start=start + timedelta(minutes=k),
                end=start + timedelta(hours=1),
                implementer_team=world.ops,
            )
    assert load() == few


@pytest.mark.django_db
def test_titles_and_names_are_escaped(world):
    evil = world.change(
        [world.mail],
        start=utc(2026, 6, 10, 9),
        end=utc(2026, 6, 10, 10),
        title='<script>alert("x")</script>',
    )
    client = client_for(world.viewer)
    for view in ("month", "week"):
        html = client.get(URL, {"date": "2026-06-10", "view": view}).content.decode()
        assert evil.number in html
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html
