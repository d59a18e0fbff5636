from stanchion.core.choices import ChoiceSet


class ServiceTier(ChoiceSet):
    """What an outage costs. Documented for users in docs/catalog.md."""

    CHOICES = (
        ("1", "Tier 1 — critical", "red"),
        ("2", "Tier 2 — important", "amber"),
        ("3", "Tier 3 — standard", "grey"),
    )


class ServiceStatus(ChoiceSet):
    CHOICES = (
        ("planned", "Planned", "blue"),
        ("live", "Live", "green"),
        ("retiring", "Retiring", "amber"),
        ("retired", "Retired", "grey"),
    )


class Priority(ChoiceSet):
    CHOICES = (
        ("p1", "P1 — critical", "red"),
        ("p2", "P2 — high", "amber"),
        ("p3", "P3 — moderate", "blue"),
        ("p4", "P4 — low", "grey"),
    )


class ApprovalMode(ChoiceSet):
    CHOICES = (
        ("none", "No approval", "grey"),
        ("manager", "Requester's manager", "blue"),
        ("team", "A team", "purple"),
    )


class PauseState(ChoiceSet):
    """Ticket states that may stop an SLA clock (the service desk defines the
    states; a policy chooses which of these pause it)."""

    CHOICES = (
        ("pending_customer", "Pending customer", "amber"),
        ("pending_vendor", "Pending vendor", "amber"),
        ("pending_change", "Pending change", "amber"),
    )


class LinkKind(ChoiceSet):
    CHOICES = (
        ("runbook", "Runbook", "teal"),
        ("documentation", "Documentation", "blue"),
        ("status_page", "Status page", "green"),
        ("dashboard", "Dashboard", "purple"),
        ("repository", "Repository", "grey"),
    )
