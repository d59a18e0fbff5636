"""The only code that writes problems (see core.services for the rules).

The life of a problem: new → investigating → known error (the cause is
understood and a workaround is written down) → resolved (the permanent fix is
in) → closed. Every move is checked against ``workflows``; every write is
audited and leaves an event on the problem's timeline.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stanchion.accounts.roles import STAFF_ROLES, Role, has_perm
from stanchion.core.services import create_record, lock, next_number, save_validated, service

from .choices import ProblemPriority, ProblemState
from .models import Problem, ProblemEvent, ProblemIncident, RecurrenceSettings
from .workflows import check_transition

# Fields a caller may give when raising or editing a problem.
FIELDS = {
    "title",
    "description",
    "services",
    "category",
    "root_cause_category",
    "priority",
    "workaround",
    "root_cause_analysis",
    "fix_change",
    "assignment_team",
    "assignee",
}
# Who may be assigned a problem: IT staff who work, not auditors (they read).
WORKING_ROLES = frozenset(STAFF_ROLES - {Role.AUDITOR})
LIMITS = {"description": 20000, "workaround": 20000, "root_cause_analysis": 50000}


def _text(value):
    return (value or "").strip()


def _require(actor, permission, message):
    """Services run for people (actor given) and for the system (actor None:
    the demo and jobs); people need the permission."""
    if actor is not None and not has_perm(actor, permission):
        raise PermissionDenied(message)


def record(problem, kind, *, actor=None, body="", at=None, **data):
    """Append one event to the problem's timeline."""
    return create_record(
        ProblemEvent,
        {
            "problem": problem,
            "kind": kind,
            "actor": actor if getattr(actor, "pk", None) else None,
            "body": body,
            "at": at or timezone.now(),
            "data": data,
        },
    )


