"""The change advisory board: meetings, their generated agenda (the changes
waiting for a CAB approval), decisions and attendance.

A CAB decision of approved or rejected decides the change's pending CAB
approval, recorded as decided by whoever records it (a change approver);
deferred leaves it pending for a later meeting. Holding a meeting marks the
items it did not reach as deferred, so they come back on the next agenda.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.accounts.models import User
from stanchion.core.services import create_record, lock, save_validated, service

from ..choices import ApprovalState, ApproverKind, CabDecision, CabMeetingState, ChangeState
from ..models import CabAgendaItem, CabAttendance, CabMeeting, Change
from .approvals import apply_decision, check_pending
from .common import record, require, text


def _users(values, field):
    ids = []
    for value in values or ():
        pk = getattr(value, "pk", value)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({field: f"“{value}” is not a user id."}) from None
    found = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError({field: f"Unknown user: {', '.join(unknown)}."})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _open_meeting(meeting, action):
    if meeting.state == CabMeetingState.CANCELLED:
        raise ValidationError({"state": f"The meeting was cancelled; {action} is not possible."})


@service
def plan_cab_meeting(
    *, actor, title, starts_at, ends_at, location="", chair=None, attendees=(), now=None
):
    require(actor, "cabmeeting.add", "You cannot plan CAB meetings.")
    if not text(title):
        raise ValidationError({"title": "Give the meeting a title."})
    if starts_at is None:
        raise ValidationError({"starts_at": "Give the start of the meeting."})
    if ends_at is None:
        raise ValidationError({"ends_at": "Give the end of the meeting."})
    chair = chair or (actor if getattr(actor, "pk", None) else None)
    meeting = create_record(
        CabMeeting,
        {
            "title": text(title),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": text(location),
            "chair": chair,
            "created_at": now or timezone.now(),
        },
    )
    people = _users(attendees, "attendees")
    if chair is not None and chair.pk not in {u.pk for u in people}:
        people.insert(0, chair)
    for user in people:
        create_record(CabAttendance, {"meeting": meeting, "user": user})
    return meeting


def awaiting_cab():
    """Changes in authorisation with a pending CAB approval, soonest first."""
    return (
        Change.objects.filter(
            state=ChangeState.AUTHORISATION,
            approvals__kind=ApproverKind.CAB,
            approvals__state=ApprovalState.PENDING,
        )
        .distinct()
        .order_by("planned_start", "pk")
    )


@service
def build_agenda(meeting, *, actor):
    """Add every change awaiting the CAB that is not yet on the agenda;
    returns the whole agenda in order."""
    require(actor, "cabmeeting.change", "You cannot prepare CAB meetings.")
    locked = lock(meeting)
    if locked.state != CabMeetingState.PLANNED:
        label = CabMeetingState.label(locked.state).lower()
        raise ValidationError({"state": f"The agenda of a {label} meeting cannot change."})
    items = list(locked.agenda.all())
    listed = {item.change_id for item in items}
    order = max((item.order for item in items), default=0)
    for change in awaiting_cab():
        if change.pk in listed:
            continue
        order += 1
        items.append(
            create_record(CabAgendaItem, {"meeting": locked, "change": change, "order": order})
        )
    return items


@service
def record_cab_decision(item, *, actor, decision, note="", now=None):
    """The board's decision on one agenda item."""
    require(actor, "cabmeeting.change", "You cannot record CAB decisions.")
    now = now or timezone.now()
    locked = lock(item)
    _open_meeting(locked.meeting, "recording decisions")
    if decision not in (CabDecision.APPROVED, CabDecision.REJECTED, CabDecision.DEFERRED):
        raise ValidationError({"decision": "Choose approved, rejected or deferred."})
    if locked.decision in (CabDecision.APPROVED, CabDecision.REJECTED):
        label = CabDecision.label(locked.decision).lower()
        raise ValidationError({"decision": f"The board already {label} this change."})
    if decision == CabDecision.REJECTED and not text(note):
        raise ValidationError({"note": "Say why the board rejects the change."})
    if decision != CabDecision.DEFERRED:
        approval = (
            locked.change.approvals.filter(kind=ApproverKind.CAB, state=ApprovalState.PENDING)
            .order_by("-pk")
            .first()
        )
        if approval is None:
            raise ValidationError({"decision": "The change has no pending CAB approval."})
        approval = lock(approval)
        check_pending(approval)
        comment = text(note) or f"Approved by the CAB ({locked.meeting.title})."
        apply_decision(
            approval,
            actor=actor,
            approve=decision == CabDecision.APPROVED,
            comment=comment,
            now=now,
        )
    else:
        record(
            locked.change,
            "cab",
            actor=actor,
            at=now,
            body=text(note),
            decision=decision,
            meeting=locked.meeting_id,
        )
    locked.decision, locked.decision_note = decision, text(note)
    return save_validated(locked)


@service
def record_attendance(meeting, *, actor, attended_user_ids):
    """Who was there: the listed users attended, every other invitee did
    not; people who came uninvited are added."""
    require(actor, "cabmeeting.change", "You cannot record CAB attendance.")
    locked = lock(meeting)
    _open_meeting(locked, "recording attendance")
    present = {user.pk for user in _users(attended_user_ids, "attended_user_ids")}
    rows = {row.user_id: row for row in locked.attendance.all()}
    for user_id in present - set(rows):
        rows[user_id] = create_record(
            CabAttendance, {"meeting": locked, "user_id": user_id, "attended": True}
        )
    for user_id, row in rows.items():
        if row.attended != (user_id in present):
            row.attended = user_id in present
            save_validated(row)
    return sorted(rows.values(), key=lambda row: row.user_id)


@service
def hold_meeting(meeting, *, actor, minutes="", now=None):
    """Planned → held, with the minutes; undecided items become deferred."""
    require(actor, "cabmeeting.change", "You cannot run CAB meetings.")
    now = now or timezone.now()
    locked = lock(meeting)
    if locked.state != CabMeetingState.PLANNED:
        label = CabMeetingState.label(locked.state).lower()
        raise ValidationError({"state": f"The meeting is already {label}."})
    if now < locked.starts_at:
        raise ValidationError({"state": "The meeting has not started yet."})
    for item in locked.agenda.filter(decision=""):
        item.decision, item.decision_note = CabDecision.DEFERRED, "Not reached in the meeting."
        save_validated(item)
    locked.state, locked.minutes = CabMeetingState.HELD, text(minutes)
    return save_validated(locked)


@service
def cancel_cab_meeting(meeting, *, actor):
    require(actor, "cabmeeting.change", "You cannot cancel CAB meetings.")
    locked = lock(meeting)
    if locked.state != CabMeetingState.PLANNED:
        label = CabMeetingState.label(locked.state).lower()
        raise ValidationError({"state": f"The meeting is already {label}."})
    locked.state = CabMeetingState.CANCELLED
    return save_validated(locked)
