"""Helpers every change service shares: the timeline, state moves and
permission checks."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from stanchion.accounts.roles import has_perm
from stanchion.core.services import create_record

from ..models import ChangeEvent
from ..workflows import check_transition


def record(change, kind, *, actor=None, body="", at=None, **data):
    """Append one event to the change's timeline."""
    return create_record(
        ChangeEvent,
        {
            "change": change,
            "kind": kind,
            "actor": actor if getattr(actor, "pk", None) else None,
            "body": body,
            "at": at or timezone.now(),
            "data": data,
        },
    )


def move(change, to_state, *, actor, now, body="", **data):
    """Change state after checking the workflow, and say so on the timeline."""
    from_state = change.state
    check_transition(from_state, to_state)
    change.state = to_state
    record(
        change,
        "state",
        actor=actor,
        body=body,
        at=now,
        **{"from": from_state, "to": to_state, **data},
    )


def require(actor, permission, message):
    """Services run for people (actor given) and for the system (actor None,
    the demo and jobs); people need the permission."""
    if actor is not None and not has_perm(actor, permission):
        raise PermissionDenied(message)


def text(value):
    return (value or "").strip()
