"""Keeps the service desk's KPI roll-ups (stanchion.metrics.rollups) true:
a ticket, clock or survey saved or deleted with a change to a field its
KPIs read forgets the days that counted it, and the hourly job rolls them
up again.

A ticket's clocks and surveys are split by the ticket's team and category
(and carry copies of its service, priority and kind), so a change to those
on a ticket also forgets the days its clocks stopped and its surveys were
sent and answered. A team's tier decides which OLA clocks are L2/L3: a
changed tier forgets every OLA day.
"""

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_init, post_save

from stanchion.metrics import rollups

# Every field of a ticket the desk KPIs filter, split or measure by
# (test_the_watched_fields_cover_everything_the_rolled_up_kpis_read in
# tests/metrics/test_rollups.py holds this list to kpis.py).
TICKET_FIELDS = (
    "created_at", "first_response_at", "resolved_at", "kind", "resolution_code",
    "reassignment_count", "was_escalated", "resolved_by_tier", "reopen_count",
    "service_id", "assignment_team_id", "priority", "category_id", "catalog_item_id",
)  # fmt: skip
# The ticket's fields its clocks and surveys are split or filtered by.
SHARED_FIELDS = ("kind", "service_id", "assignment_team_id", "priority", "category_id",
                 "catalog_item_id")  # fmt: skip
CLOCK_FIELDS = ("kind", "stopped_at", "state", "team_id")
SURVEY_FIELDS = ("sent_at", "answered_at", "rating")


def _ticket_children(ticket, cutoff):
    """The days holding the ticket's clocks and surveys, when the fields
    they share with it changed. (Not skipped for a ticket opened within
    the hour: an imported one can carry older clocks and surveys.)"""
    before = getattr(ticket, "_rollup_snapshot", None) or {}
    if all(before.get(name) == getattr(ticket, name) for name in SHARED_FIELDS):
        return []
    from .models import CsatSurvey, SlaClock

    def within(model, field):
        inside = {f"{field}__gte": OuterRef("start"), f"{field}__lt": OuterRef("end")}
        return Exists(model.objects.filter(ticket_id=ticket.pk, **inside))

    found = []
    for source in rollups.sources():
        if source.model_class is SlaClock:
            found.append(([source.key], within(SlaClock, source.rollup_field)))
        elif source.model_class is CsatSurvey:
            found.append(([source.key], within(CsatSurvey, source.rollup_field)))
    return found


def _remember_tier(sender, instance, **kwargs):
    instance._rollup_tier = instance.__dict__.get("tier")


def _team_saved(sender, instance, created, raw=False, **kwargs):
    from .models import SlaClock

    before = getattr(instance, "_rollup_tier", None)
    if not created and not raw and rollups.enabled() and before != instance.tier:
        rollups.invalidate_sources([source.key for source in rollups.sources_over(SlaClock)])
    instance._rollup_tier = instance.tier


def register():
    from stanchion.accounts.models import Team

    from .models import CsatSurvey, SlaClock, Ticket

    rollups.follow(Ticket, TICKET_FIELDS, related=_ticket_children)
    rollups.follow(SlaClock, CLOCK_FIELDS)
    rollups.follow(CsatSurvey, SURVEY_FIELDS)
    post_init.connect(_remember_tier, sender=Team, dispatch_uid="rollups_team_init")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="rollups_team_save")
