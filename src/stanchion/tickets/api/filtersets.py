"""Filters and sorting of the ticket lists in the API."""

from datetime import UTC, datetime

import django_filters
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from rest_framework.filters import OrderingFilter

from stanchion.api.filters import UtcDateTimeFilter

from ..choices import Channel, PendingReason, TaskState, TicketState
from ..models import Approval, Category, Task, Ticket
from ..priority import PRIORITIES


class TicketFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Number or words of the title")
    state = django_filters.MultipleChoiceFilter(choices=TicketState.choices())
    priority = django_filters.MultipleChoiceFilter(choices=[(p, p.upper()) for p in PRIORITIES])
    channel = django_filters.ChoiceFilter(choices=Channel.choices())
    pending_reason = django_filters.ChoiceFilter(choices=PendingReason.choices())
    unassigned = django_filters.BooleanFilter(
        field_name="assignee", lookup_expr="isnull", label="Without an assignee"
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    resolved_after = UtcDateTimeFilter(field_name="resolved_at", lookup_expr="gte")
    resolved_before = UtcDateTimeFilter(field_name="resolved_at", lookup_expr="lt")
    sla_due_before = UtcDateTimeFilter(field_name="sla_due_at", lookup_expr="lt")

    class Meta:
        model = Ticket
        fields = [
            "q",
            "state",
            "priority",
            "assignment_team",
            "assignee",
            "service",
            "category",
            "subcategory",
            "requester",
            "reported_by",
            "catalog_item",
            "channel",
            "is_major",
            "pending_reason",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__iexact=value) | Q(title__icontains=value))


# Nullable sort keys are sorted as if empty meant "far in the future", so
# cursor positions are never null (a null position cannot be paged from).
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
NULLABLE_SORTS = {"sla_due_at": "sla_due_sort", "resolved_at": "resolved_sort"}


def with_sort_keys(queryset):
    return queryset.annotate(
        sla_due_sort=Coalesce("sla_due_at", Value(_FAR_FUTURE)),
        resolved_sort=Coalesce("resolved_at", Value(_FAR_FUTURE)),
    )


class TicketOrdering(OrderingFilter):
    """``?ordering=sla_due_at`` (or ``-resolved_at``) sorts by the annotated,
    never-null key of the same meaning."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return [self._sort_key(term) for term in ordering] if ordering else ordering

    @staticmethod
    def _sort_key(term):
        sign, name = ("-", term[1:]) if term.startswith("-") else ("", term)
        return sign + NULLABLE_SORTS.get(name, name)

    def remove_invalid_fields(self, queryset, fields, view, request):
        # Validate against the public names, before they are mapped.
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        return [term for term in fields if term.lstrip("-") in valid]


class TaskFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=TaskState.choices())

    class Meta:
        model = Task
        fields = ["state", "team", "assignee", "ticket", "stage"]


class ApprovalFilterSet(django_filters.FilterSet):
    class Meta:
        model = Approval
        fields = ["state", "ticket", "approver", "approver_team"]


class CategoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Category
        fields = ["q", "parent", "is_active"]
