"""The monthly service review: the tables an IT leader takes to the monthly
meeting, each with the previous month beside it.

Every number comes from the KPI engine (``engine.compute`` and
``engine.records``), so the review says what the KPI pages say. Only what no
KPI measures is counted here, in the database: requests opened, tickets per
category, the survey ratings, and the list of missed SLA clocks.

A table is data (raw numbers, None for "no value"); the page, the PDF and the
CSV files format it each in their own way.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from . import engine
from .engine import ALL
from .periods import Period, containing
from .registry import kpis

TABLES = ("health", "sla", "incidents", "requests", "categories", "breaches", "csat")
TREND_MONTHS = 6
TOP_CATEGORIES = 10
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")

SLA_KPIS = (
    "sla_response_incidents",
    "sla_resolution_incidents",
    "sla_response_requests",
    "sla_resolution_requests",
)
OTHER_CLOCK_KPIS = ("fulfilment_on_promise", "ola_attainment", "l2l3_first_response")
PRIORITIES = ("p1", "p2", "p3", "p4")
INCIDENT_KPIS = ("incident_volume", "mtta", "mttr", *SLA_KPIS[:2])
REQUEST_KPIS = ("fulfilment_time", "fulfilment_on_promise", *SLA_KPIS[2:])
CSAT_KPIS = ("csat_average", "csat_positive", "csat_response_rate")


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


@dataclass
class Review:
    period: Period
    previous: Period
    now: datetime
    tables: dict

    @property
    def in_progress(self):
        return self.now < self.period.end


def _change(current, before):
    if current is None or before is None:
        return None
    return current - before


def _value(values, key=ALL):
    found = values.get(key)
    return found.value if found is not None else None


def _measure_columns(months):
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


def _measure_row(name, unit, series, value=None, drill=None, months=()):
    """A trend row: the values oldest first, the last being this month's.
    ``value`` is this month's engine Value, for its target and status;
    ``drill`` (kpi key, segment, segment value) links each month's number to
    its records."""
    row = {"measure": name, "unit": unit}
    row.update(series)
    if drill:
        row["links"] = {m.key: Drill(drill[0], m, *drill[1:]) for m in months}
    points = list(series.values())
    row["change"] = _change(points[-1], points[-2]) if len(points) > 1 else None
    row["target"] = value.target if value is not None else None
    row["status"] = value.status if value is not None else None
    return row


# -- service health ---------------------------------------------------------


def _sla_share(by_key, key):
    met = total = 0
    for values in by_key.values():
        found = values.get(key)
        if found is not None:
            met += found.numerator
            total += found.denominator
    return (100.0 * met / total if total else None), total


def health_table(period, now, targets):
    from stanchion.catalog.choices import ServiceTier
    from stanchion.catalog.models import Service

    previous = period.previous()
    figures = {}
    for each in (period, previous):
        overall = engine.compute(
            ["availability", "incident_volume", *SLA_KPIS], each, now=now, targets=targets
        )
        split = engine.compute(
            ["availability", "incident_volume", *SLA_KPIS],
            each,
            "service",
            now=now,
            targets=targets,
        )
        figures[each] = (overall, split)
    (overall, split), (overall_before, split_before) = figures[period], figures[previous]
    # Live services, and any other with incidents or SLA clocks in either month.
    ids = {key for values in (*split.values(), *split_before.values()) for key in values}
    services = Service.objects.filter(pk__in=[i for i in ids if i is not None]).order_by("name")
    sla_now = {name: split.get(name, {}) for name in SLA_KPIS}
    sla_before = {name: split_before.get(name, {}) for name in SLA_KPIS}

    def row(label, tier, key, now_values, before_values, sla, sla_prev):
        segment = None if key == ALL else "service"
        availability = now_values.get("availability", {}).get(key)
        before = _value(before_values.get("availability", {}), key)
        incidents = _value(now_values.get("incident_volume", {}), key) or 0
        incidents_before = _value(before_values.get("incident_volume", {}), key) or 0
        sla_met, clocks = _sla_share(sla, key)
        sla_met_before, _ = _sla_share(sla_prev, key)
        return {
            "service": label,
            "tier": tier,
            "availability": availability.value if availability else None,
            "availability_previous": before,
            "availability_change": _change(availability.value if availability else None, before),
            "status": availability.status if availability else None,
            "outages": availability.extra.get("failures", 0) if availability else 0,
            "downtime_minutes": availability.numerator / 60.0 if availability else 0.0,
            "incidents": incidents,
            "incidents_previous": incidents_before,
            "incidents_change": incidents - incidents_before,
            "sla_clocks": clocks,
            "sla_met": sla_met,
            "sla_met_previous": sla_met_before,
            "sla_change": _change(sla_met, sla_met_before),
            "links": {
                "availability": Drill("availability", period, segment, key),
                "availability_previous": Drill("availability", previous, segment, key),
                "incidents": Drill("incident_volume", period, segment, key),
                "incidents_previous": Drill("incident_volume", previous, segment, key),
            },
        }

    overall_sla = {name: overall.get(name, {}) for name in SLA_KPIS}
    overall_sla_before = {name: overall_before.get(name, {}) for name in SLA_KPIS}
    rows = [row("All services", "", ALL, overall, overall_before, overall_sla, overall_sla_before)]
    for service in services:
        tier = ServiceTier.label(service.tier).split(" — ")[0]
        rows.append(row(service.name, tier, service.pk, split, split_before, sla_now, sla_before))
    return Table(
        "health",
        "Service health",
        "Per live service: availability from incident impact windows (overlaps counted "
        "once), outages and downtime, incidents opened, and the share of SLA clocks (response "
        "and resolution, incidents and requests) that stopped in the month on time.",
        [
            Column("service", "Service"),
            Column("tier", "Tier"),
            Column("availability", "Availability", "percent", 3),
            Column("availability_previous", "Previous", "percent", 3),
            Column("availability_change", "Change", "percent", 3, change=True),
            Column("status", "Status", "status"),
            Column("outages", "Outages", "count"),
            Column("downtime_minutes", "Downtime", "minutes", 0, style="duration"),
            Column("incidents", "Incidents", "count"),
            Column("incidents_previous", "Previous", "count"),
            Column("incidents_change", "Change", "count", change=True),
            Column("sla_clocks", "SLA clocks", "count"),
            Column("sla_met", "SLA met", "percent"),
            Column("sla_met_previous", "Previous", "percent"),
            Column("sla_change", "Change", "percent", change=True),
        ],
        rows,
    )


# -- SLA attainment ---------------------------------------------------------


def sla_table(period, now, targets):
    previous = period.previous()
    keys = [*SLA_KPIS, *OTHER_CLOCK_KPIS]
    overall = engine.compute(keys, period, now=now, targets=targets)
    overall_before = engine.compute(keys, previous, now=now, targets=targets)
    split = engine.compute(SLA_KPIS, period, "priority", now=now, targets=targets)
    split_before = engine.compute(SLA_KPIS, previous, "priority", now=now, targets=targets)
    rows = []

    def add(key, segment_label, value, before, priority=ALL):
        segment = None if priority == ALL else "priority"
        clocks = value.denominator if value else 0
        met = int(value.numerator) if value else 0
        rows.append(
            {
                "measure": kpis.get(key).name,
                "priority": segment_label,
                "clocks": clocks,
                "met": met,
                "missed": clocks - met,
                "attainment": value.value if value else None,
                "previous": before.value if before else None,
                "change": _change(value.value if value else None, before.value if before else None),
                "target": value.target if value else kpis.get(key).target,
                "status": value.status if value else None,
                "links": {
                    "clocks": Drill(key, period, segment, priority),
                    "met": Drill(key, period, segment, priority, "numerator"),
                    "attainment": Drill(key, period, segment, priority),
                    "previous": Drill(key, previous, segment, priority),
                },
            }
        )

    for key in keys:
        add(key, "All", overall[key][ALL], overall_before[key][ALL])
        if key in SLA_KPIS:
            for priority in PRIORITIES:
                value = split.get(key, {}).get(priority)
                before = split_before.get(key, {}).get(priority)
                if value or before:
                    add(key, priority.upper(), value, before, priority)
    return Table(
        "sla",
        "SLA attainment",
        "Of the clocks that stopped in the month (met or missed), the share that stopped "
        "before their due time; business time on the policy's calendar, pauses left out.",
        [
            Column("measure", "Measure"),
            Column("priority", "Priority"),
            Column("clocks", "Clocks", "count"),
            Column("met", "Met", "count"),
            Column("missed", "Missed", "count"),
            Column("attainment", "Attainment", "percent"),
            Column("previous", "Previous", "percent"),
            Column("change", "Change", "percent", change=True),
            Column("target", "Target", "percent"),
            Column("status", "Status", "status"),
        ],
        rows,
    )


# -- incident and request trends --------------------------------------------


def _trend_values(keys, months, now, targets, segment=None):
    return {m: engine.compute(keys, m, segment, now=now, targets=targets) for m in months}


def _series(values_by_month, key, segment_value=ALL):
    return {m.key: _value(v.get(key, {}), segment_value) for m, v in values_by_month.items()}


def incidents_table(period, now, targets):
    months = period.history(TREND_MONTHS)
    overall = _trend_values(INCIDENT_KPIS, months, now, targets)
    by_priority = _trend_values(["incident_volume"], months, now, targets, "priority")
    current = overall[period]
    rows = [
        _measure_row(
            "Incidents opened",
            "count",
            _series(overall, "incident_volume"),
            drill=("incident_volume",),
            months=months,
        )  # fmt: skip
    ]
    for priority in ("p1", "p2"):
        series = {k: v or 0 for k, v in _series(by_priority, "incident_volume", priority).items()}
        rows.append(
            _measure_row(
                f"{priority.upper()} incidents opened",
                "count",
                series,
                drill=("incident_volume", "priority", priority),
                months=months,
            )  # fmt: skip
        )
    for key in INCIDENT_KPIS[1:]:
        kpi = kpis.get(key)
        rows.append(
            _measure_row(
                kpi.name,
                kpi.unit,
                _series(overall, key),
                current[key][ALL],
                drill=(key,),
                months=months,
            )  # fmt: skip
        )
    return Table(
        "incidents",
        "Incident trend",
        f"The last {TREND_MONTHS} months, this month last; the change is against the previous "
        "month. MTTA and MTTR are wall-clock; SLA attainment is of clocks stopped in the month.",
        _measure_columns(months),
        rows,
    )


def requests_table(period, now, targets):
    from stanchion.tickets.models import Ticket

    months = period.history(TREND_MONTHS)
    overall = _trend_values(REQUEST_KPIS, months, now, targets)
    current = overall[period]
    # No KPI counts requests opened (incident volume is incidents only).
    counts = Ticket.objects.filter(
        kind="request", created_at__gte=months[0].start, created_at__lt=period.end
    ).aggregate(
        **{
            m.key: Count("pk", filter=Q(created_at__gte=m.start, created_at__lt=m.end))
            for m in months
        }
    )
    rows = [_measure_row("Requests opened", "count", {m.key: counts[m.key] for m in months})]
    for key in REQUEST_KPIS:
        kpi = kpis.get(key)
        rows.append(
            _measure_row(
                kpi.name,
                kpi.unit,
                _series(overall, key),
                current[key][ALL],
                drill=(key,),
                months=months,
            )  # fmt: skip
        )
    return Table(
        "requests",
        "Request trend",
        f"The last {TREND_MONTHS} months, this month last. Fulfilment time is wall-clock from "
        "request to fulfilment; the catalog promise is business time from the start of "
        "fulfilment.",
        _measure_columns(months),
        rows,
    )


# -- top categories -----------------------------------------------------------


def _category_counts(period, only=None):
    from stanchion.tickets.models import Ticket

    rows = Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if only is not None:
        rows = rows.filter(
            Q(category__in=[c for c in only if c is not None])
            | (Q(category__isnull=True) if None in only else Q(pk__in=[]))
        )
    return {
        row["category"]: row
        for row in rows.order_by()
        .values("category")
        .annotate(
            opened=Count("pk"),
            incidents=Count("pk", filter=Q(kind="incident")),
            requests=Count("pk", filter=Q(kind="request")),
            escalated=Count("pk", filter=Q(was_escalated=True)),
        )
    }


def categories_table(period, now, targets):
    from stanchion.tickets.models import Category

    counts = _category_counts(period)
    total = sum(row["opened"] for row in counts.values())
    names = {c.pk: str(c) for c in Category.objects.filter(pk__in=[k for k in counts if k])
             .select_related("parent")}  # fmt: skip
    names[None] = "No category"
    ranked = sorted(counts.values(), key=lambda r: (-r["opened"], names[r["category"]]))
    top = ranked[:TOP_CATEGORIES]
    before = _category_counts(period.previous(), [r["category"] for r in top])
    rows = []
    for rank, row in enumerate(top, 1):
        previous = before.get(row["category"], {}).get("opened", 0)
        rows.append(
            {
                "rank": rank,
                "category": names[row["category"]],
                "opened": row["opened"],
                "share": 100.0 * row["opened"] / total if total else None,
                "incidents": row["incidents"],
                "requests": row["requests"],
                "escalated": row["escalated"],
                "previous": previous,
                "change": row["opened"] - previous,
            }
        )
    shown = sum(r["opened"] for r in rows)
    note = ""
    if len(ranked) > TOP_CATEGORIES:
        note = (
            f"{len(ranked) - TOP_CATEGORIES} more categories hold the other "
            f"{total - shown} of the month's {total} tickets."
        )
    return Table(
        "categories",
        "Top categories",
        f"The {TOP_CATEGORIES} categories with the most incidents and requests opened in the "
        "month; escalated means sent to an L2 or L3 team.",
        [
            Column("rank", "#", "count"),
            Column("category", "Category"),
            Column("opened", "Opened", "count"),
            Column("share", "Share", "percent"),
            Column("incidents", "Incidents", "count"),
            Column("requests", "Requests", "count"),
            Column("escalated", "Escalated", "count"),
            Column("previous", "Previous", "count"),
            Column("change", "Change", "count", change=True),
        ],
        rows,
        note,
    )


# -- breaches ---------------------------------------------------------------


def _paused_seconds(clock):
    """Wall-clock time the clock spent paused (a pause still open when the
    clock stopped ends at the stop)."""
    total, count = 0.0, 0
    for start, end in clock.pauses or []:
        begin = datetime.fromisoformat(start)
        finish = datetime.fromisoformat(end) if end else clock.stopped_at
        if finish and finish > begin:
            total += (finish - begin).total_seconds()
        count += 1
    return total, count


def duration(seconds):
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def _reasons(ticket, paused, pauses):
    from stanchion.tickets.choices import PendingReason, ResolutionCode

    found = []
    if pauses:
        found.append(f"paused {pauses}× ({duration(paused)})")
    if ticket.reassignment_count:
        found.append(f"reassigned {ticket.reassignment_count}×")
    if ticket.was_escalated:
        found.append("escalated to L2/L3")
    if ticket.reopen_count:
        found.append(f"reopened {ticket.reopen_count}×")
    if ticket.state == "pending" and ticket.pending_reason:
        found.append(f"now {PendingReason.label(ticket.pending_reason).lower()}")
    if ticket.resolution_code:
        found.append(f"resolved: {ResolutionCode.label(ticket.resolution_code).lower()}")
    elif ticket.is_open:
        found.append("still open")
    return "; ".join(found)


def breach_clocks(period, now=None):
    """The SLA clocks that stopped in the month after their due time: the
    missed part of the four SLA attainment KPIs."""
    from stanchion.tickets.choices import ClockState

    source = kpis.get(SLA_KPIS[0]).source
    moment = engine.as_of(period, now)
    return (
        source.queryset()
        .filter(source.in_period(period, moment), state=ClockState.MISSED)
        .select_related("ticket", "ticket__service", "ticket__assignment_team")
        .order_by("due_at", "pk")
    )


CLOCK_NAMES = {"response": "First response", "resolution": "Resolution"}


def breaches_table(period, now, targets):
    from stanchion.tickets.choices import PendingReason, ResolutionCode, TicketKind

    rows = []
    zone = report_zone()
    for clock in breach_clocks(period, now):
        ticket = clock.ticket
        paused, pauses = _paused_seconds(clock)
        late = (clock.stopped_at - clock.due_at).total_seconds() if clock.due_at else None
        rows.append(
            {
                "ticket": ticket.number,
                "kind": TicketKind.label(ticket.kind),
                "title": ticket.title,
                "priority": ticket.priority.upper(),
                "service": ticket.service.name if ticket.service_id else "",
                "team": ticket.assignment_team.name if ticket.assignment_team_id else "",
                "clock": CLOCK_NAMES[clock.kind],
                "due_at": timezone.localtime(clock.due_at, zone) if clock.due_at else None,
                "stopped_at": timezone.localtime(clock.stopped_at, zone),
                "late_minutes": late / 60.0 if late is not None else None,
                "paused_minutes": paused / 60.0,
                "pending": PendingReason.label(ticket.pending_reason)
                if ticket.state == "pending" and ticket.pending_reason
                else "",
                "resolution": ResolutionCode.label(ticket.resolution_code)
                if ticket.resolution_code
                else "",
                "reasons": _reasons(ticket, paused, pauses),
                "url": ("tickets:ticket", ticket.number),
            }
        )
    return Table(
        "breaches",
        "SLA breaches",
        "The SLA response and resolution clocks that stopped in the month after their due "
        "time, earliest due first. Late is wall-clock time from due to stop; the reasons are "
        "what the ticket went through: pauses, reassignments, escalation, reopening, and how "
        "it ended.",
        [
            Column("ticket", "Ticket", style="nowrap"),
            Column("kind", "Kind", page=False),
            Column("title", "Title"),
            Column("priority", "Priority"),
            Column("service", "Service"),
            Column("team", "Team"),
            Column("clock", "Clock"),
            Column("due_at", "Due", "datetime"),
            Column("stopped_at", "Stopped", "datetime", page=False),
            Column("late_minutes", "Late", "minutes", 0, style="duration"),
            Column("paused_minutes", "Paused", "minutes", 0, style="duration"),
            Column("pending", "Pending", page=False),
            Column("resolution", "Resolution", page=False),
            Column("reasons", "Reasons", style="wide"),
        ],
        rows,
    )


def breach_count(period, now=None):
    """The previous month's breaches, for the comparison line."""
    return breach_clocks(period, now).count()


