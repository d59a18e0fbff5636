"""The private iCalendar feeds, read back with the ``icalendar`` package:
what each feed lists, times and time zones, recurring windows across DST,
and revocation (a revoked or orphaned feed is a 404)."""

import re
from datetime import date, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from stanchion.accounts.models import TeamMembership
from stanchion.accounts.roles import Role
from stanchion.changes import feeds
from stanchion.changes.models import CalendarFeed

from .schedule_world import World, utc

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def world(make_user):
    w = World(make_user)
    w.database = w.service("Database", tier="1")  # ops team, Berlin calendar
    w.app = w.service("Payroll app", team=w.apps, calendar=w.new_york)
    w.viewer = make_user(Role.AGENT, full_name="Vera Viewer")
    w.colleague = make_user(Role.AGENT)
    TeamMembership.objects.create(team=w.ops, user=w.viewer)
    TeamMembership.objects.create(team=w.apps, user=w.colleague)
    soon = timezone.now().replace(microsecond=0) + timedelta(days=3)
    w.soon = soon
    w.mine = w.change(
        [w.app], start=soon, end=soon + timedelta(hours=2), requested_by=w.viewer, title="Mine"
    )
    w.ops_change = w.change(
        [w.app], start=soon, end=soon + timedelta(hours=1), implementer_team=w.ops, title="Ops"
    )
    w.apps_change = w.change(
        [w.app], start=soon, end=soon + timedelta(hours=1), implementer_team=w.apps, title="Apps"
    )
    w.draft = w.change([w.database], state="draft", start=soon, end=soon + timedelta(hours=1))
    w.assessed = w.change(
        [w.database], state="assessment", start=soon, end=soon + timedelta(hours=1)
    )
    w.old = w.change(
        [w.database],
        state="closed",
        start=soon - timedelta(days=100),
        end=soon - timedelta(days=100) + timedelta(hours=1),
        requested_by=w.viewer,
    )
    w.db_window = w.window(w.database, [6], time(1), 240, name="Sunday night")
    w.app_window = w.window(
        w.app, [0, 2], time(22), 90, name="Weeknights", valid_until=date(2027, 1, 31)
    )
    return w


def fetch(url):
    response = Client().get(url)  # no session: calendar applications cannot sign in
    return response


def make_feed(user, **kwargs):
    kwargs.setdefault("kind", "user")
    feed, raw = feeds.create_feed(actor=user, **kwargs)
    return feed, f"/changes/calendar/feeds/{raw}.ics"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


@pytest.mark.django_db
def test_personal_feed_lists_my_changes_and_my_teams_windows(world):
    _, url = make_feed(world.viewer)
    calendar = parse(fetch(url))
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Changes: Vera Viewer"
    found = events(calendar)
    # Requested by me; implemented by my team (ops); ops owns the database,
    # whose window is listed. Drafts, changes in assessment, other teams'
    # changes and changes long past are not.
    assert set(found) == {
        f"{world.mine.number} Mine",
        f"{world.ops_change.number} Ops",
        "Maintenance window: Database (Sunday night)",
    }
    mine = found[f"{world.mine.number} Mine"]
    assert mine["dtstart"].dt == world.soon
    assert mine["dtstart"].dt.utcoffset() == timedelta(0)
    assert mine["dtend"].dt == world.soon + timedelta(hours=2)
    assert str(mine["uid"]) == f"change-{world.mine.pk}@testserver"
    assert str(mine["status"]) == "CONFIRMED"
    assert str(mine["url"]).endswith(f"/changes/{world.mine.number}/")
    assert "Services: Payroll app" in str(mine["description"])
    # Raw text: times of changes are written in UTC ("Z").
    text = fetch(url).content.decode()
    assert f"DTSTART:{world.soon:%Y%m%dT%H%M%S}Z" in text


