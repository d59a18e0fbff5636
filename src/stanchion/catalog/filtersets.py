"""Filters of the catalog's list pages."""

import django_filters
from django import forms
from django.db.models import Q

from stanchion.accounts.models import Team

from .choices import ApprovalMode, ServiceStatus, ServiceTier
from .models import BusinessCalendar, CatalogItem, Service

ACTIVE_CHOICES = [("", "Any"), ("true", "Active"), ("false", "Inactive")]


def _teams(request=None):
    return Team.objects.only("id", "name")


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    tier = django_filters.ChoiceFilter(choices=ServiceTier.choices())
    status = django_filters.ChoiceFilter(choices=ServiceStatus.choices())
    owner_team = django_filters.ModelChoiceFilter(queryset=_teams, label="Owner team")
    support_team = django_filters.ModelChoiceFilter(queryset=_teams, label="Support team")

    class Meta:
        model = Service
        fields = ["q", "tier", "status", "owner_team", "support_team"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class CatalogItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    service = django_filters.ModelChoiceFilter(
        queryset=lambda request: Service.objects.only("id", "name")
    )
    approval = django_filters.ChoiceFilter(choices=ApprovalMode.choices())
    is_active = django_filters.BooleanFilter(
        label="Status", widget=forms.Select(choices=ACTIVE_CHOICES)
    )

    class Meta:
        model = CatalogItem
        fields = ["q", "service", "approval", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(service__name__icontains=value)
        )


class CalendarFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = BusinessCalendar
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(time_zone__icontains=value)
            | Q(holiday_country__iexact=value)
        )
