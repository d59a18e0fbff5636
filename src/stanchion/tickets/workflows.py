"""Allowed state changes, as data. Service functions check every change
against these tables; an invalid one names both states."""

from stanchion.core.errors import TransitionError

TICKET_TRANSITIONS = {
    "new": {"awaiting_approval", "assigned", "in_progress", "pending", "resolved", "cancelled"},
    "awaiting_approval": {"assigned", "in_progress", "closed", "cancelled"},
    "assigned": {"assigned", "in_progress", "pending", "resolved", "cancelled"},
    "in_progress": {"assigned", "pending", "resolved", "cancelled"},
    "pending": {"assigned", "in_progress", "resolved", "cancelled"},
    # Reopening goes back to in progress (within the reopen window).
    "resolved": {"closed", "in_progress"},
    "closed": set(),
    "cancelled": set(),
}

TASK_TRANSITIONS = {
    "waiting": {"open", "cancelled"},
    "open": {"in_progress", "done", "cancelled"},
    "in_progress": {"open", "done", "cancelled"},
    "done": set(),
    "cancelled": set(),
}


def check_transition(table, model_name, from_state, to_state):
    if to_state not in table.get(from_state, set()):
        raise TransitionError(model_name, from_state, to_state)


def allowed_next(table, state):
    return sorted(table.get(state, set()))