@pytest.mark.django_db
def test_window_is_a_weekly_series_in_its_zone_with_a_vtimezone(world):
    _, url = make_feed(world.viewer)
    calendar = parse(fetch(url))
    window = events(calendar)["Maintenance window: Database (Sunday night)"]
    start = window["dtstart"].dt
    assert start.tzinfo is not None and str(start.tzinfo) in ("Europe/Berlin",)
    assert (start.hour, start.minute, start.weekday()) == (1, 0, 6)
    assert window["dtstart"].params["TZID"] == "Europe/Berlin"
    assert window["duration"].dt == timedelta(hours=4)
    rule = window["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["SU"]
    assert str(window["transp"]) == "TRANSPARENT"
    zones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    assert "Europe/Berlin" in zones
    text = fetch(url).content.decode()
    assert re.search(r"DTSTART;TZID=Europe/Berlin:\d{8}T010000", text)

    # Expanded across the spring change, the series keeps 01:00 local time:
    # 00:00 UTC in winter, 23:00 UTC the day before in summer.
    series = rrulestr(
        window["rrule"].to_ical().decode(),
        dtstart=start.replace(year=2026, month=3, day=22).astimezone(ZoneInfo("Europe/Berlin")),
    )
    first_three = [o.astimezone(ZoneInfo("UTC")) for o in islice(series, 3)]
    assert first_three == [utc(2026, 3, 22, 0), utc(2026, 3, 29, 0), utc(2026, 4, 4, 23)]


@pytest.mark.django_db
def test_team_feed_lists_the_teams_changes_and_its_services_windows(world):
    _, url = make_feed(world.colleague, kind="team", team=world.apps, name="Apps changes")
    calendar = parse(fetch(url))
    assert str(calendar["x-wr-calname"]) == "Apps changes"
    found = events(calendar)
    # The apps team owns the payroll app: every scheduled change on it, and
    # its window, in New York time, ending on 31 January 2027.
    assert set(found) == {
        f"{world.mine.number} Mine",
        f"{world.ops_change.number} Ops",
        f"{world.apps_change.number} Apps",
        "Maintenance window: Payroll app (Weeknights)",
    }
    window = found["Maintenance window: Payroll app (Weeknights)"]
    assert window["dtstart"].params["TZID"] == "America/New_York"
    assert (window["dtstart"].dt.hour, window["dtstart"].dt.weekday() in (0, 2)) == (22, True)
    assert window["rrule"]["BYDAY"] == ["MO", "WE"]
    # The last local day, 31 January 2027, ends at 05:00 UTC on 1 February (EST).
    assert window["rrule"]["UNTIL"] == [utc(2027, 2, 1, 4, 59, 59)]
    assert "America/New_York" in {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}


@pytest.mark.django_db
def test_revoked_unknown_and_orphaned_feeds_are_not_found(world, make_user):
    feed, url = make_feed(world.viewer)
    assert fetch(url).status_code == 200
    feeds.revoke_feed(feed, actor=world.viewer)
    assert fetch(url).status_code == 404
    assert fetch("/changes/calendar/feeds/cal_" + "x" * 43 + ".ics").status_code == 404

    # A team feed stops when its maker leaves the team...
    team_feed, team_url = make_feed(world.colleague, kind="team", team=world.apps)
    assert fetch(team_url).status_code == 200
    TeamMembership.objects.filter(team=world.apps, user=world.colleague).delete()
    assert fetch(team_url).status_code == 404
    # ... and any feed when its owner is deactivated.
    _, other_url = make_feed(world.colleague)
    world.colleague.is_active = False
    world.colleague.save()
    assert fetch(other_url).status_code == 404


@pytest.mark.django_db
def test_only_a_hash_is_stored_and_use_is_stamped(world):
    feed, url = make_feed(world.viewer)
    raw = url.rsplit("/", 1)[1].removesuffix(".ics")
    stored = CalendarFeed.objects.get(pk=feed.pk)
    assert raw not in (stored.token_hash, stored.token_prefix)
    assert raw.startswith("cal_" + stored.token_prefix)
    assert stored.last_used_at is None
    fetch(url)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at is not None


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.mark.django_db
def test_feed_pages_create_show_once_and_revoke(world, make_user):
    client = signed_in(world.viewer)
    page = client.get("/changes/calendar/feeds/")
    assert page.status_code == 200 and "no calendar feeds yet" in page.content.decode()
    created = client.post(
        "/changes/calendar/feeds/", {"kind": "user", "team": "", "name": "On my phone"}
    )
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    url = re.search(r'<code id="feed-url">(http[^<]+)</code>', created.content.decode()).group(1)
    assert url.startswith("http://testserver/changes/calendar/feeds/cal_")
    assert parse(fetch(url.removeprefix("http://testserver")))["x-wr-calname"] == "On my phone"
    listing = client.get("/changes/calendar/feeds/").content.decode()
    assert "On my phone" in listing and url not in listing

    feed = CalendarFeed.objects.get(name="On my phone")
    # Someone else cannot see or revoke it.
    other = signed_in(world.colleague)
    assert other.post(f"/changes/calendar/feeds/{feed.pk}/revoke/").status_code == 404
    assert fetch(url.removeprefix("http://testserver")).status_code == 200
    revoked = client.post(f"/changes/calendar/feeds/{feed.pk}/revoke/")
    assert revoked.status_code == 302
    assert fetch(url.removeprefix("http://testserver")).status_code == 404
    assert "Revoked" in client.get("/changes/calendar/feeds/").content.decode()


@pytest.mark.django_db
def test_team_feed_of_a_team_you_are_not_in_is_refused_by_name(world):
    client = signed_in(world.viewer)
    response = client.post("/changes/calendar/feeds/", {"kind": "team", "team": world.apps.pk})
    assert response.status_code == 400
    assert "Team" in response.content.decode()
    response = client.post("/changes/calendar/feeds/", {"kind": "team", "team": ""})
    assert response.status_code == 400
    assert "Choose the team" in response.content.decode()
    response = client.post("/changes/calendar/feeds/", {"kind": "planet"})
    assert response.status_code == 400
    assert not CalendarFeed.objects.exists()


@pytest.mark.django_db
def test_requesters_have_no_feeds(world, make_user):
    requester = make_user(Role.REQUESTER)
    assert signed_in(requester).get("/changes/calendar/feeds/").status_code == 403
