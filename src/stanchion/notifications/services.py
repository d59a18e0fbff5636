"""Notifications: turning ticket events into in-app rows and email, marking
them read, and each user's preferences."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stanchion.accounts.models import User
from stanchion.core import scheduler
from stanchion.core.services import create_record, lock, save_validated, service
from stanchion.tickets.models import Ticket

from . import content, mailer, recipients
from .choices import NotificationKind
from .models import Notification, NotificationPreference, OutboundEmail

log = logging.getLogger(__name__)


def handle_event(name, ticket_id, actor_id, data):
    """Everything one ticket event causes: called after the event's
    transaction committed, so it reads what was really written."""
    ticket = (
        Ticket.objects.select_related(
            "requester", "assignee", "assignment_team__manager", "service"
        )
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return deliver(ticket, recipients.plan(name, ticket, actor, data or {}))


def deliver(ticket, deliveries, *, now=None):
    """Write the in-app notifications and queue the emails the recipients'
    preferences allow; the emails are sent once this commits."""
    now = now or timezone.now()
    user_ids = [d.recipient.user.pk for d in deliveries if d.recipient.user]
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=user_ids)}
    notifications, emails = [], []
    for delivery in deliveries:
        recipient, kind = delivery.recipient, delivery.kind
        preference = preferences.get(recipient.user.pk) if recipient.user else None
        message = content.describe(kind, ticket, delivery.context, staff=recipient.staff)
        if delivery.in_app and recipient.user and (preference is None or preference.in_app):
            notifications.append(
                Notification(
                    user=recipient.user,
                    ticket=ticket,
                    kind=kind,
                    title=message.title(ticket),
                    body=message.body[:2000],
                    url=message.path,
                    created_at=now,
                )
            )
        wants_email = preference is None or preference.wants_email(kind)
        if delivery.email and recipient.email and wants_email:
            email = mailer.render(message, ticket, recipient)
            email.kind, email.created_at, email.next_attempt_at = kind, now, now
            emails.append(email)
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        queued = OutboundEmail.objects.bulk_create(emails)
    ids = [email.pk for email in queued]
    if ids and settings.EMAIL_DELIVERY != "worker":
        transaction.on_commit(lambda: scheduler.submit(mailer.send_email, ids))
    return len(notifications) + len(emails)


def on_ticket_event(sender, *, name, ticket_id, actor_id=None, data=None, **kwargs):
    """The ``tickets.events.ticket_event`` receiver. It runs after the
    ticket's change committed, in the request that made it: a failure here
    is logged and must never turn that request into an error."""
    try:
        handle_event(name, ticket_id, actor_id, data)
    except Exception:
        log.exception("Notifications for %s on ticket %s failed", name, ticket_id)


def unread_count(user, *, cap=99):
    """Unread notifications, counted up to ``cap + 1`` so the badge stays one
    cheap indexed query however many pile up."""
    return Notification.objects.for_user(user).unread()[: cap + 1].count()


def mark_read(user, notification_ids=None, *, now=None):
    """Mark some (or, with None, all) of the user's notifications read.
    Only the user's own rows are touched; returns how many changed."""
    rows = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    return rows.update(read_at=now or timezone.now())


def preference_for(user):
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


@service
def update_preferences(user, *, actor, in_app, email_kinds):
    """Set whether ``user`` sees in-app notifications and which kinds they
    get by email (every kind not listed is switched off)."""
    if actor is None or actor.pk != user.pk:
        raise ValidationError({"user": "People change only their own notification preferences."})
    unknown = sorted(set(email_kinds) - set(NotificationKind.values()))
    if unknown:
        raise ValidationError({"email_kinds": f"Unknown notification kind: {', '.join(unknown)}."})
    email_off = [kind for kind in NotificationKind.values() if kind not in set(email_kinds)]
    existing = NotificationPreference.objects.filter(user=user).first()
    if existing is None:
        return create_record(
            NotificationPreference, {"user": user, "in_app": bool(in_app), "email_off": email_off}
        )
    locked = lock(existing)
    if locked.in_app == bool(in_app) and locked.email_off == email_off:
        return locked
    locked.in_app, locked.email_off = bool(in_app), email_off
    return save_validated(locked)
