"""The service desk's KPIs, registered with the KPI engine (stanchion.metrics).

Each formula is written for the reader: it is shown on the KPI's page and in
docs/kpis.md. Times are wall-clock unless a KPI says "business"; SLA and OLA
attainment read the clocks, which already count only business time and leave
out pauses. Default targets come from the IT Operations Manager's and the
Systems Engineering Manager's KPI tables.
"""

from datetime import UTC, timedelta

from django.db.models import F, Q

from stanchion.metrics.registry import HIGHER, LOWER, Count, Kpi, Mean, Share, Source, kpis
from stanchion.metrics.sql import SecondsBetween

from .choices import ClockState

GROUP = "Service desk"
ALL_SEGMENTS = ("service", "service_tier", "team", "priority", "location", "category")


def _between(field):
    def in_period(period, as_of):
        return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})

    return in_period


def _ticket_segments(prefix=""):
    return {
        "service": f"{prefix}service",
        "service_tier": f"{prefix}service__tier",
        "team": f"{prefix}assignment_team",
        "priority": f"{prefix}priority",
        "location": f"{prefix}requester__location",
        "category": f"{prefix}category",
    }


def _open_at(period, as_of):
    """Tickets open at the period's end (or now): opened before it and not
    resolved, closed or cancelled by then.

    Written as the ids of the tickets opened before that moment and resolved
    after it or not at all (two ranges of the (resolved_at, created_at)
    index, a few thousand ids), not as ``created_at < end AND (resolved_at
    IS NULL OR resolved_at >= end)``, for which SQLite walks every ticket
    opened before the end (or every ticket, to group by service)."""
    from .models import Ticket

    before = Ticket.objects.order_by().filter(created_at__lt=as_of)
    unresolved = (
        before.filter(resolved_at__isnull=True)
        .values("pk")
        .union(before.filter(resolved_at__gte=as_of).values("pk"), all=True)
    )
    return Q(pk__in=unresolved) & (Q(closed_at__isnull=True) | Q(closed_at__gte=as_of))


_TICKET = ("service", "assignment_team", "requester", "category")
OPENED = Source(
    "tickets_opened", "tickets.Ticket", "Tickets opened in the period",
    _between("created_at"), _ticket_segments(), _TICKET, rollup_field="created_at",
)  # fmt: skip
RESPONDED = Source(
    "tickets_responded", "tickets.Ticket", "Tickets first answered in the period",
    _between("first_response_at"), _ticket_segments(), _TICKET,
    rollup_field="first_response_at",
)  # fmt: skip
RESOLVED = Source(
    "tickets_resolved", "tickets.Ticket", "Tickets resolved in the period",
    _between("resolved_at"), _ticket_segments(), _TICKET, rollup_field="resolved_at",
)  # fmt: skip
BACKLOG = Source(
    "tickets_open", "tickets.Ticket", "Tickets open at the end of the period",
    _open_at, _ticket_segments(), _TICKET,
)  # fmt: skip


def _clock_segments(team="ticket__assignment_team"):
    """A clock's segments: the service and priority from the copies of its
    ticket's fields it carries (SlaClock.TICKET_COPIES, kept true by the
    ticket services), the rest through its ticket."""
    return {
        **_ticket_segments("ticket__"),
        "service": "service",
        "service_tier": "service__tier",
        "priority": "priority",
        "team": team,
    }


_CLOCK = ("ticket", "ticket__service", "team", "calendar")
SLA_CLOCKS = Source(
    "sla_clocks", "tickets.SlaClock", "SLA clocks stopped in the period (met or missed)",
    lambda period, as_of: _between("stopped_at")(period, as_of)
    & Q(kind__in=("response", "resolution"), state__in=(ClockState.MET, ClockState.MISSED)),
    _clock_segments(), _CLOCK, rollup_field="stopped_at",
)  # fmt: skip
OLA_CLOCKS = Source(
    "ola_clocks", "tickets.SlaClock", "OLA clocks stopped in the period (met or missed)",
    lambda period, as_of: _between("stopped_at")(period, as_of)
    & Q(kind__in=("ola_response", "ola_resolution"), state__in=(ClockState.MET, ClockState.MISSED)),
    _clock_segments(team="team"), _CLOCK, rollup_field="stopped_at",
)  # fmt: skip
SURVEYS_SENT = Source(
    "surveys_sent", "tickets.CsatSurvey", "Satisfaction surveys sent in the period",
    _between("sent_at"), _ticket_segments("ticket__"), ("ticket",), rollup_field="sent_at",
)  # fmt: skip
SURVEYS_ANSWERED = Source(
    "surveys_answered", "tickets.CsatSurvey", "Satisfaction surveys answered in the period",
    lambda period, as_of: _between("answered_at")(period, as_of) & Q(rating__isnull=False),
    _ticket_segments("ticket__"), ("ticket",), rollup_field="answered_at",
)  # fmt: skip

