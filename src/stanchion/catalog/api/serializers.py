from rest_framework import serializers

from stanchion.core.api import StanchionSerializer

from ..models import (
    BusinessCalendar,
    CatalogItem,
    Closure,
    FulfilmentTaskTemplate,
    OlaPolicy,
    Service,
    ServiceDependency,
    ServiceLink,
    SlaPolicy,
)


class ServiceSerializer(StanchionSerializer):
    depends_on = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "tier",
            "status",
            "owner_team",
            "support_team",
            "business_owner",
            "calendar",
            "visible_in_portal",
            "depends_on",
            "created_at",
            "updated_at",
            "version",
        ]


class ServiceDependencySerializer(StanchionSerializer):
    class Meta:
        model = ServiceDependency
        fields = ["id", "service", "depends_on", "created_at", "version"]
        validators = []  # duplicates and cycles: the service says which, by name


class ServiceLinkSerializer(StanchionSerializer):
    class Meta:
        model = ServiceLink
        fields = ["id", "service", "kind", "title", "url", "version"]


class IntervalSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
    start = serializers.TimeField()
    end = serializers.TimeField(help_text="At or before start: runs overnight")


class ClosureSerializer(StanchionSerializer):
    class Meta:
        model = Closure
        fields = ["id", "calendar", "date", "name", "version"]
        validators = []


class BusinessCalendarSerializer(StanchionSerializer):
    intervals = IntervalSerializer(many=True, required=False)
    closures = ClosureSerializer(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = [
            "id",
            "name",
            "description",
            "time_zone",
            "is_24x7",
            "holiday_country",
            "holiday_subdivision",
            "intervals",
            "closures",
            "version",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["intervals"] = [
            {"weekday": i.weekday, "start": i.start.isoformat(), "end": i.end.isoformat()}
            for i in instance.intervals.all()
        ]
        return data


class TaskTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FulfilmentTaskTemplate
        fields = ["stage", "title", "description", "team"]


class CatalogItemSerializer(StanchionSerializer):
    tasks = TaskTemplateSerializer(many=True, required=False, source="task_templates")

    class Meta:
        model = CatalogItem
        fields = [
            "id",
            "service",
            "name",
            "description",
            "form_definition",
            "approval",
            "approval_team",
            "delivery_target",
            "is_active",
            "tasks",
            "created_at",
            "version",
        ]
        validators = []


class SlaPolicySerializer(StanchionSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "tier",
            "service",
            "priority",
            "response_target",
            "resolution_target",
            "calendar",
            "pause_states",
            "version",
        ]
        validators = []


class OlaPolicySerializer(StanchionSerializer):
    class Meta:
        model = OlaPolicy
        fields = [
            "id",
            "team",
            "priority",
            "response_target",
            "resolution_target",
            "calendar",
            "version",
        ]
        validators = []


class DueQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="ISO 8601 with offset")
    duration = serializers.DurationField(help_text="Business time, e.g. 04:00:00 or P1DT2H")
