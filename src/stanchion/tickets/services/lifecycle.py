"""Opening, assigning, working, resolving and reopening tickets."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.accounts.models import TeamMembership
from stanchion.core.errors import TransitionError
from stanchion.core.services import (
    create_record,
    lock,
    next_number,
    save_validated,
    service,
)

from .. import events
from ..choices import ClockKind, EventKind, ResolutionCode, TicketKind, TicketState
from ..models import CsatSurvey, PriorityMatrix, Ticket, TicketLink
from ..priority import priority_for
from ..workflows import TICKET_TRANSITIONS, check_transition
from . import clocks
from .timeline import record

TIER_RANK = {"l1": 1, "l2": 2, "l3": 3}
UPDATABLE = {
    "title",
    "description",
    "service",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "is_major",
    "impact_start",
    "impact_end",
    "channel",
}


def _is_staff(user):
    from stanchion.accounts.roles import is_staff_role

    return is_staff_role(user)


def move(ticket, to_state, *, actor, now, body="", public=True, **data):
    """Change state after checking the workflow, and say so on the timeline."""
    from_state = ticket.state
    check_transition(TICKET_TRANSITIONS, "ticket", from_state, to_state)
    ticket.state = to_state
    record(
        ticket,
        EventKind.STATE,
        actor=actor,
        body=body,
        public=public,
        at=now,
        **{"from": from_state, "to": to_state, **data},
    )
    events.emit(events.STATE_CHANGED, ticket, actor=actor, old=from_state, new=to_state)


def _save(ticket):
    clocks.refresh_ticket_due(ticket)
    return save_validated(ticket)


def new_ticket(*, kind, prefix, actor, requester, title, now, **fields):
    impact, urgency = str(fields.pop("impact", "3")), str(fields.pop("urgency", "3"))
    ticket = Ticket(
        kind=kind,
        number=next_number(prefix),
        requester=requester,
        title=title,
        reported_by=actor if getattr(actor, "pk", None) else None,
        impact=impact,
        urgency=urgency,
        created_at=now,
        **fields,
    )
    try:
        ticket.priority = priority_for(impact, urgency, PriorityMatrix.current())
    except ValueError as error:
        raise ValidationError({"impact": str(error)}) from error
    ticket.full_clean()
    ticket.save()
    record(
        ticket,
        EventKind.CREATED,
        actor=actor,
        public=True,
        at=now,
        body=ticket.description,
        channel=ticket.channel,
    )
    return ticket


@service
def open_incident(
    *, actor, requester, title, assignment_team=None, assignee=None, now=None, **fields
):
    now = now or timezone.now()
    ticket = new_ticket(
        kind=TicketKind.INCIDENT,
        prefix="INC",
        actor=actor,
        requester=requester,
        title=title,
        now=now,
        **fields,
    )
    clocks.start_sla_clocks(ticket, now)
    if assignment_team is not None:
        _assign(ticket, assignment_team, assignee, actor=actor, now=now)
    _save(ticket)
    events.emit(events.OPENED, ticket, actor=actor)
    return ticket


@service
def update_ticket(ticket, changes, *, actor, expected_version=None, now=None):
    """Edit the descriptive fields. A new impact or urgency recomputes the
    priority; the SLA targets stay those the ticket was opened under.
    ``now`` dates the timeline entry (callers writing history pass theirs)."""
    locked = lock(ticket, expected_version)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    if {"impact", "urgency"} & set(changes):
        locked.priority = priority_for(locked.impact, locked.urgency, PriorityMatrix.current())
    changed = {
        name: [str(before[name] or ""), str(getattr(locked, name) or "")]
        for name in changes
        if before[name] != getattr(locked, name)
    }
    if changed:
        record(locked, EventKind.FIELD, actor=actor, at=now, changes=changed)
    return _save(locked)


def _assign(ticket, team, assignee, *, actor, now):
    previous_team = ticket.assignment_team
    if (
        assignee is not None
        and not TeamMembership.objects.filter(team=team, user=assignee).exists()
    ):
        raise ValidationError({"assignee": f"{assignee} is not a member of {team}."})
    if not team.is_active:
        raise ValidationError({"assignment_team": f"{team} is no longer active."})
    if previous_team is not None and previous_team.pk != team.pk:
        ticket.reassignment_count += 1
        if TIER_RANK.get(team.tier, 0) > TIER_RANK.get(previous_team.tier, 0):
            ticket.was_escalated = True
    previous_assignee = ticket.assignee
    ticket.assignment_team, ticket.assignee = team, assignee
    if ticket.state == TicketState.NEW:
        move(ticket, TicketState.ASSIGNED, actor=actor, now=now, public=False)
    if previous_team is None or previous_team.pk != team.pk:
        clocks.start_ola_clocks(ticket, team, now)
    record(
        ticket,
        EventKind.ASSIGNMENT,
        actor=actor,
        at=now,
        from_team=str(previous_team or ""),
        to_team=str(team),
        tier=team.tier,
        from_assignee=str(previous_assignee or ""),
        to_assignee=str(assignee or ""),
    )
    events.emit(
        events.ASSIGNED,
        ticket,
        actor=actor,
        team_id=team.pk,
        assignee_id=getattr(assignee, "pk", None),
    )


@service
def assign(ticket, *, actor, team, assignee=None, expected_version=None, now=None):
    locked = lock(ticket, expected_version)
    if not locked.is_open or locked.state == TicketState.AWAITING_APPROVAL:
        raise ValidationError(
            {
                "assignment_team": f"A {TicketState.label(locked.state).lower()} ticket "
                "cannot be assigned."
            }
        )
    if locked.assignment_team_id == team.pk and locked.assignee_id == getattr(assignee, "pk", None):
        return locked
    _assign(locked, team, assignee, actor=actor, now=now or timezone.now())
    return _save(locked)


@service
def change_state(
    ticket, to_state, *, actor, pending_reason="", body="", expected_version=None, now=None
):
    """Work states: in progress, pending (with a reason), back."""
    if to_state not in (TicketState.IN_PROGRESS, TicketState.PENDING, TicketState.ASSIGNED):
        raise ValidationError({"state": f"Use the {to_state} action for that."})
    locked = lock(ticket, expected_version)
    now = now or timezone.now()
    if to_state == TicketState.PENDING and not pending_reason:
        raise ValidationError({"pending_reason": "Say what the ticket is waiting for."})
    if to_state == TicketState.ASSIGNED and locked.assignment_team_id is None:
        raise ValidationError({"state": "Assign the ticket to a team first."})
    if locked.state == TicketState.RESOLVED:
        # The workflow lets a resolved ticket go back to in progress only by
        # reopen (reason, window, reopen count, clocks restarted).
        raise TransitionError("ticket", locked.state, to_state)
    was_pending = locked.state == TicketState.PENDING
    move(locked, to_state, actor=actor, now=now, body=body, reason=pending_reason)
    locked.pending_reason = pending_reason if to_state == TicketState.PENDING else ""
    if was_pending:
        clocks.resume_clocks(locked, now)
    if to_state == TicketState.PENDING:
        clocks.pause_clocks(locked, now)
    return _save(locked)


@service
def add_comment(ticket, *, actor, body, public=True, now=None):
    """A reply (public) or an internal note. The first public reply from IT
    is the first response; a requester answering a pending question puts
    the ticket back in progress."""
    if not body or not body.strip():
        raise ValidationError({"body": "Write something."})
    locked = lock(ticket)
    now = now or timezone.now()
    staff = _is_staff(actor)
    if not public and not staff:
        raise ValidationError({"public": "Only IT staff can write internal notes."})
    kind = EventKind.COMMENT if public else EventKind.NOTE
    event = record(locked, kind, actor=actor, body=body.strip(), public=public, at=now)
    if public and staff and locked.first_response_at is None:
        locked.first_response_at = now
        clocks.stop_clocks(locked, now, kinds=(ClockKind.RESPONSE, ClockKind.OLA_RESPONSE))
    elif public and staff:
        # A team that receives a ticket after the first response owes the
        # requester its own first reply: that stops the team's OLA clock.
        clocks.stop_clocks(locked, now, kinds=(ClockKind.OLA_RESPONSE,))
    if (
        public
        and not staff
        and locked.state == TicketState.PENDING
        and (locked.pending_reason == "pending_customer")
    ):
        move(
            locked,
            TicketState.IN_PROGRESS,
            actor=actor,
            now=now,
            body="The requester answered.",
            reason="",
        )
        locked.pending_reason = ""
        clocks.resume_clocks(locked, now)
    _save(locked)
    events.emit(events.COMMENTED, locked, actor=actor, event_id=event.pk, public=public)
    return event


@service
def resolve(ticket, *, actor, code, notes, expected_version=None, now=None):
    locked = lock(ticket, expected_version)
    now = now or timezone.now()
    if code not in ResolutionCode or code == ResolutionCode.REJECTED:
        raise ValidationError({"resolution_code": "Choose how the ticket was resolved."})
    if not notes or not notes.strip():
        raise ValidationError({"resolution_notes": "Say what was done."})
    if locked.tasks.exclude(state__in=("done", "cancelled")).exists():
        raise ValidationError({"state": "Finish or cancel the open fulfilment tasks first."})
    move(locked, TicketState.RESOLVED, actor=actor, now=now, body=notes.strip(), code=code)
    locked.resolution_code, locked.resolution_notes = code, notes.strip()
    locked.pending_reason = ""
    locked.resolved_at = now
    if locked.first_response_at is None:
        locked.first_response_at = now
    team = locked.assignment_team
    locked.resolved_by_team = team
    locked.resolved_by_tier = team.tier if team else ""
    if locked.impact_start and not locked.impact_end and locked.kind == TicketKind.INCIDENT:
        locked.impact_end = now
    clocks.stop_clocks(locked, now, kinds=clocks.RESPONSE_KINDS + clocks.RESOLUTION_KINDS)
    survey = create_record(CsatSurvey, {"ticket": locked, "sent_at": now})
    _save(locked)
    events.emit(events.RESOLVED, locked, actor=actor, survey_id=survey.pk)
    return locked


@service
def reopen(ticket, *, actor, reason, now=None):
    locked = lock(ticket)
    now = now or timezone.now()
    if locked.state != TicketState.RESOLVED:
        # Only a resolved ticket reopens: a pending one going back to work
        # is not a reopening and must not count as one.
        raise TransitionError("ticket", locked.state, "reopened")
    window = timedelta(days=settings.TICKET_REOPEN_DAYS)
    if locked.resolved_at and now - locked.resolved_at > window:
        raise ValidationError(
            {
                "state": f"Tickets can be reopened within "
                f"{settings.TICKET_REOPEN_DAYS} days of resolution; "
                "open a new one instead."
            }
        )
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the ticket is reopened."})
    resolved_at = locked.resolved_at
    move(locked, TicketState.IN_PROGRESS, actor=actor, now=now, body=reason.strip())
    locked.reopen_count += 1
    locked.resolved_at = None
    locked.resolution_code, locked.resolution_notes = "", ""
    locked.resolved_by_team, locked.resolved_by_tier = None, ""
    clocks.restart_resolution(locked, resolved_at, now)
    _save(locked)
    events.emit(events.REOPENED, locked, actor=actor)
    return locked


@service
def close(ticket, *, actor, now=None):
    locked = lock(ticket)
    now = now or timezone.now()
    move(locked, TicketState.CLOSED, actor=actor, now=now)
    locked.closed_at = now
    return _save(locked)


@service
def cancel(ticket, *, actor, reason, now=None):
    locked = lock(ticket)
    now = now or timezone.now()
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the ticket is cancelled."})
    move(locked, TicketState.CANCELLED, actor=actor, now=now, body=reason.strip())
    locked.closed_at = now
    clocks.stop_clocks(locked, now, kinds=None, cancelled=True)
    for task in locked.tasks.exclude(state__in=("done", "cancelled")):
        task.state = "cancelled"
        save_validated(task)
    for approval in locked.approvals.filter(state="pending"):
        approval.state = "cancelled"
        save_validated(approval)
    return _save(locked)


@service
def link_tickets(ticket, other, *, actor, kind="related", now=None):
    if ticket.pk == other.pk:
        raise ValidationError({"other": "A ticket cannot be linked to itself."})
    if TicketLink.objects.filter(ticket=ticket, other=other).exists():
        raise ValidationError({"other": f"{ticket.number} is already linked to {other.number}."})
    link = create_record(TicketLink, {"ticket": ticket, "other": other, "kind": kind})
    record(ticket, EventKind.LINK, actor=actor, at=now, other=other.number, link=kind)
    return link