INCIDENT = Q(kind="incident")
REQUEST = Q(kind="request")
MET = Q(state=ClockState.MET)
# Duplicates are closed, not restored: they would make MTTR look better.
RESTORED = INCIDENT & ~Q(resolution_code="duplicate")
MINUTES, HOURS = 60.0, 3600.0


def _backlog(days, target, warning, order):
    def older(period, as_of):
        # Elapsed days, in UTC: seven days before a Berlin midnight across a
        # DST change would otherwise be an hour more or less.
        return Q(created_at__lt=as_of.astimezone(UTC) - timedelta(days=days))

    return Kpi(
        key=f"backlog_over_{days}d",
        name=f"Backlog older than {days} days",
        group=GROUP,
        formula=(
            f"Of the incidents and requests open at the end of the period (or now, for the "
            f"current period), the share opened more than {days} days before that moment."
        ),
        notes=(
            "Planned work is left out: tickets waiting on a scheduled change (pending, reason "
            "'pending change'). A reopened ticket counts as open from its creation."
        ),
        unit="percent",
        direction=LOWER,
        source=BACKLOG,
        measure=Share(older),
        population=~Q(state="pending", pending_reason="pending_change"),
        target=target,
        warning=warning,
        segments=ALL_SEGMENTS,
        order=order,
    )


def _attainment(key, name, kind, ticket_kind, order):
    noun = "incidents" if ticket_kind == "incident" else "requests"
    what = "first response" if kind == "response" else "resolution"
    return Kpi(
        key=key,
        name=name,
        group=GROUP,
        formula=(
            f"Of the SLA {what} clocks on {noun} that stopped in the period, the share that "
            f"stopped before their due time."
        ),
        notes=(
            "Clocks count business time on the policy's calendar and leave out the pauses the "
            "policy names (pending customer, pending vendor). A clock cancelled with its ticket "
            "does not count. A reopened ticket's resolution clock counts when it stops again."
        ),
        unit="percent",
        direction=HIGHER,
        source=SLA_CLOCKS,
        measure=Share(MET),
        population=Q(kind=kind, ticket_kind=ticket_kind),
        target=95.0,
        warning=90.0,
        segments=ALL_SEGMENTS,
        order=order,
    )


