"""What the major incident endpoints read and write."""

from rest_framework import serializers

from stanchion.accounts.models import Person, Team
from stanchion.catalog.models import Service
from stanchion.changes.models import Change
from stanchion.core.api import StanchionSerializer
from stanchion.problems.models import Problem
from stanchion.tickets.api.base import ActionSerializer, VersionedActionSerializer
from stanchion.tickets.models import Ticket

from ..choices import ActionState
from ..forms import staff_users
from ..models import (
    MajorIncident,
    MajorIncidentUpdate,
    PostIncidentReview,
    ReviewAction,
    ServiceSubscription,
)

TICKET_HELP = "The incident ticket, by number (INC-000123)."


def _staff():
    # The same people the web forms offer: working staff, not auditors.
    return staff_users()


class MajorIncidentSerializer(StanchionSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)
    services = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.all(), required=False, help_text="Affected services."
    )
    commander = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True, help_text="Incident commander."
    )
    comms_lead = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True, help_text="Communications lead."
    )
    resolver_people = serializers.PrimaryKeyRelatedField(
        many=True, queryset=_staff(), required=False
    )
    resolver_teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.all(), required=False
    )
    children = serializers.SerializerMethodField(help_text="Numbers of the child incidents.")
    update_overdue = serializers.SerializerMethodField()

    class Meta:
        model = MajorIncident
        fields = [
            "id",
            "number",
            "title",
            "summary",
            "priority",
            "state",
            "ticket",
            "services",
            "commander",
            "comms_lead",
            "resolver_people",
            "resolver_teams",
            "declared_by",
            "declared_at",
            "impact_start",
            "detected_at",
            "mitigated_at",
            "resolved_at",
            "resolution_notes",
            "last_update_at",
            "next_update_due",
            "update_overdue",
            "children",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["priority", "declared_by", "mitigated_at", "resolved_at"]

    def get_children(self, mi) -> list[str]:
        return [child.ticket.number for child in mi.children.all()]

    def get_update_overdue(self, mi) -> bool:
        from django.utils import timezone

        return mi.update_overdue(timezone.now())


class DeclareSerializer(ActionSerializer):
    """Declare from an open P1/P2 incident (``ticket``), or directly: then
    ``title``, ``impact``, ``urgency`` and ``requester`` open the ticket."""

    ticket = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Ticket.objects.all(),
        required=False,
        help_text=TICKET_HELP,
    )
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    impact = serializers.ChoiceField(choices=["1", "2", "3"], required=False)
    urgency = serializers.ChoiceField(choices=["1", "2", "3"], required=False)
    requester = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, help_text="Who reported it (directly)."
    )
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), required=False, allow_null=True
    )
    services = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.all(), required=False
    )
    commander = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    comms_lead = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    impact_start = serializers.DateTimeField(required=False)
    detected_at = serializers.DateTimeField(required=False)

    def validate(self, data):
        if "ticket" not in data:
            missing = [
                name for name in ("title", "impact", "urgency", "requester") if name not in data
            ]
            if missing:
                raise serializers.ValidationError(
                    {
                        name: ["Needed to declare without a ticket (or give the ticket)."]
                        for name in missing
                    }
                )
        return data


class WhenSerializer(VersionedActionSerializer):
    at = serializers.DateTimeField(required=False, help_text="Default: now.")


class ResolveSerializer(WhenSerializer):
    notes = serializers.CharField(max_length=20000, help_text="What fixed it.")
    code = serializers.ChoiceField(choices=["solved", "workaround"], default="solved")


class ChildSerializer(ActionSerializer):
    ticket = serializers.CharField(max_length=16, help_text=TICKET_HELP)


class ChildIncidentRowSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    service = serializers.IntegerField(source="service_id", allow_null=True)
    requester = serializers.IntegerField(source="requester_id")
    created_at = serializers.DateTimeField()


class SuggestionsSerializer(serializers.Serializer):
    results = ChildIncidentRowSerializer(many=True)


class MajorIncidentUpdateSerializer(StanchionSerializer):
    major_incident = serializers.PrimaryKeyRelatedField(queryset=MajorIncident.objects.all())

    class Meta:
        model = MajorIncidentUpdate
        fields = ["id", "major_incident", "body", "state", "posted_by", "created_at", "version"]
        read_only_fields = ["state", "posted_by"]


class ServiceSubscriptionSerializer(StanchionSerializer):
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all())

    class Meta:
        model = ServiceSubscription
        fields = ["id", "user", "service", "created_at", "version"]
        read_only_fields = ["user"]


class PostIncidentReviewSerializer(StanchionSerializer):
    major_incident = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = PostIncidentReview
        fields = [
            "id",
            "major_incident",
            "summary",
            "impact",
            "timeline",
            "root_cause",
            "contributing_factors",
            "went_well",
            "was_hard",
            "created_at",
            "updated_at",
            "version",
        ]


class ReviewActionSerializer(StanchionSerializer):
    review = serializers.PrimaryKeyRelatedField(queryset=PostIncidentReview.objects.all())
    owner = serializers.PrimaryKeyRelatedField(queryset=_staff())
    change = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Change.objects.all(),
        required=False,
        allow_null=True,
        help_text="The change that carries the fix out, by number (CHG-000045).",
    )
    problem = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Problem.objects.all(),
        required=False,
        allow_null=True,
        help_text="The problem that removes the cause for good, by number (PRB-000007).",
    )
    state = serializers.ChoiceField(choices=ActionState.choices(), required=False)

    class Meta:
        model = ReviewAction
        fields = [
            "id",
            "review",
            "title",
            "owner",
            "due_date",
            "state",
            "done_at",
            "change",
            "problem",
            "created_at",
            "updated_at",
            "version",
        ]
