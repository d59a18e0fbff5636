"""The monthly service review's addresses, included from stanchion.web.urls."""

from django.urls import path

from .review_views import ReviewCsvView, ReviewLatestView, ReviewPageView, ReviewPdfView

app_name = "metrics-review"

urlpatterns = [
    path("reviews/monthly/", ReviewLatestView.as_view(), name="latest"),
    path("reviews/monthly/<str:month>.pdf", ReviewPdfView.as_view(), name="pdf"),
    path("reviews/monthly/<str:month>/", ReviewPageView.as_view(), name="month"),
    path("reviews/monthly/<str:month>/<str:table>.csv", ReviewCsvView.as_view(), name="csv"),
]
