from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel


class KpiTarget(BaseModel):
    """An organisation's own target for a KPI (the registry holds the
    defaults). ``priority`` is blank for the KPI's overall target, or p1-p4
    for KPIs with targets per priority (MTTA, MTTR)."""

    kpi = models.CharField(max_length=64)
    priority = models.CharField(max_length=2, blank=True)
    target = models.FloatField()
    warning = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["kpi", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "priority"], name="unique_kpi_target"),
        ]

    def __str__(self):
        suffix = f" ({self.priority.upper()})" if self.priority else ""
        return f"Target for {self.kpi}{suffix}"

    def clean(self):
        from .registry import HIGHER, kpis

        errors = {}
        kpi = kpis.get(self.kpi)
        if kpi is None:
            errors["kpi"] = f"There is no KPI {self.kpi!r}."
        elif self.priority and self.priority not in kpi.priority_targets:
            errors["priority"] = f"{kpi.name} has no targets per priority {self.priority!r}."
        elif self.warning is not None:
            worse = (
                self.warning <= self.target
                if kpi.direction == HIGHER
                else (self.warning >= self.target)
            )
            if not worse:
                side = "below" if kpi.direction == HIGHER else "above"
                errors["warning"] = (
                    f"The warning threshold must be {side} the target ({kpi.name} is better "
                    f"when {kpi.direction})."
                )
        if kpi is not None and kpi.unit == "percent":
            for name in ("target", "warning"):
                number = getattr(self, name)
                if number is not None and not 0 <= number <= 100:
                    errors.setdefault(name, "A percentage is between 0 and 100.")
        if self.target is not None and self.target < 0:
            errors.setdefault("target", "A target cannot be negative.")
        if errors:
            raise ValidationError(errors)


class RollupSlice(models.Model):
    """One day of one KPI source whose numbers are kept in RollupRow
    (stanchion.metrics.rollups): the instants [start, end) of a day in the
    report time zone. Its rows are read only while it exists, and it exists
    only while they are true: a change to a record it counted deletes it,
    and the periodic job builds the day again (replacing the rows).
    ``signature`` names the KPI definitions the rows were built with, so
    rows of an older formula are never read."""

    source = models.CharField(max_length=64)
    start = models.DateTimeField()
    end = models.DateTimeField()
    signature = models.CharField(max_length=16)
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "start"], name="unique_rollup_slice"),
        ]
        indexes = [models.Index(fields=["source", "end", "start"], name="rollup_slice_end_idx")]

    def __str__(self):
        return f"{self.source} rolled up from {self.start:%Y-%m-%d %H:%M}"


class RollupRow(models.Model):
    """A KPI's numerator and denominator over one slice's records with one
    value of one segment (service, team, priority or category; ``value``
    is the segment's key as text, null for records without one). The
    slice's source, start and end are repeated here so that a period's
    rows are one range of one index with no join."""

    source = models.CharField(max_length=64)
    segment = models.CharField(max_length=16)
    start = models.DateTimeField()
    end = models.DateTimeField()
    kpi = models.CharField(max_length=64)
    value = models.CharField(max_length=64, null=True)
    numerator = models.FloatField()
    denominator = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["source", "segment", "start"],
                include=["end", "kpi", "value", "numerator", "denominator"],
                name="rollup_row_period_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} by {self.segment} = {self.value} from {self.start:%Y-%m-%d}"
