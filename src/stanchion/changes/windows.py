"""Maintenance window occurrences.

A window recurs on its weekdays at ``start_time`` in the time zone of its
service's business calendar, for ``duration_minutes`` of elapsed time. The
local start follows RFC 5545 (section 3.3.5), so the feeds and Stanchion
agree: a start time that does not exist on the night the clocks go forward is
read with the offset before the gap (02:30 becomes 03:30 summer time), and a
start time that happens twice when they go back is the first one. The
duration is exact, as an iCalendar DURATION is: a four-hour window starting at
01:00 ends at 06:00 local time on the night the clocks go forward and at
04:00 on the night they go back.

This module reads and computes; it never writes.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_MAX_DURATION = timedelta(days=7)  # MaintenanceWindow.clean's upper bound


def window_zone(window):
    """The time zone a window's times are in: its service's calendar's."""
    return ZoneInfo(window.service.calendar.time_zone)


def local_start(day: date, start_time, zone) -> datetime:
    """The aware local start of a window on ``day`` (RFC 5545 rules: fold=0
    takes the first of two ambiguous times and the pre-gap offset for a
    missing one)."""
    return datetime.combine(day, start_time, tzinfo=zone).replace(fold=0)


def expand(
    *,
    weekdays,
    start_time,
    duration_minutes: int,
    zone,
    start: datetime,
    end: datetime,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> list[tuple[datetime, datetime]]:
    """Occurrences (aware UTC start, end) overlapping [start, end), sorted.

    Plain arguments, so that callers holding many windows' values (the
    calendar, the benchmark) need no model instances."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    if end <= start or not weekdays or duration_minutes <= 0:
        return []
    days = set(weekdays)
    duration = timedelta(minutes=duration_minutes)
    # An occurrence that started up to seven days before ``start`` may still
    # be running; a day either side covers any UTC offset.
    first = (start - _MAX_DURATION).astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    if valid_from and first < valid_from:
        first = valid_from
    if valid_until and last > valid_until:
        last = valid_until
    result = []
    day = first
    while day <= last:
        if day.weekday() in days:
            begins = local_start(day, start_time, zone).astimezone(UTC)
            ends = begins + duration
            if begins < end and ends > start:
                result.append((begins, ends))
        day += timedelta(days=1)
    return result


def occurrences(window, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The window's occurrences overlapping [start, end), as aware UTC
    (start, end) pairs in order, computed in its service calendar's time zone."""
    return expand(
        weekdays=window.weekdays,
        start_time=window.start_time,
        duration_minutes=window.duration_minutes,
        zone=window_zone(window),
        start=start,
        end=end,
        valid_from=window.valid_from,
        valid_until=window.valid_until,
    )


def merge(intervals):
    """Overlapping or touching (start, end) intervals joined, in order."""
    merged = []
    for begins, ends in sorted(intervals):
        if merged and begins <= merged[-1][1]:
            if ends > merged[-1][1]:
                merged[-1] = (merged[-1][0], ends)
        else:
            merged.append((begins, ends))
    return merged


def covers(intervals, start: datetime, end: datetime) -> bool:
    """True when the union of ``intervals`` contains all of [start, end):
    a change may run across two back-to-back windows."""
    for begins, ends in merge(intervals):
        if begins <= start < ends:
            return end <= ends
    return False


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def describe(window) -> str:
    """'Sat, Sun 01:00 for 4 h (Europe/Berlin)' — how a window reads in messages."""
    days = ", ".join(WEEKDAY_NAMES[d] for d in sorted(window.weekdays))
    minutes = window.duration_minutes
    length = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
    zone = window.service.calendar.time_zone
    return f"{days} {window.start_time:%H:%M} for {length} ({zone})"
