"""The catalog's installed defaults (the 24x7 calendar and the tier SLA
policies), available outside migrations: a database emptied by a test
flush, or an administrator who deleted them, gets them back with
``ensure_defaults()``. Idempotent: existing records are left as they are."""

import importlib

from django.apps import apps


def ensure_defaults():
    migration = importlib.import_module("stanchion.catalog.migrations.0002_default_sla_policies")
    migration.seed(apps, None)
