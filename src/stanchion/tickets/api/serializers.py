"""Tickets in the API: what is shown, what may be sent to open and edit one,
and the bodies of the state-change actions."""

from rest_framework import serializers

from stanchion.accounts.choices import SupportTier
from stanchion.accounts.models import Person, Team, User
from stanchion.accounts.roles import is_staff_role
from stanchion.catalog.models import CatalogItem, Service
from stanchion.core.api import StanchionSerializer

from ..choices import Channel, Impact, LinkKind, PendingReason, ResolutionCode, Urgency
from ..models import Category, Ticket, TicketLink, TimelineEvent
from ..services.lifecycle import UPDATABLE
from .base import ActionSerializer, VersionedActionSerializer

TICKET_FIELDS = [
    "id",
    "number",
    "kind",
    "title",
    "description",
    "requester",
    "reported_by",
    "channel",
    "service",
    "catalog_item",
    "answers",
    "category",
    "subcategory",
    "impact",
    "urgency",
    "priority",
    "state",
    "pending_reason",
    "assignment_team",
    "assignee",
    "resolution_code",
    "resolution_notes",
    "is_major",
    "impact_start",
    "impact_end",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "reopen_count",
    "reassignment_count",
    "was_escalated",
    "resolved_by_tier",
    "resolved_by_team",
    "sla_due_at",
    "created_at",
    "updated_at",
    "version",
]


def _blank_or(choices):
    # Read-only fields lose ``allow_blank``; say so, so the schema admits "".
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as every reader sees it. Related records are ids, so a page
    of tickets is one query."""

    pending_reason = _blank_or(PendingReason.choices())
    resolution_code = _blank_or(ResolutionCode.choices())
    resolved_by_tier = _blank_or(SupportTier.choices())

    class Meta:
        model = Ticket
        fields = TICKET_FIELDS
        read_only_fields = TICKET_FIELDS


def _caller(serializer):
    return serializer.context["request"].user


class _OpenTicketSerializer(StanchionSerializer):
    """What opening a ticket shares for incidents and requests: who it is
    for (employees: themselves) and how it came in."""

    requester = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        help_text="Who needs the help. Defaults to your own person; only IT staff may "
        "report for someone else.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices(), default=Channel.API)

    def validate_requester(self, person):
        user = _caller(self)
        if not is_staff_role(user) and person.pk != user.person_id:
            raise serializers.ValidationError("You can only report for yourself.")
        return person

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs.pop("version", None)
        if "requester" not in attrs:
            person = _caller(self).person
            if person is None:
                raise serializers.ValidationError(
                    {"requester": ["Your login has no person record: name the requester."]}
                )
            attrs["requester"] = person
        return attrs


class IncidentCreateSerializer(_OpenTicketSerializer):
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(parent=None), required=False, allow_null=True
    )
    subcategory = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.exclude(parent=None), required=False, allow_null=True
    )
    impact = serializers.ChoiceField(choices=Impact.choices(), default="3")
    urgency = serializers.ChoiceField(choices=Urgency.choices(), default="3")
    assignment_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Ticket
        fields = [
            "title",
            "description",
            "requester",
            "service",
            "category",
            "subcategory",
            "impact",
            "urgency",
            "channel",
            "assignment_team",
            "assignee",
            "is_major",
            "impact_start",
            "impact_end",
            "version",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not is_staff_role(_caller(self)):
            for name in ("assignment_team", "assignee", "is_major"):
                if attrs.get(name):
                    raise serializers.ValidationError({name: ["Only IT staff can set this."]})
        if attrs.get("assignee") and not attrs.get("assignment_team"):
            raise serializers.ValidationError({"assignee": ["Choose the assignment team as well."]})
        return attrs


class RequestCreateSerializer(_OpenTicketSerializer):
    catalog_item = serializers.PrimaryKeyRelatedField(queryset=CatalogItem.objects.all())
    answers = serializers.JSONField(
        required=False,
        default=dict,
        help_text="The catalog item's form, answered: {field name: value}. Errors are "
        'named "answers.<field>".',
    )
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Defaults to the item name."
    )

    class Meta:
        model = Ticket
        fields = ["catalog_item", "answers", "requester", "title", "description", "channel"]

    def validate_answers(self, answers):
        if not isinstance(answers, dict):
            raise serializers.ValidationError("Expected an object of field name -> answer.")
        return answers

    def validate_catalog_item(self, item):
        if not CatalogItem.objects.visible_to(_caller(self)).filter(pk=item.pk).exists():
            raise serializers.ValidationError(f'Invalid pk "{item.pk}" - object does not exist.')
        return item


class TicketUpdateSerializer(StanchionSerializer):
    """The descriptive fields an agent may edit; state, assignment and
    resolution change through the actions."""

    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(parent=None), required=False, allow_null=True
    )
    subcategory = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.exclude(parent=None), required=False, allow_null=True
    )

    class Meta:
        model = Ticket
        fields = [*sorted(UPDATABLE), "version"]


class AssignSerializer(VersionedActionSerializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )


class StartSerializer(VersionedActionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class PendSerializer(VersionedActionSerializer):
    reason = serializers.ChoiceField(
        choices=PendingReason.choices(), help_text="What the ticket waits for."
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=20000)


RESOLUTION_CODES = [(v, label) for v, label in ResolutionCode.choices() if v != "rejected"]


class ResolveSerializer(VersionedActionSerializer):
    resolution_code = serializers.ChoiceField(choices=RESOLUTION_CODES)
    resolution_notes = serializers.CharField(max_length=20000)


class ReasonSerializer(VersionedActionSerializer):
    reason = serializers.CharField(max_length=20000)


class CommentSerializer(ActionSerializer):
    body = serializers.CharField(max_length=20000)
    public = serializers.BooleanField(
        default=True, help_text="False: an internal note (IT staff only)."
    )


class LinkSerializer(ActionSerializer):
    other = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all())
    kind = serializers.ChoiceField(choices=LinkKind.choices(), default="related")

    def validate_other(self, other):
        if not Ticket.objects.visible_to(_caller(self)).filter(pk=other.pk).exists():
            raise serializers.ValidationError(f'Invalid pk "{other.pk}" - object does not exist.')
        return other


class TicketLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketLink
        fields = ["id", "ticket", "other", "kind", "created_at"]


class TimelineEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimelineEvent
        fields = ["id", "ticket", "at", "actor", "kind", "public", "body", "data"]
