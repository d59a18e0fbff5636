from stanchion.core.choices import ChoiceSet


class ProblemState(ChoiceSet):
    CHOICES = (
        ("new", "New", "blue"),
        ("investigating", "Investigating", "amber"),
        # The root cause is known and a workaround is documented; agents are
        # offered it on incidents of the same service and category.
        ("known_error", "Known error", "purple"),
        ("resolved", "Resolved", "green"),
        ("closed", "Closed", "grey"),
    )


OPEN_STATES = ("new", "investigating", "known_error")


class ProblemPriority(ChoiceSet):
    # The same values as ticket priorities (tickets.priority.PRIORITIES).
    CHOICES = (
        ("p1", "P1 — critical", "red"),
        ("p2", "P2 — high", "amber"),
        ("p3", "P3 — moderate", "blue"),
        ("p4", "P4 — low", "grey"),
    )
