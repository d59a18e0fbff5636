"""Conventions every app's ``services.py`` follows, and the helpers they share.

A service function is the only code that writes: it takes a keyword-only
``actor``, runs in one transaction, locks the row it changes, checks the
version the caller saw, validates, saves (which records the audit entry) and
queues side effects with ``transaction.on_commit``.
"""

import functools

from django.core.exceptions import ValidationError
from django.db import transaction

from . import context
from .errors import ConflictError
from .models import Counter


def service(func):
    """Runs the function atomically with ``actor`` set as the audit actor.

    The actor given explicitly wins over the request's user, so a job acting
    for someone is recorded as that someone.
    """

    @functools.wraps(func)
    def wrapper(*args, actor, **kwargs):
        outer = context.current()
        with (
            context.acting(
                source=outer.source,
                user=actor or outer.current_user(),
                request=outer.request,
                request_id=outer.request_id,
            ),
            transaction.atomic(),
        ):
            return func(*args, actor=actor, **kwargs)

    return wrapper


def lock(instance, expected_version=None):
    """Re-read ``instance`` under a row lock; raise ConflictError when the
    caller's version is stale. Must run inside a transaction."""
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and int(expected_version) != current.version:
        raise ConflictError(current, expected_version)
    return current


def _loaded_relations(instance):
    """Foreign keys whose related row the caller handed over as a saved
    instance. Django's field validation would query each one to see that it
    exists; the caller just read it, and the database's foreign key
    constraint still refuses a row deleted in between."""
    loaded = set()
    for field in instance._meta.concrete_fields:
        if not field.is_relation or not field.is_cached(instance):
            continue
        related = field.get_cached_value(instance)
        if (
            related is not None
            and not related._state.adding
            and related.pk == getattr(instance, field.attname)
            and not field.get_limit_choices_to()
        ):
            loaded.add(field.name)
    return loaded


def full_clean(instance):
    """Model.full_clean, minus the existence queries for loaded relations;
    unique and constraint checks still see every field."""
    errors = {}
    try:
        instance.full_clean(
            exclude=_loaded_relations(instance), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=set(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def save_validated(instance):
    """Validate then save, bumping the version on updates."""
    full_clean(instance)
    if instance.pk is not None and not instance._state.adding:
        instance.version += 1
    instance.save()
    return instance


def create_record(model, fields):
    """Validate and insert; call from inside a service function."""
    return save_validated(model(**fields))


def creator(model):
    """A create service for records with no rules beyond field validation."""

    @service
    def create(*, actor, **fields):
        return create_record(model, fields)

    create.__name__ = f"create_{model._meta.model_name}"
    return create


@service
def update_fields(instance, changes, *, actor, expected_version):
    """Generic versioned update of plain fields (used by simple records)."""
    locked = lock(instance, expected_version)
    unknown = set(changes) - {f.name for f in locked._meta.concrete_fields if f.editable}
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    # Nothing really changes: no new version, no audit entry.
    if all(_unchanged(locked, name, value) for name, value in changes.items()):
        return locked
    for name, value in changes.items():
        setattr(locked, name, value)
    return save_validated(locked)


def _unchanged(instance, name, value):
    field = instance._meta.get_field(name)
    if field.is_relation:
        # Compare by key: the caller may pass an instance or its id.
        return getattr(instance, field.attname) == getattr(value, "pk", value)
    return getattr(instance, name) == value


@service
def delete_record(instance, *, actor, expected_version=None):
    locked = lock(instance, expected_version)
    locked.delete()


def next_number(prefix, *, width=6):
    """``next_number("INC")`` -> "INC-000123"; gapless per prefix."""
    with transaction.atomic():
        counter, _ = Counter.objects.select_for_update().get_or_create(prefix=prefix)
        counter.value += 1
        counter.save(update_fields=["value"])
    return f"{prefix}-{counter.value:0{width}d}"
