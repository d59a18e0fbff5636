"""Service requests: opened from a catalog item, approved, fulfilled by
tasks in stages, resolved when the last task is done."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stanchion.accounts.models import TeamMembership
from stanchion.catalog.choices import ApprovalMode
from stanchion.catalog.formdefs import AnswerError, parse_form_definition, validate_answers
from stanchion.core.services import create_record, lock, next_number, save_validated, service

from .. import events
from ..choices import ApprovalState, EventKind, ResolutionCode, TaskState, TicketKind, TicketState
from ..models import Approval, Task
from ..workflows import TASK_TRANSITIONS, check_transition
from . import clocks
from .lifecycle import _save, move, new_ticket, resolve
from .timeline import record


def clean_answers(item, answers):
    """The item's form applied to ``answers``; errors are named
    ``answers.<field>`` so forms and the API can point at the field."""
    try:
        return validate_answers(parse_form_definition(item.form_definition), answers)
    except AnswerError as error:
        raise ValidationError(
            {f"answers.{name}": message for name, message in error.errors.items()}
        ) from error


def _approvals_for(ticket, item):
    if item.approval == ApprovalMode.MANAGER:
        manager = ticket.requester.manager
        login = getattr(manager, "user", None) if manager else None
        if login is not None and login.is_active:
            return [{"approver": login}]
        # No manager who can sign in: the owner team of the service decides.
        return [{"approver_team": item.service.owner_team}]
    if item.approval == ApprovalMode.TEAM:
        return [{"approver_team": item.approval_team}]
    return []


@service
def open_request(*, actor, requester, item, answers, title="", now=None, **fields):
    if not item.is_active:
        raise ValidationError({"catalog_item": f"{item} can no longer be requested."})
    cleaned = clean_answers(item, answers or {})
    now = now or timezone.now()
    ticket = new_ticket(
        kind=TicketKind.REQUEST,
        prefix="REQ",
        actor=actor,
        requester=requester,
        title=title or item.name,
        now=now,
        catalog_item=item,
        service=item.service,
        answers=cleaned,
        **fields,
    )
    approvals = _approvals_for(ticket, item)
    if approvals:
        move(ticket, TicketState.AWAITING_APPROVAL, actor=actor, now=now)
        for approver in approvals:
            approval = create_record(Approval, {"ticket": ticket, **approver})
            record(
                ticket,
                EventKind.APPROVAL,
                actor=actor,
                public=True,
                at=now,
                approver=str(approval.approver or approval.approver_team),
                state="pending",
            )
            events.emit(events.APPROVAL_REQUESTED, ticket, actor=actor, approval_id=approval.pk)
    else:
        _start_fulfilment(ticket, actor=actor, now=now)
    _save(ticket)
    events.emit(events.OPENED, ticket, actor=actor)
    return ticket


def _start_fulfilment(ticket, *, actor, now):
    """Approved (or needing no approval): clocks start, the service's
    support team holds the request and the first stage of tasks opens."""
    item = ticket.catalog_item
    clocks.start_sla_clocks(
        ticket, now, resolution_seconds=int(item.delivery_target.total_seconds())
    )
    templates = list(item.task_templates.select_related("team"))
    for template in templates:
        create_record(
            Task,
            {
                "number": next_number("TASK"),
                "ticket": ticket,
                "stage": template.stage,
                "title": template.title,
                "description": template.description,
                "team": template.team,
            },
        )
    team = item.service.support_team
    ticket.assignment_team = team
    move(
        ticket,
        TicketState.IN_PROGRESS if templates else TicketState.ASSIGNED,
        actor=actor,
        now=now,
        public=True,
    )
    clocks.start_ola_clocks(ticket, team, now)
    if templates:
        _open_next_stage(ticket, actor=actor, now=now)


def _open_next_stage(ticket, *, actor, now):
    waiting = ticket.tasks.filter(state=TaskState.WAITING)
    first = waiting.order_by("stage").values_list("stage", flat=True).first()
    if first is None:
        return False
    for task in waiting.filter(stage=first):
        task.state, task.opened_at = TaskState.OPEN, now
        save_validated(task)
        record(
            ticket,
            EventKind.TASK,
            actor=actor,
            at=now,
            task=task.number,
            title=task.title,
            team=str(task.team),
            state="open",
        )
        events.emit(events.TASK_OPENED, ticket, actor=actor, task_id=task.pk)
    return True


def _may_decide(user, approval):
    if approval.approver_id:
        return approval.approver_id == user.pk
    return TeamMembership.objects.filter(team=approval.approver_team, user=user).exists()


def _decide(approval, *, actor, approve, comment, now):
    locked = lock(approval)
    if locked.state != ApprovalState.PENDING:
        raise ValidationError(
            {"state": f"This approval was already {ApprovalState.label(locked.state).lower()}."}
        )
    if not _may_decide(actor, locked):
        raise PermissionDenied("You are not an approver of this request.")
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": "Say why the request is rejected."})
    locked.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    locked.comment, locked.decided_by, locked.decided_at = (comment or "").strip(), actor, now
    save_validated(locked)
    ticket = lock(locked.ticket)
    record(
        ticket,
        EventKind.APPROVAL,
        actor=actor,
        public=True,
        at=now,
        body=locked.comment,
        state=locked.state,
    )
    events.emit(events.APPROVAL_DECIDED, ticket, actor=actor, approval_id=locked.pk)
    return locked, ticket


@service
def approve(approval, *, actor, comment="", now=None):
    now = now or timezone.now()
    approval, ticket = _decide(approval, actor=actor, approve=True, comment=comment, now=now)
    if not ticket.approvals.exclude(state=ApprovalState.APPROVED).exists():
        _start_fulfilment(ticket, actor=actor, now=now)
        _save(ticket)
    return approval


@service
def reject(approval, *, actor, comment, now=None):
    """A rejection closes the request with the approver's reason."""
    now = now or timezone.now()
    approval, ticket = _decide(approval, actor=actor, approve=False, comment=comment, now=now)
    for other in ticket.approvals.filter(state=ApprovalState.PENDING):
        other.state = ApprovalState.CANCELLED
        save_validated(other)
    move(ticket, TicketState.CLOSED, actor=actor, now=now, body=approval.comment)
    ticket.resolution_code = ResolutionCode.REJECTED
    ticket.resolution_notes = approval.comment
    ticket.closed_at = now
    _save(ticket)
    return approval


