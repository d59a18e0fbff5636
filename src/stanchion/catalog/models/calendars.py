from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from stanchion.accounts.timezones import validate_time_zone
from stanchion.core.models import BaseModel

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class BusinessCalendar(BaseModel):
    """When a team works: weekly intervals in a time zone, minus public
    holidays (from the ``holidays`` package) and custom closures."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    is_24x7 = models.BooleanField(
        default=False, help_text="Always open: intervals and holidays are ignored."
    )
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO country code whose public holidays close it"
    )
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY, NY")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from stanchion.catalog.holidays import validate_holiday_region

        validate_holiday_region(self.holiday_country, self.holiday_subdivision)


class WorkingInterval(BaseModel):
    """One working period in a week. An end at or before the start runs
    overnight into the next day (a 22:00-06:00 night shift)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, validators=[MaxValueValidator(6)])
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["calendar", "weekday", "start"]

    def __str__(self):
        overnight = " (overnight)" if self.end < self.start else ""
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}{overnight}"

    def clean(self):
        # 00:00-00:00 is a whole day; any other equal pair would be empty.
        if self.start == self.end and self.start != time(0):
            raise ValidationError({"end": "The interval is empty: the end equals the start."})


class Closure(BaseModel):
    """A custom closed day (office move, company holiday)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="unique_closure_per_day"),
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"
