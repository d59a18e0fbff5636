"""Writes of the change-management records kept by change approvers:
standard change templates and blackouts (each with a list of services) and
maintenance windows. The API and the pages both write through these, in one
transaction, audited and version-checked like every other write."""

from stanchion.core.services import create_record, lock, save_validated, service

from ..models import MaintenanceWindow


@service
def create_with_services(model, fields, *, actor, services=()):
    """A template or blackout (``model``) and its services."""
    record = create_record(model, fields)
    record.services.set(services)
    return record


@service
def update_with_services(record, changes, *, actor, expected_version=None):
    """Plain fields and (when ``changes`` has ``services``) the whole list of
    services. Changing only the services still bumps the version, so a stale
    writer is refused; changing nothing writes nothing."""
    locked = lock(record, expected_version)
    changes = dict(changes)
    services = changes.pop("services", None)
    before = sorted(locked.services.values_list("pk", flat=True))
    new_services = None if services is None else sorted(s.pk for s in services)
    fields_changed = any(getattr(locked, name) != value for name, value in changes.items())
    services_changed = new_services is not None and new_services != before
    if not fields_changed and not services_changed:
        return locked
    for name, value in changes.items():
        setattr(locked, name, value)
    save_validated(locked)
    if services_changed:
        locked.services.set(services)
    return locked


@service
def create_window(*, actor, **fields):
    """A maintenance window of one service (its fields only)."""
    return create_record(MaintenanceWindow, fields)
