from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "stanchion.changes"
    label = "changes"
    verbose_name = "Change management"

    def ready(self):
        from . import registration

        registration.register()
