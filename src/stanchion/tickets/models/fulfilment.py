from django.db import models

from stanchion.core.models import BaseModel

from ..choices import ApprovalState, TaskState
from ..querysets import ApprovalQuerySet, TicketChildQuerySet


class Approval(BaseModel):
    """A decision a request waits for: from a person (the requester's
    manager's login) or from any member of a team."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=ApprovalState.max_length(),
        choices=ApprovalState.choices(),
        default=ApprovalState.PENDING,
    )
    comment = models.TextField(blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "id"]
        indexes = [
            models.Index(fields=["approver", "state"]),
            models.Index(fields=["approver_team", "state"]),
        ]

    def __str__(self):
        who = self.approver or self.approver_team
        return f"Approval by {who} on ticket {self.ticket_id}"


class Task(BaseModel):
    """A fulfilment task of a service request, from the item's template.
    Tasks of one stage run in parallel; the next stage opens when all of
    the current stage are done."""

    number = models.CharField(max_length=16, unique=True, editable=False)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="tasks")
    stage = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    state = models.CharField(
        max_length=TaskState.max_length(),
        choices=TaskState.choices(),
        default=TaskState.WAITING,
        editable=False,
    )
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "stage", "id"]
        indexes = [models.Index(fields=["team", "state"])]

    def __str__(self):
        return f"{self.number} {self.title}"
