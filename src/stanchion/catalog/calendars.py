"""Turns calendar records into SLA engine calendars (catalog.slaclock).

Engine calendars cache their expansion, so one is built per calendar
version and kept: every SLA computation on a calendar reuses one object.
Every change to a calendar's hours or closures saves the calendar with a new
version (catalog.services), which is what retires the cached object.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .holidays import public_holidays
from .slaclock import BusinessCalendar as EngineCalendar
from .slaclock import WeeklyInterval

# Public holidays are expanded for this span of years; SLA clocks never
# reach beyond it.
HOLIDAY_YEARS = range(2000, 2061)


def engine_intervals(intervals):
    return [WeeklyInterval(weekday, start, end) for weekday, start, end in intervals]


def closed_dates(country, subdivision, closures):
    """{date: name}: the region's public holidays plus the custom closures."""
    names = {}
    for year in HOLIDAY_YEARS:
        names.update(public_holidays(country, subdivision, year))
    names.update(dict(closures))
    return names


@lru_cache(maxsize=256)
def _build(calendar_id, version, saved_at):
    from .models import BusinessCalendar

    calendar = BusinessCalendar.objects.get(pk=calendar_id)
    if calendar.is_24x7:
        # Always open means always: holidays and closures do not apply.
        return EngineCalendar.twenty_four_seven(calendar.time_zone)
    closed = closed_dates(
        calendar.holiday_country,
        calendar.holiday_subdivision,
        calendar.closures.values_list("date", "name"),
    )
    week = calendar.intervals.order_by("weekday", "start").values_list("weekday", "start", "end")
    return EngineCalendar(calendar.time_zone, engine_intervals(week), closed_dates=closed)


def engine_calendar(calendar):
    """The engine calendar for a BusinessCalendar record."""
    # The save time is part of the key as well: a version number can be
    # reached twice when a transaction that bumped it was rolled back.
    return _build(calendar.pk, calendar.version, calendar.updated_at)


def week_view(calendar, monday: date):
    """The working intervals of the week starting ``monday`` (local times in
    the calendar's zone) and the closed dates that fall in that week."""
    engine = engine_calendar(calendar)
    zone = ZoneInfo(calendar.time_zone)
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), zone)
    intervals = [
        (a.astimezone(zone), b.astimezone(zone)) for a, b in engine.working_intervals(start, end)
    ]
    week_end = monday + timedelta(days=7)
    closed = {day: name for day, name in engine.closed_dates.items() if monday <= day < week_end}
    return intervals, closed
