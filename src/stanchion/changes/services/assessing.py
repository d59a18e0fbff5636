"""Checking a change's plan, and assessing it: the risk score with its
factors (changes.risk) and the schedule conflicts (changes.conflicts),
stored on the change so that pages, approvers and KPIs read one answer."""

from django.core.exceptions import ValidationError

from stanchion.catalog.models import Service

from ..choices import ChangeType
from .common import record

MAX_CHECKLIST_STEPS = 100


def clean_services(services):
    """Services given as instances or ids -> a list of live Service rows."""
    if services is None:
        return []
    if isinstance(services, (str, int)):
        services = [services]
    wanted = []
    for value in services:
        pk = getattr(value, "pk", value)
        try:
            wanted.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"services": f"“{value}” is not a service id."}) from None
    found = {s.pk: s for s in Service.objects.filter(pk__in=wanted)}
    unknown = [str(pk) for pk in wanted if pk not in found]
    if unknown:
        raise ValidationError({"services": f"Unknown service: {', '.join(unknown)}."})
    retired = [str(s) for s in found.values() if s.status == "retired"]
    if retired:
        raise ValidationError({"services": f"{', '.join(retired)} is retired."})
    return [found[pk] for pk in dict.fromkeys(wanted)]


def clean_checklist(value):
    """[{"item": str, "done": bool}]; plain strings are steps not yet done."""
    field = "validation_checklist"
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError({field: "A list of validation steps is expected."})
    if len(value) > MAX_CHECKLIST_STEPS:
        raise ValidationError({field: f"At most {MAX_CHECKLIST_STEPS} validation steps."})
    steps = []
    for number, entry in enumerate(value, 1):
        if isinstance(entry, str):
            entry = {"item": entry, "done": False}
        if not isinstance(entry, dict) or set(entry) - {"item", "done"}:
            raise ValidationError({field: f"Step {number}: give an item and whether it is done."})
        item, done = entry.get("item"), entry.get("done", False)
        if not isinstance(item, str) or not item.strip():
            raise ValidationError({field: f"Step {number} needs a description."})
        if len(item.strip()) > 500:
            raise ValidationError({field: f"Step {number} is longer than 500 characters."})
        if not isinstance(done, bool):
            raise ValidationError({field: f"Step {number}: done is true or false."})
        steps.append({"item": item.strip(), "done": done})
    return steps


def clean_answers(answers):
    if answers in (None, {}):
        return {}
    from .. import risk

    return risk.validate_answers(answers)


def check_times(change):
    """Start and end, when both are given, in order."""
    start, end = change.planned_start, change.planned_end
    if start and end and end <= start:
        raise ValidationError({"planned_end": "The planned end must be after the planned start."})


def check_ready(change, *, now):
    """What a change needs before it is assessed: services, a plan and
    times in the future (an emergency change may start at once)."""
    if not change.services.exists():
        raise ValidationError({"services": "Choose at least one affected service."})
    if not change.implementation_plan.strip():
        raise ValidationError({"implementation_plan": "Describe how the change is made."})
    if change.planned_start is None:
        raise ValidationError({"planned_start": "Give the planned start."})
    if change.planned_end is None:
        raise ValidationError({"planned_end": "Give the planned end."})
    check_times(change)
    if change.change_type != ChangeType.EMERGENCY and change.planned_start < now:
        raise ValidationError(
            {"planned_start": "The planned start is in the past; choose a time ahead."}
        )


def _key(conflict):
    return (
        conflict.get("kind"),
        conflict.get("service"),
        conflict.get("change"),
        conflict.get("blackout"),
        conflict.get("window"),
    )


def find_conflicts(change):
    from .. import conflicts

    return conflicts.find_conflicts(
        services=list(change.services.all()),
        start=change.planned_start,
        end=change.planned_end,
        exclude=change,
    )


def refresh_conflicts(change, *, actor, now):
    """Re-check the schedule. An override covers the conflicts it was given
    for: a conflict that appeared since cancels it."""
    found = find_conflicts(change)
    before = {_key(c) for c in change.conflicts or []}
    new = [c for c in found if _key(c) not in before]
    change.conflicts = found
    if new and change.conflict_override_reason:
        change.conflict_override_reason, change.conflict_override_by = "", None
        record(
            change,
            "conflicts",
            actor=actor,
            at=now,
            body="New conflicts appeared; the earlier override no longer applies.",
            conflicts=new,
        )
    return found


def assess(change, *, actor, now):
    """Score the risk and find the conflicts; both are stored on the change
    and the timeline says what came out."""
    from .. import risk

    result = risk.assess(change, now=now)
    change.risk_score, change.risk_level = int(result.score), result.level
    change.risk_factors = list(result.factors)
    refresh_conflicts(change, actor=actor, now=now)
    record(
        change,
        "assessed",
        actor=actor,
        at=now,
        risk_score=change.risk_score,
        risk_level=change.risk_level,
        conflicts=len(change.conflicts),
    )


def conflicts_block(change):
    return bool(change.conflicts) and not change.conflict_override_reason


def conflicts_message(change):
    count = len(change.conflicts)
    noun = "conflict" if count == 1 else "conflicts"
    return (
        f"The plan has {count} schedule {noun}: re-plan the change, or have the "
        "conflicts overridden with a reason."
    )
