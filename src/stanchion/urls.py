from django.urls import include, path

from stanchion.metrics.prometheus import MetricsView

urlpatterns = [
    path("api/", include("stanchion.api.urls")),
    path("metrics", MetricsView.as_view(), name="metrics"),
    path("", include("stanchion.web.urls")),
]

handler404 = "stanchion.web.views.errors.not_found"
handler403 = "stanchion.web.views.errors.forbidden"
handler500 = "stanchion.web.views.errors.server_error"
handler400 = "stanchion.web.views.errors.bad_request"
