"""Allowed change states, as data. Service functions check every move
against this table; an invalid one names both states."""

from django.core.exceptions import ValidationError

from .choices import ChangeState

CHANGE_TRANSITIONS = {
    "draft": {"assessment", "cancelled"},
    # A standard change with no conflicts is pre-approved: assessment goes
    # straight to scheduled.
    "assessment": {"authorisation", "scheduled", "cancelled"},
    # A rejection, or re-planning, sends the change back to assessment.
    "authorisation": {"assessment", "scheduled", "cancelled"},
    "scheduled": {"assessment", "implementing", "cancelled"},
    # Work that started ends in review with an outcome (rolled back, if need
    # be); it is never cancelled.
    "implementing": {"review"},
    "review": {"closed"},
    "closed": set(),
    "cancelled": set(),
}


def check_transition(from_state, to_state):
    """Raise a ValidationError on ``state`` naming both states."""
    if to_state not in CHANGE_TRANSITIONS.get(from_state, set()):
        raise transition_error(from_state, to_state)


def transition_error(from_state, to_state):
    return ValidationError(
        {
            "state": ValidationError(
                f"A change cannot go from {ChangeState.label(from_state)} "
                f"to {ChangeState.label(to_state)}.",
                code="transition",
            )
        }
    )


def allowed_next(state):
    return sorted(CHANGE_TRANSITIONS.get(state, set()))
