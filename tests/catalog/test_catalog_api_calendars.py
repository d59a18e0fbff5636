"""Calendars through the API: the working intervals of a week, the due-time
calculator and its explanation, closures. Every expected time is worked out
by hand in the comments.

The office calendar: Monday-Friday 09:00-12:00 and 13:00-17:00 in
Europe/Berlin (UTC+01:00 in December), closed on Berlin's public holidays.
December 2026: Monday 21st; Thursday 24th is a normal working day unless
closed; Friday 25th (Christmas Day) and Saturday 26th are public holidays.
"""

import sys
from datetime import date, time
from pathlib import Path

import pytest

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar

sys.path.insert(0, str(Path(__file__).parent))
from catalog_api_support import make_office, signed_in  # noqa: E402


@pytest.fixture
def api_admin(make_user, api_client):
    return signed_in(api_client, make_user(Role.IT_ADMIN))


@pytest.fixture
def office(db):
    return make_office()


def day(d, *spans):
    """The intervals of one December 2026 day, local Berlin times (UTC+01:00)."""
    return [
        {"start": f"2026-12-{d}T{a}:00+01:00", "end": f"2026-12-{d}T{b}:00+01:00"} for a, b in spans
    ]


LUNCH_BREAK = (("09:00", "12:00"), ("13:00", "17:00"))


