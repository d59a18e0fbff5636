"""Reporting periods: weeks, months and quarters in the organisation's time
zone, and custom ranges. Plain Python (no Django) so the arithmetic can be
tested on its own.

A period is half-open, ``[start, end)``, in aware datetimes: a ticket opened
at the very instant a month ends belongs to the next month.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KINDS = ("week", "month", "quarter", "custom")
LONGEST_CUSTOM = timedelta(days=366 * 2)


class PeriodError(ValueError):
    """A period that cannot be reported on; the message names what is wrong."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime
    end: datetime

    @property
    def key(self):
        """Stable text for URLs and exports: 2026-11, 2026-Q4, 2026-W47, or
        2026-11-01..2026-11-14 (both days included, as in ``custom``)."""
        local = self.start
        if self.kind == "month":
            return f"{local:%Y-%m}"
        if self.kind == "quarter":
            return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
        if self.kind == "week":
            year, week, _ = local.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.date()}..{(self.end - timedelta(days=1)).date()}"

    @property
    def label(self):
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year}"
        last = (self.end - timedelta(days=1)).date()
        return f"{self.start.date()} – {last}"

    @property
    def seconds(self):
        # Elapsed time: subtracting two datetimes of one zone would ignore a
        # DST change between them (October in Berlin has 745 hours).
        return self.end.timestamp() - self.start.timestamp()

    def previous(self):
        if self.kind == "custom":
            length = self.end - self.start
            return Period("custom", self.start - length, self.start)
        day = (self.start - timedelta(days=1)).date()
        return containing(self.kind, day, self.start.tzinfo)

    def history(self, count):
        """This period and the ``count - 1`` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]


def _midnight(day, tz):
    return datetime.combine(day, time(), tzinfo=tz)


def _first_of_month(year, month):
    year += (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def containing(kind, day, tz):
    """The week, month or quarter that contains ``day`` (a date)."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return Period(kind, _midnight(first, tz), _midnight(first + timedelta(days=7), tz))
    if kind == "month":
        first = day.replace(day=1)
        return Period(
            kind, _midnight(first, tz), _midnight(_first_of_month(day.year, day.month + 1), tz)
        )
    if kind == "quarter":
        month = (day.month - 1) // 3 * 3 + 1
        return Period(
            kind,
            _midnight(date(day.year, month, 1), tz),
            _midnight(_first_of_month(day.year, month + 3), tz),
        )
    raise PeriodError("period", f"Unknown period {kind!r}: choose one of {', '.join(KINDS)}.")


def custom(start_day, end_day, tz):
    """A custom range of whole days, both ends included."""
    if end_day < start_day:
        raise PeriodError("end", "The end date is before the start date.")
    period = Period("custom", _midnight(start_day, tz), _midnight(end_day + timedelta(days=1), tz))
    if period.end - period.start > LONGEST_CUSTOM:
        raise PeriodError("end", f"A custom range is at most {LONGEST_CUSTOM.days} days.")
    return period


def _parse_day(text, field):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise PeriodError(field, f"{field} must be a date like 2026-11-01, not {text!r}.") from None


def parse(kind, *, at=None, start=None, end=None, tz="UTC", today=None):
    """A period from request parameters: ``kind`` and a day inside it
    (``at``, default today), or ``start``/``end`` days for a custom range."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    kind = kind or "month"
    if kind not in KINDS:
        raise PeriodError("period", f"Unknown period {kind!r}: choose one of {', '.join(KINDS)}.")
    if kind == "custom":
        if not start or not end:
            missing = "start" if not start else "end"
            raise PeriodError(missing, "A custom range needs a start and an end date.")
        return custom(_parse_day(start, "start"), _parse_day(end, "end"), zone)
    day = _parse_day(at, "at") if at else (today or datetime.now(zone).date())
    return containing(kind, day, zone)
