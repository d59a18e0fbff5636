from django.core.exceptions import ValidationError
from django.db import models

from stanchion.accounts.choices import SupportTier
from stanchion.core.models import BaseModel

from .. import priority as priority_matrix
from ..choices import (
    Channel,
    Impact,
    LinkKind,
    PendingReason,
    ResolutionCode,
    TicketKind,
    TicketState,
    Urgency,
)
from ..querysets import TicketQuerySet


class Category(BaseModel):
    """The ticket taxonomy: a category with optional subcategories (one level)."""

    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subcategories"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_category_name"),
        ]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Subcategories cannot have subcategories."})


def default_matrix():
    return {impact: dict(row) for impact, row in priority_matrix.DEFAULT_MATRIX.items()}


class PriorityMatrix(BaseModel):
    """The organisation's impact x urgency -> priority table (one row)."""

    cells = models.JSONField(default=default_matrix)

    class Meta:
        verbose_name = "priority matrix"
        verbose_name_plural = "priority matrix"

    def __str__(self):
        return "Priority matrix"

    def clean(self):
        try:
            priority_matrix.validate_matrix(self.cells)
        except ValueError as error:
            raise ValidationError({"cells": str(error)}) from error

    @classmethod
    def current(cls):
        matrix = cls.objects.first()
        return matrix.cells if matrix else priority_matrix.DEFAULT_MATRIX


class Ticket(BaseModel):
    """An incident or a service request. One table for both keeps queues,
    timelines, SLA clocks and KPIs one indexed query each."""

    number = models.CharField(max_length=16, unique=True, editable=False)
    kind = models.CharField(max_length=TicketKind.max_length(), choices=TicketKind.choices())
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    requester = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="tickets"
    )
    reported_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_tickets",
    )
    channel = models.CharField(
        max_length=Channel.max_length(), choices=Channel.choices(), default=Channel.PORTAL
    )
    service = models.ForeignKey(
        "catalog.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    catalog_item = models.ForeignKey(
        "catalog.CatalogItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    answers = models.JSONField(default=dict, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subcategory = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    impact = models.CharField(max_length=1, choices=Impact.choices(), default="3")
    urgency = models.CharField(max_length=1, choices=Urgency.choices(), default="3")
    priority = models.CharField(max_length=2, editable=False, default="p4")
    state = models.CharField(
        max_length=TicketState.max_length(),
        choices=TicketState.choices(),
        default=TicketState.NEW,
        editable=False,
    )
    pending_reason = models.CharField(
        max_length=PendingReason.max_length(),
        choices=PendingReason.choices(),
        blank=True,
        editable=False,
    )
    # No single-column indexes on the two queue keys: the (team | assignee,
    # state, sla_due_at) indexes below serve every lookup by them, and
    # SQLite's planner, given both, picked the narrow one and scanned every
    # ticket the team ever had (benchmarks/tickets.py).
    assignment_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        editable=False,
        db_index=False,
    )
    assignee = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        editable=False,
        db_index=False,
    )
    resolution_code = models.CharField(
        max_length=ResolutionCode.max_length(),
        choices=ResolutionCode.choices(),
        blank=True,
        editable=False,
    )
    resolution_notes = models.TextField(blank=True, max_length=20000, editable=False)
    is_major = models.BooleanField(default=False)
    # When the service was actually down (feeds availability), as opposed
    # to when the ticket was opened and resolved.
    impact_start = models.DateTimeField(null=True, blank=True)
    impact_end = models.DateTimeField(null=True, blank=True)

    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # First-contact resolution and ping-pong: measured, never typed in.
    reopen_count = models.PositiveIntegerField(default=0, editable=False)
    reassignment_count = models.PositiveIntegerField(default=0, editable=False)
    was_escalated = models.BooleanField(default=False, editable=False)
    resolved_by_tier = models.CharField(
        max_length=2, choices=SupportTier.choices(), blank=True, editable=False
    )
    resolved_by_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The SLA targets the ticket was opened under (catalog.sla.FrozenTargets).
    sla_targets = models.JSONField(null=True, blank=True, editable=False)
    # The earliest running SLA due time: what queues sort by.
    sla_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["assignment_team", "state", "sla_due_at"]),
            models.Index(fields=["assignee", "state", "sla_due_at"]),
            models.Index(fields=["state", "sla_due_at"]),
            models.Index(fields=["requester", "created_at"]),
            models.Index(fields=["kind", "created_at"]),
            models.Index(fields=["service", "created_at"]),
            # Tickets resolved in a period; with created_at, the backlog at a
            # period's end (opened before it, resolved after it) from the index.
            models.Index(fields=["resolved_at", "created_at"], name="tickets_ticket_resolved_idx"),
            models.Index(fields=["first_response_at"]),
            # Availability and MTBF: the few incidents with an impact window.
            models.Index(
                fields=["impact_start"],
                condition=models.Q(impact_start__isnull=False),
                name="tickets_ticket_outage_idx",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        errors = {}
        if self.subcategory_id and self.subcategory.parent_id != self.category_id:
            errors["subcategory"] = f"{self.subcategory} is not under the chosen category."
        if self.impact_start and self.impact_end and self.impact_end < self.impact_start:
            errors["impact_end"] = "The impact cannot end before it started."
        if self.kind == TicketKind.REQUEST and not self.catalog_item_id:
            errors["catalog_item"] = "A service request is for a catalog item."
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.state in ("new", "awaiting_approval", "assigned", "in_progress", "pending")


class TicketLink(BaseModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="linked_from")
    kind = models.CharField(max_length=LinkKind.max_length(), choices=LinkKind.choices())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "other"], name="unique_ticket_link"),
            models.CheckConstraint(
                condition=~models.Q(ticket=models.F("other")), name="no_self_link"
            ),
        ]

    def __str__(self):
        return f"{self.ticket.number} {LinkKind.label(self.kind).lower()} {self.other.number}"
