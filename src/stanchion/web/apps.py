from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "stanchion.web"
    label = "web"
    verbose_name = "Web UI"
