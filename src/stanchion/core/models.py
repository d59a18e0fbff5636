from django.db import models
from django.utils import timezone

from .querysets import RestrictedQuerySet


class BaseModel(models.Model):
    """Every domain record: timestamps, a version for optimistic concurrency,
    and a queryset that can be restricted to what a user may see.

    Subclasses are recorded in the audit trail automatically (core.audit_signals).
    ``AUDIT_EXCLUDE`` names fields left out of the before/after values;
    ``AUDIT_REDACT`` names fields whose change is recorded without the value.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    AUDIT_EXCLUDE: tuple[str, ...] = ()
    AUDIT_REDACT: tuple[str, ...] = ()

    class Meta:
        abstract = True


class Counter(models.Model):
    """Human numbers (INC-000123) come from here: one row per prefix, bumped
    under a row lock so two tickets never share a number."""

    prefix = models.CharField(max_length=16, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.value}"


class AuditEntry(models.Model):
    """One append-only, hash-chained record of a create, update or delete.

    ``seq`` is gapless and assigned under the lock on ``AuditHead``, so a
    deleted entry leaves a hole and a reordered one breaks the chain.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        PRUNE = "prune", "Pruned"

    seq = models.PositiveBigIntegerField(unique=True)
    timestamp = models.DateTimeField(db_index=True)
    # No database constraint: the entry must outlive (and never be rewritten
    # by) the removal of the user it names.
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=16)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    model = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["model", "object_id", "seq"]),
            models.Index(fields=["actor", "seq"]),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"#{self.seq} {self.action} {self.model}:{self.object_id}"

    def model_label(self):
        return self.model.split(".", 1)[-1].replace("_", " ")


class AuditHead(models.Model):
    """The single row that serialises appends and remembers the chain's tip,
    so truncating the newest entries is detected as well. After a retention
    prune, ``base_seq``/``base_hash`` say where the surviving chain starts."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    base_seq = models.PositiveBigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"audit head at #{self.last_seq}"


class IdempotencyKey(models.Model):
    """A create request a client may safely repeat (``Idempotency-Key``
    header): what it sent and what it got, so a retry gets the same answer
    instead of a second record. Keys are per user and per endpoint; the
    unique constraint is what makes two concurrent duplicates yield one
    record (see core.idempotency)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=255)
    # sha256 of the request body: the same key with another body is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    # Response headers worth repeating (ETag, Location).
    headers = models.JSONField(default=dict)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "endpoint"], name="unique_idempotency_key"
            ),
        ]

    def __str__(self):
        return f"{self.key} on {self.endpoint}"
