"""Changes in the API: what is shown, what may be sent to raise and re-plan
one, and the bodies of the lifecycle actions."""

from rest_framework import serializers

from stanchion.accounts.models import Team, User
from stanchion.catalog.models import Service
from stanchion.core.api import StanchionSerializer
from stanchion.tickets.api.base import ActionSerializer, VersionedActionSerializer
from stanchion.tickets.choices import TicketKind
from stanchion.tickets.models import Ticket

from ..choices import ChangeOutcome, ChangeType, ConflictKind, RiskLevel
from ..models import Change, ChangeEvent, ChangeIncident, ChangeTemplate

MAX_CHECKLIST = 100


class RiskFactorSerializer(serializers.Serializer):
    """One factor of the risk score and its contribution: the factors'
    points add up to the score."""

    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True, allow_blank=True)
    points = serializers.IntegerField(read_only=True)


class ConflictSerializer(serializers.Serializer):
    """A schedule conflict: what it is, on which service, and the
    conflicting change, blackout or window where there is one."""

    kind = serializers.ChoiceField(choices=ConflictKind.choices(), read_only=True)
    message = serializers.CharField(read_only=True)
    service = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    service_name = serializers.CharField(read_only=True, allow_blank=True, default="")
    start = serializers.CharField(read_only=True, allow_null=True, default=None)
    end = serializers.CharField(read_only=True, allow_null=True, default=None)
    change = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    change_number = serializers.CharField(read_only=True, allow_null=True, default=None)
    blackout = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    window = serializers.IntegerField(read_only=True, allow_null=True, default=None)


class ChecklistItemSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=500)
    done = serializers.BooleanField(default=False)


def _blank_or(choices):
    # Read-only fields lose ``allow_blank``; say so, so the schema admits "".
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


CHANGE_FIELDS = [
    "id",
    "number",
    "change_type",
    "template",
    "title",
    "description",
    "justification",
    "services",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "validation_checklist",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "requested_by",
    "owner",
    "implementer_team",
    "state",
    "outcome",
    "outcome_notes",
    "risk_answers",
    "risk_score",
    "risk_level",
    "risk_factors",
    "conflicts",
    "conflict_override_reason",
    "conflict_override_by",
    "submitted_at",
    "approved_at",
    "closed_at",
    "cancelled_reason",
    "retrospective",
    "incidents",
    "created_at",
    "updated_at",
    "version",
]


class ChangeSerializer(serializers.ModelSerializer):
    """A change as every reader sees it. Related records are ids; services
    and linked incidents come from one prefetch each, so a page of changes
    is a constant number of queries."""

    services = serializers.SerializerMethodField(help_text="Ids of the affected services.")
    incidents = serializers.SerializerMethodField(
        help_text="Ids of the incidents this change caused (linked as caused by it)."
    )
    validation_checklist = ChecklistItemSerializer(many=True, read_only=True)
    outcome = _blank_or(ChangeOutcome.choices())
    risk_level = _blank_or(RiskLevel.choices())
    risk_factors = RiskFactorSerializer(many=True, read_only=True)
    conflicts = ConflictSerializer(many=True, read_only=True)

    class Meta:
        model = Change
        fields = CHANGE_FIELDS
        read_only_fields = CHANGE_FIELDS

    def get_services(self, change) -> list[int]:
        return sorted(service.pk for service in change.services.all())

    def get_incidents(self, change) -> list[int]:
        return sorted(link.incident_id for link in change.incident_links.all())


