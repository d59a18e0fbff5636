from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "stanchion.tickets"
    label = "tickets"
    verbose_name = "Service desk"

    def ready(self):
        # Each part of the service desk registers its own navigation and
        # receivers, so the agent workspace, the portal and notifications can
        # grow independently.
        from . import registration

        registration.register()
