"""The public timeline as the requester reads it: who did what, in a
sentence. Only public events reach this module (internal notes, assignments
and SLA events are never public)."""

from dataclasses import dataclass, replace
from datetime import datetime

from stanchion.accounts.roles import is_staff_role
from stanchion.core.markdown import render_markdown

from .choices import EventKind, TicketState

_STATE_SENTENCES = {
    TicketState.ASSIGNED: "passed it to the right team",
    TicketState.IN_PROGRESS: "started work",
    TicketState.RESOLVED: "marked it as solved",
    TicketState.CLOSED: "closed it",
    TicketState.CANCELLED: "cancelled it",
}
_PENDING_SENTENCES = {
    "pending_customer": "asked you a question",
    "pending_vendor": "put it on hold: waiting for a supplier",
    "pending_change": "put it on hold: waiting for a planned change",
}


@dataclass(frozen=True)
class Entry:
    who: str
    what: str
    body: str  # sanitised HTML (Markdown)
    at: datetime
    kind: str  # a CSS hook: opened, reply, reply-it, state, approval
    from_it: bool


def _who(actor, viewer):
    if actor is None:
        return "Stanchion"
    if actor.pk == viewer.pk:
        return "You"
    return actor.full_name or actor.email


def _state_sentence(data):
    to, before = data.get("to"), data.get("from")
    if to == TicketState.PENDING:
        return _PENDING_SENTENCES.get(data.get("reason"), "put it on hold")
    if to == TicketState.IN_PROGRESS and before == TicketState.RESOLVED:
        return "reopened it"
    if to == TicketState.IN_PROGRESS and before == TicketState.PENDING:
        return "resumed work"
    if to == TicketState.IN_PROGRESS and before == TicketState.AWAITING_APPROVAL:
        return "started delivery after approval"
    if to == TicketState.CLOSED and before == TicketState.AWAITING_APPROVAL:
        return "closed it: not approved"
    return _STATE_SENTENCES.get(to, f"changed the state to {TicketState.label(to).lower()}")


def _entry(event, viewer):
    who = _who(event.actor, viewer)
    data = event.data or {}
    from_it = bool(event.actor and is_staff_role(event.actor) and event.actor.pk != viewer.pk)
    kind = event.kind
    if kind == EventKind.CREATED:
        return Entry(who, "opened this ticket", event.body, event.at, "opened", False)
    if kind == EventKind.COMMENT:
        css = "reply-it" if from_it else "reply"
        return Entry(who, "wrote", event.body, event.at, css, from_it)
    if kind == EventKind.STATE:
        return Entry(who, _state_sentence(data), event.body, event.at, "state", from_it)
    if kind == EventKind.APPROVAL:
        state = data.get("state")
        if state == "pending":
            who, what = "", f"Approval requested from {data.get('approver') or 'an approver'}"
        elif state == "approved":
            what = "approved the request"
        elif state == "rejected":
            what = "did not approve the request"
        else:
            what = "updated the approval"
        return Entry(who, what, event.body, event.at, "approval", False)
    if kind == EventKind.CSAT:
        what = f"rated the help {data.get('rating')} out of 5"
        return Entry(who, what, event.body, event.at, "approval", False)
    return Entry(who, EventKind.label(kind).lower(), event.body, event.at, "state", from_it)


def _says_nothing_new(event):
    """Sending a request for approval is told by the approval entry itself."""
    data = event.data or {}
    return event.kind == EventKind.STATE and data.get("to") == TicketState.AWAITING_APPROVAL


def timeline_entries(events, viewer):
    """``events``: public TimelineEvents with ``actor`` loaded, oldest first."""
    entries = []
    for event in events:
        if _says_nothing_new(event):
            continue
        entry = _entry(event, viewer)
        entries.append(replace(entry, body=render_markdown(entry.body)))
    return entries
