"""Stakeholder updates on a cadence, the services people follow, and the
job that tells a major incident's leads when an update is overdue."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.accounts.models import User
from stanchion.core.services import create_record, lock, service

from .. import notify
from ..choices import UPDATE_CADENCE
from ..models import MajorIncident, MajorIncidentUpdate, ServiceSubscription


@service
def post_update(mi, *, actor, body, now=None):
    """Send a stakeholder update; the next one is due a cadence later
    (none once the major incident is resolved)."""
    now = now or timezone.now()
    locked = lock(mi)
    if not (body or "").strip():
        raise ValidationError({"body": "Write what stakeholders should know."})
    update = create_record(
        MajorIncidentUpdate,
        {
            "major_incident": locked,
            "body": body.strip(),
            "posted_by": actor if getattr(actor, "pk", None) else None,
            "state": locked.state,
            "created_at": now,
        },
    )
    # Bookkeeping only: written without a new version, so an update sent by
    # the communications lead does not refuse the commander's edit or
    # resolution from a page opened before it (neither form has these fields).
    MajorIncident.objects.filter(pk=locked.pk).update(
        last_update_at=now,
        next_update_due=now + UPDATE_CADENCE[locked.priority] if locked.is_open else None,
    )
    notify.update_posted(update.pk)
    return update


@service
def subscribe(service_, *, actor, user=None):
    """``user`` (the actor by default) follows ``service_``; again is a no-op."""
    user = user or actor
    # Lock the follower so that two requests at once cannot both find no
    # subscription and then collide on the unique constraint.
    User.objects.select_for_update().get(pk=user.pk)
    existing = ServiceSubscription.objects.filter(user=user, service=service_).first()
    if existing is not None:
        return existing
    return create_record(ServiceSubscription, {"user": user, "service": service_})


@service
def unsubscribe(service_, *, actor, user=None):
    user = user or actor
    for subscription in ServiceSubscription.objects.filter(user=user, service=service_):
        subscription.delete()


def notify_overdue_updates(now=None):
    """Periodic: tell the commander and the communications lead, once per
    missed deadline, that stakeholders are owed an update."""
    now = now or timezone.now()
    due = MajorIncident.objects.open().filter(next_update_due__lt=now).values_list("pk", flat=True)
    told = 0
    for pk in list(due):
        told += _mark_overdue(pk, now=now, actor=None)
    return told


@service
def _mark_overdue(pk, *, actor, now):
    mi = MajorIncident.objects.select_for_update().get(pk=pk)
    deadline = mi.next_update_due
    if not mi.update_overdue(now) or mi.overdue_notified_for == deadline:
        return 0
    # Bookkeeping only: no new version, so the commander's next action from
    # a page opened before the job ran is not refused as a conflict.
    MajorIncident.objects.filter(pk=mi.pk).update(overdue_notified_for=deadline)
    notify.update_overdue(mi.pk, deadline)
    return 1
