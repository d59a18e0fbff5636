from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel

from ..choices import PauseState, Priority, ServiceTier

# Targets are business time; beyond ten years they are typing mistakes, and
# SQLite stores durations as 64-bit microseconds that a huge one overflows.
LONGEST_TARGET = timedelta(days=3650)


def _positive(errors, name, value):
    if value is not None and value <= timedelta(0):
        errors[name] = "The target must be longer than zero."
    elif value is not None and value > LONGEST_TARGET:
        errors[name] = f"The target must be at most {LONGEST_TARGET.days} days."


def _pause_state_error(states):
    allowed = PauseState.values()
    if isinstance(states, list) and all(isinstance(s, str) and s in allowed for s in states):
        return None
    return f"Pause states must be a list of: {', '.join(allowed)}."


def _already_defined(errors, policy, others, what):
    # Named here, on the field, instead of the database constraint's vague
    # "Constraint ... is violated" (which Django then skips for this field).
    clash = others.exclude(pk=policy.pk).first()
    if clash is not None:
        errors["priority"] = (
            f"{what} already has a {policy.priority.upper() or 'all-priorities'} policy "
            f"({clash}); change that one instead."
        )


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
        pause_error = _pause_state_error(self.pause_states)
        if pause_error:
            errors["pause_states"] = pause_error
        if "tier" not in errors and self.priority:
            same = SlaPolicy.objects.filter(priority=self.priority)
            if self.service_id:
                others = same.filter(service_id=self.service_id)
                _already_defined(errors, self, others, f"Service {self.service}")
            else:
                others = same.filter(service__isnull=True, tier=self.tier)
                _already_defined(errors, self, others, f"Tier {self.tier}")
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
        if self.team_id:
            others = OlaPolicy.objects.filter(team_id=self.team_id, priority=self.priority)
            _already_defined(errors, self, others, f"Team {self.team}")
        if errors:
            raise ValidationError(errors)
