"""Asking for and deciding change approvals.

``request_approval`` opens the approvals the change's risk level (or its
emergency type) calls for, per changes.policies, and notifies the
approvers. ``decide`` records one decision, by an approver or by someone
standing in for one (changes.services.delegation).

A rejection ends the round: the change goes back to assessment with the
approver's reason and its other pending approvals are superseded. Its owner
re-plans it and asks again, or cancels it. When every approval of the round
is given, ``approved_at`` is set and the change may be scheduled.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stanchion.core.services import create_record, lock, save_validated, service

from .. import notify, policies
from ..choices import ApprovalState, ApproverKind, ChangeState, ChangeType
from ..models import ChangeApproval
from ..workflows import transition_error
from . import assessing
from .common import move, record, require, text
from .delegation import delegators_of


@service
def request_approval(change, *, actor, now=None, expected_version=None):
    """Assessment → authorisation, with the approvals its policy needs."""
    require(actor, "change.change", "You cannot request approval of changes.")
    now = now or timezone.now()
    locked = lock(change, expected_version)
    if locked.change_type == ChangeType.STANDARD:
        raise ValidationError(
            {"change_type": "A standard change is pre-approved; it needs no approval."}
        )
    if locked.state != ChangeState.ASSESSMENT:
        raise transition_error(locked.state, ChangeState.AUTHORISATION)
    assessing.check_ready(locked, now=now)
    if not locked.risk_level:
        assessing.assess(locked, actor=actor, now=now)
    else:
        assessing.refresh_conflicts(locked, actor=actor, now=now)
    if assessing.conflicts_block(locked):
        raise ValidationError({"conflicts": assessing.conflicts_message(locked)})
    planned = policies.plan_approvals(locked)
    created = []
    for plan in planned:
        approval = create_record(
            ChangeApproval,
            {"change": locked, "kind": plan.kind, "team": plan.team, "created_at": now},
        )
        approval.approvers.set(plan.approvers)
        created.append(approval)
    move(
        locked,
        ChangeState.AUTHORISATION,
        actor=actor,
        now=now,
        approvals=[ApproverKind.label(p.kind) for p in planned],
    )
    save_validated(locked)
    notify.approvals_requested([a.pk for a in created], now=now)
    return locked


def may_decide(user, approval, *, now=None):
    """(True, on_behalf_of) when ``user`` may decide ``approval``: one of its
    approvers, or standing in for one by delegation."""
    approver_ids = set(approval.approvers.values_list("pk", flat=True))
    if user.pk in approver_ids:
        return True, None
    for delegator_id in delegators_of(user, now=now):
        if delegator_id in approver_ids:
            return True, delegator_id
    return False, None


def apply_decision(approval, *, actor, approve, comment, now, on_behalf_of=None):
    """Record the decision on a locked pending approval and move the change
    on: all approved sets ``approved_at``; a rejection returns it to
    assessment."""
    change = lock(approval.change)
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    approval.comment = text(comment)
    approval.decided_by = actor if getattr(actor, "pk", None) else None
    approval.on_behalf_of_id = on_behalf_of
    approval.decided_at = now
    save_validated(approval)
    record(
        change,
        "approval",
        actor=actor,
        at=now,
        body=approval.comment,
        approval=approval.pk,
        approver_kind=approval.kind,
        state=approval.state,
        on_behalf_of=on_behalf_of,
    )
    if approve:
        waiting = change.approvals.exclude(
            state__in=(ApprovalState.APPROVED, ApprovalState.SUPERSEDED)
        )
        if not waiting.exists():
            change.approved_at = now
            record(change, "approved", actor=actor, at=now)
    else:
        for other in change.approvals.filter(state=ApprovalState.PENDING):
            other.state = ApprovalState.SUPERSEDED
            save_validated(other)
        move(
            change,
            ChangeState.ASSESSMENT,
            actor=actor,
            now=now,
            body=f"Rejected: {approval.comment}",
        )
    save_validated(change)
    notify.approval_decided(approval.pk)
    return approval


def check_pending(approval):
    if approval.state != ApprovalState.PENDING:
        label = ApprovalState.label(approval.state).lower()
        raise ValidationError({"state": f"This approval is already {label}."})
    if approval.change.state != ChangeState.AUTHORISATION:
        label = ChangeState.label(approval.change.state).lower()
        raise ValidationError({"state": f"The change is {label}, not awaiting approval."})


@service
def decide(approval, *, actor, approve, comment="", now=None, expected_version=None):
    """Approve or reject (with a reason) one approval."""
    require(actor, "changeapproval.decide", "You cannot decide change approvals.")
    now = now or timezone.now()
    locked = lock(approval, expected_version)
    check_pending(locked)
    on_behalf_of = None
    if actor is not None:
        allowed, on_behalf_of = may_decide(actor, locked, now=now)
        if not allowed:
            raise PermissionDenied("This approval is not addressed to you.")
    if not approve and not text(comment):
        raise ValidationError({"comment": "Say why the change is rejected."})
    if len(text(comment)) > 5000:
        raise ValidationError({"comment": "A comment is at most 5,000 characters."})
    return apply_decision(
        locked,
        actor=actor,
        approve=bool(approve),
        comment=comment,
        now=now,
        on_behalf_of=on_behalf_of,
    )
