from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from stanchion.core.models import BaseModel

from ..querysets import TicketChildQuerySet


class CsatSurvey(BaseModel):
    """The satisfaction question sent when a ticket is resolved. Answered
    once, through a signed link that works without signing in."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="surveys")
    sent_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["answered_at"]), models.Index(fields=["sent_at"])]

    def __str__(self):
        return f"Satisfaction survey for ticket {self.ticket_id}"
