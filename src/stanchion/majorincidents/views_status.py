"""The employees' status page (/status/): the current major incidents and
their latest update; and the services each employee follows."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views import View

from stanchion.catalog.models import Service
from stanchion.core.views import PermissionRequiredMixin

from . import services
from .models import MajorIncident, MajorIncidentUpdate, ServiceSubscription
from .views_base import ZonedMixin


class StatusView(PermissionRequiredMixin, ZonedMixin, View):
    permission = "majorincident.status"

    def get(self, request):
        current = list(
            MajorIncident.objects.on_status_page(request.user)
            .order_by("priority", "-declared_at")
            .prefetch_related(
                Prefetch("services", queryset=Service.objects.only("id", "name").order_by("name"))
            )
        )
        latest = {}
        for update in MajorIncidentUpdate.objects.filter(
            major_incident__in=[mi.pk for mi in current]
        ).order_by("major_incident_id", "-created_at", "-id"):
            latest.setdefault(update.major_incident_id, update)
        followed = set(
            ServiceSubscription.objects.visible_to(request.user).values_list(
                "service__name", flat=True
            )
        )
        rows = [
            {
                "mi": mi,
                "update": latest.get(mi.pk),
                "followed": any(s.name in followed for s in mi.services.all()),
            }
            for mi in current
        ]
        return render(request, "majorincidents/status.html", {"rows": rows})


def active_services():
    return Service.objects.exclude(status="retired").only("id", "name").order_by("name")


class SubscriptionsView(PermissionRequiredMixin, View):
    permission = "servicesubscription.view"

    def get(self, request):
        chosen = set(
            ServiceSubscription.objects.visible_to(request.user).values_list(
                "service_id", flat=True
            )
        )
        return render(
            request,
            "majorincidents/subscriptions.html",
            {"services": active_services(), "chosen": chosen},
        )

    def post(self, request):
        from stanchion.accounts.roles import has_perm

        available = {s.pk: s for s in active_services()}
        wanted = set()
        for raw in request.POST.getlist("services"):
            if not (raw.isascii() and raw.isdigit()) or int(raw) not in available:
                messages.error(request, f"Services: “{raw[:40]}” is not a service you can follow.")
                return redirect("majorincidents:subscriptions")
            wanted.add(int(raw))
        current = set(
            ServiceSubscription.objects.visible_to(request.user).values_list(
                "service_id", flat=True
            )
        )
        if wanted - current and not has_perm(request.user, "servicesubscription.add"):
            messages.error(request, "Services: you may not follow services.")
            return redirect("majorincidents:subscriptions")
        for pk in wanted - current:
            services.subscribe(available[pk], actor=request.user)
        for pk in current - wanted:
            if pk in available:
                services.unsubscribe(available[pk], actor=request.user)
        messages.success(
            request,
            f"You follow {len(wanted)} service{'s' if len(wanted) != 1 else ''}."
            if wanted
            else "You follow no services.",
        )
        return redirect("majorincidents:subscriptions")
