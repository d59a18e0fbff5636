"""Major incidents, their stakeholder updates, the services people follow,
and the post-incident reviews with their actions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel

from .choices import OPEN_STATES, ActionState, MajorIncidentState, MajorPriority
from .querysets import (
    MajorIncidentQuerySet,
    MajorIncidentUpdateQuerySet,
    ServiceSubscriptionQuerySet,
)

USER = settings.AUTH_USER_MODEL


class MajorIncident(BaseModel):
    """A P1/P2 incident run as one effort (MI-000001): a commander, a
    communications lead, resolvers, stakeholder updates on a cadence, child
    incidents from the people it hit, and a review afterwards. Its incident
    ticket carries ``is_major`` and the impact window (availability reads
    them)."""

    number = models.CharField(max_length=16, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=20000)
    priority = models.CharField(
        max_length=MajorPriority.max_length(), choices=MajorPriority.choices()
    )
    state = models.CharField(
        max_length=MajorIncidentState.max_length(),
        choices=MajorIncidentState.choices(),
        default=MajorIncidentState.DECLARED,
        editable=False,
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="major_incident", editable=False
    )
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="+")
    commander = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commanded_major_incidents",
        help_text="Incident commander",
    )
    comms_lead = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Communications lead",
    )
    resolver_people = models.ManyToManyField(USER, blank=True, related_name="+")
    resolver_teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    declared_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    declared_at = models.DateTimeField(editable=False)
    # The impact window: when users were hit, when IT knew, when the impact
    # stopped, when it was fixed.
    impact_start = models.DateTimeField()
    detected_at = models.DateTimeField()
    mitigated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_notes = models.TextField(blank=True, max_length=20000, editable=False)
    # Stakeholder updates: when the last went out and when the next is due.
    last_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_update_due = models.DateTimeField(null=True, blank=True, editable=False)
    # The deadline the commander was last told was missed (once per deadline).
    overdue_notified_for = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MajorIncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        indexes = [
            models.Index(fields=["state", "next_update_due"]),
            models.Index(fields=["declared_at"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        errors = {}
        if self.impact_start and self.detected_at and self.detected_at < self.impact_start:
            errors["detected_at"] = "Detection cannot come before the impact started."
        if self.impact_start and self.mitigated_at and self.mitigated_at < self.impact_start:
            errors["mitigated_at"] = "Mitigation cannot come before the impact started."
        if self.impact_start and self.resolved_at and self.resolved_at < self.impact_start:
            errors["resolved_at"] = "Resolution cannot come before the impact started."
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    def update_overdue(self, now):
        return bool(self.is_open and self.next_update_due and self.next_update_due < now)


class ChildIncident(BaseModel):
    """An employee's incident caused by the major incident: resolved with
    it, and its requester hears each stakeholder update. A ticket is a child
    of at most one major incident."""

    major_incident = models.ForeignKey(
        MajorIncident, on_delete=models.CASCADE, related_name="children"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="parent_major_incident"
    )
    linked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.ticket_id} under {self.major_incident_id}"


class MajorIncidentUpdate(BaseModel):
    """A stakeholder update: what is known, what is being done, when the
    next update comes. Sent to the subscribers of the affected services and
    the requesters of child incidents."""

    major_incident = models.ForeignKey(
        MajorIncident, on_delete=models.CASCADE, related_name="updates"
    )
    body = models.TextField(max_length=10000)
    posted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The major incident's state when it was posted, for the timeline.
    state = models.CharField(
        max_length=MajorIncidentState.max_length(), choices=MajorIncidentState.choices()
    )

    objects = MajorIncidentUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["major_incident", "-created_at"])]

    def __str__(self):
        return f"Update on {self.major_incident_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if not (self.body or "").strip():
            raise ValidationError({"body": "Write what stakeholders should know."})


class ServiceSubscription(BaseModel):
    """An employee following a service: they hear every major incident
    update on it."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="service_subscriptions")
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="subscriptions"
    )

    objects = ServiceSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["service__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="mi_subscription_unique")
        ]

    def __str__(self):
        return f"{self.user} follows {self.service}"


class PostIncidentReview(BaseModel):
    """The blameless review opened when a major incident is resolved: what
    happened, why, and what will change."""

    major_incident = models.OneToOneField(
        MajorIncident, on_delete=models.CASCADE, related_name="review", editable=False
    )
    summary = models.TextField(blank=True, max_length=20000)
    impact = models.TextField(blank=True, max_length=20000)
    # Assembled from the ticket's timeline and the updates when the review
    # is opened; the team edits it from there.
    timeline = models.TextField(blank=True, max_length=50000)
    root_cause = models.TextField(blank=True, max_length=20000)
    contributing_factors = models.TextField(blank=True, max_length=20000)
    went_well = models.TextField(blank=True, max_length=20000)
    was_hard = models.TextField(blank=True, max_length=20000)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Review of {self.major_incident}"


class ReviewAction(BaseModel):
    """Something the review decided to do, with an owner and a due date."""

    review = models.ForeignKey(PostIncidentReview, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="review_actions")
    due_date = models.DateField()
    state = models.CharField(
        max_length=ActionState.max_length(),
        choices=ActionState.choices(),
        default=ActionState.OPEN,
    )
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    change = models.ForeignKey(
        "changes.Change", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    problem = models.ForeignKey(
        "problems.Problem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_actions",
        help_text="The problem that removes the cause for good.",
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["state", "due_date"]), models.Index(fields=["due_date"])]

    def __str__(self):
        return self.title
