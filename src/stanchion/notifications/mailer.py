"""Outbound email: rendering, the send job and its retries.

Messages are rendered when the event is handled and stored as
``OutboundEmail`` rows; ``send_email`` claims a row (a row lock plus a lease,
so two workers never send it twice), sends it through Django's email
backend and records the outcome. A failure is logged and retried by the
periodic ``send_due_email`` job after 1, 5, 30 and 120 minutes, then given up.
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from stanchion.core.jobs import job

from . import links
from .models import OutboundEmail

log = logging.getLogger(__name__)

RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
# How long a claimed row is left alone while its send is in flight.
LEASE = timedelta(minutes=10)
BATCH = 100


def _thread_id(ticket):
    host = urlsplit(settings.BASE_URL).hostname or "stanchion"
    return f"<{ticket.number.lower()}@{host}>"


def render(content, ticket, recipient):
    """An unsaved OutboundEmail for one recipient."""
    url = links.absolute(content.path)
    preferences_url = links.absolute(reverse("notifications:preferences")) if recipient.user else ""
    context = {
        "name": recipient.name,
        "content": content,
        "ticket": ticket,
        "url": url,
        "subject": content.subject(ticket),
        "rating_links": [
            {"rating": link.rating, "label": link.label, "url": links.absolute(link.url)}
            for link in content.rating_links
        ],
        "preferences_url": preferences_url,
    }
    return OutboundEmail(
        to=recipient.email,
        subject=context["subject"],
        text=render_to_string("notifications/email/message.txt", context),
        html=render_to_string("notifications/email/message.html", context),
        # Replies and updates of one ticket thread together in mail clients;
        # auto-responders must not answer a machine.
        headers={
            "References": _thread_id(ticket),
            "In-Reply-To": _thread_id(ticket),
            "Auto-Submitted": "auto-generated",
            "X-Stanchion-Ticket": ticket.number,
        },
        ticket=ticket,
    )


def _claim(email_id, now):
    with transaction.atomic():
        rows = OutboundEmail.objects.filter(
            pk=email_id, sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        email = rows.first()
        if email is None:
            return None
        email.attempts += 1
        email.next_attempt_at = now + LEASE
        email.save(update_fields=["attempts", "next_attempt_at"])
        return email


def _message(email):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def send_one(email_id, *, now=None):
    """Send one queued email if it is due; True when it went out."""
    now = now or timezone.now()
    email = _claim(email_id, now)
    if email is None:
        return False
    try:
        _message(email).send(fail_silently=False)
    except Exception as error:  # any SMTP, socket or TLS failure
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.failed_at = now
            log.error("Gave up on email %s to %s: %s", email.pk, email.to, email.last_error)
        else:
            email.next_attempt_at = now + RETRY_AFTER[email.attempts - 1]
            log.warning(
                "Email %s to %s failed (attempt %s), retrying at %s: %s",
                email.pk,
                email.to,
                email.attempts,
                email.next_attempt_at,
                email.last_error,
            )
        email.save(update_fields=["last_error", "failed_at", "next_attempt_at"])
        return False
    email.sent_at = now
    email.last_error = ""
    email.save(update_fields=["sent_at", "last_error"])
    return True


@job
def send_email(email_ids):
    """Send just-queued emails; failures wait for ``send_due_email``."""
    return sum(send_one(email_id) for email_id in email_ids)


@job
def send_due_email(now=None, *, batch=BATCH):
    """The periodic sweep: every queued email whose (re)try time has come."""
    now = now or timezone.now()
    due = (
        OutboundEmail.objects.filter(
            sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(send_one(email_id, now=now) for email_id in list(due))