DESK_KPIS = [
    Kpi(
        key="incident_volume",
        name="Incident volume",
        group=GROUP,
        formula="The number of incidents opened in the period.",
        notes="Split it by priority or service to see where the load comes from.",
        unit="count",
        direction=LOWER,
        source=OPENED,
        measure=Count(),
        population=INCIDENT,
        segments=ALL_SEGMENTS,
        order=10,
    ),
    Kpi(
        key="request_volume",
        name="Request volume",
        group=GROUP,
        formula="The number of service requests opened in the period.",
        notes="Split it by service or category to see what employees ask for most.",
        unit="count",
        direction=HIGHER,
        source=OPENED,
        measure=Count(),
        population=REQUEST,
        segments=ALL_SEGMENTS,
        order=11,
    ),
    Kpi(
        key="mtta",
        name="Mean time to acknowledge (MTTA)",
        group=GROUP,
        formula=(
            "For incidents first answered by IT in the period: the average wall-clock time "
            "from opening to the first public reply or resolution by IT staff, in minutes."
        ),
        notes="Pauses count: the requester is waiting for the acknowledgement either way.",
        unit="minutes",
        direction=LOWER,
        source=RESPONDED,
        measure=Mean(SecondsBetween("first_response_at", "created_at"), MINUTES),
        population=INCIDENT,
        target=240.0,
        warning=480.0,
        priority_targets={
            "p1": (10.0, 15.0),
            "p2": (30.0, 45.0),
            "p3": (240.0, 480.0),
            "p4": (480.0, 960.0),
        },  # fmt: skip
        segments=ALL_SEGMENTS,
        order=20,
    ),
    Kpi(
        key="mttr",
        name="Mean time to restore (MTTR)",
        group=GROUP,
        formula=(
            "For incidents resolved in the period: the average wall-clock time from opening to "
            "resolution, in minutes."
        ),
        notes=(
            "'Restored' means resolved: service is back for the requester, even by a "
            "workaround. Incidents resolved as duplicates are left out. A reopened incident "
            "counts once, at its last resolution, from its original opening."
        ),
        unit="minutes",
        direction=LOWER,
        source=RESOLVED,
        measure=Mean(SecondsBetween("resolved_at", "created_at"), MINUTES),
        population=RESTORED,
        target=1440.0,
        warning=2880.0,
        priority_targets={
            "p1": (120.0, 240.0),
            "p2": (480.0, 960.0),
            "p3": (2880.0, 5760.0),
            "p4": (7200.0, 14400.0),
        },  # fmt: skip
        segments=ALL_SEGMENTS,
        order=30,
    ),
    _attainment(
        "sla_response_incidents", "SLA attainment: incident response", "response", "incident", 40
    ),  # fmt: skip
    _attainment(
        "sla_resolution_incidents",
        "SLA attainment: incident resolution",
        "resolution",
        "incident",
        41,
    ),  # fmt: skip
    _attainment(
        "sla_response_requests", "SLA attainment: request response", "response", "request", 42
    ),  # fmt: skip
    _attainment(
        "sla_resolution_requests", "SLA attainment: request resolution", "resolution", "request", 43
    ),  # fmt: skip
    Kpi(
        key="ola_attainment",
        name="OLA attainment",
        group=GROUP,
        formula=(
            "Of the OLA clocks (first response and resolution while a team held the ticket) "
            "that stopped in the period, the share that stopped before their due time."
        ),
        notes="Split by team to see each team's own OLA; a team's clock stops when it hands over.",
        unit="percent",
        direction=HIGHER,
        source=OLA_CLOCKS,
        measure=Share(MET),
        target=90.0,
        warning=80.0,
        segments=ALL_SEGMENTS,
        order=50,
    ),
    Kpi(
        key="l2l3_first_response",
        name="L2/L3 first response within OLA",
        group=GROUP,
        formula=(
            "Of the first-response OLA clocks of L2 and L3 teams that stopped in the period, the "
            "share answered within the team's OLA target (by default 4 business hours)."
        ),
        notes="Business time on the OLA policy's calendar, pauses left out.",
        unit="percent",
        direction=HIGHER,
        source=OLA_CLOCKS,
        measure=Share(MET),
        population=Q(kind="ola_response", team__tier__in=("l2", "l3")),
        target=90.0,
        warning=80.0,
        segments=ALL_SEGMENTS,
        order=51,
    ),
    Kpi(
        key="fcr",
        name="First-contact resolution (FCR)",
        group=GROUP,
        formula=(
            "Of the incidents and requests resolved in the period, the share resolved by an L1 "
            "team without ever being reassigned or escalated."
        ),
        notes="Tickets opened straight to an L2/L3 team (from monitoring, say) are not FCR.",
        unit="percent",
        direction=HIGHER,
        source=RESOLVED,
        measure=Share(Q(reassignment_count=0, was_escalated=False, resolved_by_tier="l1")),
        target=60.0,
        warning=50.0,
        segments=ALL_SEGMENTS,
        order=60,
    ),
    Kpi(
        key="reassignment_rate",
        name="Reassignment (ping-pong) rate",
        group=GROUP,
        formula=(
            "Of the incidents and requests resolved in the period, the share that moved between "
            "teams more than once after their first assignment."
        ),
        notes="One handover (e.g. L1 to L2) is normal; a second is a ticket bouncing.",
        unit="percent",
        direction=LOWER,
        source=RESOLVED,
        measure=Share(Q(reassignment_count__gte=2)),
        target=5.0,
        warning=10.0,
        segments=ALL_SEGMENTS,
        order=61,
    ),
    Kpi(
        key="reopen_rate",
        name="Reopen rate",
        group=GROUP,
        formula=(
            "Of the incidents and requests resolved in the period, the share that had been "
            "reopened at least once after a resolution."
        ),
        notes="A ticket reopened and resolved again counts once: when it was last resolved.",
        unit="percent",
        direction=LOWER,
        source=RESOLVED,
        measure=Share(Q(reopen_count__gt=0)),
        target=5.0,
        warning=8.0,
        segments=ALL_SEGMENTS,
        order=62,
    ),
    _backlog(7, 25.0, 35.0, 70),
    _backlog(14, 10.0, 15.0, 71),
    _backlog(30, 5.0, 8.0, 72),
    Kpi(
        key="fulfilment_time",
        name="Request fulfilment time",
        group=GROUP,
        formula=(
            "For service requests fulfilled in the period: the average wall-clock time from the "
            "request to its fulfilment, in hours."
        ),
        notes="Only requests resolved as fulfilled; rejected and cancelled requests are left out.",
        unit="hours",
        direction=LOWER,
        source=RESOLVED,
        measure=Mean(SecondsBetween("resolved_at", "created_at"), HOURS),
        population=REQUEST & Q(resolution_code="fulfilled"),
        target=48.0,
        warning=72.0,
        segments=ALL_SEGMENTS,
        order=80,
    ),
    Kpi(
        key="fulfilment_on_promise",
        name="Requests delivered within the catalog promise",
        group=GROUP,
        formula=(
            "Of the catalog requests whose resolution clock stopped in the period, the share "
            "delivered within the item's promised delivery time (business time)."
        ),
        notes="Approval time does not count: the promise starts when fulfilment starts.",
        unit="percent",
        direction=HIGHER,
        source=SLA_CLOCKS,
        measure=Share(MET),
        population=Q(kind="resolution", ticket_kind="request", catalog_item__isnull=False),
        target=90.0,
        warning=80.0,
        segments=ALL_SEGMENTS,
        order=81,
    ),
    Kpi(
        key="csat_average",
        name="CSAT average",
        group=GROUP,
        formula="The average rating (1-5) of the satisfaction surveys answered in the period.",
        unit="score",
        direction=HIGHER,
        source=SURVEYS_ANSWERED,
        measure=Mean(F("rating")),
        target=4.5,
        warning=4.2,
        segments=ALL_SEGMENTS,
        order=90,
    ),
    Kpi(
        key="csat_positive",
        name="CSAT positive share",
        group=GROUP,
        formula="Of the satisfaction surveys answered in the period, the share rated 4 or 5.",
        unit="percent",
        direction=HIGHER,
        source=SURVEYS_ANSWERED,
        measure=Share(Q(rating__gte=4)),
        target=90.0,
        warning=80.0,
        segments=ALL_SEGMENTS,
        order=91,
    ),
    Kpi(
        key="csat_response_rate",
        name="CSAT response rate",
        group=GROUP,
        formula="Of the satisfaction surveys sent in the period, the share answered (at any time).",
        unit="percent",
        direction=HIGHER,
        source=SURVEYS_SENT,
        measure=Share(Q(answered_at__isnull=False)),
        target=20.0,
        warning=10.0,
        segments=ALL_SEGMENTS,
        order=92,
    ),
    Kpi(
        key="escalated_volume",
        name="Escalated tickets (L2/L3)",
        group=GROUP,
        formula=(
            "The number of incidents and requests opened in the period that were escalated to "
            "an L2 or L3 team."
        ),
        notes="Split by category to find what to shift left to the service desk.",
        unit="count",
        direction=LOWER,
        source=OPENED,
        measure=Count(),
        population=Q(was_escalated=True),
        segments=ALL_SEGMENTS,
        order=100,
    ),
]


def register():
    from .kpi_availability import AVAILABILITY_KPIS

    kpis.register(*DESK_KPIS, *AVAILABILITY_KPIS)
