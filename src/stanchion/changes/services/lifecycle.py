"""Raising, editing, submitting, scheduling, implementing, reviewing,
closing and cancelling changes.

The life of a change: draft → assessment (risk scored, conflicts found) →
authorisation (approvals per changes.policies) → scheduled → implementing →
review → closed; cancelled from any state before implementation. A standard
change is pre-approved: with no conflicts it goes from assessment straight
to scheduled. Nothing but a standard change reaches scheduled or
implementing without its approvals complete (``approved_at`` set).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.core.services import lock, next_number, save_validated, service

from ..choices import FAILED_OUTCOMES, ApprovalState, ChangeOutcome, ChangeState, ChangeType
from ..models import Change
from ..workflows import transition_error
from . import assessing
from .common import move, record, require, text

# Fields a caller may give when raising or editing a change.
PLAN_FIELDS = {
    "description",
    "justification",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "validation_checklist",
    "planned_start",
    "planned_end",
    "owner",
    "implementer_team",
    "risk_answers",
}
UPDATABLE = PLAN_FIELDS | {"title", "services"}
# Editing any of these after submission re-assesses the change; in
# authorisation or scheduled it goes back to assessment for new approvals.
REPLAN_FIELDS = {"planned_start", "planned_end", "services", "risk_answers"}
# Once work has started only the words may change.
WORK_STATES = (ChangeState.IMPLEMENTING, ChangeState.REVIEW)
WORK_UPDATABLE = {"title", "description", "justification", "owner"}
# Pending or given approvals that a re-plan or cancellation makes moot.
LIVE_APPROVALS = (ApprovalState.PENDING, ApprovalState.APPROVED)


def _now(now):
    return now or timezone.now()


def _unknown(fields, allowed):
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})


RELATIONS = {"owner": ("accounts", "User"), "implementer_team": ("accounts", "Team")}


def _resolve_relations(fields):
    """``owner`` and ``implementer_team`` may be given as instances or ids."""
    from django.apps import apps

    for name, (app, model_name) in RELATIONS.items():
        value = fields.get(name)
        if value is None or hasattr(value, "pk"):
            continue
        model = apps.get_model(app, model_name)
        try:
            fields[name] = model.objects.get(pk=int(value))
        except (TypeError, ValueError, model.DoesNotExist):
            raise ValidationError({name: f"Unknown {model._meta.verbose_name}: {value}."}) from None
    team = fields.get("implementer_team")
    if team is not None and not team.is_active:
        raise ValidationError({"implementer_team": f"{team} is no longer active."})
    owner = fields.get("owner")
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": f"{owner} is deactivated."})


def _from_template(template, fields, services, *, change_type):
    if change_type != ChangeType.STANDARD:
        if template is not None:
            raise ValidationError({"template": "Only standard changes are raised from a template."})
        return services
    if template is None:
        raise ValidationError({"template": "A standard change is raised from a template."})
    if not template.is_active:
        raise ValidationError({"template": f"“{template}” is no longer offered."})
    for name in ("implementation_plan", "backout_plan", "test_plan"):
        if not text(fields.get(name)):
            fields[name] = getattr(template, name)
    if not fields.get("validation_checklist"):
        fields["validation_checklist"] = list(template.validation_checklist or [])
    if fields.get("implementer_team") is None and template.implementer_team_id:
        fields["implementer_team"] = template.implementer_team
    start = fields.get("planned_start")
    if start is not None and fields.get("planned_end") is None:
        fields["planned_end"] = start + timedelta(minutes=template.expected_duration_minutes)
    if not services:
        services = list(template.services.all())
    return services


@service
def create_change(
    *, actor, change_type, title, template=None, services=(), requested_by=None, now=None, **fields
):
    """A new draft change. Standard changes come from an active template,
    whose plans, checklist, team and services they start with."""
    require(actor, "change.add", "You cannot raise changes.")
    now = _now(now)
    _unknown(fields, PLAN_FIELDS)
    if change_type not in ChangeType:
        raise ValidationError({"change_type": f"Unknown change type “{change_type}”."})
    if not text(title):
        raise ValidationError({"title": "Give the change a title."})
    requested_by = requested_by or actor
    if requested_by is None:
        raise ValidationError({"requested_by": "Say who requests the change."})
    _resolve_relations(fields)
    services = assessing.clean_services(services)
    services = _from_template(template, fields, services, change_type=change_type)
    fields["validation_checklist"] = assessing.clean_checklist(fields.get("validation_checklist"))
    fields["risk_answers"] = assessing.clean_answers(fields.get("risk_answers"))
    change = Change(
        number=next_number("CHG"),
        change_type=change_type,
        template=template,
        title=text(title),
        requested_by=requested_by,
        created_at=now,
        **fields,
    )
    if change.owner_id is None:
        change.owner = requested_by
    assessing.check_times(change)
    save_validated(change)
    change.services.set(services)
    record(change, "created", actor=actor, at=now, change_type=change_type)
    return change


def _values(change, names):
    values = {}
    for name in names:
        if name == "services":
            values[name] = sorted(change.services.values_list("pk", flat=True))
        else:
            field = change._meta.get_field(name)
            values[name] = getattr(change, field.attname)
    return values


def _shown(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, (list, dict, int, bool)) or value is None else str(value)


def _supersede(change, *, reason):
    for approval in change.approvals.filter(state__in=LIVE_APPROVALS):
        approval.state = ApprovalState.SUPERSEDED
        approval.comment = approval.comment or reason
        save_validated(approval)
    change.approved_at = None


@service
def update_change(change, changes, *, actor, expected_version=None, now=None):
    """Edit a change. Re-planning (times, services, risk answers) after
    submission re-assesses it; in authorisation or scheduled it goes back to
    assessment and its approvals are superseded (a standard change with no
    conflicts is scheduled again at once)."""
    require(actor, "change.change", "You cannot edit changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    if locked.state in (ChangeState.CLOSED, ChangeState.CANCELLED):
        label = ChangeState.label(locked.state).lower()
        raise ValidationError({"state": f"A {label} change cannot be edited."})
    allowed = WORK_UPDATABLE if locked.state in WORK_STATES else UPDATABLE
    if locked.state in WORK_STATES:
        refused = sorted(set(changes) & (UPDATABLE - WORK_UPDATABLE))
        if refused:
            raise ValidationError(
                {
                    name: "The plan of a change that is being implemented cannot change."
                    for name in refused
                }
            )
    _unknown(changes, allowed)
    changes = dict(changes)
    _resolve_relations(changes)
    if "title" in changes:
        if not text(changes["title"]):
            raise ValidationError({"title": "Give the change a title."})
        changes["title"] = text(changes["title"])
    if "services" in changes:
        changes["services"] = assessing.clean_services(changes["services"])
    if "validation_checklist" in changes:
        changes["validation_checklist"] = assessing.clean_checklist(changes["validation_checklist"])
    if "risk_answers" in changes:
        changes["risk_answers"] = assessing.clean_answers(changes["risk_answers"])

    before = _values(locked, changes)
    for name, value in changes.items():
        if name != "services":
            setattr(locked, name, value)
    if "services" in changes:
        locked.services.set(changes["services"])
    after = _values(locked, changes)
    changed = {
        name: [_shown(before[name]), _shown(after[name])]
        for name in changes
        if before[name] != after[name]
    }
    if not changed:
        return locked
    assessing.check_times(locked)
    replanned = bool(REPLAN_FIELDS & set(changed)) and locked.state != ChangeState.DRAFT
    record(locked, "replanned" if replanned else "edited", actor=actor, at=now, changes=changed)
    if replanned:
        _replan(locked, actor=actor, now=now)
    return save_validated(locked)


def _replan(change, *, actor, now):
    assessing.check_ready(change, now=now)
    change.conflict_override_reason, change.conflict_override_by = "", None
    if change.state in (ChangeState.AUTHORISATION, ChangeState.SCHEDULED):
        _supersede(change, reason="The change was re-planned.")
        move(change, ChangeState.ASSESSMENT, actor=actor, now=now, body="Re-planned.")
    assessing.assess(change, actor=actor, now=now)
    _schedule_standard(change, actor=actor, now=now)


def _schedule_standard(change, *, actor, now):
    """A standard change is pre-approved: scheduled as soon as its plan has
    no conflicts (or they are overridden)."""
    if (
        change.change_type == ChangeType.STANDARD
        and change.state == ChangeState.ASSESSMENT
        and not assessing.conflicts_block(change)
    ):
        change.approved_at = now
        move(
            change,
            ChangeState.SCHEDULED,
            actor=actor,
            now=now,
            body="Pre-approved standard change.",
        )


@service
def submit(change, *, actor, now=None, expected_version=None):
    """Put a draft forward: its risk is scored and its conflicts found."""
    require(actor, "change.change", "You cannot submit changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    if locked.state != ChangeState.DRAFT:
        raise transition_error(locked.state, ChangeState.ASSESSMENT)
    if locked.change_type == ChangeType.STANDARD and not (
        locked.template_id and locked.template.is_active
    ):
        raise ValidationError({"template": "The template of this standard change is withdrawn."})
    assessing.check_ready(locked, now=now)
    move(locked, ChangeState.ASSESSMENT, actor=actor, now=now)
    locked.submitted_at = now
    assessing.assess(locked, actor=actor, now=now)
    _schedule_standard(locked, actor=actor, now=now)
    return save_validated(locked)


@service
def override_conflicts(change, *, actor, reason, now=None, expected_version=None):
    """Let approval and scheduling go ahead despite the conflicts found,
    with the recorded reason."""
    require(actor, "change.override_conflicts", "Only change approvers may override conflicts.")
    now = _now(now)
    locked = lock(change, expected_version)
    if locked.state not in (
        ChangeState.ASSESSMENT,
        ChangeState.AUTHORISATION,
        ChangeState.SCHEDULED,
    ):
        label = ChangeState.label(locked.state).lower()
        raise ValidationError({"state": f"Conflicts of a {label} change cannot be overridden."})
    if not locked.conflicts:
        raise ValidationError({"conflicts": "This change has no conflicts to override."})
    if not text(reason):
        raise ValidationError({"reason": "Say why the change may go ahead despite its conflicts."})
    locked.conflict_override_reason = text(reason)
    locked.conflict_override_by = actor
    record(
        locked,
        "conflict_override",
        actor=actor,
        at=now,
        body=locked.conflict_override_reason,
        conflicts=locked.conflicts,
    )
    _schedule_standard(locked, actor=actor, now=now)
    return save_validated(locked)


def _waiting_approvals(change):
    return [
        approval
        for approval in change.approvals.exclude(state=ApprovalState.SUPERSEDED)
        if approval.state != ApprovalState.APPROVED
    ]


@service
def schedule(change, *, actor, now=None, expected_version=None):
    """Authorisation → scheduled, once every approval is given and the plan
    has no conflicts (or they are overridden)."""
    require(actor, "change.change", "You cannot schedule changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    if locked.state != ChangeState.AUTHORISATION and not (
        locked.change_type == ChangeType.STANDARD and locked.state == ChangeState.ASSESSMENT
    ):
        if locked.state == ChangeState.ASSESSMENT:
            raise ValidationError({"approvals": "Request approval first."})
        raise transition_error(locked.state, ChangeState.SCHEDULED)
    if locked.change_type != ChangeType.STANDARD:
        waiting = _waiting_approvals(locked)
        if waiting or locked.approved_at is None:
            names = ", ".join(str(a) for a in waiting) or "approval"
            raise ValidationError(
                {
                    "approvals": "The change cannot be scheduled until approved: "
                    f"waiting for {names}."
                }
            )
    if locked.change_type != ChangeType.EMERGENCY and locked.planned_start < now:
        raise ValidationError(
            {"planned_start": "The planned start has passed; re-plan the change first."}
        )
    assessing.refresh_conflicts(locked, actor=actor, now=now)
    if assessing.conflicts_block(locked):
        raise ValidationError({"conflicts": assessing.conflicts_message(locked)})
    if locked.approved_at is None:
        locked.approved_at = now
    move(locked, ChangeState.SCHEDULED, actor=actor, now=now)
    return save_validated(locked)


@service
def start_implementation(change, *, actor, now=None, expected_version=None):
    require(actor, "change.change", "You cannot implement changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    move(locked, ChangeState.IMPLEMENTING, actor=actor, now=now)
    if locked.change_type != ChangeType.STANDARD and locked.approved_at is None:
        raise ValidationError(
            {"approved_at": "This change has not been approved and cannot be implemented."}
        )
    locked.actual_start = now
    return save_validated(locked)


@service
def finish_implementation(change, *, actor, outcome, notes="", now=None, expected_version=None):
    """Implementing → review with the outcome; a failed or rolled-back
    change says what happened."""
    require(actor, "change.change", "You cannot implement changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    move(locked, ChangeState.REVIEW, actor=actor, now=now, outcome=outcome)
    if outcome not in ChangeOutcome:
        choices = ", ".join(ChangeOutcome.values())
        raise ValidationError({"outcome": f"Choose an outcome: {choices}."})
    if outcome in FAILED_OUTCOMES and not text(notes):
        raise ValidationError({"outcome_notes": "Say what went wrong."})
    if locked.actual_start and now < locked.actual_start:
        raise ValidationError({"actual_end": "The end cannot be before the start."})
    locked.outcome, locked.outcome_notes, locked.actual_end = outcome, text(notes), now
    return save_validated(locked)


@service
def update_validation(change, *, actor, checklist, now=None, expected_version=None):
    """Tick off post-change validation steps (while implementing or in
    review)."""
    require(actor, "change.change", "You cannot edit changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    if locked.state not in WORK_STATES:
        label = ChangeState.label(locked.state).lower()
        raise ValidationError(
            {
                "validation_checklist": "Validation is recorded once work starts, "
                f"not on a {label} change."
            }
        )
    steps = assessing.clean_checklist(checklist)
    if steps == locked.validation_checklist:
        return locked
    locked.validation_checklist = steps
    done = sum(1 for step in steps if step["done"])
    record(locked, "validation", actor=actor, at=now, done=done, total=len(steps))
    return save_validated(locked)


@service
def close(change, *, actor, retrospective="", now=None, expected_version=None):
    """Review → closed: every validation step done; an emergency change
    needs its retrospective."""
    require(actor, "change.change", "You cannot close changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    move(locked, ChangeState.CLOSED, actor=actor, now=now)
    open_steps = [step["item"] for step in locked.validation_checklist if not step.get("done")]
    if open_steps:
        raise ValidationError(
            {"validation_checklist": f"Complete the validation first: {', '.join(open_steps)}."}
        )
    retrospective = text(retrospective) or locked.retrospective
    if locked.change_type == ChangeType.EMERGENCY and not retrospective:
        raise ValidationError(
            {"retrospective": "An emergency change needs its retrospective review before closing."}
        )
    locked.retrospective, locked.closed_at = retrospective, now
    return save_validated(locked)


@service
def cancel(change, *, actor, reason, now=None, expected_version=None):
    require(actor, "change.change", "You cannot cancel changes.")
    now = _now(now)
    locked = lock(change, expected_version)
    move(locked, ChangeState.CANCELLED, actor=actor, now=now, body=text(reason))
    if not text(reason):
        raise ValidationError({"reason": "Say why the change is cancelled."})
    _supersede(locked, reason="The change was cancelled.")
    locked.cancelled_reason, locked.closed_at = text(reason), now
    return save_validated(locked)


@service
def add_comment(change, *, actor, body, now=None):
    require(actor, "change.comment", "You cannot comment on changes.")
    if not text(body):
        raise ValidationError({"body": "Write something."})
    if len(text(body)) > 20000:
        raise ValidationError({"body": "A comment is at most 20,000 characters."})
    return record(change, "comment", actor=actor, at=_now(now), body=text(body))
