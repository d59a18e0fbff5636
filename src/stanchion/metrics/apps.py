from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "stanchion.metrics"
    label = "metrics"
    verbose_name = "KPIs and reports"

    def ready(self):
        from . import registration

        registration.register()
