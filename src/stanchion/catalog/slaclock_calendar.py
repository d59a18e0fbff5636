"""Business calendars for SLA clocks: weekly hours in a time zone, minus closed dates.

The rules (overnight intervals, whole days, DST, pauses) are documented once, in
``stanchion.catalog.slaclock``, which is the module callers import.

Everything is built on one function, the business offset ``B(t)``: working time between a fixed
anchor and instant ``t``, in integer microseconds. Elapsed time is a difference of two offsets and a
due date is the inverse of ``B``. Both are a bisect into arrays that a calendar expands once per
range of local dates and keeps, so no computation ever steps through time.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["BusinessCalendar", "WeeklyInterval"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_WEEK_US = 7 * _DAY_US
_MIN_US = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // _US
_MAX_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US
# Refuse due dates this far beyond their start: only a calendar closed for a century gets here,
# and searching on would expand the calendar towards year 9999.
_SEARCH_LIMIT_US = 100 * 366 * _DAY_US
_TOO_LITTLE_TIME = "no due date within 100 years: the calendar has too little working time"
_INITIAL_DAYS = 64
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _to_us(value: datetime, name: str) -> int:
    try:
        return (value - _EPOCH) // _US
    except TypeError:
        # datetime raises TypeError for naive-minus-aware; the same path rejects non-datetimes.
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}") from None


def _from_us(us: int) -> datetime:
    try:
        return _EPOCH + _US * us
    except OverflowError:
        raise ValueError("the result lies beyond the range of datetime (year 9999)") from None


def _duration_us(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise ValueError(f"duration must be a datetime.timedelta, got {duration!r}")
    us = duration // _US
    if us < 0:
        raise ValueError(f"duration must not be negative, got {duration}")
    return us


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


@dataclass(frozen=True)
class WeeklyInterval:
    """Working time every week on ``weekday`` (0=Monday .. 6=Sunday) from ``start`` to ``end``.

    ``end <= start`` runs into the next day; ``00:00-00:00`` is the whole day.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self):
        day = self.weekday
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValueError(f"weekday must be an int from 0 (Monday) to 6 (Sunday), got {day!r}")
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise ValueError(f"{name} must be a datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"{name} must be a wall-clock time without tzinfo, got {value!r}")
        if self.start == self.end and self.start != time(0):
            raise ValueError(f"interval {self} is zero-length; write 00:00-00:00 for a whole day")

    @property
    def offsets(self) -> tuple[int, int]:
        """Start and end in microseconds after the start of its day; end may pass midnight."""
        start, end = _time_us(self.start), _time_us(self.end)
        return start, end if end > start else end + _DAY_US

    def __str__(self):
        return f"{_WEEKDAYS[self.weekday]} {_clock(self.start)}-{_clock(self.end)}"


def _clock(value: time) -> str:
    return value.isoformat() if value.second or value.microsecond else f"{value:%H:%M}"


def _check_overlaps(weekly: tuple[WeeklyInterval, ...]) -> None:
    spans = []
    for interval in weekly:
        if not isinstance(interval, WeeklyInterval):
            raise ValueError(f"weekly must hold WeeklyInterval values, got {interval!r}")
        start, end = interval.offsets
        spans.append((interval.weekday * _DAY_US + start, interval.weekday * _DAY_US + end))
    # The week is a circle: Sunday night runs into Monday morning.
    for i, (a0, a1) in enumerate(spans):
        for j in range(i + 1, len(spans)):
            b0, b1 = spans[j]
            if any(a0 < b1 + shift and b0 + shift < a1 for shift in (-_WEEK_US, 0, _WEEK_US)):
                raise ValueError(f"weekly intervals overlap: {weekly[i]} and {weekly[j]}")


def _closed_names(closed_dates) -> dict[date, str]:
    if isinstance(closed_dates, Mapping):
        items = closed_dates.items()
    else:
        items = ((day, "") for day in closed_dates)
    names = {}
    for day, name in items:
        # datetime is a subclass of date; a datetime here is almost always a caller's bug.
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"closed_dates must hold datetime.date values, got {day!r}")
        names[day] = str(name) if name else ""
    return names


class _Table:
    """Merged working intervals for local dates [d_lo, d_hi), with cumulative business time.

    ``cum[i]`` is ``B(starts[i])`` and ``cum_end[i]`` is ``B(ends[i])``; ``base`` is ``B`` before
    the first interval. ``B`` is exact for instants in [lo, hi]: intervals of neighbouring dates
    cannot reach into that range.
    """

    __slots__ = ("d_lo", "d_hi", "lo", "hi", "starts", "ends", "cum", "cum_end", "base")

    def __init__(self, d_lo, d_hi, lo, hi, starts, ends, cum, cum_end, base):
        self.d_lo, self.d_hi, self.lo, self.hi = d_lo, d_hi, lo, hi
        self.starts, self.ends, self.cum, self.cum_end, self.base = starts, ends, cum, cum_end, base


