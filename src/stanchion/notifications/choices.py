from stanchion.core.choices import ChoiceSet


class NotificationKind(ChoiceSet):
    """What a notification is about. Preferences switch email off per kind;
    the colour groups them for the preferences page (blue: about your own
    tickets, teal: about work assigned to you, red: SLA)."""

    CHOICES = (
        # To the requester.
        ("opened", "Your ticket was opened", "blue"),
        ("reply", "IT replied on your ticket", "blue"),
        ("question", "IT has a question for you", "blue"),
        ("resolved", "Your ticket was resolved", "blue"),
        ("approval_decided", "Your request was approved or rejected", "blue"),
        # To IT staff and approvers.
        ("assigned", "A ticket was assigned to you", "teal"),
        ("team_assigned", "A ticket is waiting in your team's queue", "teal"),
        ("requester_replied", "The requester replied", "teal"),
        ("reopened", "A ticket you hold was reopened", "teal"),
        ("approval_requested", "Your approval is requested", "teal"),
        ("task_opened", "A fulfilment task is waiting for your team", "teal"),
        ("sla_warning", "An SLA is at 75%", "red"),
        ("sla_breached", "An SLA was breached", "red"),
        # Major incidents.
        ("major_incident", "A major incident on a service you follow was updated", "red"),
        ("update_overdue", "A major incident you run owes its stakeholders an update", "red"),
        ("action_overdue", "A post-incident action you own is overdue", "teal"),
    )


REQUESTER_KINDS = ("opened", "reply", "question", "resolved", "approval_decided", "major_incident")
