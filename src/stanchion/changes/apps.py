from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "stanchion.changes"
    label = "changes"
    verbose_name = "Change management"

    def ready(self):
        from . import demo, kpis, registration

        registration.register()
        kpis.register()
        demo.register()