def _clean(fields, *, current=None):
    """Check the fields a caller gave; returns them tidied."""
    unknown = sorted(set(fields) - FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    fields = dict(fields)
    if "title" in fields:
        fields["title"] = _text(fields["title"])
        if not fields["title"]:
            raise ValidationError({"title": "Give the problem a title."})
        if len(fields["title"]) > 200:
            raise ValidationError({"title": "A title is at most 200 characters."})
    for name, limit in LIMITS.items():
        if name in fields:
            fields[name] = _text(fields[name])
            if len(fields[name]) > limit:
                raise ValidationError({name: f"At most {limit:,} characters."})
    if "priority" in fields and fields["priority"] not in ProblemPriority:
        raise ValidationError({"priority": f"Unknown priority “{fields['priority']}”."})
    cause = fields.get("root_cause_category")
    if (
        cause is not None
        and not cause.is_active
        and getattr(current, "root_cause_category_id", None) != cause.pk
    ):
        raise ValidationError({"root_cause_category": f"“{cause}” is no longer in use."})
    team = fields.get("assignment_team")
    if team is not None and not team.is_active:
        raise ValidationError({"assignment_team": f"{team} is no longer active."})
    assignee = fields.get("assignee")
    if assignee is not None and not (assignee.is_active and assignee.role in WORKING_ROLES):
        raise ValidationError({"assignee": f"{assignee} cannot work problems."})
    if "services" in fields:
        fields["services"] = list(fields["services"] or [])
    return fields


@service
def create_problem(*, actor, title, incidents=(), now=None, **fields):
    """A new problem; ``incidents`` (tickets) are linked at once."""
    _require(actor, "problem.add", "You cannot raise problems.")
    now = now or timezone.now()
    fields = _clean({"title": title, **fields})
    services = fields.pop("services", [])
    problem = Problem(
        number=next_number("PRB"),
        raised_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        **fields,
    )
    save_validated(problem)
    problem.services.set(services)
    record(problem, "created", actor=actor, at=now)
    for incident in incidents:
        _link(problem, incident, actor=actor, now=now)
    return problem


def _describe(value):
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


@service
def update_problem(problem, changes, *, actor, expected_version=None, now=None):
    """Edit the problem's fields; the timeline names each field changed."""
    _require(actor, "problem.change", "You cannot edit problems.")
    locked = lock(problem, expected_version)
    if locked.state == ProblemState.CLOSED:
        raise ValidationError({"state": "A closed problem cannot be edited."})
    changes = _clean(changes, current=locked)
    known_error = locked.state == ProblemState.KNOWN_ERROR
    if known_error and "workaround" in changes and not changes["workaround"]:
        raise ValidationError({"workaround": "A known error keeps its workaround."})
    changed = []
    for name, value in changes.items():
        if name == "services":
            before = sorted(locked.services.values_list("pk", flat=True))
            if before != sorted(s.pk for s in value):
                changed.append(name)
            continue
        field = locked._meta.get_field(name)
        old = getattr(locked, field.attname)
        new = getattr(value, "pk", value)
        if old != new:
            changed.append(name)
            setattr(locked, name, value)
    if not changed:
        return locked
    save_validated(locked)
    if "services" in changed:
        locked.services.set(changes["services"])
    labels = [str(locked._meta.get_field(n).verbose_name) for n in changed]
    record(
        locked,
        "updated",
        actor=actor,
        at=now,
        body="Changed " + ", ".join(labels) + ".",
        fields=changed,
    )
    return locked


@service
def move_problem(problem, to_state, *, actor, expected_version=None, note="", now=None):
    """Change state. A known error needs its workaround; resolving needs the
    permanent fix (a change) or a note saying how it was fixed."""
    _require(actor, "problem.change", "You cannot work problems.")
    now = now or timezone.now()
    locked = lock(problem, expected_version)
    if to_state not in ProblemState:
        raise ValidationError({"state": f"Unknown state “{to_state}”."})
    from_state = locked.state
    check_transition(from_state, to_state)
    note = _text(note)
    if len(note) > 5000:
        raise ValidationError({"note": "A note is at most 5,000 characters."})
    if to_state == ProblemState.KNOWN_ERROR and not _text(locked.workaround):
        raise ValidationError(
            {"workaround": "Write the workaround before declaring a known error."}
        )
    if to_state == ProblemState.RESOLVED and locked.fix_change_id is None and not note:
        raise ValidationError(
            {"note": "Link the change that fixed it, or say in a note how it was fixed."}
        )
    locked.state = to_state
    if to_state == ProblemState.KNOWN_ERROR:
        locked.known_error_at = now
    if to_state == ProblemState.RESOLVED:
        locked.resolved_at = now
    if to_state == ProblemState.INVESTIGATING:
        locked.resolved_at = None
    if to_state == ProblemState.CLOSED:
        locked.closed_at = now
    save_validated(locked)
    record(locked, "state", actor=actor, at=now, body=note, **{"from": from_state, "to": to_state})
    return locked


def _link(problem, incident, *, actor, note="", now):
    if incident is None:
        raise ValidationError({"incident": "Choose the incident."})
    if incident.kind != "incident":
        raise ValidationError(
            {
                "incident": f"{incident.number} is a service request; "
                "only incidents are caused by problems."
            }
        )
    if problem.state == ProblemState.CLOSED:
        raise ValidationError({"problem": f"{problem.number} is closed."})
    note = _text(note)
    if len(note) > 500:
        raise ValidationError({"note": "A note is at most 500 characters."})
    if ProblemIncident.objects.filter(problem=problem, incident=incident).exists():
        raise ValidationError(
            {"incident": f"{incident.number} is already linked to {problem.number}."}
        )
    link = create_record(
        ProblemIncident,
        {
            "problem": problem,
            "incident": incident,
            "linked_by": actor if getattr(actor, "pk", None) else None,
            "note": note,
            "created_at": now,
        },
    )
    record(
        problem,
        "incident_linked",
        actor=actor,
        at=now,
        body=note,
        incident=incident.number,
        incident_id=incident.pk,
    )
    return link


def find_incident(number):
    """The ticket numbered ``number``, or a ValidationError naming the field."""
    from stanchion.tickets.models import Ticket

    number = _text(number).upper()
    if not number:
        raise ValidationError({"incident": "Give the incident's number."})
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        raise ValidationError({"incident": f"There is no incident {number}."})
    return ticket


@service
def link_incident(problem, incident, *, actor, note="", now=None):
    """Record that ``incident`` (a ticket, or its number) is caused by the
    problem. Requests, unknown numbers and repeats are refused."""
    _require(actor, "problemincident.add", "You cannot link incidents to problems.")
    if isinstance(incident, str):
        incident = find_incident(incident)
    locked = lock(problem)
    return _link(locked, incident, actor=actor, note=note, now=now or timezone.now())


@service
def unlink_incident(link, *, actor, now=None):
    _require(actor, "problemincident.delete", "You cannot unlink incidents from problems.")
    locked = lock(link)
    record(
        locked.problem,
        "incident_unlinked",
        actor=actor,
        at=now or timezone.now(),
        incident=locked.incident.number,
        incident_id=locked.incident_id,
    )
    locked.delete()


@service
def add_comment(problem, *, actor, body, now=None):
    _require(actor, "problem.comment", "You cannot comment on problems.")
    body = _text(body)
    if not body:
        raise ValidationError({"body": "Write something."})
    if len(body) > 20000:
        raise ValidationError({"body": "A comment is at most 20,000 characters."})
    return record(problem, "comment", actor=actor, at=now or timezone.now(), body=body)


SETTINGS_FIELDS = {"window_days", "min_cluster_size", "similarity_threshold"}


@service
def update_recurrence_settings(changes, *, actor, expected_version=None):
    """Change the detection thresholds (the single settings row, created on
    first save)."""
    _require(actor, "recurrencesettings.change", "You cannot change the detection thresholds.")
    unknown = sorted(set(changes) - SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    current = RecurrenceSettings.objects.order_by("pk").first()
    current = RecurrenceSettings() if current is None else lock(current, expected_version)
    for name, value in changes.items():
        setattr(current, name, value)
    return save_validated(current)


@service
def raise_from_cluster(incident_ids, *, actor, title="", priority=ProblemPriority.P3, now=None):
    """A problem for a recurring-incident cluster (detection.find_candidates):
    its service and category, every incident of the cluster linked. Refused
    when the incidents no longer form a candidate (one was linked meanwhile)."""
    from . import detection

    _require(actor, "problem.add", "You cannot raise problems.")
    candidate = detection.cluster_incidents(incident_ids, now=now)
    if candidate is None:
        raise ValidationError(
            {"incidents": "These incidents are no longer a problem candidate; reload the list."}
        )
    first = candidate.incidents[0]
    return create_problem(
        actor=actor,
        title=_text(title) or first.title,
        description=(
            f"Raised from {len(candidate.incidents)} recurring incidents on "
            f"{candidate.service} / {candidate.category} between "
            f"{candidate.first_at:%Y-%m-%d} and {candidate.last_at:%Y-%m-%d}."
        ),
        services=[candidate.service],
        category=candidate.category,
        priority=priority,
        incidents=candidate.incidents,
        now=now,
    )
