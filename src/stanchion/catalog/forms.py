"""Forms of the catalog pages. Durations are typed as "4h", "1h 30m" or "45m"
(business time); form definitions as JSON, checked by catalog.formdefs."""

import json
import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError

from stanchion.accounts.models import Person, Team
from stanchion.accounts.timezones import time_zone_names

from .choices import PauseState
from .formdefs import FormDefinitionError, parse_form_definition
from .models import BusinessCalendar, CatalogItem, OlaPolicy, Service, SlaPolicy
from .models.calendars import WEEKDAYS
from .views_common import duration_input

# "4h", "1h 30m", "90 min", "2 hours 15 minutes", "1.5h", "1:30", "40" (hours).
_DURATION = re.compile(
    r"^(?:(?P<hours>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|min|mins|minute|minutes))?$"
)
_CLOCK = re.compile(r"^(?P<hours>\d+):(?P<minutes>[0-5]\d)$")
MAX_DURATION = timedelta(hours=10_000)
DURATION_HELP = "Business time, e.g. 10m, 4h or 1h 30m."


def parse_duration(text):
    """Business time typed by a person -> timedelta, or None if unreadable."""
    text = text.strip().lower()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return timedelta(hours=float(text.replace(",", ".")))
    match = _CLOCK.match(text) or _DURATION.match(text)
    if match is None or not any(match.groupdict().values()):
        return None
    hours = float((match["hours"] or "0").replace(",", "."))
    return timedelta(hours=hours, minutes=int(match["minutes"] or 0))


class DurationInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, timedelta):
            return duration_input(value)
        return super().format_value(value)


class BusinessDurationField(forms.Field):
    widget = DurationInput

    def __init__(self, *, help_text=DURATION_HELP, **kwargs):
        super().__init__(help_text=help_text, **kwargs)
        self.widget.attrs.setdefault("placeholder", "e.g. 4h or 1h 30m")
        self.widget.attrs.setdefault("inputmode", "text")

    def to_python(self, value):
        if isinstance(value, timedelta) or value in (None, ""):
            return value or None
        parsed = parse_duration(str(value))
        if parsed is None:
            raise ValidationError("Enter a duration such as 45m, 4h or 1h 30m.")
        if parsed <= timedelta(0):
            raise ValidationError("The duration must be longer than zero.")
        if parsed > MAX_DURATION:
            raise ValidationError("The duration must be at most 10,000 hours.")
        # Whole minutes: seconds are noise in a business-time target.
        return timedelta(minutes=round(parsed.total_seconds() / 60))


