from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "stanchion.problems"
    label = "problems"
    verbose_name = "Problems"

    def ready(self):
        from . import kpis, registration

        registration.register()
        kpis.register()
