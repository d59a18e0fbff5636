from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "stanchion.catalog"
    label = "catalog"
    verbose_name = "Service catalog"

    def ready(self):
        from stanchion.core.registry import NavItem, registry

        from .demo import create_catalog

        # Every signed-in employee browses the catalog (requesters included).
        registry.add_nav(
            NavItem(
                "Service catalog",
                "catalog:portal",
                "catalogitem.view",
                section="Self-service",
                order=10,
                key="c",
            )
        )
        # IT pages: these permissions are granted to staff roles only.
        it_pages = [
            ("Services", "catalog:service-list", "servicedependency.view", "s"),
            ("Catalog items", "catalog:item-list", "fulfilmenttasktemplate.view", ""),
            ("Calendars", "catalog:calendar-list", "businesscalendar.view", ""),
            ("SLA policies", "catalog:sla-matrix", "slapolicy.view", ""),
        ]
        for order, (label, url_name, permission, key) in enumerate(it_pages, start=30):
            registry.add_nav(
                NavItem(label, url_name, permission, section="IT services", order=order, key=key)
            )
        registry.add_demo("catalog", create_catalog, order=20)
