"""The service catalog API. Every write goes through catalog.services (or a
plain ``creator`` for records with no rules beyond their fields)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.accounts.roles import has_perm
from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.core.services import creator

from .. import services, slaclock
from ..calendars import engine_calendar, week_view
from ..models import (
    BusinessCalendar,
    CatalogItem,
    Closure,
    OlaPolicy,
    Service,
    ServiceDependency,
    ServiceLink,
    SlaPolicy,
)
from ..sla import effective_sla_policies, reapply_policy
from . import serializers


def _without_version(data):
    return {k: v for k, v in data.items() if k != "version"}


class ServiceViewSet(StanchionViewSet):
    queryset = Service.objects.prefetch_related("depends_on")
    serializer_class = serializers.ServiceSerializer
    permissions = {**crud_permissions("service"), "sla": "slapolicy.view"}
    create_service = staticmethod(services.create_service)
    filterset_fields = ["tier", "status", "owner_team", "support_team", "visible_in_portal"]
    ordering_fields = ["name", "tier", "status", "id"]

    @extend_schema(responses={200: serializers.ServiceSlaSerializer})
    @action(detail=True, methods=["get"])
    def sla(self, request, pk=None):
        """The SLA targets that apply to this service per priority: its own
        policy where it has one, else its tier's."""
        service = self.get_object()
        targets = [
            {
                "priority": priority,
                "policy": policy.pk,
                "policy_name": policy.name,
                "source": source,
                "response_target": policy.response_target,
                "resolution_target": policy.resolution_target,
                # Empty on the policy means the service's own support hours.
                "calendar": policy.calendar_id or service.calendar_id,
                "pause_states": policy.pause_states,
            }
            for priority, (policy, source) in sorted(effective_sla_policies(service).items())
        ]
        body = {"service": service.pk, "tier": service.tier, "targets": targets}
        return Response(serializers.ServiceSlaSerializer(body).data)


