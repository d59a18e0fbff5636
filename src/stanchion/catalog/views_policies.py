"""SLA policies as a matrix of service tier and priority (with the
service-specific overrides beneath), and OLA policies per team."""

from django.shortcuts import render
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.services import creator
from stanchion.core.tables import Column, Table
from stanchion.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PermissionRequiredMixin,
)

from .choices import Priority, ServiceTier
from .forms import OlaPolicyForm, SlaPolicyForm
from .models import OlaPolicy, SlaPolicy


class SlaMatrixView(PermissionRequiredMixin, View):
    """Rows are priorities, columns tiers; every cell one policy (one query)."""

    permission = "slapolicy.view"

    def get(self, request):
        policies = SlaPolicy.objects.visible_to(request.user).select_related("service", "calendar")
        by_cell, overrides = {}, []
        for policy in policies.order_by("service__name", "priority", "pk"):
            if policy.service_id:
                overrides.append(policy)
            else:
                by_cell[(policy.tier, policy.priority)] = policy
        tiers = ServiceTier.values()
        rows = [
            (priority, [(tier, by_cell.get((tier, priority))) for tier in tiers])
            for priority in Priority.values()
        ]
        context = {
            "title": "SLA policies",
            "tab": "sla",
            "tiers": tiers,
            "rows": rows,
            "overrides": overrides,
            "can_add": has_perm(request.user, "slapolicy.add"),
        }
        return render(request, "catalog/sla_matrix.html", context)


class SlaPolicyDetailView(ObjectDetailView):
    model = SlaPolicy
    template_name = "catalog/sla_detail.html"
    edit_url_name = "catalog:sla-edit"
    delete_url_name = "catalog:sla-delete"

    def get_queryset(self):
        return super().get_queryset().select_related("service", "calendar")


class SlaPolicyEditView(ObjectEditView):
    model = SlaPolicy
    form_class = SlaPolicyForm
    create_service = staticmethod(creator(SlaPolicy))
    detail_url_name = "catalog:sla-detail"

    def get_form(self, data=None, instance=None):
        initial = {}
        if instance is None and data is None:
            # "Add" links in the matrix name the cell they fill.
            params = self.request.GET
            initial = {k: params[k] for k in ("tier", "priority", "service") if params.get(k)}
            initial.setdefault("pause_states", ["pending_customer", "pending_vendor"])
        return self.form_class(data=data, instance=instance, initial=initial)


class SlaPolicyDeleteView(ObjectDeleteView):
    model = SlaPolicy
    detail_url_name = "catalog:sla-detail"
    success_url_name = "catalog:sla-matrix"


class OlaTable(Table):
    columns = (
        Column("team", "Team", ("team__name", "priority")),
        Column("priority", "Priority", ("priority", "team__name")),
        Column("response", "Response", ("response_target",), "num"),
        Column("resolution", "Resolution", ("resolution_target",), "num"),
        Column("calendar", "Calendar", ("calendar__name",), "hide-narrow"),
    )
    default_sort = "team"
    row_template = "catalog/rows/ola.html"


class OlaListView(ObjectListView):
    model = OlaPolicy
    title = "OLA policies"
    table_class = OlaTable
    template_name = "catalog/ola_list.html"
    create_url_name = "catalog:ola-create"
    empty_title = "No OLAs yet"
    empty_hint = "An OLA is a team's own clock for the time it holds a ticket."

    def get_queryset(self):
        return super().get_queryset().select_related("team", "calendar")

    def get_extra_context(self):
        return {"tab": "ola", "verbose_name": "OLA"}


class OlaPolicyDetailView(ObjectDetailView):
    model = OlaPolicy
    template_name = "catalog/ola_detail.html"
    edit_url_name = "catalog:ola-edit"
    delete_url_name = "catalog:ola-delete"

    def get_queryset(self):
        return super().get_queryset().select_related("team", "calendar")


class OlaPolicyEditView(ObjectEditView):
    model = OlaPolicy
    form_class = OlaPolicyForm
    create_service = staticmethod(creator(OlaPolicy))
    detail_url_name = "catalog:ola-detail"


class OlaPolicyDeleteView(ObjectDeleteView):
    model = OlaPolicy
    detail_url_name = "catalog:ola-detail"
    success_url_name = "catalog:ola-list"
