from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stanchion.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import audit_signals  # noqa: F401  (connects the audit trail)
