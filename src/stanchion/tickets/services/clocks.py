"""SLA and OLA clocks on tickets.

A ticket opens with the SLA targets of its service and priority frozen onto
it (catalog.sla). Each team that holds the ticket gets its own OLA pair.
Pending states named by the policy pause every running clock; the cached
``due_at`` is recomputed from the SLA engine whenever a pause starts or ends.
"""

from datetime import datetime, timedelta

from stanchion.catalog import slaclock
from stanchion.catalog.calendars import engine_calendar
from stanchion.catalog.models import BusinessCalendar
from stanchion.catalog.sla import FrozenTargets, freeze_ola, freeze_sla
from stanchion.core.services import create_record, save_validated

from ..choices import ClockKind, ClockState
from ..models import SlaClock

WARNING_SHARE = 0.75
SLA_KINDS = (ClockKind.RESPONSE, ClockKind.RESOLUTION)
RESPONSE_KINDS = (ClockKind.RESPONSE, ClockKind.OLA_RESPONSE)
RESOLUTION_KINDS = (ClockKind.RESOLUTION, ClockKind.OLA_RESOLUTION)


def _pauses(clock):
    return [
        (datetime.fromisoformat(start), datetime.fromisoformat(end) if end else None)
        for start, end in clock.pauses
    ]


def _compute(clock):
    """Refresh ``due_at`` and ``warn_at`` from the engine (None while paused)."""
    calendar = engine_calendar(clock.calendar)
    target = timedelta(seconds=clock.target_seconds)
    pauses = _pauses(clock)
    clock.due_at = slaclock.due(calendar, clock.started_at, target, pauses)
    clock.warn_at = slaclock.due(calendar, clock.started_at, target * WARNING_SHARE, pauses)


def recompute(clock):
    """Refresh a clock's cached due and warning times after its target changed."""
    _compute(clock)


def _start(ticket, kind, targets, seconds, now, team=None):
    clock = SlaClock(
        ticket=ticket,
        kind=kind,
        team=team,
        policy_name=targets.policy_name,
        target_seconds=max(1, seconds),
        calendar=BusinessCalendar.objects.get(pk=targets.calendar_id),
        started_at=now,
    )
    if ticket.state == "pending" and ticket.pending_reason in _pause_states(ticket):
        clock.pauses = [[now.isoformat(), None]]
        clock.state = ClockState.PAUSED
    _compute(clock)
    return create_record(SlaClock, _fields(clock))


def _fields(clock):
    return {
        f.name: getattr(clock, f.name)
        for f in SlaClock._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at", "version")
    }


def _pause_states(ticket):
    return tuple((ticket.sla_targets or {}).get("pause_states", ()))


def start_sla_clocks(ticket, now, *, resolution_seconds=None):
    """Freeze the SLA targets onto the ticket and start its two SLA clocks.
    ``resolution_seconds`` overrides the resolution target (a catalog item's
    promised delivery time)."""
    targets = freeze_sla(ticket.service, ticket.priority) if ticket.service_id else None
    if targets is None:
        return None
    ticket.sla_targets = targets.as_dict()
    _start(ticket, ClockKind.RESPONSE, targets, targets.response_seconds, now)
    _start(
        ticket, ClockKind.RESOLUTION, targets, resolution_seconds or targets.resolution_seconds, now
    )
    return targets


def start_ola_clocks(ticket, team, now):
    """The team now holding the ticket starts its own OLA clocks; the team
    that held it before stops its clocks where they are."""
    for clock in running(ticket, kinds=(ClockKind.OLA_RESPONSE, ClockKind.OLA_RESOLUTION)):
        if clock.team_id != team.pk:
            stop(clock, now)
    targets = freeze_ola(team, ticket.priority)
    if targets is None:
        return
    if not running(ticket, kinds=(ClockKind.OLA_RESOLUTION,)).filter(team=team).exists():
        _start(ticket, ClockKind.OLA_RESPONSE, targets, targets.response_seconds, now, team)
        _start(ticket, ClockKind.OLA_RESOLUTION, targets, targets.resolution_seconds, now, team)


def running(ticket, *, kinds=None):
    clocks = SlaClock.objects.filter(
        ticket=ticket, state__in=(ClockState.RUNNING, ClockState.PAUSED)
    ).select_related("calendar")
    return clocks.filter(kind__in=kinds) if kinds else clocks


def stop(clock, now, *, cancelled=False):
    if clock.state == ClockState.PAUSED:
        _close_pause(clock, now)
    clock.stopped_at = now
    if cancelled:
        clock.state = ClockState.CANCELLED
    else:
        missed = clock.due_at is not None and now > clock.due_at
        clock.state = ClockState.MISSED if missed or clock.breached_at else ClockState.MET
    save_validated(clock)


def stop_clocks(ticket, now, *, kinds, cancelled=False):
    for clock in running(ticket, kinds=kinds):
        stop(clock, now, cancelled=cancelled)


def _close_pause(clock, now):
    if clock.pauses and clock.pauses[-1][1] is None:
        clock.pauses = [*clock.pauses[:-1], [clock.pauses[-1][0], now.isoformat()]]
    _compute(clock)


def pause_clocks(ticket, now):
    """Pause every running clock if the ticket's pending reason is one its
    SLA policy pauses for."""
    if ticket.pending_reason not in _pause_states(ticket):
        return
    for clock in running(ticket).filter(state=ClockState.RUNNING):
        clock.pauses = [*clock.pauses, [now.isoformat(), None]]
        clock.state = ClockState.PAUSED
        _compute(clock)
        save_validated(clock)


def resume_clocks(ticket, now):
    for clock in running(ticket).filter(state=ClockState.PAUSED):
        _close_pause(clock, now)
        clock.state = ClockState.RUNNING
        save_validated(clock)


def restart_resolution(ticket, resolved_at, now):
    """On reopen: the resolution clocks run on, with the time the ticket
    spent resolved counted as a pause."""
    latest = {}
    for clock in SlaClock.objects.filter(ticket=ticket, kind__in=RESOLUTION_KINDS).order_by("id"):
        latest[(clock.kind, clock.team_id)] = clock
    for clock in latest.values():
        if clock.state not in (ClockState.MET, ClockState.MISSED):
            continue
        if clock.kind == ClockKind.OLA_RESOLUTION and clock.team_id != ticket.assignment_team_id:
            continue
        clock.pauses = [
            *clock.pauses,
            [(clock.stopped_at or resolved_at).isoformat(), now.isoformat()],
        ]
        clock.state, clock.stopped_at = ClockState.RUNNING, None
        _compute(clock)
        save_validated(clock)


def refresh_ticket_due(ticket):
    """The earliest due time among running SLA clocks: what queues sort by."""
    dues = [c.due_at for c in running(ticket, kinds=SLA_KINDS) if c.due_at is not None]
    ticket.sla_due_at = min(dues) if dues else None


def clock_status(clock, at):
    """The engine's view of one clock at ``at`` (elapsed, remaining, %)."""
    end = clock.stopped_at if clock.stopped_at and clock.stopped_at < at else at
    return slaclock.status(
        engine_calendar(clock.calendar),
        clock.started_at,
        timedelta(seconds=clock.target_seconds),
        end,
        _pauses(clock),
    )


def explain_clock(clock):
    """ "Why is this due then?": the engine's explanation for the clock."""
    return slaclock.explain(
        engine_calendar(clock.calendar),
        clock.started_at,
        timedelta(seconds=clock.target_seconds),
        _pauses(clock),
    )


__all__ = ["FrozenTargets", "clock_status", "explain_clock", "start_sla_clocks"]
