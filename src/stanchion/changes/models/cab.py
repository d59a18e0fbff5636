from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel

from ..choices import CabDecision, CabMeetingState


class CabMeeting(BaseModel):
    """A change advisory board meeting: its agenda is generated from the
    changes awaiting the CAB; decisions and attendance are recorded."""

    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=CabMeetingState.max_length(),
        choices=CabMeetingState.choices(),
        default=CabMeetingState.PLANNED,
        editable=False,
    )
    minutes = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})


class CabAgendaItem(BaseModel):
    meeting = models.ForeignKey(CabMeeting, on_delete=models.CASCADE, related_name="agenda")
    change = models.ForeignKey("changes.Change", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)
    decision = models.CharField(
        max_length=CabDecision.max_length(), choices=CabDecision.choices(), blank=True
    )
    decision_note = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "change"], name="unique_cab_agenda_change"),
        ]

    def __str__(self):
        return f"{self.change_id} at {self.meeting_id}"


class CabAttendance(BaseModel):
    meeting = models.ForeignKey(CabMeeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "user"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="unique_cab_attendee"),
        ]

    def __str__(self):
        return f"{self.user_id} at {self.meeting_id}"
