"""Forms and filters of the problem pages."""

import django_filters
from django import forms
from django.db.models import Q

from stanchion.accounts.models import Team, User
from stanchion.catalog.models import Service
from stanchion.changes.models import Change
from stanchion.tickets.models import Category

from .choices import ProblemPriority, ProblemState
from .models import Problem, RecurrenceSettings, RootCauseCategory
from .services import WORKING_ROLES


def search_problems(queryset, value):
    """Number, title, description and workaround: agents look up known
    errors by the words of the symptom."""
    value = (value or "").strip()
    if not value:
        return queryset
    words = Q()
    for word in value.split()[:8]:
        words &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(workaround__icontains=word)
        )
    return queryset.filter(Q(number__iexact=value) | words)


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(choices=ProblemState.choices())
    priority = django_filters.ChoiceFilter(choices=ProblemPriority.choices())
    service = django_filters.ModelChoiceFilter(
        field_name="services",
        label="Service",
        queryset=lambda request: Service.objects.only("id", "name").order_by("name"),
    )
    category = django_filters.ModelChoiceFilter(
        label="Category", queryset=lambda request: Category.objects.select_related("parent")
    )
    root_cause_category = django_filters.ModelChoiceFilter(
        label="Root cause", queryset=lambda request: RootCauseCategory.objects.order_by("name")
    )
    assignment_team = django_filters.ModelChoiceFilter(
        label="Team", queryset=lambda request: Team.objects.only("id", "name").order_by("name")
    )

    class Meta:
        model = Problem
        fields = ["q", "state", "priority", "service", "category", "root_cause_category"]

    def search(self, queryset, name, value):
        return search_problems(queryset, value)


class ChangeNumberField(forms.ModelChoiceField):
    """A change typed by its number (CHG-000045): there may be 100,000."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Change.objects.all(),
            to_field_name="number",
            widget=forms.TextInput(attrs={"placeholder": "CHG-000045", "autocomplete": "off"}),
            error_messages={"invalid_choice": "There is no change %(value)s."},
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python((value or "").strip().upper() or None)


class ProblemForm(forms.ModelForm):
    fix_change = ChangeNumberField(
        required=False,
        label="Permanent fix (change)",
        help_text="The change that removes the cause for good.",
    )

    class Meta:
        model = Problem
        fields = [
            "title",
            "description",
            "services",
            "category",
            "priority",
            "root_cause_category",
            "assignment_team",
            "assignee",
            "workaround",
            "root_cause_analysis",
            "fix_change",
        ]
        labels = {"root_cause_analysis": "Root cause analysis", "category": "Incident category"}
        help_texts = {
            "workaround": "How to restore service until the fix is in (Markdown).",
            "category": "Known errors are offered on incidents of the same service and category.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "workaround": forms.Textarea(attrs={"rows": 4}),
            "root_cause_analysis": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.root_cause_category_id
        self.fields["root_cause_category"].queryset = RootCauseCategory.objects.filter(
            Q(is_active=True) | Q(pk=current)
        )
        self.fields["category"].queryset = Category.objects.select_related("parent").filter(
            Q(is_active=True) | Q(pk=self.instance.category_id)
        )
        self.fields["services"].queryset = Service.objects.order_by("name")
        self.fields["assignment_team"].queryset = Team.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.assignment_team_id)
        )
        self.fields["assignee"].queryset = User.objects.filter(
            Q(is_active=True, role__in=WORKING_ROLES) | Q(pk=self.instance.assignee_id)
        )
        if self.instance.fix_change_id:
            self.initial["fix_change"] = self.instance.fix_change.number


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=ProblemState.choices())
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkForm(forms.Form):
    incident = forms.CharField(
        label="Incident number",
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "INC-000123", "autocomplete": "off"}),
    )
    note = forms.CharField(required=False, max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RaiseForm(forms.Form):
    incidents = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(max_length=200, required=False)
    priority = forms.ChoiceField(choices=ProblemPriority.choices(), initial="p3")

    def clean_incidents(self):
        parts = self.cleaned_data["incidents"].split(",")
        # Ids are ASCII digits ("²".isdigit() too) and fit a bigint.
        if not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
            raise forms.ValidationError("The list of incidents is garbled; reload the page.")
        return [int(p) for p in parts]


class RecurrenceSettingsForm(forms.ModelForm):
    class Meta:
        model = RecurrenceSettings
        fields = ["window_days", "min_cluster_size", "similarity_threshold"]
        labels = {
            "window_days": "Window (days)",
            "min_cluster_size": "Minimum cluster size",
            "similarity_threshold": "Title similarity threshold",
        }


class RootCauseCategoryForm(forms.ModelForm):
    class Meta:
        model = RootCauseCategory
        fields = ["name", "description", "is_active"]
        labels = {"is_active": "In use"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
