from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "stanchion.catalog"
    label = "catalog"
    verbose_name = "Service catalog"
