from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from stanchion.core.models import BaseModel
from stanchion.core.querysets import RestrictedQuerySet

from .choices import OPEN_STATES, ProblemPriority, ProblemState


class RootCauseCategory(BaseModel):
    """The managed taxonomy of root causes ("Configuration error",
    "Capacity", "Software defect"...): kept by IT administrators, chosen on
    problems, and counted by the recurring-incident KPI."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "root-cause category"
        verbose_name_plural = "root-cause categories"

    def __str__(self):
        return self.name


class ProblemQuerySet(RestrictedQuerySet):
    view_permission = "problem.view"

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def known_errors(self):
        return self.filter(state=ProblemState.KNOWN_ERROR)


class Problem(BaseModel):
    """The unknown (or, as a known error, known) cause of one or more
    incidents (PRB-000007)."""

    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="problems")
    # The incident category the problem shows up under: known errors are
    # offered on incidents of the same service and category.
    category = models.ForeignKey(
        "tickets.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    root_cause_category = models.ForeignKey(
        RootCauseCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    priority = models.CharField(
        max_length=2, choices=ProblemPriority.choices(), default=ProblemPriority.P3
    )
    state = models.CharField(
        max_length=ProblemState.max_length(),
        choices=ProblemState.choices(),
        default=ProblemState.NEW,
        editable=False,
    )
    workaround = models.TextField(blank=True, max_length=20000)
    root_cause_analysis = models.TextField(blank=True, max_length=50000)
    fix_change = models.ForeignKey(
        "changes.Change",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fixed_problems",
        help_text="The change that fixes the cause for good.",
    )
    assignment_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    known_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "priority"]),
            models.Index(fields=["category", "state"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class ProblemIncident(BaseModel):
    """An incident caused by the problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="problem_links"
    )
    linked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "problem incident"
        constraints = [
            models.UniqueConstraint(fields=["problem", "incident"], name="unique_problem_incident"),
        ]
        indexes = [models.Index(fields=["incident", "problem"])]

    def __str__(self):
        return f"{self.incident_id} caused by problem {self.problem_id}"


class ProblemEvent(BaseModel):
    """The human history of a problem: transitions, links, comments, edits."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "created", "state", "incident_linked", "incident_unlinked", "comment", "updated"
    kind = models.CharField(max_length=32)
    body = models.TextField(blank=True, max_length=20000)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["problem", "at"])]

    def __str__(self):
        return f"{self.kind} on problem {self.problem_id}"


class RecurrenceSettingsQuerySet(RestrictedQuerySet):
    view_permission = "problem.view"


class RecurrenceSettings(BaseModel):
    """The thresholds of recurring-incident detection (one row)."""

    window_days = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Incidents opened within this many days of each other may form a cluster.",
    )
    min_cluster_size = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text="The fewest incidents that make a problem candidate.",
    )
    similarity_threshold = models.FloatField(
        default=0.3,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=(
            "How alike two titles must be (share of their distinct words in common, 0 to 1) "
            "to join the same cluster; 0 clusters on service and category alone."
        ),
    )

    objects = RecurrenceSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = "recurrence settings"
        verbose_name_plural = "recurrence settings"

    def __str__(self):
        return "Recurring-incident detection"

    def clean(self):
        if self.pk is None and RecurrenceSettings.objects.exists():
            raise ValidationError("There is only one set of recurrence settings.")

    @classmethod
    def current(cls):
        settings = cls.objects.order_by("pk").first()
        return settings if settings is not None else cls()
