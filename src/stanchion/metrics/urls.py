"""KPI pages under /kpis/: the dashboard, each KPI, its records, the
per-service and per-team pages and the organisation's targets."""

from django.urls import path

from . import views_dashboard, views_kpi, views_pages, views_targets

app_name = "metrics"

urlpatterns = [
    path("kpis/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("kpis/targets/", views_targets.TargetsView.as_view(), name="targets"),
    path("kpis/services/<int:pk>/", views_pages.ServiceKpisView.as_view(), name="service"),
    path("kpis/teams/<int:pk>/", views_pages.TeamKpisView.as_view(), name="team"),
    path("kpis/<slug:key>/", views_kpi.KpiDetailView.as_view(), name="kpi"),
    path("kpis/<slug:key>/records/", views_kpi.KpiRecordsView.as_view(), name="records"),
]
