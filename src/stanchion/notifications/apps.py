from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "stanchion.notifications"
    label = "notifications"
    verbose_name = "Notifications"
