"""Filters and forms of the major incident pages. Date-times are typed in
the viewer's zone (the views activate it)."""

import django_filters
from django import forms
from django.db.models import Q

from stanchion.accounts.models import Person, Team, User
from stanchion.accounts.roles import STAFF_ROLES, Role
from stanchion.catalog.models import Service
from stanchion.tickets.choices import Impact, ResolutionCode, Urgency

from .choices import ActionState, MajorIncidentState, MajorPriority
from .models import MajorIncident

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def staff_users():
    working = [role for role in STAFF_ROLES if role != Role.AUDITOR]
    return User.objects.filter(is_active=True, role__in=working).order_by("full_name")


def services():
    return Service.objects.only("id", "name").order_by("name")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def datetime_field(label, required=True):
    return forms.DateTimeField(
        label=label, required=required, input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )


class MajorIncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(choices=MajorIncidentState.choices())
    priority = django_filters.ChoiceFilter(choices=MajorPriority.choices())
    service = django_filters.ModelChoiceFilter(
        field_name="services", label="Service", queryset=lambda request: services()
    )

    class Meta:
        model = MajorIncident
        fields = ["q", "state", "priority", "service"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value) | Q(title__icontains=value) | Q(ticket__number__iexact=value)
        )


class DeclareForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    comms_lead = forms.ModelChoiceField(
        label="Communications lead", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comms_lead"].queryset = staff_users()


class DeclareDirectForm(forms.Form):
    """An outage seen before anyone reported it: the incident ticket is
    opened and declared at once (its impact and urgency must make it P1 or
    P2, which the service checks)."""

    title = forms.CharField(label="Title", max_length=200)
    service = forms.ModelChoiceField(label="Affected service", queryset=Service.objects.none())
    impact = forms.ChoiceField(label="Impact", choices=Impact.choices(), initial="1")
    urgency = forms.ChoiceField(label="Urgency", choices=Urgency.choices(), initial="1")
    description = forms.CharField(
        label="What is happening", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    comms_lead = forms.ModelChoiceField(
        label="Communications lead", queryset=User.objects.none(), required=False
    )
    requester = forms.EmailField(
        label="Reported by (email)",
        required=False,
        help_text="The employee the incident ticket is opened for; leave empty for yourself.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["service"].queryset = services().exclude(status="retired")
        self.fields["comms_lead"].queryset = staff_users()

    def clean_requester(self):
        email = self.cleaned_data.get("requester")
        if email:
            person = Person.objects.filter(email__iexact=email).first()
            if person is None:
                raise forms.ValidationError(f"Nobody in the directory has the email {email}.")
            return person
        person = getattr(self.user, "person", None)
        if person is None:
            raise forms.ValidationError(
                "Your login has no person record: give the email of who reported it."
            )
        return person


class EditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Summary", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    commander = forms.ModelChoiceField(
        label="Incident commander", queryset=User.objects.none(), required=False
    )
    comms_lead = forms.ModelChoiceField(
        label="Communications lead", queryset=User.objects.none(), required=False
    )
    resolver_people = forms.ModelMultipleChoiceField(
        label="Resolvers", queryset=User.objects.none(), required=False
    )
    resolver_teams = forms.ModelMultipleChoiceField(
        label="Resolver teams", queryset=Team.objects.none(), required=False
    )
    services = forms.ModelMultipleChoiceField(
        label="Affected services", queryset=Service.objects.none(), required=False
    )
    impact_start = datetime_field("Impact started")
    detected_at = datetime_field("Detected")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("commander", "comms_lead", "resolver_people"):
            self.fields[name].queryset = staff_users()
        self.fields["resolver_teams"].queryset = Team.objects.order_by("name")
        self.fields["services"].queryset = services()

    @classmethod
    def for_incident(cls, mi):
        return cls(
            initial={
                "title": mi.title,
                "summary": mi.summary,
                "commander": mi.commander_id,
                "comms_lead": mi.comms_lead_id,
                "resolver_people": [u.pk for u in mi.resolver_people.all()],
                "resolver_teams": [t.pk for t in mi.resolver_teams.all()],
                "services": [s.pk for s in mi.services.all()],
                "impact_start": mi.impact_start,
                "detected_at": mi.detected_at,
            }
        )


class UpdateForm(forms.Form):
    body = forms.CharField(
        label="Update",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is known, what is being done, when the next update comes. Markdown works.",
    )


class MitigateForm(forms.Form):
    at = datetime_field("Impact stopped at", required=False)


class ResolveForm(forms.Form):
    code = forms.ChoiceField(
        label="Resolution",
        choices=[(v, ResolutionCode.label(v)) for v in ("solved", "workaround")],
    )
    notes = forms.CharField(
        label="What fixed it", max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )
    at = datetime_field("Resolved at", required=False)


class LinkForm(forms.Form):
    ticket = forms.CharField(label="Incident number", max_length=16)


class ReviewForm(forms.Form):
    summary = forms.CharField(label="Summary", required=False, max_length=20000)
    impact = forms.CharField(label="Impact", required=False, max_length=20000)
    timeline = forms.CharField(label="Timeline", required=False, max_length=50000)
    root_cause = forms.CharField(label="Root cause", required=False, max_length=20000)
    contributing_factors = forms.CharField(
        label="Contributing factors", required=False, max_length=20000
    )
    went_well = forms.CharField(label="What went well", required=False, max_length=20000)
    was_hard = forms.CharField(label="What was hard", required=False, max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            rows = 12 if name == "timeline" else 4
            field.widget = forms.Textarea(attrs={"rows": rows})


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=200)
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none())
    due_date = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    change = forms.CharField(
        label="Change (CHG-…)",
        max_length=16,
        required=False,
        help_text="Optional: the change that carries the fix out.",
    )
    problem = forms.CharField(
        label="Problem (PRB-…)",
        max_length=16,
        required=False,
        help_text="Optional: the problem that removes the cause for good.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()

    def clean_change(self):
        from stanchion.changes.models import Change

        number = self.cleaned_data["change"].strip().upper()
        if not number:
            return None
        change = Change.objects.filter(number=number).first()
        if change is None:
            raise forms.ValidationError(f"There is no change {number}.")
        return change

    def clean_problem(self):
        from stanchion.problems.models import Problem

        number = self.cleaned_data["problem"].strip().upper()
        if not number:
            return None
        problem = Problem.objects.filter(number=number).first()
        if problem is None:
            raise forms.ValidationError(f"There is no problem {number}.")
        return problem


class ActionStateForm(forms.Form):
    state = forms.ChoiceField(label="State", choices=ActionState.choices())
