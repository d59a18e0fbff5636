from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import APIRootView, DefaultRouter

from stanchion.accounts.api import views as accounts
from stanchion.catalog.api import views as catalog
from stanchion.changes.api import views as changes
from stanchion.changes.api import views_admin as change_admin
from stanchion.changes.api import views_cab as cab
from stanchion.core.audit_api import AuditEntryViewSet
from stanchion.knowledge.api import routes as knowledge
from stanchion.majorincidents.api import routes as majorincidents
from stanchion.metrics import api as metrics
from stanchion.problems.api import routes as problems
from stanchion.tickets.api import views as tickets
from stanchion.tickets.api import views_attachments as ticket_files
from stanchion.tickets.api import views_work as ticket_work


class ApiRoot(APIRootView):
    """The API's endpoints. Authenticate with `Authorization: Bearer <token>`."""

    permissions = {"get": None, "head": None, "options": None}


router = DefaultRouter()
router.APIRootView = ApiRoot
router.register("people", accounts.PersonViewSet)
router.register("teams", accounts.TeamViewSet)
router.register("team-memberships", accounts.TeamMembershipViewSet)
router.register("users", accounts.UserViewSet)
router.register("locations", accounts.LocationViewSet)
router.register("departments", accounts.DepartmentViewSet)
router.register("tokens", accounts.ApiTokenViewSet)
router.register("audit", AuditEntryViewSet)
router.register("services", catalog.ServiceViewSet)
router.register("service-dependencies", catalog.ServiceDependencyViewSet)
router.register("service-links", catalog.ServiceLinkViewSet)
router.register("calendars", catalog.BusinessCalendarViewSet)
router.register("calendar-closures", catalog.ClosureViewSet)
router.register("catalog-items", catalog.CatalogItemViewSet)
router.register("sla-policies", catalog.SlaPolicyViewSet)
router.register("ola-policies", catalog.OlaPolicyViewSet)
router.register("incidents", tickets.IncidentViewSet, basename="incident")
router.register("requests", tickets.RequestViewSet, basename="request")
router.register("tasks", ticket_work.TaskViewSet)
router.register("approvals", ticket_work.ApprovalViewSet)
router.register("categories", ticket_work.CategoryViewSet)
router.register("attachments", ticket_files.AttachmentViewSet)
router.register("kpis", metrics.KpiViewSet, basename="kpi")
router.register("kpi-targets", metrics.KpiTargetViewSet)
router.register("changes", changes.ChangeViewSet)
router.register("change-approvals", change_admin.ChangeApprovalViewSet)
router.register("change-delegations", change_admin.ApprovalDelegationViewSet)
router.register("change-templates", change_admin.ChangeTemplateViewSet)
router.register("maintenance-windows", change_admin.MaintenanceWindowViewSet)
router.register("blackouts", change_admin.BlackoutViewSet)
router.register("cab-meetings", cab.CabMeetingViewSet)
# Newer apps list their own endpoints (each app's api/routes.py).
for app_routes in (majorincidents, problems, knowledge):
    app_routes.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
