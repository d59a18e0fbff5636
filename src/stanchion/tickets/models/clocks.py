from django.db import models
from django.db.models.signals import post_init, post_save

from stanchion.core.models import BaseModel

from ..choices import ClockKind, ClockState, TicketKind
from ..querysets import TicketChildQuerySet


class SlaClock(BaseModel):
    """One running target on a ticket: the SLA response and resolution
    clocks, and an OLA pair for each team that holds the ticket.

    Times are real instants; business time is computed by the SLA engine
    (catalog.slaclock) from ``started_at``, ``pauses`` and the frozen target
    on ``calendar``. ``due_at`` caches the engine's answer for queues and is
    recomputed whenever a pause starts or ends.
    """

    # Indexed with state and due_at below (a queue row's running clock).
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="clocks", db_index=False
    )
    kind = models.CharField(max_length=ClockKind.max_length(), choices=ClockKind.choices())
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy_name = models.CharField(max_length=200)
    target_seconds = models.PositiveIntegerField()
    calendar = models.ForeignKey(
        "catalog.BusinessCalendar", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    # [[start, end-or-null], ...] as ISO strings; the last may be open.
    pauses = models.JSONField(default=list, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When 75% of the target will have been used: the warning point.
    warn_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=ClockState.max_length(),
        choices=ClockState.choices(),
        default=ClockState.RUNNING,
    )
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # Copies of the ticket's fields the SLA/OLA KPIs filter and split by
    # (stanchion.tickets.kpis), so attainment over a quarter's half a
    # million clocks reads one index instead of joining every clock to its
    # ticket. Set from the ticket when the clock is created (save() below)
    # and kept true whenever a saved ticket's copied fields changed
    # (_follow_ticket below: an agent moves it to another service, a new
    # impact changes its priority; a queryset .update() of tickets skips
    # save() and must not change these). Nullable only so that adding them does
    # not copy the table on SQLite; the migration fills every row. No
    # foreign key constraint: the ticket's own PROTECT keeps the service and
    # item alive, and deleting one need not search the clocks.
    ticket_kind = models.CharField(
        max_length=TicketKind.max_length(), choices=TicketKind.choices(), null=True, editable=False
    )
    service = models.ForeignKey(
        "catalog.Service",
        null=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    priority = models.CharField(max_length=2, null=True, editable=False)
    catalog_item = models.ForeignKey(
        "catalog.CatalogItem",
        null=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "started_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "state", "due_at"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["state", "warn_at"]),
            # SLA/OLA attainment: the clocks of one kind stopped in a period,
            # covering every column the KPI queries read (the ticket's
            # copied fields included), so they never visit the table.
            models.Index(
                fields=[
                    "kind",
                    "stopped_at",
                    "state",
                    "ticket_kind",
                    "service",
                    "catalog_item",
                    "priority",
                    "team",
                    "ticket",
                ],
                include=["id"],
                name="tickets_clock_kpi_idx",
            ),
        ]

    # The ticket's fields copied onto its clocks: {clock field: ticket field}.
    TICKET_COPIES = {
        "ticket_kind": "kind",
        "service_id": "service_id",
        "priority": "priority",
        "catalog_item_id": "catalog_item_id",
    }

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.copy_ticket_fields(self.ticket)
        super().save(*args, **kwargs)

    def copy_ticket_fields(self, ticket):
        for mine, theirs in self.TICKET_COPIES.items():
            setattr(self, mine, getattr(ticket, theirs))

    def __str__(self):
        team = f" ({self.team})" if self.team_id else ""
        return f"{ClockKind.label(self.kind)}{team} on ticket {self.ticket_id}"

    @property
    def is_running(self):
        return self.state in (ClockState.RUNNING, ClockState.PAUSED)


def _copied(ticket):
    # __dict__: a deferred field (``only()``) is not loaded for this.
    values = ticket.__dict__
    return tuple(values.get(theirs) for theirs in SlaClock.TICKET_COPIES.values())


def _remember_ticket(sender, instance, **kwargs):
    instance._clock_copies = _copied(instance)


def _follow_ticket(sender, instance, created, raw=False, **kwargs):
    """A saved ticket whose copied fields changed updates its clocks' copies
    in the same transaction: one UPDATE of its few clocks, none when they
    did not change. The copies are not the clocks' own state, so their
    version and audit trail stay as they were."""
    now = _copied(instance)
    if not created and not raw and now != getattr(instance, "_clock_copies", None):
        SlaClock.objects.filter(ticket_id=instance.pk).update(
            **{mine: getattr(instance, theirs) for mine, theirs in SlaClock.TICKET_COPIES.items()}
        )
    instance._clock_copies = now


post_init.connect(_remember_ticket, sender="tickets.Ticket", dispatch_uid="clock_copies_init")
post_save.connect(_follow_ticket, sender="tickets.Ticket", dispatch_uid="clock_copies_save")
