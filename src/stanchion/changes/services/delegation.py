"""Approval delegation: while someone is away, a deputy decides the change
approvals addressed to them (the decision records both)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stanchion.accounts.roles import has_perm
from stanchion.core.services import create_record, lock, service

from ..models import ApprovalDelegation
from .common import require, text


def delegators_of(user, *, now=None):
    """Ids of the people ``user`` stands in for at ``now``."""
    if user is None or not getattr(user, "pk", None):
        return []
    now = now or timezone.now()
    return list(
        ApprovalDelegation.objects.filter(
            delegate=user, starts_at__lte=now, ends_at__gt=now, delegator__is_active=True
        ).values_list("delegator_id", flat=True)
    )


def delegates_of(user_ids, *, now=None):
    """{approver id: [their active delegates]} at ``now``."""
    now = now or timezone.now()
    found = {}
    for delegation in ApprovalDelegation.objects.filter(
        delegator__in=user_ids, starts_at__lte=now, ends_at__gt=now, delegate__is_active=True
    ).select_related("delegate"):
        found.setdefault(delegation.delegator_id, []).append(delegation.delegate)
    return found


@service
def delegate_approvals(*, actor, delegate, starts_at, ends_at, reason="", now=None):
    """``actor`` hands their change approvals to ``delegate`` from
    ``starts_at`` to ``ends_at``."""
    require(actor, "approvaldelegation.add", "You cannot delegate approvals.")
    if actor is None:
        raise ValidationError({"delegator": "Say whose approvals are delegated."})
    now = now or timezone.now()
    if delegate is None:
        raise ValidationError({"delegate": "Choose who decides in your place."})
    if not delegate.is_active:
        raise ValidationError({"delegate": f"{delegate} is deactivated."})
    if not has_perm(delegate, "changeapproval.decide"):
        raise ValidationError({"delegate": f"{delegate} may not decide change approvals."})
    if starts_at is None:
        raise ValidationError({"starts_at": "Give the start of the delegation."})
    if ends_at is None:
        raise ValidationError({"ends_at": "Give the end of the delegation."})
    if ends_at <= now:
        raise ValidationError({"ends_at": "The end is in the past."})
    return create_record(
        ApprovalDelegation,
        {
            "delegator": actor,
            "delegate": delegate,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "reason": text(reason),
            "created_at": now,
        },
    )


@service
def revoke_delegation(delegation, *, actor):
    """End a delegation: its delegator (or an IT administrator) removes it."""
    require(actor, "approvaldelegation.delete", "You cannot remove approval delegations.")
    if (
        actor is not None
        and delegation.delegator_id != actor.pk
        and not has_perm(actor, "user.change")
    ):
        raise PermissionDenied("Only the person who delegated can remove the delegation.")
    lock(delegation).delete()
