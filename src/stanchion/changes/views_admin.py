"""Admin pages of change management: standard change templates, maintenance
windows and blackouts (list, detail, create, edit, delete), for the roles
that keep them (change approvers, IT administrators); every IT role reads.

Templates and blackouts carry a list of services (a many-to-many), which the
generic field update does not write: ``services.records`` saves the record
and its services in one transaction, under the row lock and the version the
user saw, as the API does.
"""

import django_filters
from django.db.models import Count, Q

from stanchion.catalog.models import Service
from stanchion.core.tables import Column, Table
from stanchion.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from .forms import WEEKDAY_CHOICES, BlackoutForm, ChangeTemplateForm, MaintenanceWindowForm
from .models import Blackout, ChangeTemplate, MaintenanceWindow
from .services import records
from .views_base import ChangePageMixin, ZonedMixin, viewer_zone, zone_help

WEEKDAY_NAMES = dict(WEEKDAY_CHOICES)


class AdminPageMixin(ChangePageMixin):
    """Staff only; the generic views name the permission per page
    (``changetemplate.view``, ``blackout.change``...)."""

    permission = None


class ServicesEditMixin:
    """ObjectEditView for models with a ``services`` many-to-many: the record
    and its services are written together (``services.records``)."""

    update_service = staticmethod(records.update_with_services)

    def create(self, form):
        fields = dict(form.cleaned_data)
        linked = fields.pop("services", None) or ()
        return records.create_with_services(
            self.model, fields, actor=self.request.user, services=linked
        )


# ---- Standard change templates -------------------------------------------


class TemplateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = ChangeTemplate
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class TemplateTable(Table):
    columns = (
        Column("name", "Template", ("name",)),
        Column("team", "Implementer team", ("implementer_team__name", "name"), "hide-narrow"),
        Column("duration", "Expected duration", ("expected_duration_minutes", "name"), "num"),
        Column("changes", "Changes", ("change_count", "name"), "num"),
        Column("status", "Status", ("-is_active", "name")),
    )
    default_sort = "name"
    row_template = "changes/rows/template.html"


class TemplateListView(AdminPageMixin, ObjectListView):
    model = ChangeTemplate
    title = "Standard change templates"
    filterset_class = TemplateFilterSet
    table_class = TemplateTable
    template_name = "changes/admin_list.html"
    create_url_name = "changes:template-create"
    empty_title = "No standard change templates yet"
    empty_hint = "Templates are pre-approved, low-risk changes, such as monthly OS patching."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("implementer_team")
            .annotate(change_count=Count("changes"))
        )


class TemplateDetailView(AdminPageMixin, ObjectDetailView):
    model = ChangeTemplate
    template_name = "changes/template_detail.html"
    edit_url_name = "changes:template-edit"
    delete_url_name = "changes:template-delete"

    def get_queryset(self):
        return super().get_queryset().select_related("implementer_team")

    def get_extra_context(self, obj):
        return {
            "services": list(obj.services.order_by("name")),
            "recent": list(obj.changes.order_by("-created_at")[:10]),
        }


class TemplateEditView(AdminPageMixin, ServicesEditMixin, ObjectEditView):
    model = ChangeTemplate
    form_class = ChangeTemplateForm
    detail_url_name = "changes:template-detail"


class TemplateDeleteView(AdminPageMixin, ObjectDeleteView):
    """A template changes were raised from stays (they keep pointing at it):
    withdraw it (not active) instead."""

    model = ChangeTemplate
    detail_url_name = "changes:template-detail"
    success_url_name = "changes:template-list"


# ---- Maintenance windows ---------------------------------------------------


class WindowFilterSet(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        queryset=lambda request: Service.objects.only("id", "name").order_by("name")
    )

    class Meta:
        model = MaintenanceWindow
        fields = ["service"]


