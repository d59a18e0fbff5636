"""The employee service catalog: live services shown in the portal, what can
be asked of each, who approves it, when it is delivered and the form it takes.

Everyone signed in sees the same catalog an employee sees (IT staff get a
link to the portfolio page besides), so IT can check what employees read.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views import View

from stanchion.accounts.roles import is_staff_role
from stanchion.core.views import PermissionRequiredMixin, is_htmx_swap

from .choices import ApprovalMode
from .formdefs import FormDefinitionError, parse_form_definition
from .models import CatalogItem, Service, WorkingInterval
from .views_common import delivery_in_words, working_day_hours

PORTAL_TARGET = "portal-results"


@dataclass
class Offering:
    """A catalog item as an employee reads it."""

    item: CatalogItem
    delivery: str
    approval: str
    fields: list
    form_error: str = ""


def _approval_text(item):
    if item.approval == ApprovalMode.MANAGER:
        return "Your manager approves"
    if item.approval == ApprovalMode.TEAM:
        return f"Approved by {item.approval_team}"
    return "No approval needed"


def offering(item, calendar, intervals):
    day = working_day_hours(calendar, intervals)
    try:
        fields, error = parse_form_definition(item.form_definition), ""
    except FormDefinitionError as problem:  # older data: show the rest of the item anyway
        fields, error = [], str(problem)
    return Offering(
        item=item,
        delivery=delivery_in_words(item.delivery_target, day, around_the_clock=calendar.is_24x7),
        approval=_approval_text(item),
        fields=fields,
        form_error=error,
    )


def _portal_services(user):
    hours = Prefetch(
        "calendar__intervals", queryset=WorkingInterval.objects.order_by("weekday", "start")
    )
    return (
        Service.objects.visible_to(user)
        .in_portal()
        .select_related("calendar", "support_team")
        .prefetch_related(hours)
    )


def _portal_items(user):
    return (
        CatalogItem.objects.visible_to(user)
        .in_portal()
        .select_related("approval_team")
        .order_by("name")
    )


class PortalView(PermissionRequiredMixin, View):
    """Services with things to request first, then the other services."""

    permission = "catalogitem.view"

    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        services = list(_portal_services(request.user).order_by("name"))
        items = _portal_items(request.user)
        if query:
            matching = Q(name__icontains=query) | Q(description__icontains=query)
            service_hits = {s.pk for s in services if _contains(s, query)}
            items = items.filter(matching | Q(service_id__in=service_hits))
            item_services = set(items.values_list("service_id", flat=True))
            services = [s for s in services if s.pk in service_hits | item_services]
        by_service = {}
        for item in items:
            by_service.setdefault(item.service_id, []).append(item)
        groups = []
        for svc in services:
            hours = list(svc.calendar.intervals.all())
            offers = [offering(i, svc.calendar, hours) for i in by_service.get(svc.pk, [])]
            groups.append((svc, offers))
        context = {
            "title": "Service catalog",
            "query": query,
            "requestable": [(s, o) for s, o in groups if o],
            "other_services": [s for s, o in groups if not o],
            "target": PORTAL_TARGET,
        }
        partial = is_htmx_swap(request, PORTAL_TARGET)
        template = "catalog/portal_results.html" if partial else "catalog/portal.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response


def _contains(service, query):
    query = query.casefold()
    return query in service.name.casefold() or query in service.description.casefold()


class PortalServiceView(PermissionRequiredMixin, View):
    """One live service and everything an employee can ask of it; a service
    that is not live in the portal is a 404 here, for IT staff as well."""

    permission = "catalogitem.view"

    def get(self, request, pk):
        svc = get_object_or_404(_portal_services(request.user), pk=pk)
        hours = list(svc.calendar.intervals.all())
        items = _portal_items(request.user).filter(service=svc)
        context = {
            "title": svc.name,
            "service": svc,
            "offerings": [offering(item, svc.calendar, hours) for item in items],
            "day_hours": working_day_hours(svc.calendar, hours),
            "is_staff": is_staff_role(request.user),
        }
        return render(request, "catalog/portal_service.html", context)
