"""Notifying people of things other than their tickets (change approvals,
major incident updates, overdue actions): an in-app notification and a
queued email for each person, per their preferences. Apps build the
messages; this writes them after they decide to send.

Each message is ``(user, title, body)``; a user named twice gets the first.
``user`` may also be an ``EmailOnly`` addressee (someone without a login,
such as a requester known only from the directory): they get the email.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stanchion.core import scheduler

from . import links, mailer
from .models import Notification, NotificationPreference, OutboundEmail

log = logging.getLogger(__name__)


class EmailOnly:
    """An addressee without a login: an email, no in-app notification."""

    pk = None

    def __init__(self, email, full_name=""):
        self.email, self.full_name = email, full_name


def deliver(messages, kind, path, *, now=None, signature="Stanchion"):
    """In-app notifications and queued emails, per each person's
    preferences. Returns how many were written."""
    now = now or timezone.now()
    seen, notifications, emails = set(), [], []
    logins = [m[0].pk for m in messages if m[0].pk is not None]
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=logins)}
    for user, title, body in messages:
        key = ("user", user.pk) if user.pk is not None else ("email", user.email.lower())
        if key in seen:
            continue
        seen.add(key)
        preference = preferences.get(user.pk)
        if user.pk is not None and (preference is None or preference.in_app):
            notifications.append(
                Notification(
                    user=user,
                    kind=kind,
                    title=title[:300],
                    body=body[:2000],
                    url=path,
                    created_at=now,
                )
            )
        if user.email and (preference is None or preference.wants_email(kind)):
            text = (
                f"Hello {user.full_name or 'there'},\n\n{title}\n\n{body}\n\n"
                f"Open it: {links.absolute(path)}\n\n— {signature}\n"
            )
            emails.append(
                OutboundEmail(
                    to=user.email,
                    subject=" ".join(title.split())[:300],
                    text=text,
                    headers={"Auto-Submitted": "auto-generated"},
                    kind=kind,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        queued = OutboundEmail.objects.bulk_create(emails)
    ids = [email.pk for email in queued]
    if ids and settings.EMAIL_DELIVERY != "worker":
        transaction.on_commit(lambda: scheduler.submit(mailer.send_email, ids))
    return len(notifications) + len(emails)


class Channel:
    """One app's way of notifying: its name for the log and a switch that
    mutes it (for writing history, as the demo does)."""

    def __init__(self, name):
        self.name = name
        self._muted = ContextVar(f"{name}_notifications_muted", default=False)

    @contextmanager
    def muted(self):
        """Notify nobody inside."""
        token = self._muted.set(True)
        try:
            yield
        finally:
            self._muted.reset(token)

    @property
    def is_muted(self):
        return self._muted.get()

    def after_commit(self, work):
        """Run ``work`` once the current transaction commits; a failure is
        logged and never undoes what was committed."""
        if self._muted.get():
            return

        def run():
            try:
                work()
            except Exception:
                log.exception("%s notification failed", self.name)

        transaction.on_commit(run)