# -- CSAT -----------------------------------------------------------------------


def _ratings(period, now):
    answered = engine.records(kpis.get("csat_average"), period, now=now)
    counts = dict(answered.order_by().values_list("rating").annotate(n=Count("pk")))
    return {rating: counts.get(rating, 0) for rating in range(1, 6)}


def csat_table(period, now, targets):
    previous = period.previous()
    months = [previous, period]
    values = _trend_values(CSAT_KPIS, months, now, targets)
    current = values[period]
    rows = []
    for key in CSAT_KPIS:
        kpi = kpis.get(key)
        rows.append(
            _measure_row(
                kpi.name,
                kpi.unit,
                _series(values, key),
                current[key][ALL],
                drill=(key,),
                months=months,
            )  # fmt: skip
        )
    answered = {m.key: values[m]["csat_average"][ALL].denominator for m in months}
    sent = {m.key: values[m]["csat_response_rate"][ALL].denominator for m in months}
    rows.append(
        _measure_row("Surveys sent", "count", sent, drill=("csat_response_rate",), months=months)
    )
    rows.append(
        _measure_row("Surveys answered", "count", answered, drill=("csat_average",), months=months)
    )
    ratings = {m.key: _ratings(m, now) for m in months}
    for rating in range(5, 0, -1):
        series = {m.key: ratings[m.key][rating] for m in months}
        rows.append(_measure_row(f"Rated {rating}", "count", series))
    return Table(
        "csat",
        "Customer satisfaction",
        "Surveys answered in the month (average and share rated 4 or 5), and of the surveys "
        "sent in the month the share answered.",
        _measure_columns(months),
        rows,
    )


BUILDERS = {
    "health": health_table,
    "sla": sla_table,
    "incidents": incidents_table,
    "requests": requests_table,
    "categories": categories_table,
    "breaches": breaches_table,
    "csat": csat_table,
}


def build_table(key, period, now=None):
    return BUILDERS[key](period, now or timezone.now(), engine.target_table())


def build_review(period, now=None):
    now = now or timezone.now()
    targets = engine.target_table()
    tables = {key: BUILDERS[key](period, now, targets) for key in TABLES}
    return Review(period, period.previous(), now, tables)
