"""The service desk's pages: the agent workspace and the employee portal
live in separate modules (``urls_agent``, ``urls_portal``)."""

from django.urls import include, path

app_name = "tickets"

urlpatterns = [
    path("", include("stanchion.tickets.urls_agent")),
    path("", include("stanchion.tickets.urls_portal")),
]
