"""Ticket events for side effects (notifications, integrations).

Service functions call ``emit`` inside their transaction; receivers run only
after it commits, so a rolled-back change never notifies anyone. Receivers
get ids and re-read what they need.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

# Sent with: name (str), ticket_id (int), actor_id (int | None), data (dict).
ticket_event = Signal()

OPENED = "opened"
ASSIGNED = "assigned"
COMMENTED = "commented"
STATE_CHANGED = "state_changed"
RESOLVED = "resolved"
REOPENED = "reopened"
APPROVAL_REQUESTED = "approval_requested"
APPROVAL_DECIDED = "approval_decided"
TASK_OPENED = "task_opened"
SLA_WARNING = "sla_warning"
SLA_BREACHED = "sla_breached"


_muted = ContextVar("ticket_events_muted", default=False)


@contextmanager
def muted():
    """Emit nothing inside: for writing history (the demo's past year),
    which nobody is to be notified of."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def emit(name, ticket, *, actor=None, **data):
    if _muted.get():
        return
    ticket_id, actor_id = ticket.pk, getattr(actor, "pk", None)

    def send():
        ticket_event.send(sender=name, name=name, ticket_id=ticket_id, actor_id=actor_id, data=data)

    transaction.on_commit(send)
