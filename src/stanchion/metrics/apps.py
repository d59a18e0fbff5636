from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "stanchion.metrics"
    label = "metrics"
    verbose_name = "KPIs and reports"

    def ready(self):
        from . import registration, review_nav

        registration.register()
        review_nav.register()
