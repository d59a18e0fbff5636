"""Business-time arithmetic for SLA clocks: when is it due, how much has elapsed.

Plain Python (no Django) so it can be property-tested and used by every clock in Stanchion:
incident and request SLAs, OLAs, vulnerability remediation windows, vendor SLAs.

A :class:`BusinessCalendar` is a set of weekly wall-clock intervals in one IANA time zone, minus
closed dates (public holidays, company closures). :func:`due`, :func:`elapsed`, :func:`status`
and :func:`explain` answer questions about one clock against a calendar. They never step through
time: a calendar expands its intervals once per range of dates into arrays with cumulative sums,
and each answer is a bisect into them (see ``slaclock_calendar``).

Rules, chosen once and used everywhere:

* **Overnight intervals** (``end <= start``, e.g. Mon 22:00-06:00) belong to the date they start
  on. A closed date removes every interval *starting* on it, including the part after midnight;
  the previous evening's overnight interval still runs into a closed date. That is how shift
  rosters are written: the Friday night shift is Friday's.
* **Whole days** are written ``00:00-00:00`` (midnight to the next midnight). Any other interval
  with ``start == end`` is rejected as zero-length.
* **Daylight saving time.** Wall-clock times become instants in the calendar's zone. A time that
  occurs twice (fall-back) is read as its first occurrence (``fold=0``, Python's default). A time
  that does not exist (spring-forward) is read as the instant the clocks jump, so an interval
  loses exactly the skipped time: 01:00-04:00 on the Berlin spring-forward night is 2 real hours
  and 02:00-02:30 that night is nothing. Both maps are monotonic, so intervals never invert and
  adjacent intervals stay adjacent.
* **Pauses** are ``(start, end)`` pairs of aware datetimes; they may overlap each other and span
  closed time. ``end=None`` means the pause is still running: the clock is stopped, so
  :func:`due` returns ``None`` unless the target is reached before the pause began.
* **Durations** are business time (a :class:`~datetime.timedelta`), not business days:
  ``timedelta(days=1)`` is 24 working hours.
* Inputs must be timezone-aware; outputs are aware datetimes in UTC. All arithmetic is on integer
  microseconds, so results are exact. Bad input raises :class:`ValueError` naming the argument.

Build a calendar once and reuse it: its expansion is cached on the instance (thread-safe).

Example::

    weekdays = [WeeklyInterval(day, time(9), time(17)) for day in range(5)]
    bavaria = holidays.country_holidays("DE", subdiv="BY", years=range(2026, 2029))
    cal = BusinessCalendar("Europe/Berlin", weekdays, closed_dates=bavaria)
    due(cal, opened_at, timedelta(hours=8), pauses=[(waiting_since, resumed_at)])
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from stanchion.catalog.slaclock_calendar import (
    _US,
    BusinessCalendar,
    WeeklyInterval,
    _duration_us,
    _from_us,
    _pauses_us,
    _to_us,
)
from stanchion.catalog.slaclock_explain import (
    ClosedDateSkipped,
    CountedInterval,
    Explanation,
    PauseExcluded,
    _seconds,
    explain,
)

__all__ = [
    "BusinessCalendar",
    "ClockStatus",
    "ClosedDateSkipped",
    "CountedInterval",
    "Explanation",
    "PauseExcluded",
    "WeeklyInterval",
    "due",
    "elapsed",
    "explain",
    "status",
]


def due(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, pauses=()
) -> datetime | None:
    """The instant (UTC) at which ``duration`` of business time has elapsed since ``start``.

    A start outside working hours counts from the next opening; a due date that falls on the
    close of business is that close, not the next opening. ``None`` when an open-ended pause
    stopped the clock before the target was reached.
    """
    s = _to_us(start, "start")
    d = _duration_us(duration)
    if pauses:
        result = calendar._due_us(s, d, _pauses_us(pauses, s))
        return None if result is None else _from_us(result)
    return _from_us(calendar._advance(s, d) if d else s)


def elapsed(calendar: BusinessCalendar, start: datetime, at: datetime, pauses=()) -> timedelta:
    """Business time between ``start`` and ``at``, excluding pauses; zero if ``at <= start``."""
    s, a = _to_us(start, "start"), _to_us(at, "at")
    return _US * calendar._elapsed_us(s, a, _pauses_us(pauses, s) if pauses else ())


@dataclass(frozen=True)
class ClockStatus:
    """An SLA clock at one instant.

    ``remaining`` is business time: zero at the due instant, negative once breached (how much
    business time past due). ``percent`` is ``elapsed / duration * 100`` (for a zero duration,
    100.0 from the start on). ``level`` is ``"ok"``, ``"warning"`` from 75 % or ``"breached"``
    from 100 % (from the due instant on). ``paused`` tells whether a pause covers ``at``. ``due``
    is ``None`` while an open-ended pause holds the clock short of its target.
    """

    due: datetime | None
    elapsed: timedelta
    remaining: timedelta
    breached: bool
    percent: float
    level: str
    paused: bool

    def as_dict(self) -> dict:
        """JSON-ready, in the same shape as :meth:`Explanation.as_dict`."""
        return {
            "due": None if self.due is None else self.due.isoformat(),
            "elapsed_seconds": _seconds(self.elapsed),
            "remaining_seconds": _seconds(self.remaining),
            "breached": self.breached,
            "percent": self.percent,
            "level": self.level,
            "paused": self.paused,
        }


def status(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, at: datetime, pauses=()
) -> ClockStatus:
    """Where the clock for a target of ``duration`` from ``start`` stands at ``at``."""
    s, a, d = _to_us(start, "start"), _to_us(at, "at"), _duration_us(duration)
    merged = _pauses_us(pauses, s) if pauses else []
    spent = _US * calendar._elapsed_us(s, a, merged)
    due_us = calendar._due_us(s, d, merged)
    paused = any(p_start <= a and (p_end is None or a < p_end) for p_start, p_end in merged)
    # Breached from the due instant on; for a zero duration, that is the start itself.
    breached = due_us is not None and a >= due_us
    # Compare integers, not the float percentage, so 75 % and 100 % are exact thresholds.
    if breached:
        level = "breached"
    elif duration and spent * 4 >= duration * 3:
        level = "warning"
    else:
        level = "ok"
    return ClockStatus(
        due=None if due_us is None else _from_us(due_us),
        elapsed=spent,
        remaining=duration - spent,
        breached=breached,
        percent=spent / duration * 100 if duration else 100.0 * breached,
        level=level,
        paused=paused,
    )
