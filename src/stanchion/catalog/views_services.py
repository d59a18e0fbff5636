"""The service portfolio for IT: every service with its tier, owners, support
hours, dependency graph, catalog items and the SLA targets that apply."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    apply_errors,
    is_htmx_swap,
)

from . import services
from .choices import Priority
from .filtersets import ServiceFilterSet
from .forms import DependencyForm, ServiceForm
from .models import Service, ServiceDependency, SlaPolicy
from .tables import ServiceTable
from .views_common import StaffPageMixin

DEPENDENCIES_TARGET = "service-dependencies"


class ServiceListView(StaffPageMixin, ObjectListView):
    model = Service
    title = "Service portfolio"
    filterset_class = ServiceFilterSet
    table_class = ServiceTable
    template_name = "catalog/service_list.html"
    create_url_name = "catalog:service-create"
    empty_title = "No services yet"
    empty_hint = "Add the services employees rely on: SSO, VPN, laptops, chat…"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner_team", "support_team", "calendar")
            .annotate(item_count=Count("catalog_items"))
        )


@dataclass
class SlaRow:
    """The SLA targets that apply to one priority of a service, and why."""

    priority: str
    policy: SlaPolicy | None
    overrides: SlaPolicy | None  # the tier policy the service's own policy replaces


def sla_rows(service):
    """Per priority: the service's own policy, else its tier's (one query)."""
    policies = SlaPolicy.objects.filter(
        Q(service=service) | Q(service__isnull=True, tier=service.tier)
    ).select_related("calendar")
    own, tier = {}, {}
    for policy in policies:
        (own if policy.service_id else tier)[policy.priority] = policy
    rows = []
    for priority in Priority.values():
        mine = own.get(priority)
        rows.append(
            SlaRow(priority, mine or tier.get(priority), tier.get(priority) if mine else None)
        )
    return rows


def dependencies_context(request, svc, form=None):
    can_add = has_perm(request.user, "servicedependency.add")
    if form is None and can_add:
        form = DependencyForm(service=svc)
    return {
        "service": svc,
        "depends_on": svc.dependency_links.select_related("depends_on").order_by(
            "depends_on__name"
        ),
        "dependents": svc.dependent_links.select_related("service").order_by("service__name"),
        "dependency_form": form,
        "can_add_dependency": can_add,
        "can_remove_dependency": has_perm(request.user, "servicedependency.delete"),
    }


class ServiceDetailView(StaffPageMixin, ObjectDetailView):
    model = Service
    template_name = "catalog/service_detail.html"
    edit_url_name = "catalog:service-edit"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner_team", "support_team", "business_owner", "calendar")
        )

    def get_extra_context(self, svc):
        return {
            **dependencies_context(self.request, svc),
            "items": svc.catalog_items.annotate(task_count=Count("task_templates")).order_by(
                "name"
            ),
            "links": svc.links.order_by("kind", "title"),
            "sla_rows": sla_rows(svc),
        }


class ServiceEditView(StaffPageMixin, ObjectEditView):
    model = Service
    form_class = ServiceForm
    create_service = staticmethod(services.create_service)
    detail_url_name = "catalog:service-detail"


class ServiceDependenciesView(StaffPageMixin, View):
    """Adds (POST .../dependencies/) and removes a dependency; answers htmx
    with the dependency card alone, other requests with a redirect."""

    def get_permission(self):
        removing = "dependency_pk" in self.kwargs
        return "servicedependency.delete" if removing else "servicedependency.add"

    def respond(self, svc, form=None):
        if is_htmx_swap(self.request, DEPENDENCIES_TARGET):
            # 200 even for a refused dependency: htmx swaps only 2xx answers,
            # and the refusal must appear next to the form.
            context = dependencies_context(self.request, svc, form) | {"partial": True}
            return render(self.request, "catalog/service_dependencies.html", context)
        if form is not None and form.errors:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
        return redirect("catalog:service-detail", pk=svc.pk)

    def post(self, request, pk, dependency_pk=None):
        svc = get_object_or_404(Service.objects.visible_to(request.user), pk=pk)
        if dependency_pk is not None:
            link = get_object_or_404(
                ServiceDependency.objects.select_related("depends_on"),
                pk=dependency_pk,
                service=svc,
            )
            services.remove_dependency(link, actor=request.user)
            messages.success(request, f"{svc} no longer depends on {link.depends_on}.")
            return self.respond(svc)
        form = DependencyForm(request.POST, service=svc)
        if form.is_valid():
            other = form.cleaned_data["depends_on"]
            try:
                services.add_dependency(svc, other, actor=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{svc} now depends on {other}.")
                return self.respond(svc)
        return self.respond(svc, form)
