"""The review's lists that no KPI holds, counted in the database: the top
categories of the month and its SLA breaches with their reasons."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from . import engine
from .registry import kpis
from .review import SLA_KPIS, Column, Drill, Table, report_zone

TOP_CATEGORIES = 10


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
                "links": {
                    "incidents": Drill("incident_volume", period, "category", row["category"]),
                    "escalated": Drill("escalated_volume", period, "category", row["category"]),
                },
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


def breaches_table(period, now, targets, limit=None):
    from stanchion.tickets.choices import PendingReason, ResolutionCode, TicketKind

    rows = []
    zone = report_zone()
    clocks = breach_clocks(period, now)
    total = clocks.count() if limit is not None else None
    clocks = clocks[:limit] if limit is not None else clocks.iterator(chunk_size=2000)
    for clock in clocks:
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
        total=total,
    )


def breach_count(period, now=None):
    """The previous month's breaches, for the comparison line."""
    return breach_clocks(period, now).count()