class BusinessCalendar:
    """Weekly working intervals in the IANA zone ``tz``, minus ``closed_dates``.

    ``closed_dates`` are dates in the calendar's zone, either a set or a mapping of date to name
    (a ``holidays`` object is such a mapping); names appear in :func:`explain`. The dates are
    copied (and exposed read-only as ``closed_dates``), so later changes to the caller's
    collection cannot contradict cached results; pass every year the clocks may reach.
    ``always_open=True`` is 24x7 (closed dates, if any, close whole local days).
    """

    def __init__(
        self,
        tz: str,
        weekly: Iterable[WeeklyInterval] = (),
        closed_dates: Iterable[date] | Mapping[date, str] = (),
        always_open: bool = False,
    ):
        if not isinstance(tz, str):
            raise ValueError(f"tz must be an IANA time zone name, got {tz!r}")
        try:
            self.zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {tz!r}") from None
        self.tz = tz
        weekly = tuple(weekly)
        if always_open and weekly:
            raise ValueError("an always_open calendar takes no weekly intervals")
        if not always_open and not weekly:
            raise ValueError("a calendar needs at least one weekly interval, or always_open=True")
        _check_overlaps(weekly)
        self.weekly = tuple(sorted(weekly, key=lambda w: (w.weekday, w.offsets)))
        # Read-only, because the expansion cached below depends on it.
        self.closed_dates = MappingProxyType(_closed_names(closed_dates))
        self.always_open = bool(always_open)
        rules = self.weekly or tuple(WeeklyInterval(day, time(0), time(0)) for day in range(7))
        self._by_weekday = tuple(
            tuple(rule.offsets for rule in rules if rule.weekday == day) for day in range(7)
        )
        self._lock = threading.Lock()
        self._anchor: int | None = None
        self._table: _Table | None = None
        if always_open and not self.closed_dates:
            span = _MAX_US - _MIN_US
            self._table = _Table(
                date.min, date.max, _MIN_US, _MAX_US, [_MIN_US], [_MAX_US], [0], [span], 0
            )

    @classmethod
    def twenty_four_seven(cls, tz: str = "UTC", closed_dates=()) -> BusinessCalendar:
        """A calendar open around the clock, every day except any ``closed_dates``."""
        return cls(tz, closed_dates=closed_dates, always_open=True)

    def __repr__(self):
        hours = "24x7" if self.always_open else ", ".join(str(w) for w in self.weekly)
        return f"<BusinessCalendar {self.tz} {hours}; {len(self.closed_dates)} closed dates>"

    def working_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Working time in [start, end) as merged, sorted (start, end) pairs in UTC."""
        s, e = _to_us(start, "start"), _to_us(end, "end")
        if e < s:
            raise ValueError(f"end {end} is before start {start}")
        return [(_from_us(a), _from_us(b)) for a, b in self._spans(s, e)]

    # -- expansion --------------------------------------------------------------------------------

    def _wall_us(self, wall: datetime) -> int:
        """Instant of a naive local wall time, by the DST rules documented in ``slaclock``."""
        before = wall.replace(tzinfo=self.zone).utcoffset()
        after = wall.replace(tzinfo=self.zone, fold=1).utcoffset()
        us = (wall - _NAIVE_EPOCH - before) // _US
        if before >= after:
            return us  # unique, or repeated and read as its first occurrence
        # Skipped: the jump lies in (wall - after, wall - before]; find it to the microsecond.
        lo, hi = (wall - _NAIVE_EPOCH - after) // _US + 1, us
        while lo < hi:
            mid = (lo + hi) // 2
            if _from_us(mid).astimezone(self.zone).utcoffset() == after:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _local_date(self, us: int) -> date:
        return _from_us(us).astimezone(self.zone).date()

    def _date_intervals(self, day: date, honour_closures: bool = True) -> list[tuple[int, int]]:
        if honour_closures and day in self.closed_dates:
            return []
        midnight = datetime(day.year, day.month, day.day)
        out = []
        for start, end in self._by_weekday[day.weekday()]:
            a = self._wall_us(midnight + _US * start)
            b = self._wall_us(midnight + _US * end)
            if a < b:  # an interval wholly inside a DST gap vanishes
                out.append((a, b))
        return out

    def _expand(self, d_lo: date, d_hi: date) -> list[tuple[int, int]]:
        out = []
        for n in range((d_hi - d_lo).days):
            out.extend(self._date_intervals(d_lo + timedelta(days=n)))
        return out

    def _install(self, d_lo: date, d_hi: date, raw: list[tuple[int, int]]) -> _Table:
        starts: list[int] = []
        ends: list[int] = []
        for a, b in raw:
            if ends and a <= ends[-1]:  # adjacent (validation rules out overlap): merge
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        lo = self._wall_us(datetime.combine(d_lo + timedelta(days=1), time(0)))
        hi = self._wall_us(datetime.combine(d_hi, time(0)))
        if self._anchor is None:
            self._anchor = lo
        # Keep B(anchor) == 0 across rebuilds so offsets from older tables stay comparable.
        n = bisect_right(starts, self._anchor)  # intervals starting at or before the anchor
        total = -sum(b - a for a, b in zip(starts[:n], ends[:n], strict=True))
        if n:
            total += max(0, ends[n - 1] - self._anchor)  # the part of the last one after it
        base = total
        cum, cum_end = [], []
        for a, b in zip(starts, ends, strict=True):
            cum.append(total)
            total += b - a
            cum_end.append(total)
        self._table = _Table(d_lo, d_hi, lo, hi, starts, ends, cum, cum_end, base)
        return self._table

    def _cover(self, t: int | None, seen: _Table | None = None) -> _Table:
        """Grow the table to cover instant ``t`` (or, with ``t=None``, one step forward)."""
        with self._lock:
            table = self._table
            if table is None:
                day = self._local_date(t)
                d_lo, d_hi = day - timedelta(days=7), day + timedelta(days=_INITIAL_DAYS)
                return self._install(d_lo, d_hi, self._expand(d_lo, d_hi))
            if t is None and table is not seen:
                return table  # another thread grew it meanwhile
            if t is not None and table.lo <= t <= table.hi:
                return table
            # Grow by at least the current span so a long search costs O(log) rebuilds.
            span = table.d_hi - table.d_lo
            d_lo, d_hi = table.d_lo, table.d_hi
            try:
                if t is None:
                    d_hi += span
                elif t > table.hi:
                    d_hi = max(d_hi + span, self._local_date(t) + timedelta(days=7))
                else:
                    d_lo = min(d_lo - span, self._local_date(t) - timedelta(days=7))
            except OverflowError:
                raise ValueError("business time ran past the range of datetime") from None
            raw = self._expand(d_lo, table.d_lo)
            raw.extend(zip(table.starts, table.ends, strict=True))
            raw.extend(self._expand(table.d_hi, d_hi))
            return self._install(d_lo, d_hi, raw)

    # -- business offset B(t) and its inverse -----------------------------------------------------

    def _offset(self, t: int) -> int:
        table = self._table
        if table is None or not table.lo <= t <= table.hi:
            table = self._cover(t)
        i = bisect_right(table.starts, t)
        if not i:
            return table.base
        i -= 1
        end = table.ends[i]
        return table.cum[i] + (t if t < end else end) - table.starts[i]

    def _advance(self, t: int, amount: int) -> int:
        """Earliest instant at which ``amount`` (> 0) of business time has passed since ``t``."""
        target = self._offset(t) + amount
        table = self._table
        while True:
            i = bisect_left(table.cum_end, target)
            if i < len(table.cum_end):
                result = table.starts[i] + target - table.cum[i]
                if result - t > _SEARCH_LIMIT_US:
                    raise ValueError(_TOO_LITTLE_TIME)
                return result
            if table.hi - t > _SEARCH_LIMIT_US:
                raise ValueError(_TOO_LITTLE_TIME)
            table = self._cover(None, table)

    def _spans(self, s: int, e: int) -> list[tuple[int, int]]:
        if e <= s:
            return []
        self._offset(s)
        self._offset(e)  # coverage only grows, so s stays covered
        table = self._table
        starts, ends = table.starts, table.ends
        out = []
        for i in range(bisect_right(ends, s), len(starts)):
            if starts[i] >= e:
                break
            out.append((max(s, starts[i]), min(e, ends[i])))
        return out

    def _due_us(self, s: int, d: int, pauses: list[tuple[int, int | None]]) -> int | None:
        if not d:
            return s
        cur = s
        for p_start, p_end in pauses:
            if p_start > cur:
                available = self._offset(p_start) - self._offset(cur)
                if available >= d:
                    break
                d -= available
            if p_end is None:
                return None
            cur = max(cur, p_end)
        return self._advance(cur, d)

    def _elapsed_us(self, s: int, a: int, pauses) -> int:
        if a <= s:
            return 0
        total = self._offset(a) - self._offset(s)
        for p_start, p_end in pauses:
            if p_start >= a:
                break
            stop = a if p_end is None or p_end > a else p_end
            total -= self._offset(stop) - self._offset(p_start)
        return total


def _pauses_us(pauses, s: int) -> list[tuple[int, int | None]]:
    """Pauses as sorted, disjoint (start, end-or-None) microsecond pairs, clipped to >= ``s``."""
    spans = []
    for pause in pauses:
        try:
            p_start, p_end = pause
        except (TypeError, ValueError):
            raise ValueError(
                f"each pause must be a (start, end) pair with end None while running, got {pause!r}"
            ) from None
        a = _to_us(p_start, "pause start")
        if p_end is None:
            spans.append((max(a, s), None))
            continue
        b = _to_us(p_end, "pause end")
        if b < a:
            raise ValueError(f"pause ends before it starts: {p_start} to {p_end}")
        if b > s and b > a:
            spans.append((max(a, s), b))
    spans.sort(key=lambda span: span[0])
    merged: list[tuple[int, int | None]] = []
    for a, b in spans:
        if merged and (merged[-1][1] is None or a <= merged[-1][1]):
            last_a, last_b = merged[-1]
            merged[-1] = (last_a, None if last_b is None or b is None else max(last_b, b))
        else:
            merged.append((a, b))
    return merged
