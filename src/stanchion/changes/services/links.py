"""Incidents caused by a change: linking one makes the change count as
failed in the change KPIs, whatever outcome was recorded."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.core.services import create_record, lock, service

from ..models import ChangeIncident
from .common import record, require, text


@service
def link_incident(change, incident, *, actor, note="", now=None):
    require(actor, "changeincident.add", "You cannot link incidents to changes.")
    now = now or timezone.now()
    if incident is None:
        raise ValidationError({"incident": "Choose the incident."})
    if incident.kind != "incident":
        raise ValidationError(
            {"incident": f"{incident.number} is a request; only incidents are caused by changes."}
        )
    if change.actual_start is None:
        raise ValidationError(
            {"change": f"{change.number} was never implemented, so it cannot cause an incident."}
        )
    if len(text(note)) > 500:
        raise ValidationError({"note": "A note is at most 500 characters."})
    if ChangeIncident.objects.filter(change=change, incident=incident).exists():
        raise ValidationError(
            {"incident": f"{incident.number} is already linked to {change.number}."}
        )
    link = create_record(
        ChangeIncident,
        {
            "change": change,
            "incident": incident,
            "linked_by": actor if getattr(actor, "pk", None) else None,
            "note": text(note),
            "created_at": now,
        },
    )
    record(
        change,
        "incident_linked",
        actor=actor,
        at=now,
        body=text(note),
        incident=incident.number,
        incident_id=incident.pk,
    )
    return link


@service
def unlink_incident(link, *, actor, now=None):
    require(actor, "changeincident.delete", "You cannot unlink incidents from changes.")
    locked = lock(link)
    record(
        locked.change,
        "incident_unlinked",
        actor=actor,
        at=now or timezone.now(),
        incident=locked.incident.number,
        incident_id=locked.incident_id,
    )
    locked.delete()
