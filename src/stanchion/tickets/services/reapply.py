"""Reapplying a changed SLA policy to the open tickets opened under it.

Tickets keep the targets they were opened under (clocks.start_sla_clocks
freezes them). When an administrator changes a policy and explicitly asks
for it, the open tickets frozen under that policy take its new targets: the
frozen copy is replaced, the running SLA clocks get the new target and
calendar (keeping their start and pauses), and each ticket's timeline says
so. A request's resolution clock keeps its catalog item's delivery promise.
"""

from django.utils import timezone

from stanchion.catalog.models import BusinessCalendar
from stanchion.catalog.sla import freeze_sla
from stanchion.core.services import lock, save_validated, service

from ..choices import OPEN_STATES, ClockKind, EventKind, TicketKind
from ..models import Ticket
from . import clocks
from .timeline import record


@service
def reapply_sla_policy(policy, *, actor, now=None):
    now = now or timezone.now()
    count = 0
    frozen_under = Ticket.objects.filter(
        state__in=OPEN_STATES, sla_targets__policy_id=policy.pk
    ).values_list("pk", flat=True)
    for pk in list(frozen_under):
        ticket = lock(Ticket(pk=pk))
        targets = freeze_sla(ticket.service, ticket.priority)
        if targets is None or targets.policy_id != policy.pk:
            continue
        before = ticket.sla_targets
        ticket.sla_targets = targets.as_dict()
        calendar = BusinessCalendar.objects.get(pk=targets.calendar_id)
        for clock in clocks.running(ticket, kinds=clocks.SLA_KINDS):
            if clock.kind == ClockKind.RESOLUTION and ticket.kind == TicketKind.REQUEST:
                continue  # the delivery promise of the catalog item stands
            seconds = (
                targets.response_seconds
                if clock.kind == ClockKind.RESPONSE
                else targets.resolution_seconds
            )
            clock.target_seconds, clock.calendar = seconds, calendar
            clock.policy_name = targets.policy_name
            clocks.recompute(clock)
            save_validated(clock)
        record(
            ticket,
            EventKind.SLA,
            actor=actor,
            at=now,
            body=f"SLA policy {targets.policy_name} reapplied with its current targets.",
            before=before,
            after=ticket.sla_targets,
        )
        clocks.refresh_ticket_due(ticket)
        save_validated(ticket)
        count += 1
    return count
