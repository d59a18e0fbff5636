from django.db import models

from stanchion.core.models import BaseModel

from ..choices import FeedOwnerKind
from ..querysets import CalendarFeedQuerySet


class CalendarFeed(BaseModel):
    """A private iCalendar feed URL of scheduled changes and windows, for a
    user or a team. Only the token's hash is stored; revoking it ends the
    feed at once."""

    kind = models.CharField(max_length=FeedOwnerKind.max_length(), choices=FeedOwnerKind.choices())
    # Who created it; for a personal feed, also whose changes it lists.
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=100, blank=True)
    token_prefix = models.CharField(max_length=8, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    AUDIT_EXCLUDE = ("last_used_at",)
    AUDIT_REDACT = ("token_hash",)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name or f"Change calendar ({self.token_prefix}…)"
