"""Forms of the change management pages. They only read input; the service
functions (changes.services) write. Times are typed as wall-clock times in
the viewer's zone (the views activate it while the form validates)."""

import django_filters
from django import forms
from django.db.models import Q

from stanchion.accounts.models import Team, User
from stanchion.accounts.roles import STAFF_ROLES, Role
from stanchion.catalog.models import Service
from stanchion.tickets.models import Ticket

from .choices import (
    CabDecision,
    ChangeOutcome,
    ChangeState,
    ChangeType,
    RiskLevel,
)
from .models import Blackout, Change, ChangeTemplate, MaintenanceWindow

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def when_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def staff_users():
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("full_name")


def active_teams():
    return Team.objects.filter(is_active=True).order_by("name")


def services_field(required=False, help_text=""):
    return forms.ModelMultipleChoiceField(
        queryset=Service.objects.order_by("name"),
        required=required,
        help_text=help_text,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class ChecklistField(forms.CharField):
    """One validation step per line; shown back the same way."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20000)
        kwargs.setdefault("help_text", "One check per line, ticked off after the change.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(v["item"] if isinstance(v, dict) else str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        lines = [line.strip() for line in (text or "").splitlines()]
        lines = [line for line in lines if line]
        for line in lines:
            if len(line) > 500:
                raise forms.ValidationError("A check is at most 500 characters long.")
        return lines


def check_times(form, data, start="planned_start", end="planned_end"):
    if data.get(start) and data.get(end) and data[end] <= data[start]:
        form.add_error(end, "The end must be after the start.")


# ---- Changes ---------------------------------------------------------------


class ChangeForm(forms.Form):
    """A normal or emergency change, or the editable part of any change."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    justification = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why now: the business reason, the risk of not doing it.",
    )
    services = services_field(help_text="The services the change touches.")
    planned_start = when_field("Planned start", required=False)
    planned_end = when_field("Planned end", required=False)
    owner = forms.ModelChoiceField(
        label="Change owner", queryset=staff_users(), required=False, empty_label="—"
    )
    implementer_team = forms.ModelChoiceField(
        label="Implementer team", queryset=active_teams(), required=False, empty_label="—"
    )
    implementation_plan = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    backout_plan = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How to undo it if it goes wrong.",
    )
    test_plan = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    validation_checklist = ChecklistField(label="Post-change validation checklist")

    PLAN_FIELDS = ("implementation_plan", "backout_plan", "test_plan", "validation_checklist")

    # Once work has started only the words may change (changes.services).
    WORDS = ("title", "description", "justification", "owner")

    def __init__(self, *args, standard=False, words_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if words_only:
            for name in list(self.fields):
                if name not in self.WORDS:
                    del self.fields[name]
        elif standard:
            # A standard change keeps its template's plans.
            for name in self.PLAN_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        check_times(self, data)
        return data

    def values(self):
        """What the services take: the checklist as its items, undone."""
        data = dict(self.cleaned_data)
        if "validation_checklist" in data:
            data["validation_checklist"] = [
                {"item": item, "done": False} for item in data["validation_checklist"]
            ]
        return data

    @classmethod
    def initial_for(cls, change):
        initial = {
            name: getattr(change, name)
            for name in cls.base_fields
            if name not in ("services", "owner", "implementer_team")
        }
        initial["services"] = [s.pk for s in change.services.all()]
        initial["owner"] = change.owner_id
        initial["implementer_team"] = change.implementer_team_id
        return initial


class StandardChangeForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ChangeTemplate.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose a template",
        error_messages={"invalid_choice": "Choose an active standard change template."},
    )


class RiskForm(forms.Form):
    """The risk questionnaire (changes.risk.QUESTIONS), one choice per question."""

    prefix = "risk"

    def __init__(self, *args, **kwargs):
        from .risk import QUESTIONS

        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question["key"]] = forms.ChoiceField(
                label=question["question"],
                required=False,
                choices=[("", "Not answered yet (counts as the riskiest answer)")]
                + [(str(value), label) for value, label, _points in question["choices"]],
            )
        self.questions = QUESTIONS

    def answers(self):
        """The answers in the questionnaire's own value types."""
        result = {}
        for question in self.questions:
            chosen = self.cleaned_data.get(question["key"])
            for value, _label, _points in question["choices"]:
                if str(value) == chosen:
                    result[question["key"]] = value
        return result

    def clean(self):
        from django.core.exceptions import ValidationError

        from .risk import validate_answers

        data = super().clean()
        if self.errors:
            return data
        try:
            validate_answers(self.answers())
        except ValidationError as error:
            for text in error.messages:
                self.add_error(None, f"Risk questionnaire: {text}")
        return data


class ChangeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(choices=ChangeState.choices())
    change_type = django_filters.ChoiceFilter(label="Type", choices=ChangeType.choices())
    service = django_filters.ModelChoiceFilter(
        field_name="services",
        label="Service",
        queryset=lambda request: Service.objects.only("id", "name").order_by("name"),
    )
    implementer_team = django_filters.ModelChoiceFilter(
        label="Team", queryset=lambda request: Team.objects.only("id", "name").order_by("name")
    )
    risk_level = django_filters.ChoiceFilter(label="Risk", choices=RiskLevel.choices())

    class Meta:
        model = Change
        fields = ["q", "state", "change_type", "service", "implementer_team", "risk_level"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__iexact=value) | Q(title__icontains=value))


# ---- Actions on a change --------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("", "How did it go?"), *ChangeOutcome.choices()])
    notes = forms.CharField(
        label="Notes", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    retrospective = forms.CharField(
        label="Retrospective",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for emergency changes: what happened, what we learn.",
    )


class LinkIncidentForm(forms.Form):
    number = forms.CharField(label="Incident number", max_length=16)
    note = forms.CharField(label="Note", required=False, max_length=500)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        incident = (
            Ticket.objects.visible_to(self.user).filter(number=number, kind="incident").first()
        )
        if incident is None:
            raise forms.ValidationError(f"There is no incident {number}.")
        self.incident = incident
        return number


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Choose approve or reject."},
    )
    comment = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("comment", "").strip():
            self.add_error("comment", "Say why you reject the change.")
        return data


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(
        queryset=User.objects.filter(
            role__in=[Role.TEAM_MANAGER, Role.CHANGE_APPROVER, Role.IT_ADMIN], is_active=True
        ).order_by("full_name"),
        empty_label="Choose who decides for you",
        help_text="Someone who may decide change approvals.",
    )
    starts_at = when_field("From")
    ends_at = when_field("Until")
    reason = forms.CharField(required=False, max_length=200, help_text="e.g. On holiday")

    def clean(self):
        data = super().clean()
        check_times(self, data, "starts_at", "ends_at")
        return data


# ---- CAB ------------------------------------------------------------------


class CabMeetingForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Change advisory board")
    starts_at = when_field("Starts")
    ends_at = when_field("Ends")
    location = forms.CharField(required=False, max_length=200)
    chair = forms.ModelChoiceField(queryset=staff_users(), required=False, empty_label="—")
    attendees = forms.ModelMultipleChoiceField(
        queryset=staff_users(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Who is invited; attendance is recorded at the meeting.",
    )

    def clean(self):
        data = super().clean()
        check_times(self, data, "starts_at", "ends_at")
        return data


class CabDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("", "Choose a decision"), *[(v, lbl) for v, lbl in CabDecision.choices() if v]]
    )
    note = forms.CharField(
        label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HoldForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )


# ---- Templates, windows, blackouts ---------------------------------------


class ChangeTemplateForm(forms.ModelForm):
    services = services_field()
    validation_checklist = ChecklistField(label="Post-change validation checklist")

    class Meta:
        model = ChangeTemplate
        fields = [
            "name",
            "description",
            "services",
            "implementer_team",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "validation_checklist",
            "expected_duration_minutes",
            "is_active",
        ]
        labels = {
            "expected_duration_minutes": "Expected duration (minutes)",
            "is_active": "Active (can be used for new changes)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementer_team"].queryset = active_teams()


class MaintenanceWindowForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one weekday."},
    )

    class Meta:
        model = MaintenanceWindow
        fields = [
            "service",
            "name",
            "weekdays",
            "start_time",
            "duration_minutes",
            "valid_from",
            "valid_until",
        ]
        labels = {
            "start_time": "Starts at",
            "duration_minutes": "Duration (minutes)",
            "valid_from": "Valid from",
            "valid_until": "Valid until",
        }
        help_texts = {"start_time": "In the time zone of the service's calendar."}
        widgets = {
            "start_time": forms.TimeInput(
                attrs={"placeholder": "e.g. 02:00", "inputmode": "numeric"}, format="%H:%M"
            ),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.order_by("name")

    def clean(self):
        data = super().clean()
        start, until = data.get("valid_from"), data.get("valid_until")
        if start and until and until < start:
            self.add_error("valid_until", "The end date is before the start date.")
        return data


class BlackoutForm(forms.ModelForm):
    services = services_field(help_text="Leave empty for a freeze on every service.")
    starts_at = when_field("Starts")
    ends_at = when_field("Ends")

    class Meta:
        model = Blackout
        fields = ["name", "reason", "starts_at", "ends_at", "services"]

    def clean(self):
        data = super().clean()
        check_times(self, data, "starts_at", "ends_at")
        return data


__all__ = [
    "BlackoutForm",
    "CabDecisionForm",
    "CabMeetingForm",
    "ChangeFilterSet",
    "ChangeForm",
    "ChangeTemplateForm",
    "CloseForm",
    "CommentForm",
    "DecisionForm",
    "DelegationForm",
    "FinishForm",
    "HoldForm",
    "LinkIncidentForm",
    "MaintenanceWindowForm",
    "ReasonForm",
    "RiskForm",
    "StandardChangeForm",
]
