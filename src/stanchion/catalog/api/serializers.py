import re
from datetime import date, timedelta

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stanchion.core.api import StanchionSerializer

from ..choices import PauseState, Priority, ServiceTier
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

_TIER_HELP = "1 = critical, 2 = important, 3 = standard (see docs/catalog.md)"


class ServiceTierField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _TIER_HELP)
        super().__init__(choices=ServiceTier.choices(), **kwargs)


class StrictSerializer(serializers.Serializer):
    """Nested rows (intervals, tasks) refuse unknown keys too, like
    StanchionSerializer does for records."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class ServiceSerializer(StanchionSerializer):
    tier = ServiceTierField(required=False)
    depends_on = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Change with /api/service-dependencies/"
    )

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


# A wall-clock time in the calendar's zone. Not OpenAPI's "time" format,
# which (as RFC 3339 full-time) demands an offset that a weekly rule has not.
@extend_schema_field(
    {"type": "string", "pattern": r"^\d\d:\d\d(:\d\d(\.\d{1,6})?)?$", "example": "09:00"}
)
class WallClockTimeField(serializers.TimeField):
    pass


class IntervalSerializer(StrictSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
    start = WallClockTimeField(help_text="HH:MM[:SS], local time in the calendar's zone")
    end = WallClockTimeField(help_text="At or before start: runs overnight; 00:00-00:00 all day")


class ClosureSerializer(StanchionSerializer):
    class Meta:
        model = Closure
        fields = ["id", "calendar", "date", "name", "version"]
        validators = []  # one closure a day: the service names the date


class BusinessCalendarSerializer(StanchionSerializer):
    intervals = IntervalSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text="The whole week; sending it replaces the week. Overlaps are refused.",
    )
    closures = ClosureSerializer(
        many=True, read_only=True, help_text="Change with /api/calendar-closures/"
    )

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


class TaskTemplateSerializer(StrictSerializer, serializers.ModelSerializer):
    class Meta:
        model = FulfilmentTaskTemplate
        fields = ["stage", "title", "description", "team"]


class CatalogItemSerializer(StanchionSerializer):
    tasks = TaskTemplateSerializer(
        many=True,
        required=False,
        max_length=50,
        source="task_templates",
        help_text="The fulfilment template; sending it replaces the template as a whole.",
    )

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
        validators = []  # one name per service: the model names the field


class SlaPolicySerializer(StanchionSerializer):
    tier = ServiceTierField(
        required=False, allow_blank=True, help_text="Empty when the policy names a service"
    )
    pause_states = serializers.ListField(
        child=serializers.ChoiceField(choices=PauseState.choices()),
        required=False,
        max_length=len(PauseState.values()),
        help_text="Ticket states that stop the clock",
    )

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
        validators = []  # one policy per tier/service and priority: the model says which


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


# -- query parameters ------------------------------------------------------------------------

# Far enough either way for any real clock; beyond, the calendar arithmetic
# would run into the limits of datetime.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
LONGEST_DUE_QUERY = timedelta(days=366)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that must carry its offset: a clock must not
    silently take the server's zone."""

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "naive": "Give the time zone offset, e.g. 2026-03-02T09:00:00+01:00 or …Z.",
        "range": f"Choose an instant between {EARLIEST.year} and {LATEST.year}.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            # An unencoded "+01:00" in a query string arrives as " 01:00".
            value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        result = super().to_internal_value(value)
        if not EARLIEST <= result.date() <= LATEST:
            self.fail("range")
        return result


class DueQuerySerializer(StrictSerializer):
    start = AwareDateTimeField(help_text="ISO 8601 with offset")
    duration = serializers.DurationField(
        min_value=timedelta(0),
        max_value=LONGEST_DUE_QUERY,
        help_text="Business time, e.g. 04:00:00, '1 02:00:00' or P1DT2H",
    )


class WeekQuerySerializer(StrictSerializer):
    date = serializers.DateField(required=False, help_text="Any day of the week (YYYY-MM-DD)")

    def validate_date(self, value):
        if not EARLIEST <= value <= LATEST:
            raise serializers.ValidationError(
                f"Choose a date between {EARLIEST.year} and {LATEST.year}."
            )
        return value


# -- responses -------------------------------------------------------------------------------


class _Span(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class _ClosedDay(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()


class CalendarWeekSerializer(serializers.Serializer):
    calendar = serializers.IntegerField()
    time_zone = serializers.CharField()
    week_of = serializers.DateField(help_text="The Monday")
    intervals = _Span(many=True, help_text="Working time, local times in the calendar's zone")
    closed = _ClosedDay(many=True, help_text="Holidays and closures in the week")


class _CountedSpan(_Span):
    counted_seconds = serializers.FloatField()


class _PauseExcluded(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    excluded_seconds = serializers.FloatField(allow_null=True)


class DueExplanationSerializer(serializers.Serializer):
    time_zone = serializers.CharField()
    start = serializers.DateTimeField()
    duration_seconds = serializers.FloatField()
    due = serializers.DateTimeField(allow_null=True)
    clock_started = serializers.DateTimeField(allow_null=True)
    counted_seconds = serializers.FloatField()
    intervals = _CountedSpan(many=True, help_text="The working time counted, in order")
    closed_dates = _ClosedDay(many=True, help_text="Holidays and closures skipped")
    pauses = _PauseExcluded(many=True)


class EffectiveTargetSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices())
    policy = serializers.IntegerField()
    policy_name = serializers.CharField()
    source = serializers.ChoiceField(
        choices=[("service", "The service's own policy"), ("tier", "The tier's policy")]
    )
    response_target = serializers.DurationField()
    resolution_target = serializers.DurationField()
    calendar = serializers.IntegerField(help_text="The policy's calendar, else the service's")
    pause_states = serializers.ListField(child=serializers.CharField())


class ServiceSlaSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    tier = ServiceTierField()
    targets = EffectiveTargetSerializer(
        many=True, help_text="One per priority that has a policy, P1 first"
    )
