"""Child incidents: the employees' own tickets about the same outage,
linked to the major incident so they hear its updates and are resolved
with it."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from stanchion.core.services import create_record, service
from stanchion.tickets.choices import OPEN_STATES, EventKind, TicketKind
from stanchion.tickets.models import Ticket
from stanchion.tickets.services.timeline import record

from ..choices import SUGGESTION_WINDOW
from ..models import ChildIncident, MajorIncident


def suggestions(mi, *, limit=20, window=SUGGESTION_WINDOW):
    """Open incidents on an affected service opened within ``window`` of
    the impact start, not yet linked anywhere and not major themselves."""
    service_ids = list(mi.services.values_list("pk", flat=True))
    if not service_ids:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(
            kind=TicketKind.INCIDENT,
            state__in=OPEN_STATES,
            service__in=service_ids,
            created_at__gte=mi.impact_start - window,
            created_at__lte=mi.impact_start + window,
        )
        .exclude(pk=mi.ticket_id)
        .exclude(Q(parent_major_incident__isnull=False) | Q(major_incident__isnull=False))
        .select_related("requester", "service")
        .order_by("created_at")[:limit]
    )


def _check_linkable(mi, ticket):
    if not mi.is_open:
        raise ValidationError({"ticket": f"{mi.number} is resolved; it takes no new children."})
    if ticket.pk == mi.ticket_id:
        raise ValidationError(
            {"ticket": f"{ticket.number} is {mi.number}'s own ticket, not a child of it."}
        )
    if ticket.kind != TicketKind.INCIDENT:
        raise ValidationError(
            {"ticket": f"{ticket.number} is a service request; only incidents can be children."}
        )
    parent = ChildIncident.objects.filter(ticket=ticket).select_related("major_incident").first()
    if parent is not None:
        where = "this" if parent.major_incident_id == mi.pk else parent.major_incident.number
        raise ValidationError(
            {"ticket": f"{ticket.number} is already a child incident of {where} major incident."}
        )
    # A major incident's own ticket under another major incident would nest
    # them (and, linked both ways, loop): merge by hand instead.
    other = MajorIncident.objects.filter(ticket=ticket).first()
    if other is not None:
        raise ValidationError(
            {
                "ticket": f"{ticket.number} is the ticket of major incident {other.number}; "
                "a major incident cannot be a child of another."
            }
        )


@service
def link_child(mi, ticket, *, actor, now=None):
    mi = MajorIncident.objects.select_for_update().get(pk=mi.pk)
    # The ticket's row lock serialises linking it (to this or another major
    # incident): the second request sees the first link and is refused.
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_linkable(mi, ticket)
    child = create_record(
        ChildIncident, {"major_incident": mi, "ticket": ticket, "linked_by": _user(actor)}
    )
    record(
        ticket,
        EventKind.LINK,
        actor=actor,
        at=now,
        body=f"Linked to major incident {mi.number}.",
        major_incident=mi.number,
    )
    return child


@service
def unlink_child(mi, ticket, *, actor, now=None):
    child = ChildIncident.objects.filter(major_incident=mi, ticket=ticket).first()
    if child is None:
        raise ValidationError({"ticket": f"{ticket.number} is not a child of {mi.number}."})
    child.delete()
    record(
        ticket,
        EventKind.LINK,
        actor=actor,
        at=now,
        body=f"Unlinked from major incident {mi.number}.",
        major_incident=mi.number,
    )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
