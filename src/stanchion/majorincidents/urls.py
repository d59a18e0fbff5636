"""Major incident pages: /major-incidents/ for IT, /status/ for everyone."""

from django.urls import path, re_path

from . import views, views_review, views_status

app_name = "majorincidents"

# MI-000001 (any case).
NUMBER = r"(?P<number>[A-Za-z]{2}-\d{1,12})"

urlpatterns = [
    path("major-incidents/", views.MajorIncidentListView.as_view(), name="list"),
    path("major-incidents/new/", views.DeclareDirectView.as_view(), name="declare-direct"),
    path("major-incidents/declare/<str:number>/", views.DeclareView.as_view(), name="declare"),
    re_path(
        rf"^major-incidents/{NUMBER}/$", views.MajorIncidentDetailView.as_view(), name="detail"
    ),
    re_path(
        rf"^major-incidents/{NUMBER}/review/$", views_review.ReviewView.as_view(), name="review"
    ),
    re_path(
        rf"^major-incidents/{NUMBER}/review/edit/$",
        views_review.ReviewEditView.as_view(),
        name="review-edit",
    ),
    re_path(
        rf"^major-incidents/{NUMBER}/review/actions/$",
        views_review.ActionAddView.as_view(),
        name="action-add",
    ),
    re_path(
        rf"^major-incidents/{NUMBER}/review/actions/(?P<pk>\d+)/$",
        views_review.ActionStateView.as_view(),
        name="action-state",
    ),
    re_path(
        rf"^major-incidents/{NUMBER}/(?P<action>[a-z-]+)/$",
        views.MajorIncidentActionView.as_view(),
        name="action",
    ),
    path("status/", views_status.StatusView.as_view(), name="status"),
    path("status/subscriptions/", views_status.SubscriptionsView.as_view(), name="subscriptions"),
]
