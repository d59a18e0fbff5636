"""Change templates, maintenance windows, blackouts, approvals, delegations
and CAB meetings in the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stanchion.accounts.models import User
from stanchion.catalog.models import Service
from stanchion.core.api import StanchionSerializer
from stanchion.tickets.api.base import ActionSerializer, VersionedActionSerializer

from ..choices import CabDecision
from ..models import (
    ApprovalDelegation,
    Blackout,
    CabAgendaItem,
    CabAttendance,
    CabMeeting,
    ChangeApproval,
    ChangeTemplate,
    MaintenanceWindow,
)


class _ServicesMixin:
    """A list of distinct service ids, written as a whole."""

    def validate_services(self, services):
        if len({s.pk for s in services}) != len(services):
            raise serializers.ValidationError("A service is listed twice.")
        return services


def _services_field(help_text):
    return serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), many=True, required=False, help_text=help_text
    )


class ChangeTemplateSerializer(_ServicesMixin, StanchionSerializer):
    services = _services_field("The services changes from this template usually touch.")
    validation_checklist = serializers.ListField(
        child=serializers.CharField(max_length=500),
        max_length=100,
        required=False,
        help_text="The post-change validation steps, as text.",
    )

    class Meta:
        model = ChangeTemplate
        fields = [
            "id",
            "name",
            "description",
            "services",
            "implementer_team",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "validation_checklist",
            "expected_duration_minutes",
            "is_active",
            "created_at",
            "updated_at",
            "version",
        ]
        extra_kwargs = {"expected_duration_minutes": {"min_value": 1, "max_value": 7 * 24 * 60}}


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{2}:\d{2}(:\d{2})?$",
        "example": "22:00",
        "description": "A wall-clock time in the service calendar's time zone (no offset).",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time: it has no offset of its own, it is in the time
    zone of the service's calendar (so not an RFC 3339 "time")."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class MaintenanceWindowSerializer(StanchionSerializer):
    start_time = LocalTimeField()
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        help_text="0 = Monday ... 6 = Sunday.",
    )
    time_zone = serializers.CharField(
        source="service.calendar.time_zone",
        read_only=True,
        help_text="The time zone of the service's calendar, which start_time is in.",
    )

    class Meta:
        model = MaintenanceWindow
        fields = [
            "id",
            "service",
            "name",
            "weekdays",
            "start_time",
            "duration_minutes",
            "valid_from",
            "valid_until",
            "time_zone",
            "created_at",
            "updated_at",
            "version",
        ]
        extra_kwargs = {"duration_minutes": {"min_value": 1, "max_value": 7 * 24 * 60}}

    def validate_weekdays(self, days):
        if len(set(days)) != len(days):
            raise serializers.ValidationError("A weekday is listed twice.")
        return sorted(days)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("valid_from", getattr(self.instance, "valid_from", None))
        until = attrs.get("valid_until", getattr(self.instance, "valid_until", None))
        if start and until and until < start:
            raise serializers.ValidationError(
                {"valid_until": ["The end date is before the start date."]}
            )
        return attrs


class OccurrenceQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="From (default: now).", required=False)
    end = serializers.DateTimeField(
        help_text="Until (default: 14 days after start).", required=False
    )


class OccurrenceSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class WindowOccurrencesSerializer(serializers.Serializer):
    window = serializers.IntegerField()
    time_zone = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    occurrences = OccurrenceSerializer(many=True)


class BlackoutSerializer(_ServicesMixin, StanchionSerializer):
    services = _services_field("The frozen services; none listed freezes every service.")

    class Meta:
        model = Blackout
        fields = [
            "id",
            "name",
            "reason",
            "starts_at",
            "ends_at",
            "services",
            "created_at",
            "updated_at",
            "version",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        end = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
        return attrs


class ChangeApprovalSerializer(serializers.ModelSerializer):
    approvers = serializers.SerializerMethodField(help_text="Ids of the users who may decide.")

    class Meta:
        model = ChangeApproval
        fields = [
            "id",
            "change",
            "kind",
            "team",
            "approvers",
            "state",
            "decided_by",
            "on_behalf_of",
            "decided_at",
            "comment",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_approvers(self, approval) -> list[int]:
        return sorted(user.pk for user in approval.approvers.all())


class ChangeDecisionSerializer(VersionedActionSerializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ApprovalDelegationSerializer(StanchionSerializer):
    delegate = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Who decides your change approvals while you are away.",
    )

    class Meta:
        model = ApprovalDelegation
        fields = [
            "id",
            "delegator",
            "delegate",
            "starts_at",
            "ends_at",
            "reason",
            "created_at",
            "version",
        ]
        read_only_fields = ["delegator"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
        return attrs


class CabAgendaItemSerializer(serializers.ModelSerializer):
    change_number = serializers.CharField(source="change.number", read_only=True)
    decision = serializers.ChoiceField(choices=CabDecision.choices(), read_only=True)

    class Meta:
        model = CabAgendaItem
        fields = ["id", "change", "change_number", "order", "decision", "decision_note"]
        read_only_fields = fields


class CabAttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CabAttendance
        fields = ["id", "user", "attended"]
        read_only_fields = fields


class CabMeetingSerializer(StanchionSerializer):
    agenda = CabAgendaItemSerializer(many=True, read_only=True)
    attendance = CabAttendanceSerializer(many=True, read_only=True)
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
        write_only=True,
        help_text="Who is invited (on planning).",
    )

    class Meta:
        model = CabMeeting
        fields = [
            "id",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "chair",
            "state",
            "minutes",
            "attendees",
            "agenda",
            "attendance",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["state", "minutes"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        end = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
        if self.instance is not None and "attendees" in attrs:
            raise serializers.ValidationError(
                {"attendees": ["Invite on planning; record who came with the attendance action."]}
            )
        return attrs


class CabDecisionSerializer(VersionedActionSerializer):
    item = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The agenda item's id."
    )
    decision = serializers.ChoiceField(choices=[c for c in CabDecision.choices() if c[0]])
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class AttendanceSerializer(VersionedActionSerializer):
    attended = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        many=True,
        help_text="Ids of the users who attended (everyone else invited is recorded absent).",
    )


class HoldSerializer(VersionedActionSerializer):
    minutes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class MeetingActionSerializer(VersionedActionSerializer):
    pass


class NoBody(ActionSerializer):
    pass
