from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers, viewsets

from stanchion.api.permissions import RolePermission

from .models import AuditEntry


class IdFilter(django_filters.NumberFilter):
    """A whole, positive id in the database's range: anything else is a 400
    naming the parameter, never a query the database cannot run."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """ISO 8601 in, UTC out: PostgreSQL refuses offsets beyond 15:59 that
    Python accepts, and an instant near year 1 may not exist in UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError as error:
            raise ValidationError("Date and time out of range.", code="invalid") from error


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


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
