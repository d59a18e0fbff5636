"""Allowed major incident states, as data. An invalid move names both."""

from django.core.exceptions import ValidationError

from .choices import MajorIncidentState

TRANSITIONS = {
    "declared": {"mitigated", "resolved"},
    "mitigated": {"resolved"},
    "resolved": set(),
}


def check_transition(from_state, to_state):
    if to_state not in TRANSITIONS.get(from_state, set()):
        raise ValidationError(
            {
                "state": ValidationError(
                    f"A major incident cannot go from {MajorIncidentState.label(from_state)} "
                    f"to {MajorIncidentState.label(to_state)}.",
                    code="transition",
                )
            }
        )