class ServiceDependencyViewSet(StanchionViewSet):
    queryset = ServiceDependency.objects.select_related("service", "depends_on")
    serializer_class = serializers.ServiceDependencySerializer
    permissions = crud_permissions("servicedependency", writable=("create", "destroy"))
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["service", "depends_on"]
    ordering_fields = ["id"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_dependency(
            data["service"], data["depends_on"], actor=self.request.user
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.remove_dependency(instance, actor=self.request.user)


class ServiceLinkViewSet(StanchionViewSet):
    queryset = ServiceLink.objects.all()
    serializer_class = serializers.ServiceLinkSerializer
    permissions = crud_permissions("servicelink")
    create_service = staticmethod(creator(ServiceLink))
    filterset_fields = ["service", "kind"]
    ordering_fields = ["id", "title"]


def _week(intervals):
    return [(i["weekday"], i["start"], i["end"]) for i in intervals]


def _engine_or_400(calendar, field):
    """The engine refuses what it cannot compute (a calendar with no
    working time left, instants past its range): a 400, never a 500."""
    try:
        return engine_calendar(calendar)
    except ValueError as error:
        raise ValidationError({field: [f"This calendar cannot be computed: {error}."]}) from None


class BusinessCalendarViewSet(StanchionViewSet):
    queryset = BusinessCalendar.objects.prefetch_related("intervals", "closures")
    serializer_class = serializers.BusinessCalendarSerializer
    permissions = {
        **crud_permissions("businesscalendar"),
        "week": "businesscalendar.view",
        "due": "businesscalendar.view",
    }
    ordering_fields = ["name", "id"]

    def perform_create(self, serializer):
        data = _without_version(serializer.validated_data)
        week = _week(data.pop("intervals", []))
        serializer.instance = services.create_calendar(
            actor=self.request.user, intervals=week, **data
        )

    def perform_versioned_update(self, instance, data, expected_version):
        week = _week(data.pop("intervals")) if "intervals" in data else None
        return services.update_calendar(
            instance,
            data,
            intervals=week,
            actor=self.request.user,
            expected_version=expected_version,
        )

    @extend_schema(
        parameters=[serializers.WeekQuerySerializer],
        responses={200: serializers.CalendarWeekSerializer},
    )
    @action(detail=True, methods=["get"])
    def week(self, request, pk=None):
        """The working intervals of one week (default: this week), in the
        calendar's time zone, and the holidays and closures that removed hours."""
        calendar = self.get_object()
        query = serializers.WeekQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate(
            timezone=ZoneInfo(calendar.time_zone)
        )
        monday = day - timedelta(days=day.weekday())
        _engine_or_400(calendar, "date")
        intervals, closed = week_view(calendar, monday)
        # ISO strings built here: a DateTimeField would shift the local
        # times into the server's zone.
        return Response(
            {
                "calendar": calendar.pk,
                "time_zone": calendar.time_zone,
                "week_of": monday.isoformat(),
                "intervals": [{"start": a.isoformat(), "end": b.isoformat()} for a, b in intervals],
                "closed": [{"date": d.isoformat(), "name": n} for d, n in sorted(closed.items())],
            }
        )

    @extend_schema(
        parameters=[serializers.DueQuerySerializer],
        responses={200: serializers.DueExplanationSerializer},
    )
    @action(detail=True, methods=["get"])
    def due(self, request, pk=None):
        """When a target of ``duration`` business time starting at ``start``
        is due on this calendar, and why: the working intervals counted and
        the holidays and closures skipped."""
        calendar = self.get_object()
        query = serializers.DueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        engine = _engine_or_400(calendar, "start")
        try:
            explanation = slaclock.explain(
                engine, query.validated_data["start"], query.validated_data["duration"]
            )
        except ValueError as error:
            # e.g. a calendar with too little working time for the duration.
            raise ValidationError({"duration": [f"No due time: {error}."]}) from None
        return Response(explanation.as_dict())


class ClosureViewSet(StanchionViewSet):
    """Custom closed days. Adding or removing one gives its calendar a new
    version, which is what rebuilds cached SLA calendars."""

    queryset = Closure.objects.select_related("calendar")
    serializer_class = serializers.ClosureSerializer
    # A closure is part of its calendar: the calendar's permissions apply.
    permissions = {
        "list": "businesscalendar.view",
        "retrieve": "businesscalendar.view",
        "create": "businesscalendar.change",
        "destroy": "businesscalendar.change",
    }
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["calendar"]
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        # Closures have no view permission of their own (see permissions).
        if has_perm(self.request.user, "businesscalendar.view"):
            return Closure.objects.select_related("calendar")
        return Closure.objects.none()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_closure(
            data["calendar"], actor=self.request.user, date=data["date"], name=data["name"]
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.remove_closure(instance, actor=self.request.user)


def _tasks(data):
    return [
        (t.get("stage", 1), t["title"], t["team"], t.get("description", ""))
        for t in data.pop("task_templates", [])
    ]


class CatalogItemViewSet(StanchionViewSet):
    queryset = CatalogItem.objects.select_related("service").prefetch_related("task_templates")
    serializer_class = serializers.CatalogItemSerializer
    permissions = crud_permissions("catalogitem")
    filterset_fields = ["service", "approval", "is_active"]
    ordering_fields = ["name", "id"]

    def perform_create(self, serializer):
        data = _without_version(serializer.validated_data)
        tasks = _tasks(data)
        serializer.instance = services.create_catalog_item(
            actor=self.request.user, tasks=tasks, **data
        )

    def perform_versioned_update(self, instance, data, expected_version):
        tasks = _tasks(data) if "task_templates" in data else None
        return services.update_catalog_item(
            instance,
            data,
            tasks=tasks,
            actor=self.request.user,
            expected_version=expected_version,
        )


class SlaPolicyViewSet(StanchionViewSet):
    queryset = SlaPolicy.objects.select_related("service", "calendar")
    serializer_class = serializers.SlaPolicySerializer
    permissions = {**crud_permissions("slapolicy"), "reapply": "slapolicy.change"}
    create_service = staticmethod(creator(SlaPolicy))
    filterset_fields = ["tier", "service", "priority"]
    ordering_fields = ["id", "priority", "tier"]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "SlaPolicyReapplied",
                {
                    "policy": drf_serializers.IntegerField(),
                    "reapplied": drf_serializers.IntegerField(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def reapply(self, request, pk=None):
        """Reapply to open tickets: the open tickets opened under this policy
        take its current targets (each change is on the ticket's timeline and
        in the audit trail). Without this, tickets keep the targets they were
        opened under."""
        policy = self.get_object()
        count = reapply_policy(policy, actor=request.user)
        return Response({"policy": policy.pk, "reapplied": count})


class OlaPolicyViewSet(StanchionViewSet):
    queryset = OlaPolicy.objects.select_related("team", "calendar")
    serializer_class = serializers.OlaPolicySerializer
    permissions = crud_permissions("olapolicy")
    create_service = staticmethod(creator(OlaPolicy))
    filterset_fields = ["team", "priority"]
    ordering_fields = ["id", "priority"]
