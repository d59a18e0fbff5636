from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "stanchion.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"

    def ready(self):
        from . import demo, kpis, registration, signals

        registration.register()
        kpis.register()
        demo.register()
        signals.connect()