class WindowTable(Table):
    columns = (
        Column("name", "Window", ("name",)),
        Column("service", "Service", ("service__name", "name")),
        Column("when", "When", ("start_time", "name")),
        Column("duration", "Duration", ("duration_minutes", "name"), "num"),
        Column("valid", "Valid", ("valid_from", "name"), "hide-narrow"),
    )
    default_sort = "service"
    row_template = "changes/rows/window.html"


def weekday_names(days):
    return ", ".join(WEEKDAY_NAMES.get(d, str(d)) for d in sorted(days or []))


class WindowListView(AdminPageMixin, ObjectListView):
    model = MaintenanceWindow
    title = "Maintenance windows"
    filterset_class = WindowFilterSet
    table_class = WindowTable
    template_name = "changes/admin_list.html"
    create_url_name = "changes:window-create"
    empty_title = "No maintenance windows yet"
    empty_hint = (
        "A window is when changes to a service may be made, e.g. Sundays 02:00–06:00; "
        "changes planned outside it are flagged."
    )

    def get_queryset(self):
        return super().get_queryset().select_related("service__calendar")

    def get_extra_context(self):
        return {"weekday_names": WEEKDAY_NAMES}


class WindowDetailView(AdminPageMixin, ObjectDetailView):
    model = MaintenanceWindow
    template_name = "changes/window_detail.html"
    edit_url_name = "changes:window-edit"
    delete_url_name = "changes:window-delete"

    def get_queryset(self):
        return super().get_queryset().select_related("service__calendar")

    def get_extra_context(self, obj):
        return {"days": weekday_names(obj.weekdays)}


class WindowEditView(AdminPageMixin, ObjectEditView):
    model = MaintenanceWindow
    form_class = MaintenanceWindowForm
    create_service = staticmethod(records.create_window)
    detail_url_name = "changes:window-detail"


class WindowDeleteView(AdminPageMixin, ObjectDeleteView):
    model = MaintenanceWindow
    detail_url_name = "changes:window-detail"
    success_url_name = "changes:window-list"


# ---- Blackouts -------------------------------------------------------------


class BlackoutTable(Table):
    columns = (
        Column("name", "Blackout", ("name",)),
        Column("starts", "Starts", ("starts_at",)),
        Column("ends", "Ends", ("ends_at",)),
        Column("services", "Services", ()),
    )
    default_sort = "-starts"
    row_template = "changes/rows/blackout.html"


class BlackoutFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Blackout
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(reason__icontains=value))


class BlackoutListView(AdminPageMixin, ZonedMixin, ObjectListView):
    model = Blackout
    title = "Blackouts"
    filterset_class = BlackoutFilterSet
    table_class = BlackoutTable
    template_name = "changes/admin_list.html"
    create_url_name = "changes:blackout-create"
    empty_title = "No blackouts"
    empty_hint = "A blackout freezes changes, on every service or on some, e.g. at year end."

    def get_queryset(self):
        from django.db.models import Prefetch

        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("services", queryset=Service.objects.only("id", "name").order_by("name"))
            )
        )


class BlackoutDetailView(AdminPageMixin, ZonedMixin, ObjectDetailView):
    model = Blackout
    template_name = "changes/blackout_detail.html"
    edit_url_name = "changes:blackout-edit"
    delete_url_name = "changes:blackout-delete"

    def get_extra_context(self, obj):
        return {"services": list(obj.services.order_by("name"))}


class BlackoutEditView(AdminPageMixin, ZonedMixin, ServicesEditMixin, ObjectEditView):
    model = Blackout
    form_class = BlackoutForm
    detail_url_name = "changes:blackout-detail"

    def get_form(self, data=None, instance=None):
        form = super().get_form(data, instance)
        return zone_help(form, viewer_zone(self.request.user), "starts_at", "ends_at")


class BlackoutDeleteView(AdminPageMixin, ObjectDeleteView):
    model = Blackout
    detail_url_name = "changes:blackout-detail"
    success_url_name = "changes:blackout-list"
