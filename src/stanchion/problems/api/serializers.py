"""What the problem endpoints read and write."""

from rest_framework import serializers

from stanchion.catalog.models import Service
from stanchion.changes.models import Change
from stanchion.core.api import StanchionSerializer
from stanchion.tickets.api.base import VersionedActionSerializer

from ..choices import ProblemState
from ..models import Problem, ProblemEvent, ProblemIncident, RootCauseCategory


class RootCauseCategorySerializer(StanchionSerializer):
    class Meta:
        model = RootCauseCategory
        fields = ["id", "name", "description", "is_active", "created_at", "updated_at", "version"]


class ProblemSerializer(StanchionSerializer):
    services = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.all(), required=False, help_text="Affected services."
    )
    fix_change = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Change.objects.all(),
        required=False,
        allow_null=True,
        help_text="The change that fixes the cause for good, by number (CHG-000045).",
    )
    incidents = serializers.SerializerMethodField(help_text="Numbers of the linked incidents.")

    class Meta:
        model = Problem
        fields = [
            "id",
            "number",
            "title",
            "description",
            "services",
            "category",
            "root_cause_category",
            "priority",
            "state",
            "workaround",
            "root_cause_analysis",
            "fix_change",
            "assignment_team",
            "assignee",
            "raised_by",
            "incidents",
            "known_error_at",
            "resolved_at",
            "closed_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["raised_by"]

    def get_incidents(self, problem) -> list[str]:
        return [link.incident.number for link in problem.incident_links.all()]


class TransitionSerializer(VersionedActionSerializer):
    state = serializers.ChoiceField(choices=ProblemState.choices())
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CommentSerializer(VersionedActionSerializer):
    body = serializers.CharField(max_length=20000)


class ProblemEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProblemEvent
        fields = ["id", "at", "actor", "kind", "body", "data"]


class ProblemIncidentSerializer(StanchionSerializer):
    problem = serializers.PrimaryKeyRelatedField(queryset=Problem.objects.all())
    incident = serializers.CharField(
        max_length=20, write_only=True, help_text="The incident's number (INC-000123) or id."
    )
    incident_id = serializers.IntegerField(read_only=True)
    incident_number = serializers.CharField(source="incident.number", read_only=True)

    class Meta:
        model = ProblemIncident
        fields = [
            "id",
            "problem",
            "incident",
            "incident_id",
            "incident_number",
            "note",
            "linked_by",
            "created_at",
            "version",
        ]
        read_only_fields = ["linked_by"]
        # The service refuses a repeated link with a message naming the
        # incident; the unique constraint is its backstop.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["problem"].queryset = Problem.objects.visible_to(request.user)
