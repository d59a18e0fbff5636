"""What a ticket's state means to the person who raised it, in plain words:
a short label for lists and a "what happens next" sentence for the ticket
page. Agents read workflow states; employees read these."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.formats import date_format
from django.utils.timezone import localtime

from stanchion.catalog.formdefs import FormDefinitionError, parse_form_definition

from .choices import ApprovalState, ResolutionCode, TaskState, TicketKind, TicketState

# state -> (label, badge colour)
_WORDS = {
    TicketState.NEW: ("Received", "blue"),
    TicketState.AWAITING_APPROVAL: ("Waiting for approval", "purple"),
    TicketState.ASSIGNED: ("With IT", "teal"),
    TicketState.IN_PROGRESS: ("Being worked on", "amber"),
    TicketState.PENDING: ("On hold", "grey"),
    TicketState.RESOLVED: ("Solved", "green"),
    TicketState.CLOSED: ("Closed", "grey"),
    TicketState.CANCELLED: ("Cancelled", "grey"),
}
_PENDING = {
    "pending_customer": "Waiting for your answer",
    "pending_vendor": "Waiting for a supplier",
    "pending_change": "Waiting for a planned change",
}


@dataclass(frozen=True)
class StateWords:
    label: str
    colour: str


def state_words(ticket):
    """The state as the requester reads it (no queries)."""
    if ticket.state == TicketState.PENDING and ticket.pending_reason in _PENDING:
        colour = "red" if ticket.pending_reason == "pending_customer" else "grey"
        return StateWords(_PENDING[ticket.pending_reason], colour)
    if ticket.state == TicketState.CLOSED and ticket.resolution_code == ResolutionCode.REJECTED:
        return StateWords("Not approved", "red")
    label, colour = _WORDS.get(ticket.state, (TicketState.label(ticket.state), "grey"))
    if ticket.state == TicketState.IN_PROGRESS and ticket.kind == TicketKind.REQUEST:
        label = "Being delivered"
    return StateWords(label, colour)


def approver_name(approval):
    if approval.approver_id:
        return approval.approver.full_name or approval.approver.email
    return f"the {approval.approver_team} team"


def _names(names):
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def when(moment):
    return date_format(localtime(moment), "j F Y, H:i")


def reopen_until(ticket):
    if ticket.state != TicketState.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=settings.TICKET_REOPEN_DAYS)


def next_step(ticket, *, approvals, tasks, delivery_due, now):
    """One or two sentences: what the requester is waiting for, or what
    they can do. ``approvals`` and ``tasks`` are the ticket's, already
    loaded; ``delivery_due`` is the running resolution target, if any."""
    state = ticket.state
    team = ticket.assignment_team
    if state == TicketState.NEW:
        return "The service desk has your ticket and will pick it up shortly. Replies appear here."
    if state == TicketState.AWAITING_APPROVAL:
        waiting = [approver_name(a) for a in approvals if a.state == ApprovalState.PENDING]
        text = f"Waiting for approval by {_names(waiting)}." if waiting else "Waiting for approval."
        return text + " Work starts as soon as it is approved."
    if state == TicketState.PENDING:
        if ticket.pending_reason == "pending_customer":
            return "IT asked you something: answer below and work continues."
        return f"{_PENDING.get(ticket.pending_reason, 'On hold')}. IT will update you here."
    if state in (TicketState.ASSIGNED, TicketState.IN_PROGRESS):
        who = str(team) if team else "IT"
        open_tasks = [t for t in tasks if t.state in (TaskState.OPEN, TaskState.IN_PROGRESS)]
        if open_tasks:
            text = f"Now: {_names(t.title.rstrip('.') for t in open_tasks)}."
        elif state == TicketState.ASSIGNED:
            text = f"{who} has your ticket and will start on it soon."
        else:
            text = f"{who} is working on it."
        if delivery_due is not None:
            text += f" Expected by {when(delivery_due)}."
        return text
    if state == TicketState.RESOLVED:
        until = reopen_until(ticket)
        if until is not None and now <= until:
            return (
                "IT marked this as solved. Not fixed? Reopen it before "
                f"{when(until)}. Please rate how we did."
            )
        return "IT marked this as solved. If it happens again, report a new problem."
    if state == TicketState.CLOSED and ticket.resolution_code == ResolutionCode.REJECTED:
        return "This request was not approved. The reason is below."
    if state == TicketState.CLOSED:
        return "This ticket is closed. Need more help? Report a new problem."
    return "This ticket was cancelled."


def _answer_text(spec_type, value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if spec_type == "date":
        try:
            return date_format(date.fromisoformat(value), "j F Y")
        except (TypeError, ValueError):
            return str(value)
    return "—" if value in (None, "") else str(value)


def answer_rows(item, answers):
    """(label, answer) in the order of the item's form; answers to fields the
    form no longer has come last under their own names."""
    try:
        specs = parse_form_definition(item.form_definition) if item else []
    except FormDefinitionError:
        specs = []
    answers = answers or {}
    rows = [
        (spec.label, _answer_text(spec.type, answers[spec.name]))
        for spec in specs
        if spec.name in answers
    ]
    known = {spec.name for spec in specs}
    rows += [
        (name.replace("_", " ").capitalize(), _answer_text("", value))
        for name, value in answers.items()
        if name not in known
    ]
    return rows
