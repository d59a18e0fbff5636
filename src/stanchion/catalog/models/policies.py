from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel

from ..choices import PauseState, Priority, ServiceTier


def _positive(errors, name, value):
    if value is not None and value <= timedelta(0):
        errors[name] = "The target must be longer than zero."


class SlaPolicy(BaseModel):
    """Targets promised to employees, per service tier and priority; a
    policy naming a service overrides its tier's policy for that service.

    ``calendar`` empty means the service's own support hours."""

    name = models.CharField(max_length=120)
    tier = models.CharField(max_length=1, choices=ServiceTier.choices(), blank=True)
    service = models.ForeignKey(
        "catalog.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policies",
    )
    priority = models.CharField(max_length=2, choices=Priority.choices())
    response_target = models.DurationField()
    resolution_target = models.DurationField()
    calendar = models.ForeignKey(
        "catalog.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pause_states = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["tier", "service__name", "priority"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "priority"],
                condition=models.Q(service__isnull=True),
                name="one_sla_per_tier_priority",
            ),
            models.UniqueConstraint(
                fields=["service", "priority"],
                condition=models.Q(service__isnull=False),
                name="one_sla_per_service_priority",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if bool(self.tier) == bool(self.service_id):
            errors["tier"] = "Give either a service tier or a service, not both."
        _positive(errors, "response_target", self.response_target)
        _positive(errors, "resolution_target", self.resolution_target)
        if (
            self.response_target
            and self.resolution_target
            and self.response_target > self.resolution_target
        ):
            errors["response_target"] = "The response target cannot exceed the resolution target."
        unknown = [s for s in (self.pause_states or []) if s not in PauseState]
        if not isinstance(self.pause_states, list) or unknown:
            errors["pause_states"] = (
                f"Pause states must be a list of: {', '.join(PauseState.values())}."
            )
        if errors:
            raise ValidationError(errors)


class OlaPolicy(BaseModel):
    """Targets a team commits to for the time it holds a ticket, so a team
    receiving a reassigned ticket gets its own clock. ``priority`` empty
    applies to every priority without a more specific OLA."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="olas")
    priority = models.CharField(max_length=2, choices=Priority.choices(), blank=True)
    response_target = models.DurationField()
    resolution_target = models.DurationField()
    calendar = models.ForeignKey(
        "catalog.BusinessCalendar", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["team__name", "priority"]
        verbose_name = "OLA policy"
        verbose_name_plural = "OLA policies"
        constraints = [
            models.UniqueConstraint(fields=["team", "priority"], name="one_ola_per_team_priority"),
        ]

    def __str__(self):
        return f"OLA {self.team} {self.priority or 'all priorities'}"

    def clean(self):
        errors = {}
        _positive(errors, "response_target", self.response_target)
        _positive(errors, "resolution_target", self.resolution_target)
        if errors:
            raise ValidationError(errors)
