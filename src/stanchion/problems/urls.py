"""Problem management pages: /problems/ (the list, a problem's page, its
actions), /problems/candidates/ (recurring incidents), the detection
thresholds and the root-cause taxonomy."""

from django.urls import path, re_path

from . import views, views_admin

app_name = "problems"

# A problem number in a URL: PRB-000007 (any case).
NUMBER = r"(?P<number>[A-Za-z]{3}-\d{1,12})"

urlpatterns = [
    path("problems/", views.ProblemListView.as_view(), name="problem-list"),
    path("problems/new/", views.ProblemEditView.as_view(), name="problem-new"),
    path("problems/candidates/", views_admin.CandidateListView.as_view(), name="candidates"),
    path(
        "problems/detection-settings/",
        views_admin.RecurrenceSettingsView.as_view(),
        name="settings",
    ),
    re_path(rf"^problems/{NUMBER}/$", views.ProblemDetailView.as_view(), name="problem-detail"),
    re_path(rf"^problems/{NUMBER}/edit/$", views.ProblemEditView.as_view(), name="problem-edit"),
    re_path(
        rf"^problems/{NUMBER}/(?P<action>[a-z]+)/$",
        views.ProblemActionView.as_view(),
        name="problem-action",
    ),
    path("root-causes/", views_admin.RootCauseListView.as_view(), name="rootcause-list"),
    path("root-causes/new/", views_admin.RootCauseEditView.as_view(), name="rootcause-create"),
    path(
        "root-causes/<int:pk>/", views_admin.RootCauseDetailView.as_view(), name="rootcause-detail"
    ),
    path(
        "root-causes/<int:pk>/edit/", views_admin.RootCauseEditView.as_view(), name="rootcause-edit"
    ),
    path(
        "root-causes/<int:pk>/delete/",
        views_admin.RootCauseDeleteView.as_view(),
        name="rootcause-delete",
    ),
]
