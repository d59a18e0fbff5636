from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "stanchion.tickets"
    label = "tickets"
    verbose_name = "Service desk"
