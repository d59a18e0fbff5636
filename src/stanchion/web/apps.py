from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "stanchion.web"
    label = "web"
    verbose_name = "Web UI"

    def ready(self):
        from stanchion.core.registry import NavItem, registry

        registry.add_nav(
            NavItem(
                "Audit trail",
                "audit-list",
                "auditentry.view",
                section="Administration",
                order=95,
                key="a",
            )
        )
