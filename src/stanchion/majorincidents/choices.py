from datetime import timedelta

from stanchion.core.choices import ChoiceSet


class MajorIncidentState(ChoiceSet):
    CHOICES = (
        # Declared: the service is down or badly degraded; people work on it.
        ("declared", "Declared", "red"),
        # Mitigated: the impact has stopped (a workaround, a rollback), the
        # cause may still be there; updates go on until it is resolved.
        ("mitigated", "Mitigated", "amber"),
        # Resolved: fixed; open child incidents were resolved with it and a
        # post-incident review was opened.
        ("resolved", "Resolved", "green"),
    )


OPEN_STATES = ("declared", "mitigated")


class MajorPriority(ChoiceSet):
    CHOICES = (
        ("p1", "P1 — critical", "red"),
        ("p2", "P2 — high", "amber"),
    )


# How often stakeholders must hear from a major incident, by priority.
# Kept here (settings.py is the site's, not an app's): change it in code.
UPDATE_CADENCE = {
    "p1": timedelta(minutes=30),
    "p2": timedelta(minutes=60),
}

# Child incident suggestions: open incidents on an affected service opened
# this long before or after the impact started.
SUGGESTION_WINDOW = timedelta(hours=2)


class ActionState(ChoiceSet):
    CHOICES = (
        ("open", "Open", "blue"),
        ("done", "Done", "green"),
    )
