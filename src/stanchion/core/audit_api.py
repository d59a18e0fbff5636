import django_filters
from rest_framework import serializers, viewsets

from stanchion.api.filters import IdFilter, UtcDateTimeFilter
from stanchion.api.permissions import RolePermission

from .models import AuditEntry


class AuditEntryFilterSet(django_filters.FilterSet):
    model = django_filters.CharFilter(help_text="app_label.model, e.g. accounts.team")
    object_id = django_filters.CharFilter()
    actor = IdFilter(field_name="actor_id")
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices)
    source = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    since = UtcDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = UtcDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["model", "object_id", "actor", "action", "source", "request_id"]


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "seq",
            "timestamp",
            "actor",
            "actor_repr",
            "source",
            "request_id",
            "action",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "prev_hash",
            "hash",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: read-only, newest first."""

    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    permission_classes = [RolePermission]
    permissions = {"list": "auditentry.view", "retrieve": "auditentry.view"}
    filterset_class = AuditEntryFilterSet
    ordering_fields = ["seq"]
    ordering = ["-seq"]
    lookup_field = "seq"