def test_week_lists_the_exact_intervals_around_a_holiday_and_a_closure(api_admin, office):
    closure = api_admin.post(
        "/api/calendar-closures/",
        {"calendar": office.pk, "date": "2026-12-24", "name": "Christmas Eve"},
        format="json",
    )
    assert closure.status_code == 201, closure.content
    # Any day of the week gives the same week: here the Wednesday.
    response = api_admin.get(f"/api/calendars/{office.pk}/week/", {"date": "2026-12-23"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["calendar"], body["time_zone"], body["week_of"]) == (
        office.pk,
        "Europe/Berlin",
        "2026-12-21",
    )
    # Mon-Wed: two intervals each. Thu 24th: closed by the closure. Fri 25th:
    # Christmas Day. Sat/Sun: no hours.
    assert body["intervals"] == [
        *day(21, *LUNCH_BREAK),
        *day(22, *LUNCH_BREAK),
        *day(23, *LUNCH_BREAK),
    ]
    assert [c["date"] for c in body["closed"]] == ["2026-12-24", "2026-12-25", "2026-12-26"]
    assert body["closed"][0]["name"] == "Christmas Eve"
    # Holiday names come from the holidays package, in its language.
    assert all(c["name"] for c in body["closed"])


def test_week_of_an_ordinary_week_and_an_overnight_shift(api_admin, office):
    catalog.set_week(office, [(0, time(9), time(17)), (4, time(22), time(6))], actor=None)
    office.refresh_from_db()
    # 2027-01-11 is a Monday. The Friday night shift runs 22:00 Friday to
    # 06:00 Saturday; nothing else but Monday 09:00-17:00.
    body = api_admin.get(f"/api/calendars/{office.pk}/week/", {"date": "2027-01-16"}).json()
    assert body["week_of"] == "2027-01-11"
    assert body["intervals"] == [
        {"start": "2027-01-11T09:00:00+01:00", "end": "2027-01-11T17:00:00+01:00"},
        {"start": "2027-01-15T22:00:00+01:00", "end": "2027-01-16T06:00:00+01:00"},
    ]
    assert body["closed"] == []


def test_week_defaults_to_this_week(api_admin, office):
    body = api_admin.get(f"/api/calendars/{office.pk}/week/").json()
    assert date.fromisoformat(body["week_of"]).weekday() == 0


def test_due_across_a_closure_a_holiday_and_a_weekend_explains_itself(api_admin, office):
    catalog.add_closure(office, actor=None, date=date(2026, 12, 24), name="Christmas Eve")
    # Wednesday 23rd 10:00 Berlin is 09:00 UTC. Eight business hours:
    #   Wed 10:00-12:00   2 h  (2 h)
    #   Wed 13:00-17:00   4 h  (6 h)
    #   Thu 24th closed, Fri 25th Christmas Day, Sat 26th holiday and weekend, Sun
    #   Mon 28th 09:00-11:00   2 h  (8 h)  -> due Monday 28th 11:00 Berlin.
    response = api_admin.get(
        f"/api/calendars/{office.pk}/due/",
        {"start": "2026-12-23T09:00:00Z", "duration": "08:00:00"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due"] == "2026-12-28T11:00:00+01:00"
    assert body["start"] == "2026-12-23T10:00:00+01:00"
    assert body["clock_started"] == "2026-12-23T10:00:00+01:00"
    assert (body["duration_seconds"], body["counted_seconds"]) == (28800, 28800)
    assert body["time_zone"] == "Europe/Berlin"
    assert body["intervals"] == [
        {
            "start": "2026-12-23T10:00:00+01:00",
            "end": "2026-12-23T12:00:00+01:00",
            "counted_seconds": 7200,
        },
        {
            "start": "2026-12-23T13:00:00+01:00",
            "end": "2026-12-23T17:00:00+01:00",
            "counted_seconds": 14400,
        },
        {
            "start": "2026-12-28T09:00:00+01:00",
            "end": "2026-12-28T11:00:00+01:00",
            "counted_seconds": 7200,
        },
    ]
    # Only closed days that would have had hours: not Saturday 26th.
    assert [c["date"] for c in body["closed_dates"]] == ["2026-12-24", "2026-12-25"]
    assert body["closed_dates"][0]["name"] == "Christmas Eve"
    assert body["pauses"] == []


def test_due_from_outside_working_hours_starts_at_the_next_opening(api_admin, office):
    # Saturday 19th 12:00: the clock starts Monday 21st 09:00; one hour -> 10:00.
    body = api_admin.get(
        f"/api/calendars/{office.pk}/due/",
        {"start": "2026-12-19T12:00:00+01:00", "duration": "01:00:00"},
    ).json()
    assert body["clock_started"] == "2026-12-21T09:00:00+01:00"
    assert body["due"] == "2026-12-21T10:00:00+01:00"


def test_due_accepts_an_unencoded_plus_in_the_offset(api_admin, office):
    # A "+" typed into a URL arrives as a space; the offset still counts.
    response = api_admin.get(
        f"/api/calendars/{office.pk}/due/?start=2026-12-21T16:00:00+01:00&duration=02:00:00"
    )
    assert response.status_code == 200, response.content
    # Monday 16:00-17:00 (1 h), Tuesday 09:00-10:00 (1 h).
    assert response.json()["due"] == "2026-12-22T10:00:00+01:00"


def test_due_on_the_24x7_calendar(api_admin):
    always = BusinessCalendar.objects.get(name="24x7")
    body = api_admin.get(
        f"/api/calendars/{always.pk}/due/",
        {"start": "2026-12-24T20:00:00Z", "duration": "1 04:00:00"},
    ).json()
    # 28 hours around the clock, holidays or not: Thursday 20:00 + 4 h is
    # Friday 00:00, + 24 h is Saturday 26th 00:00 UTC.
    assert body["due"] == "2026-12-26T00:00:00+00:00"
    assert len(body["intervals"]) == 1


def test_closures_give_the_calendar_a_new_version_and_change_due_times(api_admin, office):
    url = f"/api/calendars/{office.pk}/due/"
    query = {"start": "2026-12-23T10:00:00+01:00", "duration": "08:00:00"}
    # Without the closure: Wed 10-12, 13-17 (6 h), Thu 24th 09:00-11:00 (8 h).
    assert api_admin.get(url, query).json()["due"] == "2026-12-24T11:00:00+01:00"
    version = api_admin.get(f"/api/calendars/{office.pk}/").json()["version"]

    closure = api_admin.post(
        "/api/calendar-closures/",
        {"calendar": office.pk, "date": "2026-12-24", "name": "Christmas Eve"},
        format="json",
    ).json()
    assert api_admin.get(f"/api/calendars/{office.pk}/").json()["version"] == version + 1
    # The cached engine calendar was rebuilt: Thursday is gone, then the holiday
    # and the weekend, so Monday 28th 09:00-11:00.
    assert api_admin.get(url, query).json()["due"] == "2026-12-28T11:00:00+01:00"

    assert api_admin.delete(f"/api/calendar-closures/{closure['id']}/").status_code == 204
    assert api_admin.get(f"/api/calendars/{office.pk}/").json()["version"] == version + 2
    assert api_admin.get(url, query).json()["due"] == "2026-12-24T11:00:00+01:00"


def test_changing_the_week_changes_due_times(api_admin, office):
    url = f"/api/calendars/{office.pk}/due/"
    query = {"start": "2027-01-11T09:00:00+01:00", "duration": "10:00:00"}
    # Monday 11th 09-12, 13-17 (7 h); Tuesday 09-12 (10 h).
    assert api_admin.get(url, query).json()["due"] == "2027-01-12T12:00:00+01:00"
    version = api_admin.get(f"/api/calendars/{office.pk}/").json()["version"]
    response = api_admin.patch(
        f"/api/calendars/{office.pk}/",
        {
            "intervals": [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(5)],
            "version": version,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    # Now ten hours a day: Monday 09:00-18:00 (9 h), Tuesday 08:00-09:00 (10 h).
    assert api_admin.get(url, query).json()["due"] == "2027-01-12T09:00:00+01:00"
