"""The tamper-evident audit trail: append, verify, prune.

Each entry's hash covers its own content and the previous entry's hash, so
changing, deleting or reordering any entry breaks the chain from that point.
``AuditHead`` holds the tip of the chain (catching truncation of the newest
entries) and serialises appends with a row lock.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import context
from .models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


def to_json_value(value):
    """Values as they will read back from a JSON column, so hashes are stable."""
    if isinstance(value, FieldFile):
        # A stored file is recorded by its path in storage.
        value = value.name or ""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def entry_hash(
    *,
    seq,
    timestamp,
    actor_id,
    actor_repr,
    source,
    request_id,
    action,
    model,
    object_id,
    object_repr,
    changes,
    prev_hash,
):
    payload = {
        "seq": seq,
        "timestamp": timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_repr": actor_repr,
        "source": source,
        "request_id": request_id,
        "action": action,
        "model": model,
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": changes,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _hash_of(entry):
    return entry_hash(
        seq=entry.seq,
        timestamp=entry.timestamp,
        actor_id=entry.actor_id,
        actor_repr=entry.actor_repr,
        source=entry.source,
        request_id=entry.request_id,
        action=entry.action,
        model=entry.model,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        changes=entry.changes,
        prev_hash=entry.prev_hash,
    )


def _locked_head():
    # The migration creates the head; a flushed database (tests, a restore
    # into an empty schema) gets it back on the first append.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return head


def read_head():
    return AuditHead.objects.filter(pk=1).first() or AuditHead(pk=1)


def append(*, action, model, object_id, object_repr, changes):
    ctx = context.current()
    user = ctx.current_user()
    fields = {
        "timestamp": timezone.now(),
        "actor_id": user.pk if user else None,
        "actor_repr": (user.email if user else "")[:255],
        "source": ctx.source,
        "request_id": ctx.request_id[:64],
        "action": action,
        "model": model,
        "object_id": str(object_id)[:64],
        "object_repr": str(object_repr)[:255],
        "changes": to_json_value(changes),
    }
    with transaction.atomic():
        head = _locked_head()
        seq = head.last_seq + 1
        digest = entry_hash(seq=seq, prev_hash=head.last_hash, **fields)
        entry = AuditEntry.objects.create(seq=seq, prev_hash=head.last_hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
    return entry


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str

    def __str__(self):
        return f"entry #{self.seq}: {self.message}"


def verify():
    """Walk the whole chain; return the problems found (empty when intact).

    Entries appended while the walk runs are fine: the head is read again at
    the end, and only entries past that tip count as forged.
    """
    head = read_head()
    problems = []
    expected_seq, prev_hash = head.base_seq + 1, head.base_hash
    entries = AuditEntry.objects.filter(seq__gt=head.base_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq > expected_seq:
            missing = f"#{expected_seq}" + (
                f"-#{entry.seq - 1}" if entry.seq - 1 > expected_seq else ""
            )
            problems.append(Problem(expected_seq, f"missing ({missing} deleted)"))
        if entry.prev_hash != prev_hash:
            problems.append(
                Problem(
                    entry.seq,
                    "does not follow the entry before it "
                    "(an earlier entry was deleted, edited or reordered)",
                )
            )
        if _hash_of(entry) != entry.hash:
            problems.append(
                Problem(
                    entry.seq,
                    f"content was altered ({entry.action} {entry.model}:{entry.object_id})",
                )
            )
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    last_seq = expected_seq - 1
    tip = read_head()
    if last_seq < head.last_seq:
        problems.append(
            Problem(last_seq + 1, f"missing (entries #{last_seq + 1}-#{head.last_seq} deleted)")
        )
    elif last_seq > tip.last_seq:
        problems.append(
            Problem(
                tip.last_seq + 1,
                f"entries #{tip.last_seq + 1}-#{last_seq} lie beyond the recorded tip "
                "of the chain (written outside the audit trail)",
            )
        )
    else:
        recorded = tip if last_seq == tip.last_seq else head
        if last_seq == recorded.last_seq and prev_hash != recorded.last_hash:
            problems.append(Problem(last_seq, "does not match the recorded tip of the chain"))
    return problems


def prune(*, now=None):
    """Delete entries older than the retention period, oldest first.

    The chain stays verifiable: the head remembers the hash of the last pruned
    entry, and the prune itself is recorded as an entry.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        head = _locked_head()
        # Only a prefix of the chain may go: stop at the first entry that is
        # still inside the retention period.
        first_kept = (
            AuditEntry.objects.filter(seq__gt=head.base_seq, timestamp__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        last_pruned = (first_kept or head.last_seq + 1) - 1
        if last_pruned <= head.base_seq:
            return 0
        boundary = AuditEntry.objects.get(seq=last_pruned)
        deleted, _ = AuditEntry.objects.filter(seq__lte=last_pruned).delete()
        AuditHead.objects.filter(pk=1).update(base_seq=last_pruned, base_hash=boundary.hash)
        append(
            action=AuditEntry.Action.PRUNE,
            model="core.auditentry",
            object_id=last_pruned,
            object_repr=f"entries up to #{last_pruned}",
            changes={"deleted": deleted, "cutoff": cutoff.isoformat()},
        )
    return deleted
