from stanchion.catalog.choices import PauseState
from stanchion.core.choices import ChoiceSet


class TicketKind(ChoiceSet):
    CHOICES = (
        ("incident", "Incident", "red"),
        ("request", "Service request", "blue"),
    )


class TicketState(ChoiceSet):
    CHOICES = (
        ("new", "New", "blue"),
        ("awaiting_approval", "Awaiting approval", "purple"),
        ("assigned", "Assigned", "teal"),
        ("in_progress", "In progress", "amber"),
        ("pending", "Pending", "grey"),
        ("resolved", "Resolved", "green"),
        ("closed", "Closed", "grey"),
        ("cancelled", "Cancelled", "grey"),
    )


OPEN_STATES = ("new", "awaiting_approval", "assigned", "in_progress", "pending")
DONE_STATES = ("resolved", "closed", "cancelled")

# Why a ticket waits: the same values SLA policies name as pausing states.
PendingReason = PauseState


class Channel(ChoiceSet):
    CHOICES = (
        ("portal", "Portal", "blue"),
        ("phone", "Phone", "teal"),
        ("email", "Email", "purple"),
        ("chat", "Chat", "green"),
        ("monitoring", "Monitoring", "red"),
        ("api", "API", "grey"),
    )


class Impact(ChoiceSet):
    CHOICES = (
        ("1", "1 — high (many people or a critical service)", "red"),
        ("2", "2 — medium (a team or a group)", "amber"),
        ("3", "3 — low (one person)", "grey"),
    )


class Urgency(ChoiceSet):
    CHOICES = (
        ("1", "1 — high (work has stopped)", "red"),
        ("2", "2 — medium (work is impaired)", "amber"),
        ("3", "3 — low (can wait)", "grey"),
    )


class ResolutionCode(ChoiceSet):
    CHOICES = (
        ("solved", "Solved (permanently)", "green"),
        ("workaround", "Solved (workaround)", "teal"),
        ("fulfilled", "Fulfilled", "green"),
        ("not_reproducible", "Not reproducible", "grey"),
        ("duplicate", "Duplicate", "grey"),
        ("no_action", "No action needed", "grey"),
        ("rejected", "Rejected", "red"),
    )


class EventKind(ChoiceSet):
    CHOICES = (
        ("created", "Opened", "blue"),
        ("comment", "Reply", "blue"),
        ("note", "Internal note", "amber"),
        ("state", "State change", "teal"),
        ("assignment", "Assignment", "purple"),
        ("field", "Update", "grey"),
        ("sla", "SLA", "red"),
        ("approval", "Approval", "purple"),
        ("task", "Task", "teal"),
        ("link", "Link", "grey"),
        ("attachment", "Attachment", "grey"),
        ("csat", "Satisfaction", "green"),
    )


class ClockKind(ChoiceSet):
    CHOICES = (
        ("response", "SLA first response", "blue"),
        ("resolution", "SLA resolution", "purple"),
        ("ola_response", "OLA first response", "teal"),
        ("ola_resolution", "OLA resolution", "amber"),
    )


class ClockState(ChoiceSet):
    CHOICES = (
        ("running", "Running", "blue"),
        ("paused", "Paused", "grey"),
        ("met", "Met", "green"),
        ("missed", "Missed", "red"),
        ("cancelled", "Cancelled", "grey"),
    )


class ApprovalState(ChoiceSet):
    CHOICES = (
        ("pending", "Pending", "amber"),
        ("approved", "Approved", "green"),
        ("rejected", "Rejected", "red"),
        ("cancelled", "Cancelled", "grey"),
    )


class TaskState(ChoiceSet):
    CHOICES = (
        ("waiting", "Waiting for earlier stage", "grey"),
        ("open", "Open", "blue"),
        ("in_progress", "In progress", "amber"),
        ("done", "Done", "green"),
        ("cancelled", "Cancelled", "grey"),
    )


class LinkKind(ChoiceSet):
    CHOICES = (
        ("related", "Related to", "grey"),
        ("duplicate_of", "Duplicate of", "amber"),
    )
