from django.db import models
from django.utils import timezone

from stanchion.core.models import BaseModel

from ..choices import ChangeOutcome, ChangeState, ChangeType, RiskLevel
from ..querysets import ChangeQuerySet


class ChangeTemplate(BaseModel):
    """A pre-approved standard change ("monthly OS patching of Tier-3
    servers"): a change raised from it is low risk and needs no approval.
    Its plans are copied onto the change, which may then refine them."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="+")
    implementer_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    implementation_plan = models.TextField(blank=True, max_length=20000)
    backout_plan = models.TextField(blank=True, max_length=20000)
    test_plan = models.TextField(blank=True, max_length=20000)
    # The post-change validation steps, as a list of strings.
    validation_checklist = models.JSONField(default=list, blank=True)
    expected_duration_minutes = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Change(BaseModel):
    """A change to production: planned, assessed for risk, approved,
    scheduled, implemented and reviewed (CHG-000045)."""

    number = models.CharField(max_length=16, unique=True, editable=False)
    change_type = models.CharField(
        max_length=ChangeType.max_length(), choices=ChangeType.choices(), default=ChangeType.NORMAL
    )
    template = models.ForeignKey(
        ChangeTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    justification = models.TextField(blank=True, max_length=20000)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="changes")
    implementation_plan = models.TextField(blank=True, max_length=20000)
    backout_plan = models.TextField(blank=True, max_length=20000)
    test_plan = models.TextField(blank=True, max_length=20000)
    # [{"item": "Users can sign in", "done": false}, ...]: ticked off in review.
    validation_checklist = models.JSONField(default=list, blank=True)

    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True, editable=False)
    actual_end = models.DateTimeField(null=True, blank=True, editable=False)

    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="requested_changes"
    )
    owner = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_changes",
        help_text="Change owner",
    )
    implementer_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_changes",
    )

    state = models.CharField(
        max_length=ChangeState.max_length(),
        choices=ChangeState.choices(),
        default=ChangeState.DRAFT,
        editable=False,
    )
    outcome = models.CharField(
        max_length=ChangeOutcome.max_length(),
        choices=ChangeOutcome.choices(),
        blank=True,
        editable=False,
    )
    outcome_notes = models.TextField(blank=True, max_length=20000, editable=False)

    # Risk: the questionnaire's answers, and the computed score with each
    # factor's contribution (changes.risk), frozen when the change is assessed
    # and recomputed whenever it is re-planned.
    risk_answers = models.JSONField(default=dict, blank=True)
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    risk_level = models.CharField(
        max_length=RiskLevel.max_length(), choices=RiskLevel.choices(), blank=True, editable=False
    )
    risk_factors = models.JSONField(default=list, blank=True, editable=False)

    # Conflicts found when last planned (changes.conflicts), and the recorded
    # reason that lets approval go ahead despite them.
    conflicts = models.JSONField(default=list, blank=True, editable=False)
    conflict_override_reason = models.TextField(blank=True, max_length=5000, editable=False)
    conflict_override_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    # When the change was put forward (left draft): the start of its lead time.
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_reason = models.TextField(blank=True, max_length=5000, editable=False)
    # Emergency changes: the mandatory retrospective, written before closing.
    retrospective = models.TextField(blank=True, max_length=20000, editable=False)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "planned_start"]),
            models.Index(fields=["planned_start", "planned_end"]),
            models.Index(fields=["implementer_team", "state"]),
            models.Index(fields=["change_type", "actual_end"]),
            models.Index(fields=["closed_at"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        from ..choices import OPEN_STATES

        return self.state in OPEN_STATES


class ChangeIncident(BaseModel):
    """An incident caused by a change: the change counts as failed."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="causing_changes"
    )
    linked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["change", "incident"], name="unique_change_incident"),
        ]

    def __str__(self):
        return f"{self.change_id} caused {self.incident_id}"


class ChangeEvent(BaseModel):
    """The human history of a change: transitions, decisions, comments."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "created", "state", "approval", "comment", "conflict_override", "replanned"...
    kind = models.CharField(max_length=32)
    body = models.TextField(blank=True, max_length=20000)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["change", "at"])]

    def __str__(self):
        return f"{self.kind} on change {self.change_id}"