class FormDefinitionField(forms.Field):
    """The item's form as a JSON list of fields; parse errors name the line,
    definition errors name the field (from catalog.formdefs)."""

    widget = forms.Textarea(attrs={"rows": 14, "class": "mono", "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, list | dict):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        if value in (None, ""):
            return []
        try:
            data = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"Not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}."
            ) from None
        try:
            parse_form_definition(data)
        except FormDefinitionError as error:
            raise ValidationError(str(error)) from None
        return data

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True


# ---- Services -----------------------------------------------------------


def active_teams():
    return Team.objects.filter(is_active=True).only("id", "name")


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "tier",
            "status",
            "owner_team",
            "support_team",
            "business_owner",
            "calendar",
            "visible_in_portal",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "calendar": "Support hours",
            "visible_in_portal": "Visible in the employee service catalog (when live)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = active_teams()
        self.fields["support_team"].queryset = active_teams()
        self.fields["business_owner"].queryset = Person.objects.exclude(
            employment_status="terminated"
        ).only("id", "name")
        self.fields["calendar"].queryset = BusinessCalendar.objects.only("id", "name")
        self.fields["tier"].help_text = "Tier 1: most of the company cannot work. Tier 3: can wait."


class DependencyForm(forms.Form):
    depends_on = forms.ModelChoiceField(
        queryset=Service.objects.none(), label="Add a dependency", empty_label="Choose a service…"
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        # Services it already depends on are left out; cycles are the service's to refuse.
        self.fields["depends_on"].queryset = (
            Service.objects.exclude(pk=service.pk)
            .exclude(dependent_links__service=service)
            .only("id", "name")
        )


# ---- Calendars ----------------------------------------------------------


class CalendarForm(forms.ModelForm):
    time_zone = forms.ChoiceField(help_text="Working hours are read in this zone.")

    class Meta:
        model = BusinessCalendar
        fields = [
            "name",
            "description",
            "time_zone",
            "is_24x7",
            "holiday_country",
            "holiday_subdivision",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "is_24x7": "Open around the clock (24x7): weekly hours and holidays are ignored",
            "holiday_country": "Public holidays of country",
            "holiday_subdivision": "Subdivision",
        }
        help_texts = {
            "holiday_country": "Two-letter ISO code (DE, US, GB…); empty for no public holidays.",
            "holiday_subdivision": "State or region whose holidays apply too, e.g. BY or NY.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in time_zone_names()]

    def clean_holiday_country(self):
        return self.cleaned_data["holiday_country"].strip().upper()

    def clean_holiday_subdivision(self):
        return self.cleaned_data["holiday_subdivision"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if (
            instance.pk
            and instance.is_24x7
            and cleaned.get("is_24x7") is False
            and not instance.intervals.exists()
        ):
            self.add_error(
                "is_24x7",
                "This calendar has no weekly hours yet: set its hours before it stops being 24x7.",
            )
        return cleaned


class IntervalRowForm(forms.Form):
    """One row of the weekly hours; a row left entirely empty is ignored."""

    weekday = forms.TypedChoiceField(
        choices=[("", "—"), *WEEKDAYS], coerce=int, required=False, empty_value=None
    )
    start = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in ("weekday", "start", "end")]
        if any(v is not None for v in values) and not self.errors:
            for name, value in zip(("weekday", "start", "end"), values, strict=True):
                if value is None:
                    self.add_error(name, "Fill in the weekday, start and end, or clear the row.")
        return cleaned

    def interval(self):
        data = getattr(self, "cleaned_data", {})
        if data.get("weekday") is None or data.get("start") is None or data.get("end") is None:
            return None
        return (data["weekday"], data["start"], data["end"])


WeekFormSet = forms.formset_factory(IntervalRowForm, extra=3, max_num=60, validate_max=True)


def week_initial(intervals):
    return [{"weekday": i.weekday, "start": i.start, "end": i.end} for i in intervals]


def week_from(formset):
    return [row for row in (form.interval() for form in formset.forms) if row is not None]


class ClosureForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=100, label="Reason", help_text="e.g. Office move")


class WeekForm(forms.Form):
    week = forms.DateField(
        required=False, label="Week of", widget=forms.DateInput(attrs={"type": "date"})
    )


class DueCalculatorForm(forms.Form):
    start = forms.DateTimeField(
        label="Start",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration = BusinessDurationField(label="Target", help_text="Business time, e.g. 4h or 1h 30m.")

    def __init__(self, *args, time_zone="", **kwargs):
        super().__init__(*args, **kwargs)
        if time_zone:
            self.fields["start"].help_text = f"Wall-clock time in {time_zone}."


# ---- SLA and OLA policies -------------------------------------------------


class SlaPolicyForm(forms.ModelForm):
    response_target = BusinessDurationField(label="Time to first response")
    resolution_target = BusinessDurationField(label="Time to resolution")
    pause_states = forms.MultipleChoiceField(
        choices=PauseState.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Clock pauses while the ticket is",
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "tier",
            "service",
            "priority",
            "response_target",
            "resolution_target",
            "calendar",
            "pause_states",
        ]
        labels = {"tier": "Service tier", "calendar": "Calendar"}
        help_texts = {
            "tier": "Either a tier (the default for its services)…",
            "service": "…or one service, overriding its tier's policy.",
            "calendar": "Empty: the service's own support hours.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.only("id", "name")
        self.fields["calendar"].queryset = BusinessCalendar.objects.only("id", "name")
        self.fields["calendar"].empty_label = "The service's support hours"

    def clean(self):
        cleaned = super().clean()
        tier, svc, priority = cleaned.get("tier"), cleaned.get("service"), cleaned.get("priority")
        if not priority or bool(tier) == bool(svc):
            return cleaned  # the model names what is missing
        same = SlaPolicy.objects.filter(priority=priority).exclude(pk=self.instance.pk)
        same = same.filter(service=svc) if svc else same.filter(service__isnull=True, tier=tier)
        existing = same.first()
        if existing is not None:
            whose = str(svc) if svc else f"Tier {tier}"
            self.add_error(
                "priority",
                f"{whose} already has a {priority.upper()} policy: “{existing}”. Edit that one.",
            )
        return cleaned


class OlaPolicyForm(forms.ModelForm):
    response_target = BusinessDurationField(label="Time to first response")
    resolution_target = BusinessDurationField(label="Time to resolution")

    class Meta:
        model = OlaPolicy
        fields = ["team", "priority", "response_target", "resolution_target", "calendar"]
        help_texts = {"priority": "Empty: every priority without its own OLA for this team."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = active_teams()
        self.fields["calendar"].queryset = BusinessCalendar.objects.only("id", "name")
        self.fields["priority"].choices = [
            ("", "All priorities"),
            *self.fields["priority"].choices[1:],
        ]

    def clean(self):
        cleaned = super().clean()
        team, priority = cleaned.get("team"), cleaned.get("priority")
        if team is not None and priority is not None:
            taken = OlaPolicy.objects.filter(team=team, priority=priority)
            if taken.exclude(pk=self.instance.pk).exists():
                which = priority.upper() if priority else "all priorities"
                self.add_error("priority", f"{team} already has an OLA for {which}.")
        return cleaned


# ---- Catalog items --------------------------------------------------------


class CatalogItemForm(forms.ModelForm):
    delivery_target = BusinessDurationField(
        label="Promised delivery",
        help_text="Business time on the service's support hours, e.g. 8h or 40h.",
    )
    form_definition = FormDefinitionField(
        required=False,
        label="Form definition (JSON)",
        help_text="A list of fields: name, type (text, textarea, integer, number, choice, "
        "multichoice, boolean, date, email), label, required, help, choices, min, max, "
        "max_length. Empty: the request needs no form.",
    )

    class Meta:
        model = CatalogItem
        fields = [
            "service",
            "name",
            "description",
            "approval",
            "approval_team",
            "delivery_target",
            "is_active",
            "form_definition",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "Active (offered in the catalog)"}
        help_texts = {"approval_team": "Only when a team approves."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.only("id", "name")
        self.fields["approval_team"].queryset = active_teams()


class TaskRowForm(forms.Form):
    """One fulfilment task; a row left entirely empty is ignored."""

    stage = forms.IntegerField(min_value=1, max_value=20, required=False)
    title = forms.CharField(max_length=200, required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    description = forms.CharField(max_length=5000, required=False, label="Instructions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = active_teams()
        self.fields["team"].empty_label = "—"
        self.fields["stage"].widget.attrs.update({"min": 1, "max": 20})

    def clean(self):
        cleaned = super().clean()
        title, team = cleaned.get("title"), cleaned.get("team")
        if (title or team) and not self.errors:
            if not title:
                self.add_error("title", "Give the task a title, or clear the row.")
            if team is None:
                self.add_error("team", "Choose the team that does this task.")
        return cleaned

    def task(self):
        data = getattr(self, "cleaned_data", {})
        if not data.get("title") or data.get("team") is None:
            return None
        return (data.get("stage") or 1, data["title"], data["team"], data.get("description", ""))


TaskFormSet = forms.formset_factory(TaskRowForm, extra=2, max_num=50, validate_max=True)


def tasks_initial(templates):
    return [
        {"stage": t.stage, "title": t.title, "team": t.team_id, "description": t.description}
        for t in templates
    ]


def tasks_from(formset):
    return [row for row in (form.task() for form in formset.forms) if row is not None]
