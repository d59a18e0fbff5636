from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel


class MaintenanceWindow(BaseModel):
    """A recurring slot when changes to ``service`` may be made: on the
    given weekdays (0 = Monday), from ``start_time`` for ``duration_minutes``,
    in the time zone of the service's calendar. Occurrences are expanded by
    changes.windows."""

    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="maintenance_windows"
    )
    name = models.CharField(max_length=200)
    weekdays = models.JSONField(default=list)
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["service", "name"]

    def __str__(self):
        return f"{self.name} ({self.service_id})"

    def clean(self):
        days = self.weekdays
        if not isinstance(days, list) or not days:
            raise ValidationError({"weekdays": "Choose at least one weekday."})
        if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days):
            raise ValidationError({"weekdays": "Weekdays are numbers from 0 (Monday) to 6."})
        if len(set(days)) != len(days):
            raise ValidationError({"weekdays": "A weekday is listed twice."})
        if not self.duration_minutes or self.duration_minutes > 7 * 24 * 60:
            raise ValidationError(
                {"duration_minutes": "The duration must be between 1 minute and 7 days."}
            )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "The end date is before the start date."})


class Blackout(BaseModel):
    """A change freeze: no changes from ``starts_at`` to ``ends_at`` on the
    listed services, or on every service when none is listed."""

    name = models.CharField(max_length=200)
    reason = models.TextField(blank=True, max_length=5000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="blackouts")

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})
