"""Filters and sorting of the change management lists in the API."""

from datetime import UTC, datetime

import django_filters
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from rest_framework.filters import OrderingFilter

from stanchion.api.filters import UtcDateTimeFilter

from ..choices import ApprovalState, ApproverKind, ChangeOutcome, ChangeState, ChangeType, RiskLevel
from ..models import (
    ApprovalDelegation,
    Blackout,
    CabMeeting,
    Change,
    ChangeApproval,
    ChangeIncident,
    ChangeTemplate,
    MaintenanceWindow,
)


class ChangeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Number or words of the title")
    state = django_filters.MultipleChoiceFilter(choices=ChangeState.choices())
    change_type = django_filters.MultipleChoiceFilter(choices=ChangeType.choices())
    risk_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices())
    outcome = django_filters.MultipleChoiceFilter(choices=ChangeOutcome.choices())
    service = django_filters.NumberFilter(
        field_name="services", label="Touches this service (id)", distinct=True
    )
    planned_from = UtcDateTimeFilter(
        field_name="planned_end", lookup_expr="gt", label="Planned to end after"
    )
    planned_until = UtcDateTimeFilter(
        field_name="planned_start", lookup_expr="lt", label="Planned to start before"
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    has_conflicts = django_filters.BooleanFilter(method="with_conflicts")
    caused_incidents = django_filters.BooleanFilter(
        method="with_incidents", label="Linked as the cause of an incident"
    )

    class Meta:
        model = Change
        fields = [
            "q",
            "state",
            "change_type",
            "risk_level",
            "outcome",
            "service",
            "template",
            "implementer_team",
            "owner",
            "requested_by",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__iexact=value) | Q(title__icontains=value))

    def with_conflicts(self, queryset, name, value):
        if value is None:
            return queryset
        empty = Q(conflicts=[])
        return queryset.exclude(empty) if value else queryset.filter(empty)

    def with_incidents(self, queryset, name, value):
        if value is None:
            return queryset
        linked = Q(pk__in=ChangeIncident.objects.values("change_id"))
        return queryset.filter(linked) if value else queryset.exclude(linked)


# Nullable sort keys sort as if empty meant "far in the future", so cursor
# positions are never null (a null position cannot be paged from).
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
NULLABLE_SORTS = {"planned_start": "planned_start_sort", "closed_at": "closed_sort"}


def with_sort_keys(queryset):
    return queryset.annotate(
        planned_start_sort=Coalesce("planned_start", Value(_FAR_FUTURE)),
        closed_sort=Coalesce("closed_at", Value(_FAR_FUTURE)),
    )


class ChangeOrdering(OrderingFilter):
    """``?ordering=planned_start`` sorts by the annotated, never-null key."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return [self._sort_key(term) for term in ordering] if ordering else ordering

    @staticmethod
    def _sort_key(term):
        sign, name = ("-", term[1:]) if term.startswith("-") else ("", term)
        return sign + NULLABLE_SORTS.get(name, name)

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        return [term for term in fields if term.lstrip("-") in valid]


class ChangeApprovalFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ApprovalState.choices())
    kind = django_filters.MultipleChoiceFilter(choices=ApproverKind.choices())
    mine = django_filters.BooleanFilter(
        method="awaiting_me",
        label="My inbox: pending approvals I may decide, as an approver or standing in "
        "for one (delegation)",
    )

    class Meta:
        model = ChangeApproval
        fields = ["state", "kind", "change", "team", "mine"]

    def awaiting_me(self, queryset, name, value):
        if value is None:
            return queryset
        ids = ChangeApproval.objects.awaiting(self.request.user).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class ApprovalDelegationFilterSet(django_filters.FilterSet):
    active_at = UtcDateTimeFilter(method="active", label="In force at this instant")

    class Meta:
        model = ApprovalDelegation
        fields = ["delegator", "delegate", "active_at"]

    def active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(starts_at__lte=value, ends_at__gt=value)


class CabMeetingFilterSet(django_filters.FilterSet):
    starts_after = UtcDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = CabMeeting
        fields = ["state", "chair", "starts_after", "starts_before"]


class ChangeTemplateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")
    service = django_filters.NumberFilter(field_name="services", distinct=True)

    class Meta:
        model = ChangeTemplate
        fields = ["q", "is_active", "implementer_team", "service"]


class MaintenanceWindowFilterSet(django_filters.FilterSet):
    class Meta:
        model = MaintenanceWindow
        fields = ["service"]


class BlackoutFilterSet(django_filters.FilterSet):
    service = django_filters.NumberFilter(
        method="for_service", label="Freezes this service (its own and global blackouts)"
    )
    active_from = UtcDateTimeFilter(field_name="ends_at", lookup_expr="gt")
    active_until = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Blackout
        fields = ["service", "active_from", "active_until"]

    def for_service(self, queryset, name, value):
        if value is None:
            return queryset
        ids = Blackout.objects.filter(Q(services=value) | Q(services=None)).values("pk")
        return queryset.filter(pk__in=ids)