def _task_move(task, to_state, *, actor, now):
    check_transition(TASK_TRANSITIONS, "task", task.state, to_state)
    task.state = to_state


@service
def start_task(task, *, actor, now=None):
    locked = lock(task)
    _task_move(locked, TaskState.IN_PROGRESS, actor=actor, now=now)
    if locked.assignee_id is None and getattr(actor, "pk", None):
        locked.assignee = actor
    return save_validated(locked)


@service
def complete_task(task, *, actor, notes="", now=None):
    now = now or timezone.now()
    locked = lock(task)
    _task_move(locked, TaskState.DONE, actor=actor, now=now)
    locked.done_at = now
    save_validated(locked)
    ticket = lock(locked.ticket)
    record(
        ticket,
        EventKind.TASK,
        actor=actor,
        at=now,
        body=notes,
        task=locked.number,
        title=locked.title,
        state="done",
    )
    remaining = ticket.tasks.exclude(state__in=(TaskState.DONE, TaskState.CANCELLED))
    stage_done = not remaining.exclude(state=TaskState.WAITING).exists()
    # The stage is done: open the next one, or, when there is none, the
    # request is fulfilled.
    if stage_done and not _open_next_stage(ticket, actor=actor, now=now):
        _save(ticket)
        resolve(
            ticket,
            actor=actor,
            code=ResolutionCode.FULFILLED,
            notes=notes or "All fulfilment tasks are done.",
            now=now,
        )
        return locked
    _save(ticket)
    return locked
