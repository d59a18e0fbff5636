import django_filters
from django import forms
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


class AuditEntryFilterSet(django_filters.FilterSet):
    model = django_filters.CharFilter(help_text="app_label.model, e.g. accounts.team")
    object_id = django_filters.CharFilter()
    actor = IdFilter(field_name="actor_id")
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices)
    source = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

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
