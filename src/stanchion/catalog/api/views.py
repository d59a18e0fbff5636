from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.core.api import StanchionViewSet, crud_permissions
from stanchion.core.services import creator, update_fields

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
from . import serializers


def _without_version(data):
    return {k: v for k, v in data.items() if k != "version"}


class ServiceViewSet(StanchionViewSet):
    queryset = Service.objects.prefetch_related("depends_on")
    serializer_class = serializers.ServiceSerializer
    permissions = crud_permissions("service")
    create_service = staticmethod(services.create_service)
    filterset_fields = ["tier", "status", "owner_team", "support_team", "visible_in_portal"]
    ordering_fields = ["name", "tier", "status", "id"]


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


_WEEK_OF = OpenApiParameter("date", str, description="Any day of the week (YYYY-MM-DD)")


class BusinessCalendarViewSet(StanchionViewSet):
    queryset = BusinessCalendar.objects.prefetch_related("intervals", "closures")
    serializer_class = serializers.BusinessCalendarSerializer
    permissions = {
        **crud_permissions("businesscalendar"),
        "week": "businesscalendar.view",
        "due": "businesscalendar.view",
    }
    ordering_fields = ["name", "id"]

    @staticmethod
    def _week(data):
        return [(i["weekday"], i["start"], i["end"]) for i in data.get("intervals", [])]

    def perform_create(self, serializer):
        data = _without_version(serializer.validated_data)
        week = self._week(data)
        data.pop("intervals", None)
        serializer.instance = services.create_calendar(
            actor=self.request.user, intervals=week, **data
        )

    def perform_versioned_update(self, instance, data, expected_version):
        week = self._week(data) if "intervals" in data else None
        data.pop("intervals", None)
        calendar = update_fields(
            instance, data, actor=self.request.user, expected_version=expected_version
        )
        if week is not None:
            calendar = services.set_week(calendar, week, actor=self.request.user)
        return calendar

    @extend_schema(parameters=[_WEEK_OF], responses={200: dict})
    @action(detail=True, methods=["get"])
    def week(self, request, pk=None):
        """The working intervals of one week, in the calendar's time zone."""
        calendar = self.get_object()
        day = request.query_params.get("date") or timezone.localdate().isoformat()
        try:
            day = timezone.datetime.fromisoformat(day).date()
        except ValueError:
            raise ValidationError({"date": ["Use YYYY-MM-DD."]}) from None
        monday = day - timezone.timedelta(days=day.weekday())
        intervals, closed = week_view(calendar, monday)
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
        parameters=[
            OpenApiParameter("start", str, required=True, description="ISO 8601 with offset"),
            OpenApiParameter("duration", str, required=True, description="e.g. 04:00:00"),
        ],
        responses={200: dict},
    )
    @action(detail=True, methods=["get"])
    def due(self, request, pk=None):
        """When a target of ``duration`` business time starting at ``start``
        is due on this calendar, and why."""
        calendar = self.get_object()
        query = serializers.DueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        explanation = slaclock.explain(
            engine_calendar(calendar),
            query.validated_data["start"],
            query.validated_data["duration"],
        )
        return Response(explanation.as_dict())


class ClosureViewSet(StanchionViewSet):
    queryset = Closure.objects.select_related("calendar")
    serializer_class = serializers.ClosureSerializer
    permissions = crud_permissions("businesscalendar", writable=("create", "destroy"))
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_fields = ["calendar"]
    ordering_fields = ["date", "id"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_closure(
            data["calendar"], actor=self.request.user, date=data["date"], name=data["name"]
        )

    def perform_versioned_delete(self, instance, expected_version):
        services.remove_closure(instance, actor=self.request.user)


class CatalogItemViewSet(StanchionViewSet):
    queryset = CatalogItem.objects.select_related("service").prefetch_related("task_templates")
    serializer_class = serializers.CatalogItemSerializer
    permissions = crud_permissions("catalogitem")
    filterset_fields = ["service", "approval", "is_active"]
    ordering_fields = ["name", "id"]

    @staticmethod
    def _tasks(data):
        return [(t.get("stage", 1), t["title"], t["team"]) for t in data.pop("task_templates", [])]

    def perform_create(self, serializer):
        data = _without_version(serializer.validated_data)
        tasks = self._tasks(data)
        serializer.instance = services.create_catalog_item(
            actor=self.request.user, tasks=tasks, **data
        )

    def perform_versioned_update(self, instance, data, expected_version):
        tasks = self._tasks(data) if "task_templates" in data else None
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
    permissions = crud_permissions("slapolicy")
    create_service = staticmethod(creator(SlaPolicy))
    filterset_fields = ["tier", "service", "priority"]
    ordering_fields = ["id", "priority", "tier"]


class OlaPolicyViewSet(StanchionViewSet):
    queryset = OlaPolicy.objects.select_related("team", "calendar")
    serializer_class = serializers.OlaPolicySerializer
    permissions = crud_permissions("olapolicy")
    create_service = staticmethod(creator(OlaPolicy))
    filterset_fields = ["team", "priority"]
    ordering_fields = ["id", "priority"]
