"""Fulfilment tasks, approvals, categories and attachments in the API."""

from rest_framework import serializers

from stanchion.core.api import StanchionSerializer

from ..models import Approval, Attachment, Category, Task, Ticket
from .base import ActionSerializer


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = [
            "id",
            "number",
            "ticket",
            "stage",
            "title",
            "description",
            "team",
            "assignee",
            "state",
            "opened_at",
            "done_at",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class CompleteTaskSerializer(ActionSerializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class ApprovalTicketSerializer(serializers.ModelSerializer):
    """Enough of the request for the approver to decide, even when the
    request is not theirs to read."""

    class Meta:
        model = Ticket
        fields = ["id", "number", "title", "requester", "catalog_item", "answers", "state"]
        read_only_fields = fields


class ApprovalSerializer(serializers.ModelSerializer):
    request = ApprovalTicketSerializer(source="ticket", read_only=True)

    class Meta:
        model = Approval
        fields = [
            "id",
            "ticket",
            "request",
            "approver",
            "approver_team",
            "state",
            "comment",
            "decided_by",
            "decided_at",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class DecisionSerializer(ActionSerializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Why; required to reject.",
    )


class CategorySerializer(StanchionSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent", "is_active", "created_at", "updated_at", "version"]
        read_only_fields = ["created_at", "updated_at"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = [
            "id",
            "ticket",
            "name",
            "size",
            "content_type",
            "sha256",
            "public",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = fields


class AttachmentUploadSerializer(ActionSerializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all())
    file = serializers.FileField(
        allow_empty_file=True,  # refused by the service with its own message
        help_text="Allowed: png jpg jpeg gif pdf zip docx xlsx pptx txt log csv json eml; "
        "the content must match the extension.",
    )
    public = serializers.BooleanField(
        default=True, help_text="False: only IT staff see it (IT staff only)."
    )

    def validate_ticket(self, ticket):
        user = self.context["request"].user
        if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
            raise serializers.ValidationError(f'Invalid pk "{ticket.pk}" - object does not exist.')
        return ticket
