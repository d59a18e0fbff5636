from django.db import models
from django.utils import timezone

from stanchion.core.models import BaseModel

from ..choices import EventKind
from ..querysets import TimelineQuerySet


class TimelineEvent(BaseModel):
    """The typed, human history of a ticket (the audit trail is the other,
    generic layer). ``public`` events are shown to the requester."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=EventKind.max_length(), choices=EventKind.choices())
    public = models.BooleanField(default=False)
    body = models.TextField(blank=True, max_length=20000)
    data = models.JSONField(default=dict, blank=True)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"])]

    def __str__(self):
        return f"{EventKind.label(self.kind)} on ticket {self.ticket_id}"
