"""Filters for the agent queues: one per ticket field an agent narrows by.

Requester is a text filter (name or email), not a drop-down: a directory of
thousands of people is no list to scroll.
"""

import django_filters
from django import forms
from django.db.models import Q

from stanchion.accounts.models import Person, Team, User
from stanchion.accounts.roles import STAFF_ROLES
from stanchion.catalog.choices import Priority
from stanchion.catalog.models import Service

from . import search
from .choices import Channel, TicketKind, TicketState
from .models import Category, Ticket

YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


def _date(label, lookup):
    return django_filters.DateFilter(
        field_name="created_at",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TicketFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices())
    state = django_filters.ChoiceFilter(choices=TicketState.choices())
    priority = django_filters.ChoiceFilter(choices=Priority.choices())
    assignment_team = django_filters.ModelChoiceFilter(
        label="Team", queryset=Team.objects.filter(is_active=True).order_by("name")
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("full_name")
    )
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.order_by("name"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.filter(parent__isnull=True).order_by("name")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices())
    requester = django_filters.CharFilter(method="filter_requester", label="Requester")
    is_major = django_filters.BooleanFilter(
        label="Major incident", widget=forms.Select(choices=YES_NO)
    )
    created_from = _date("Opened from", "date__gte")
    created_to = _date("Opened until", "date__lte")

    class Meta:
        model = Ticket
        fields = [
            "q",
            "kind",
            "state",
            "priority",
            "assignment_team",
            "assignee",
            "service",
            "category",
            "channel",
            "requester",
            "is_major",
            "created_from",
            "created_to",
        ]

    # Shown in the first row; the rest sit behind "More filters".
    PRIMARY = ("q", "assignment_team", "assignee", "priority", "state", "kind")

    def search(self, queryset, name, value):
        """A ticket number (exact, any case), or words anywhere in the title,
        description, replies and notes (the full-text index: the queue is
        for IT staff, so internal notes count)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(number__iexact=value) | search.filter_tickets(
            queryset, value, internal=True
        )

    def filter_requester(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        people = Person.objects.filter(Q(name__icontains=value) | Q(email__icontains=value))
        return queryset.filter(requester__in=people.values("pk"))

    def clean_range(self):
        data = self.form.cleaned_data
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.form.add_error("created_to", "“Opened until” must not be before “Opened from”.")

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            self.clean_range()
        return valid and not self.form.errors
