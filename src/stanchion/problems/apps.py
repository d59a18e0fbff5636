from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "stanchion.problems"
    label = "problems"
    verbose_name = "Problems"

    def ready(self):
        from . import demo, kpis, registration

        registration.register()
        kpis.register()
        demo.register()