class _ChecklistField(serializers.ListField):
    """The post-change validation checklist: a list of steps, each
    ``{"item": "...", "done": false}`` (or just the step's text)."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.JSONField(), max_length=MAX_CHECKLIST, required=False, **kwargs
        )

    def to_internal_value(self, data):
        steps = super().to_internal_value(data)
        cleaned = []
        for n, step in enumerate(steps):
            if isinstance(step, str):
                step = {"item": step}
            item = ChecklistItemSerializer(data=step)
            if not isinstance(step, dict) or not item.is_valid():
                raise serializers.ValidationError(
                    f'Step {n + 1}: expected {{"item": "text", "done": false}}.'
                )
            text = item.validated_data["item"].strip()
            if not text:
                raise serializers.ValidationError(f"Step {n + 1} has no text.")
            cleaned.append({"item": text, "done": item.validated_data["done"]})
        return cleaned


class _RiskAnswersField(serializers.JSONField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object of question key -> answer.")
        return value


class _PlanSerializer(StanchionSerializer):
    """What raising and re-planning a change share."""

    services = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), many=True, required=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    implementer_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    validation_checklist = _ChecklistField(help_text=_ChecklistField.__doc__)
    risk_answers = _RiskAnswersField(
        required=False, help_text="The risk questionnaire answered: {question key: value}."
    )

    def validate_services(self, services):
        if len({s.pk for s in services}) != len(services):
            raise serializers.ValidationError("A service is listed twice.")
        return services

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance
        start = attrs.get("planned_start", getattr(instance, "planned_start", None))
        end = attrs.get("planned_end", getattr(instance, "planned_end", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"planned_end": ["The end must be after the start."]})
        return attrs


PLAN_FIELDS = [
    "title",
    "description",
    "justification",
    "services",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "validation_checklist",
    "planned_start",
    "planned_end",
    "owner",
    "implementer_team",
    "risk_answers",
]


class ChangeCreateSerializer(_PlanSerializer):
    change_type = serializers.ChoiceField(choices=ChangeType.choices(), default=ChangeType.NORMAL)
    template = serializers.PrimaryKeyRelatedField(
        queryset=ChangeTemplate.objects.all(),
        required=False,
        allow_null=True,
        help_text="Standard changes are raised from an active template, whose plans they copy.",
    )

    class Meta:
        model = Change
        fields = ["change_type", "template", *PLAN_FIELDS, "version"]
        extra_kwargs = {"title": {"required": False}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs.pop("version", None)
        template = attrs.get("template")
        if attrs["change_type"] == ChangeType.STANDARD and template is None:
            raise serializers.ValidationError(
                {"template": ["A standard change is raised from a template."]}
            )
        if not attrs.get("title"):
            if template is None:
                raise serializers.ValidationError({"title": ["This field is required."]})
            attrs["title"] = template.name
        return attrs


class ChangeUpdateSerializer(_PlanSerializer):
    """The plan of a change; re-planning the times or services of an
    approved change sends it back to assessment."""

    class Meta:
        model = Change
        fields = [*PLAN_FIELDS, "version"]


class FinishSerializer(VersionedActionSerializer):
    outcome = serializers.ChoiceField(choices=ChangeOutcome.choices())
    outcome_notes = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What happened; required when the change failed or was rolled back.",
    )


class ValidationChecklistSerializer(VersionedActionSerializer):
    validation_checklist = _ChecklistField(
        help_text="The whole checklist with each step's done flag."
    )

    def validate(self, attrs):
        if "validation_checklist" not in attrs:
            raise serializers.ValidationError({"validation_checklist": ["This field is required."]})
        return attrs


class CloseSerializer(VersionedActionSerializer):
    retrospective = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for emergency changes: what happened and what was learnt.",
    )


class ChangeReasonSerializer(VersionedActionSerializer):
    reason = serializers.CharField(max_length=5000)


class ChangeCommentSerializer(ActionSerializer):
    body = serializers.CharField(max_length=20000)


class LinkIncidentSerializer(ActionSerializer):
    incident = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.filter(kind=TicketKind.INCIDENT)
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class UnlinkIncidentSerializer(ActionSerializer):
    incident = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The linked incident's id."
    )


class ChangeIncidentSerializer(serializers.ModelSerializer):
    incident_number = serializers.CharField(source="incident.number", read_only=True)

    class Meta:
        model = ChangeIncident
        fields = ["id", "change", "incident", "incident_number", "linked_by", "note", "created_at"]


class ChangeEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeEvent
        fields = ["id", "change", "at", "actor", "kind", "body", "data"]


class RiskQuestionChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()


class RiskQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField()
    choices = RiskQuestionChoiceSerializer(many=True)


class ConflictCheckInputSerializer(ActionSerializer):
    services = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=200,
        help_text="Ids of the services the work touches.",
    )
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    exclude = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The change being moved (its own slot is not a conflict).",
    )

    def validate_services(self, ids):
        found = {s.pk: s for s in Service.objects.filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(f"Unknown service: {', '.join(missing)}.")
        return [found[pk] for pk in dict.fromkeys(ids)]

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return attrs


class ConflictCheckSerializer(serializers.Serializer):
    services = serializers.ListField(child=serializers.IntegerField())
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    conflicts = ConflictSerializer(many=True)


class StoredRiskSerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True)
    level = serializers.CharField(allow_blank=True)
    factors = RiskFactorSerializer(many=True)


class RiskPreviewSerializer(serializers.Serializer):
    change = serializers.IntegerField()
    score = serializers.IntegerField(help_text="0-100: the sum of the factors' points.")
    level = serializers.ChoiceField(choices=RiskLevel.choices())
    factors = RiskFactorSerializer(many=True)
    stored = StoredRiskSerializer(help_text="The assessment stored when the change was submitted.")
