"""Allowed problem states, as data. Service functions check every move
against this table; an invalid one names both states."""

from django.core.exceptions import ValidationError

from .choices import ProblemState

PROBLEM_TRANSITIONS = {
    "new": {"investigating", "known_error", "closed"},
    "investigating": {"known_error", "resolved", "closed"},
    # A known error is resolved by its permanent fix; if the documented
    # cause proves wrong it goes back to investigation.
    "known_error": {"investigating", "resolved"},
    # The fix did not hold: the problem is investigated again.
    "resolved": {"investigating", "closed"},
    "closed": set(),
}


def check_transition(from_state, to_state):
    if to_state not in PROBLEM_TRANSITIONS.get(from_state, set()):
        raise ValidationError(
            {
                "state": ValidationError(
                    f"A problem cannot go from {ProblemState.label(from_state)} "
                    f"to {ProblemState.label(to_state)}.",
                    code="transition",
                )
            }
        )


def allowed_next(state):
    order = list(ProblemState.values())
    return sorted(PROBLEM_TRANSITIONS.get(state, set()), key=order.index)
