"""Records every create, update and delete of every ``BaseModel`` subclass.

A snapshot of each instance's field values is taken when it is loaded, so an
update records only the fields that really changed, with before and after,
without re-reading the row. ``QuerySet.update()`` and ``bulk_create`` bypass
signals: service functions write through ``save()`` so nothing escapes.
"""

from django.db.models.signals import post_delete, post_init, post_save

from . import audit
from .models import AuditEntry, BaseModel

_MISSING = object()
_ALWAYS_EXCLUDED = {"updated_at"}
REDACTED = "[redacted]"


def _audited_fields(instance):
    meta = instance._meta
    excluded = _ALWAYS_EXCLUDED | set(instance.AUDIT_EXCLUDE)
    return [f for f in meta.concrete_fields if f.name not in excluded]


def _snapshot(instance):
    values = instance.__dict__
    return {f.attname: values.get(f.attname, _MISSING) for f in _audited_fields(instance)}


def _label(instance):
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def _shown(instance, field, value):
    # An empty value is shown as empty: that it was set is what matters.
    if field.name in instance.AUDIT_REDACT and value not in (None, ""):
        return REDACTED
    return value


def on_init(sender, instance, **kwargs):
    if isinstance(instance, BaseModel):
        instance._audit_snapshot = _snapshot(instance) if instance.pk is not None else {}


def on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, BaseModel):
        return
    before = getattr(instance, "_audit_snapshot", {})
    changes = {}
    for field in _audited_fields(instance):
        new = instance.__dict__.get(field.attname, _MISSING)
        old = None if created else before.get(field.attname, _MISSING)
        if new is _MISSING or (old is _MISSING and not created) or old == new:
            continue
        if created and new in (None, ""):
            continue
        changes[field.attname] = [
            _shown(instance, field, audit.to_json_value(old) if old is not None else None),
            _shown(instance, field, audit.to_json_value(new)),
        ]
    instance._audit_snapshot = _snapshot(instance)
    if not created and not changes:
        return
    audit.append(
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        model=_label(instance),
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
    )


def on_delete(sender, instance, **kwargs):
    if not isinstance(instance, BaseModel):
        return
    changes = {
        field.attname: [
            _shown(instance, field, audit.to_json_value(instance.__dict__.get(field.attname))),
            None,
        ]
        for field in _audited_fields(instance)
        if field.attname in instance.__dict__
    }
    audit.append(
        action=AuditEntry.Action.DELETE,
        model=_label(instance),
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
    )


post_init.connect(on_init, dispatch_uid="stanchion-audit-init")
post_save.connect(on_save, dispatch_uid="stanchion-audit-save")
post_delete.connect(on_delete, dispatch_uid="stanchion-audit-delete")
