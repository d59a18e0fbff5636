"""Post-incident reviews: opened when a major incident is resolved, with a
timeline assembled from the ticket's history and the stakeholder updates;
actions with owners and due dates, and the job that tells owners of
overdue ones (once per action)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.core.services import create_record, lock, save_validated, service
from stanchion.tickets.choices import EventKind
from stanchion.tickets.models import TimelineEvent

from .. import notify
from ..choices import ActionState
from ..models import PostIncidentReview, ReviewAction

REVIEW_FIELDS = {
    "summary",
    "impact",
    "timeline",
    "root_cause",
    "contributing_factors",
    "went_well",
    "was_hard",
}
ACTION_FIELDS = {"title", "owner", "due_date", "state", "change", "problem"}


def _line(at, text):
    return f"- {timezone.localtime(at):%Y-%m-%d %H:%M} — {' '.join(text.split())}"


def assemble_timeline(mi):
    """The key moments as Markdown lines, oldest first: the impact window,
    the incident ticket's public history and state changes, and every
    stakeholder update."""
    entries = [(mi.impact_start, 0, "Impact started.")]
    entries.append((mi.detected_at, 1, "Detected."))
    entries.append((mi.declared_at, 2, f"Declared {mi.number} ({mi.get_priority_display()})."))
    if mi.mitigated_at:
        entries.append((mi.mitigated_at, 3, "Mitigated: the impact stopped."))
    if mi.resolved_at:
        entries.append((mi.resolved_at, 4, f"Resolved: {mi.resolution_notes}"))
    kinds = (EventKind.CREATED, EventKind.STATE, EventKind.COMMENT, EventKind.ASSIGNMENT)
    events = TimelineEvent.objects.filter(ticket_id=mi.ticket_id, kind__in=kinds).select_related(
        "actor"
    )
    for event in events:
        who = f"{event.actor}: " if event.actor_id else ""
        if event.kind == EventKind.STATE:
            text = f"Ticket {event.data.get('from', '')} → {event.data.get('to', '')}."
        elif event.kind == EventKind.CREATED:
            text = f"Ticket {mi.ticket.number} opened."
        elif event.kind == EventKind.ASSIGNMENT:
            text = event.body or "Ticket assigned."
        else:
            text = event.body
        if text:
            entries.append((event.at, 5, f"{who}{text}"[:500]))
    for update in mi.updates.all():
        entries.append((update.created_at, 6, f"Stakeholder update: {update.body}"[:500]))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return "\n".join(_line(at, text) for at, _, text in entries)


def open_review(mi, *, actor, now=None):
    """Called inside ``resolve``: the review, once per major incident."""
    existing = PostIncidentReview.objects.filter(major_incident=mi).first()
    if existing is not None:
        return existing
    return create_record(
        PostIncidentReview,
        {
            "major_incident": mi,
            "summary": mi.summary,
            "timeline": assemble_timeline(mi),
            "created_at": now or timezone.now(),
        },
    )


@service
def update_review(review, changes, *, actor, expected_version=None):
    locked = lock(review, expected_version)
    unknown = set(changes) - REVIEW_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    for name, value in changes.items():
        setattr(locked, name, value or "")
    return save_validated(locked)


def _check_action(values, *, today, creating):
    errors = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = "Say what will be done."
    if "owner" in values and values["owner"] is None:
        errors["owner"] = "Every action needs an owner."
    if creating and values.get("due_date") is None:
        errors["due_date"] = "Every action needs a due date."
    elif creating and values["due_date"] < today:
        errors["due_date"] = "The due date cannot be in the past."
    if "state" in values and values["state"] not in ActionState:
        errors["state"] = f"Choose one of: {', '.join(ActionState.values())}."
    if errors:
        raise ValidationError(errors)


@service
def add_action(review, *, actor, title, owner, due_date, change=None, problem=None, now=None):
    now = now or timezone.now()
    values = {"title": title, "owner": owner, "due_date": due_date}
    _check_action(values, today=timezone.localdate(now), creating=True)
    return create_record(
        ReviewAction,
        {
            "review": review,
            "title": title.strip(),
            "owner": owner,
            "due_date": due_date,
            "change": change,
            "problem": problem,
            "created_at": now,
        },
    )


@service
def update_action(action, changes, *, actor, expected_version=None, now=None):
    """Edit an action or mark it done (or open again). A new due date may
    not be in the past."""
    now = now or timezone.now()
    locked = lock(action, expected_version)
    unknown = set(changes) - ACTION_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    _check_action(changes, today=timezone.localdate(now), creating=False)
    if "due_date" in changes and changes["due_date"] != locked.due_date:
        if changes["due_date"] is None or changes["due_date"] < timezone.localdate(now):
            raise ValidationError({"due_date": "The due date cannot be in the past."})
        locked.overdue_notified_at = None
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if "state" in changes:
        if locked.state == ActionState.DONE and locked.done_at is None:
            locked.done_at = now
        elif locked.state == ActionState.OPEN:
            locked.done_at = None
    return save_validated(locked)


def notify_overdue_actions(now=None):
    """Periodic: tell each owner of an open action past its due date, once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ReviewAction.objects.filter(
        state=ActionState.OPEN, due_date__lt=today, overdue_notified_at__isnull=True
    ).values_list("pk", flat=True)
    told = 0
    for pk in list(due):
        told += _mark_action_overdue(pk, actor=None, now=now)
    return told


@service
def _mark_action_overdue(pk, *, actor, now):
    action = ReviewAction.objects.select_for_update().get(pk=pk)
    if action.state != ActionState.OPEN or action.overdue_notified_at is not None:
        return 0
    action.overdue_notified_at = now
    save_validated(action)
    notify.action_overdue(action.pk)
    return 1
