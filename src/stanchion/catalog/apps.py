from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "stanchion.catalog"
    label = "catalog"
    verbose_name = "Service catalog"

    def ready(self):
        from stanchion.core.registry import registry

        from .demo import create_catalog

        registry.add_demo("catalog", create_catalog, order=20)
