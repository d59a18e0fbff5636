from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "stanchion.metrics"
    label = "metrics"
    verbose_name = "KPIs and reports"
