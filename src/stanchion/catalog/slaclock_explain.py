"""Why is this clock due then? The working time, closures and pauses behind one due date.

Import :func:`explain` from ``stanchion.catalog.slaclock``. Datetimes in an explanation show the
calendar's local time, because a person reads them; they are equal to the UTC instants
:func:`~stanchion.catalog.slaclock.due` returns. Each carries the fixed UTC offset in force at that
instant rather than the zone itself: Python compares and subtracts datetimes of one zone by wall
clock, and never finds an instant in the repeated hour of an autumn DST change equal to the same
instant in another zone (PEP 495), so zone-aware values would make the explanation disagree with
the engine at exactly the moments it is meant to explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from stanchion.catalog.slaclock_calendar import (
    _US,
    BusinessCalendar,
    _duration_us,
    _from_us,
    _pauses_us,
    _to_us,
)


@dataclass(frozen=True)
class CountedInterval:
    """A stretch of working time inside the clock's window, and how much of it counted."""

    start: datetime
    end: datetime
    counted: timedelta  # less than end - start when a pause covered part of it


@dataclass(frozen=True)
class ClosedDateSkipped:
    """A closed date whose working hours would otherwise have counted."""

    date: date
    name: str  # empty when the calendar was given a set of dates instead of a mapping


@dataclass(frozen=True)
class PauseExcluded:
    """A pause (overlapping pauses merged) and the business time it took off the clock."""

    start: datetime
    end: datetime | None  # None: still running, so the clock is stopped
    excluded: timedelta | None  # None while the pause runs


@dataclass(frozen=True)
class Explanation:
    time_zone: str
    start: datetime
    duration: timedelta
    due: datetime | None
    clock_started: datetime | None  # first instant counted: the next opening, or a pause's end
    intervals: tuple[CountedInterval, ...]
    closed_dates: tuple[ClosedDateSkipped, ...]
    pauses: tuple[PauseExcluded, ...]

    @property
    def counted(self) -> timedelta:
        """Business time counted; equals ``duration`` whenever ``due`` is known."""
        return sum((interval.counted for interval in self.intervals), timedelta(0))

    def as_dict(self) -> dict:
        """JSON-ready: ISO 8601 strings for instants and dates, seconds for durations."""
        return {
            "time_zone": self.time_zone,
            "start": self.start.isoformat(),
            "duration_seconds": _seconds(self.duration),
            "due": _iso(self.due),
            "clock_started": _iso(self.clock_started),
            "counted_seconds": _seconds(self.counted),
            "intervals": [
                {
                    "start": interval.start.isoformat(),
                    "end": interval.end.isoformat(),
                    "counted_seconds": _seconds(interval.counted),
                }
                for interval in self.intervals
            ],
            "closed_dates": [
                {"date": closed.date.isoformat(), "name": closed.name}
                for closed in self.closed_dates
            ],
            "pauses": [
                {
                    "start": pause.start.isoformat(),
                    "end": _iso(pause.end),
                    "excluded_seconds": None
                    if pause.excluded is None
                    else _seconds(pause.excluded),
                }
                for pause in self.pauses
            ],
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _seconds(value: timedelta) -> int | float:
    # Whole seconds as ints keep the JSON free of "28800.0" noise.
    whole, fraction = divmod(value // _US, 1_000_000)
    return whole if not fraction else value.total_seconds()


def _overlap(a: int, b: int, c: int, d: int | None) -> int:
    end = b if d is None else min(b, d)
    return max(0, end - max(a, c))


def explain(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, pauses=()
) -> Explanation:
    """What :func:`~stanchion.catalog.slaclock.due` counted for this clock, and what it skipped.

    When an open-ended pause has stopped the clock, the explanation runs up to that pause.
    """
    s = _to_us(start, "start")
    d = _duration_us(duration)
    merged = _pauses_us(pauses or (), s)
    due_us = calendar._due_us(s, d, merged)
    # Without a due date, the only way the clock stopped is the open pause, merged last.
    stop = due_us if due_us is not None else merged[-1][0]

    def local(us: int) -> datetime:
        wall = _from_us(us).astimezone(calendar.zone)
        return wall.replace(tzinfo=timezone(wall.utcoffset()), fold=0)

    intervals = []
    clock_started = None
    for a, b in calendar._spans(s, stop):
        counted = b - a - sum(_overlap(a, b, p_start, p_end) for p_start, p_end in merged)
        intervals.append(CountedInterval(local(a), local(b), _US * counted))
        if counted and clock_started is None:
            clock_started = local(_first_unpaused(a, merged))

    closed = []
    if stop > s:
        first, last = calendar._local_date(s) - timedelta(days=1), calendar._local_date(stop)
        for day in sorted(day for day in calendar.closed_dates if first <= day <= last):
            would_be = calendar._date_intervals(day, honour_closures=False)
            if any(a < stop and b > s for a, b in would_be):
                closed.append(ClosedDateSkipped(day, calendar.closed_dates[day]))

    excluded = []
    for p_start, p_end in merged:
        if p_end is None and due_us is None:
            excluded.append(PauseExcluded(local(p_start), None, None))
        if p_end is None or p_start >= stop:
            break
        lost = calendar._offset(p_end) - calendar._offset(p_start)
        excluded.append(PauseExcluded(local(p_start), local(p_end), _US * lost))

    return Explanation(
        time_zone=calendar.tz,
        start=local(s),
        duration=duration,
        due=None if due_us is None else local(due_us),
        clock_started=clock_started,
        intervals=tuple(intervals),
        closed_dates=tuple(closed),
        pauses=tuple(excluded),
    )


def _first_unpaused(us: int, merged: list[tuple[int, int | None]]) -> int:
    # Merged pauses are sorted and disjoint, so one pass finds the first free instant.
    for p_start, p_end in merged:
        if p_start <= us and p_end is not None and us < p_end:
            us = p_end
    return us
