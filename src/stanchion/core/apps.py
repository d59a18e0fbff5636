from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stanchion.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import audit_signals  # noqa: F401  (connects the audit trail)
        from .idempotency import purge_idempotency_keys
        from .registry import registry

        registry.add_periodic("idempotency-purge", purge_idempotency_keys, 3600)
