"""The service desk's periodic job: SLA warnings and breaches, and closing
resolved tickets nobody reopened.

Run every minute by the in-process scheduler (``stanchion run`` /
``stanchion worker``) and by ``stanchion sla check``. Each pass is
idempotent (a clock is warned once and breached once, whatever runs it),
batch-limited, and takes each clock's row lock with SKIP LOCKED on
PostgreSQL so two workers never notify twice; on SQLite writers queue on
the database lock and the condition is re-checked inside the transaction.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from stanchion.core.errors import TransitionError
from stanchion.core.jobs import job
from stanchion.core.services import save_validated

from . import events
from .choices import ClockKind, ClockState, EventKind, TicketState
from .models import SlaClock, Ticket
from .services import close
from .services.timeline import record

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class SlaCheckResult:
    warned: int = 0
    breached: int = 0
    closed: int = 0

    def __str__(self):
        return (
            f"{self.warned} SLA warning(s), {self.breached} breach(es), "
            f"{self.closed} resolved ticket(s) closed"
        )


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def _clock_label(clock):
    label = ClockKind.label(clock.kind)
    return f"{label} ({clock.team})" if clock.team_id else label


def _running_clocks():
    return SlaClock.objects.filter(state=ClockState.RUNNING)


def _breach(clock_id, now):
    with transaction.atomic():
        clock = (
            _locked(
                _running_clocks().filter(pk=clock_id, breached_at__isnull=True, due_at__lte=now)
            )
            .select_related("ticket", "team")
            .first()
        )
        if clock is None:  # another worker got it, or it stopped meanwhile
            return False
        clock.breached_at = now
        # A clock breached before any run saw its 75% point is not warned
        # separately: one message says it all.
        clock.warned_at = clock.warned_at or now
        save_validated(clock)
        record(
            clock.ticket,
            EventKind.SLA,
            at=now,
            body=f"{_clock_label(clock)} breached: it was due at {clock.due_at:%Y-%m-%d %H:%M %Z}.",
            clock=clock.kind,
            team=str(clock.team or ""),
            due_at=clock.due_at.isoformat(),
            sla="breached",
        )
        events.emit(events.SLA_BREACHED, clock.ticket, clock_id=clock.pk, clock_kind=clock.kind)
        return True


def _warn(clock_id, now):
    with transaction.atomic():
        clock = (
            _locked(
                _running_clocks().filter(
                    pk=clock_id, warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
                )
            )
            .select_related("ticket", "team")
            .first()
        )
        if clock is None:
            return False
        clock.warned_at = now
        save_validated(clock)
        record(
            clock.ticket,
            EventKind.SLA,
            at=now,
            body=f"{_clock_label(clock)} is 75% used: due at {clock.due_at:%Y-%m-%d %H:%M %Z}.",
            clock=clock.kind,
            team=str(clock.team or ""),
            due_at=clock.due_at.isoformat(),
            sla="warning",
        )
        events.emit(events.SLA_WARNING, clock.ticket, clock_id=clock.pk, clock_kind=clock.kind)
        return True


def _auto_close(ticket_id, cutoff, now):
    with transaction.atomic():
        ticket = _locked(
            Ticket.objects.filter(pk=ticket_id, state=TicketState.RESOLVED, resolved_at__lte=cutoff)
        ).first()
        if ticket is None:
            return False
        close(ticket, actor=None, now=now)
        return True


def _ids(queryset, order_by, batch):
    # The primary key breaks ties (clocks often share a due time), so every
    # run and every database handles a batch in the same order.
    return list(queryset.order_by(order_by, "pk").values_list("pk", flat=True)[:batch])


def _each(ids, step, *args):
    done = 0
    for pk in ids:
        try:
            done += step(pk, *args)
        except (ValidationError, TransitionError) as error:
            # One bad row must not stop the rest of the batch.
            log.warning("SLA job skipped %s %s: %s", step.__name__, pk, error)
    return done


@job
def check_sla_clocks(now=None, *, batch=BATCH):
    """One pass: breaches first (so a clock found past due is breached, not
    warned), then 75% warnings, then auto-close. Each step handles at most
    ``batch`` rows, oldest first; the next run picks up the rest."""
    now = now or timezone.now()
    result = SlaCheckResult()
    # Served by the (state, due_at) and (state, warn_at) indexes.
    due = _running_clocks().filter(breached_at__isnull=True, due_at__lte=now)
    result.breached = _each(_ids(due, "due_at", batch), _breach, now)
    warn = _running_clocks().filter(warned_at__isnull=True, warn_at__lte=now, due_at__gt=now)
    result.warned = _each(_ids(warn, "warn_at", batch), _warn, now)
    cutoff = now - timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
    resolved = Ticket.objects.filter(state=TicketState.RESOLVED, resolved_at__lte=cutoff)
    result.closed = _each(_ids(resolved, "resolved_at", batch), _auto_close, cutoff, now)
    return result
