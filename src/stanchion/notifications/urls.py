from django.urls import path

from . import csat_views, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/badge/", views.badge, name="badge"),
    path("notifications/read-all/", views.mark_all_read, name="read-all"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    # The satisfaction links in resolution emails: no sign-in needed.
    path("rate/<str:token>/", csat_views.answer, name="csat-answer"),
]
