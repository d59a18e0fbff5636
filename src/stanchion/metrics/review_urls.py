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


def nav_item():
    """The sidebar entry, for the metrics app's ready() to register:
    ``registry.add_nav(review_urls.nav_item())``."""
    from stanchion.core.registry import NavItem

    return NavItem(
        "Monthly review", "metrics-review:latest", "kpi.view", section="Insights", order=620
    )
