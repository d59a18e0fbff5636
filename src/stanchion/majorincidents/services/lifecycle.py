"""Declaring, editing, mitigating and resolving major incidents. The
incident ticket follows: ``is_major`` and its impact window are kept in
step through the tickets services (availability reads them)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.core.services import lock, next_number, save_validated, service
from stanchion.tickets import services as tickets
from stanchion.tickets.choices import EventKind, TicketKind
from stanchion.tickets.models import Ticket
from stanchion.tickets.services.timeline import record

from ..choices import UPDATE_CADENCE, MajorIncidentState, MajorPriority
from ..models import ChildIncident, MajorIncident
from ..workflows import check_transition
from .reviews import open_review

EDITABLE = {"title", "summary", "commander", "comms_lead", "impact_start", "detected_at"}
EDITABLE_MANY = {"services", "resolver_people", "resolver_teams"}


def _check_declarable(ticket):
    if ticket.kind != TicketKind.INCIDENT:
        raise ValidationError({"ticket": f"{ticket.number} is a service request, not an incident."})
    if ticket.priority not in MajorPriority:
        raise ValidationError(
            {
                "ticket": f"Only P1 and P2 incidents can be declared major; {ticket.number} "
                f"is {ticket.priority.upper()}. Raise its impact or urgency first."
            }
        )
    if not ticket.is_open:
        raise ValidationError({"ticket": f"{ticket.number} is no longer open."})
    if MajorIncident.objects.filter(ticket=ticket).exists():
        raise ValidationError({"ticket": f"{ticket.number} is already a major incident."})
    parent = ChildIncident.objects.filter(ticket=ticket).select_related("major_incident").first()
    if parent is not None:
        raise ValidationError(
            {
                "ticket": f"{ticket.number} is a child incident of "
                f"{parent.major_incident.number}; unlink it first."
            }
        )


def _set_many(mi, values):
    for name in EDITABLE_MANY:
        if name in values and values[name] is not None:
            getattr(mi, name).set(values[name])


@service
def declare(
    ticket,
    *,
    actor,
    title="",
    summary="",
    commander=None,
    comms_lead=None,
    services=None,
    resolver_people=(),
    resolver_teams=(),
    impact_start=None,
    detected_at=None,
    now=None,
):
    """Run ``ticket`` (an open P1/P2 incident) as a major incident."""
    now = now or timezone.now()
    ticket = lock(ticket)
    _check_declarable(ticket)
    impact_start = impact_start or ticket.impact_start or ticket.created_at
    detected_at = detected_at or ticket.created_at
    if detected_at < impact_start:
        detected_at = impact_start
    if impact_start > now:
        raise ValidationError({"impact_start": "The impact cannot start in the future."})
    mi = MajorIncident(
        number=next_number("MI"),
        title=(title or ticket.title).strip(),
        summary=summary,
        priority=ticket.priority,
        ticket=ticket,
        commander=commander or (actor if getattr(actor, "pk", None) else None),
        comms_lead=comms_lead,
        declared_by=actor if getattr(actor, "pk", None) else None,
        declared_at=now,
        impact_start=impact_start,
        detected_at=detected_at,
        next_update_due=now + UPDATE_CADENCE[ticket.priority],
        created_at=now,
    )
    save_validated(mi)
    if services is None:
        services = [ticket.service] if ticket.service_id else []
    _set_many(
        mi,
        {
            "services": services,
            "resolver_people": resolver_people,
            "resolver_teams": resolver_teams,
        },
    )
    ticket = tickets.update_ticket(
        ticket, {"is_major": True, "impact_start": impact_start}, actor=actor, now=now
    )
    mi.ticket = ticket
    record(
        ticket,
        EventKind.NOTE,
        actor=actor,
        at=now,
        body=f"Declared major incident {mi.number}.",
        major_incident=mi.number,
    )
    return mi


@service
def declare_directly(
    *, actor, requester, title, impact, urgency, service=None, description="", now=None, **roles
):
    """Open the incident ticket and declare it at once (an outage seen
    before anyone reported it). Refused, ticket and all, below P2."""
    now = now or timezone.now()
    ticket = tickets.open_incident(
        actor=actor,
        requester=requester,
        title=title,
        description=description,
        service=service,
        impact=impact,
        urgency=urgency,
        channel="monitoring" if roles.pop("monitoring", False) else "phone",
        now=now,
    )
    return declare(ticket, actor=actor, now=now, **roles)


@service
def edit(mi, changes, *, actor, expected_version=None, now=None):
    """Change the roles, the affected services, the title or the impact
    start and detection time (mitigation and resolution times are set by
    ``mitigate`` and ``resolve``)."""
    locked = lock(mi, expected_version)
    unknown = set(changes) - EDITABLE - EDITABLE_MANY
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationError({"title": "A major incident needs a title."})
    for name in EDITABLE & set(changes):
        setattr(locked, name, changes[name])
    if locked.impact_start is None:
        raise ValidationError({"impact_start": "Say when the impact started."})
    if locked.detected_at is None:
        raise ValidationError({"detected_at": "Say when the impact was detected."})
    save_validated(locked)
    _set_many(locked, changes)
    if "impact_start" in changes and locked.ticket.impact_start != locked.impact_start:
        locked.ticket = tickets.update_ticket(
            locked.ticket, {"impact_start": locked.impact_start}, actor=actor, now=now
        )
    return locked


def _when(value, now, field):
    at = value or now
    if at > now:
        raise ValidationError({field: "This cannot be in the future."})
    return at


@service
def mitigate(mi, *, actor, at=None, expected_version=None, now=None):
    """The impact stopped (the cause may remain): updates go on."""
    now = now or timezone.now()
    locked = lock(mi, expected_version)
    check_transition(locked.state, MajorIncidentState.MITIGATED)
    locked.state = MajorIncidentState.MITIGATED
    locked.mitigated_at = _when(at, now, "at")
    if locked.mitigated_at < locked.impact_start:
        raise ValidationError({"at": "The impact cannot stop before it started."})
    save_validated(locked)
    locked.ticket = tickets.update_ticket(
        locked.ticket, {"impact_end": locked.mitigated_at}, actor=actor, now=now
    )
    record(
        locked.ticket,
        EventKind.NOTE,
        actor=actor,
        at=now,
        body=f"{locked.number} mitigated.",
        major_incident=locked.number,
    )
    return locked


@service
def resolve(mi, *, actor, notes, code="solved", at=None, expected_version=None, now=None):
    """Fixed: the incident ticket and every open child incident are
    resolved through the tickets services (each requester hears of it as
    for any resolved ticket), the ticket's impact ends, and the
    post-incident review opens."""
    now = now or timezone.now()
    locked = lock(mi, expected_version)
    check_transition(locked.state, MajorIncidentState.RESOLVED)
    if not (notes or "").strip():
        raise ValidationError({"resolution_notes": "Say what fixed it."})
    resolved_at = _when(at, now, "at")
    if resolved_at < locked.impact_start:
        raise ValidationError({"at": "It cannot be resolved before the impact started."})
    if locked.mitigated_at and resolved_at < locked.mitigated_at:
        raise ValidationError(
            {"at": "It cannot be resolved before it was mitigated (impact stopped)."}
        )
    locked.state = MajorIncidentState.RESOLVED
    locked.resolved_at = resolved_at
    locked.mitigated_at = locked.mitigated_at or resolved_at
    locked.resolution_notes = notes.strip()
    locked.next_update_due = None
    save_validated(locked)
    ticket = Ticket.objects.get(pk=locked.ticket_id)
    if ticket.impact_end != locked.mitigated_at:
        tickets.update_ticket(ticket, {"impact_end": locked.mitigated_at}, actor=actor, now=now)
        ticket.refresh_from_db()
    if ticket.is_open:
        tickets.resolve(ticket, actor=actor, code=code, notes=notes, now=now)
    child_notes = f"Resolved with major incident {locked.number}: {notes.strip()}"
    for child in Ticket.objects.filter(parent_major_incident__major_incident=locked).order_by("pk"):
        if child.is_open:
            tickets.resolve(child, actor=actor, code=code, notes=child_notes, now=now)
    open_review(locked, actor=actor, now=now)
    return locked
