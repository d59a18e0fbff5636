"""In-app notifications, per-user preferences and the outbound email queue.

``Notification`` and ``OutboundEmail`` are plain models, not ``BaseModel``s:
they are derived, high-volume rows (one per recipient per event) whose
cause is already on the ticket timeline and in the audit trail. A user's
preferences are their own choice and are audited like any record.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from stanchion.core.models import BaseModel
from stanchion.core.querysets import RestrictedQuerySet

from .choices import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(
        max_length=NotificationKind.max_length(), choices=NotificationKind.choices()
    )
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, max_length=2000)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The list pages by id; the badge counts unread rows.
            models.Index(fields=["user", "-id"], name="notification_user_newest"),
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


def _no_email_default():
    return []


class PreferenceQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class NotificationPreference(BaseModel):
    """One row per user who changed anything; a user without one gets every
    email and in-app notification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    in_app = models.BooleanField(default=True)
    # The kinds this user does not want by email.
    email_off = models.JSONField(default=_no_email_default, blank=True)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "notification preference"

    def __str__(self):
        return f"Notification preferences of {self.user}"

    def clean(self):
        if not isinstance(self.email_off, list):
            raise ValidationError({"email_off": "A list of notification kinds is expected."})
        unknown = [kind for kind in self.email_off if kind not in NotificationKind]
        if unknown:
            raise ValidationError(
                {"email_off": f"Unknown notification kind: {', '.join(map(str, unknown))}."}
            )

    def wants_email(self, kind):
        return kind not in self.email_off


class OutboundEmail(models.Model):
    """One message to one address. Written when the event is handled, sent
    by a job right after, retried with backoff by the periodic job, so an
    SMTP outage loses nothing and never reaches the request."""

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(
        max_length=NotificationKind.max_length(), choices=NotificationKind.choices()
    )
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next try may start; also a lease while one is in flight.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outbound_email_due",
            ),
        ]

    def __str__(self):
        return f"{self.subject} to {self.to}"
