from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stanchion.api"
    label = "api"
    verbose_name = "API"
