from django.apps import AppConfig


class MajorIncidentsConfig(AppConfig):
    name = "stanchion.majorincidents"
    label = "majorincidents"
    verbose_name = "Major incidents"

    def ready(self):
        from . import demo, kpis, registration

        registration.register()
        kpis.register()
        demo.register()
