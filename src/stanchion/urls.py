from django.urls import include, path

urlpatterns = [
    path("api/", include("stanchion.api.urls")),
    path("", include("stanchion.web.urls")),
]

handler404 = "stanchion.web.views.errors.not_found"
handler403 = "stanchion.web.views.errors.forbidden"
handler500 = "stanchion.web.views.errors.server_error"
handler400 = "stanchion.web.views.errors.bad_request"
