"""The monthly service review: the tables an IT leader takes to the monthly
meeting, each with the previous month beside it.

Every number comes from the KPI engine (``engine.compute`` and
``engine.records``), so the review says what the KPI pages say. Only what no
KPI measures is counted here, in the database: requests opened, tickets per
category, the survey ratings, and the list of missed SLA clocks.

A table is data (raw numbers, None for "no value"); the page, the PDF and the
CSV files format it each in their own way. This module holds the month, the
table types and the assembly; review_kpis builds the KPI tables and
review_lists the category and breach lists.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from . import engine
from .engine import ALL
from .periods import Period, containing

TABLES = ("health", "sla", "incidents", "requests", "categories", "breaches", "csat")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# The four SLA attainment KPIs: their missed clocks are the breaches.
SLA_KPIS = (
    "sla_response_incidents",
    "sla_resolution_incidents",
    "sla_response_requests",
    "sla_resolution_requests",
)


class MonthError(ValueError):
    """A month that has no review; ``status`` is the HTTP answer (400 for
    text that is not a month, 404 for a month not begun)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def report_zone():
    return ZoneInfo(settings.REPORT_TIME_ZONE)


def today(now=None):
    return timezone.localtime(now or timezone.now(), report_zone()).date()


def last_complete_month(now=None):
    return containing("month", today(now), report_zone()).previous()


def parse_month(text, now=None):
    """The month ``YYYY-MM`` names, if it has begun."""
    match = MONTH_PATTERN.match(text or "")
    month = int(match.group(2)) if match else 0
    if not match or not 1 <= month <= 12 or int(match.group(1)) < 1970:
        raise MonthError(400, f"“{text}” is not a month: write it as YYYY-MM, e.g. 2026-10.")
    first = datetime(int(match.group(1)), month, 1).date()
    period = containing("month", first, report_zone())
    if period.start > (now or timezone.now()):
        raise MonthError(404, f"{period.label} ({text}) has not begun: there is nothing to review.")
    return period


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text, count, percent, minutes, hours, score, datetime, status; "unit"
    # takes the row's own unit (tables with one measure per row).
    kind: str = "text"
    decimals: int = 1
    change: bool = False  # a difference: shown signed, percentages in points
    # False: in the CSV only (the page and the PDF say it another way).
    page: bool = True
    # On the page: "duration" shows minutes as 2 d 3 h; "wide" keeps text readable.
    style: str = ""


@dataclass
class Table:
    key: str
    title: str
    description: str
    columns: list
    rows: list = field(default_factory=list)  # dicts by column key (+ "unit", "url")
    note: str = ""
    # All the rows there are, when ``rows`` holds only the first of a long list.
    total: int | None = None

    @property
    def count(self):
        return len(self.rows) if self.total is None else self.total


@dataclass
class Review:
    period: Period
    previous: Period
    now: datetime
    tables: dict

    @property
    def in_progress(self):
        return self.now < self.period.end


def change(current, before):
    if current is None or before is None:
        return None
    return current - before


def value_of(values, key=ALL):
    found = values.get(key)
    return found.value if found is not None else None


def measure_columns(months):
    keys = [m.key for m in months]
    return [
        Column("measure", "Measure"),
        Column("unit", "Unit"),
        *[Column(key, key, "unit") for key in keys],
        Column("change", "Change", "unit", change=True),
        Column("target", "Target", "unit"),
        Column("status", "Status", "status"),
    ]


@dataclass(frozen=True)
class Drill:
    """The records behind one number: a KPI's drill-down for a month,
    optionally one segment value, its population or the part that met it."""

    kpi: str
    period: Period
    segment: str | None = None
    value: object = ALL
    part: str = "denominator"


def measure_row(name, unit, series, value=None, drill=None, months=()):
    """A trend row: the values oldest first, the last being this month's.
    ``value`` is this month's engine Value, for its target and status;
    ``drill`` (kpi key, segment, segment value) links each month's number to
    its records."""
    row = {"measure": name, "unit": unit}
    row.update(series)
    if drill:
        row["links"] = {m.key: Drill(drill[0], m, *drill[1:]) for m in months}
    points = list(series.values())
    row["change"] = change(points[-1], points[-2]) if len(points) > 1 else None
    row["target"] = value.target if value is not None else None
    row["status"] = value.status if value is not None else None
    return row


def builders():
    """Table key -> function(period, now, targets) returning the Table."""
    from . import review_kpis, review_lists

    return {
        "health": review_kpis.health_table,
        "sla": review_kpis.sla_table,
        "incidents": review_kpis.incidents_table,
        "requests": review_kpis.requests_table,
        "categories": review_lists.categories_table,
        "breaches": review_lists.breaches_table,
        "csat": review_kpis.csat_table,
    }


def build_table(key, period, now=None):
    return builders()[key](period, now or timezone.now(), engine.target_table())


def build_review(period, now=None, *, row_limit=None):
    """Every table; ``row_limit`` keeps only the first rows of the breach
    list (the page and the PDF), whose ``count`` stays the whole number."""
    now = now or timezone.now()
    targets = engine.target_table()
    tables = {}
    for key, build in builders().items():
        options = {"limit": row_limit} if key == "breaches" else {}
        tables[key] = build(period, now, targets, **options)
    return Review(period, period.previous(), now, tables)
