from django.db import models

from stanchion.core.models import BaseModel

from ..choices import ClockKind, ClockState
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

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "started_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "state", "due_at"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["state", "warn_at"]),
            # SLA/OLA attainment: the clocks of one kind stopped in a period,
            # covering what the KPI queries read besides the ticket.
            models.Index(
                fields=["kind", "stopped_at", "state", "ticket", "team"],
                include=["id"],
                name="tickets_clock_stopped_idx",
            ),
        ]

    def __str__(self):
        team = f" ({self.team})" if self.team_id else ""
        return f"{ClockKind.label(self.kind)}{team} on ticket {self.ticket_id}"

    @property
    def is_running(self):
        return self.state in (ClockState.RUNNING, ClockState.PAUSED)
