"""Forms of the directory pages. Model forms list their fields explicitly, so a
non-editable or internal field (version, key hash, password) never appears."""

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from .choices import TokenScope
from .models import Person, Team, User
from .roles import STAFF_ROLES, Role


class LoginForm(AuthenticationForm):
    """Django's form keeps the field name ``username``; people see "Email"."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "email",
            "employee_id",
            "title",
            "department",
            "location",
            "manager",
            "employment_status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = Person.objects.exclude(employment_status="terminated")
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["manager"].queryset = managers.only("id", "name")


def staff_users():
    """Users who can be on a team or manage one: active, and not requesters."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).only("id", "full_name")


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "tier", "manager", "email", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"is_active": "Active (can receive work)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = staff_users()


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Add a member", empty_label="Choose a user…"
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users().exclude(memberships__team=team)


class UserCreateForm(forms.Form):
    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=Role.choices(), initial=Role.AGENT)
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(user__isnull=True).only("id", "name"),
        required=False,
        label="Directory record",
        help_text="The employee this login belongs to, if any.",
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        label="Initial password",
        help_text="At least 10 characters. Leave empty to create the login without a password.",
    )


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "role", "person", "is_active"]
        labels = {"person": "Directory record", "is_active": "Active (may sign in)"}

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        people = Person.objects.filter(user__isnull=True)
        if self.instance.person_id:
            people = people | Person.objects.filter(pk=self.instance.person_id)
        self.fields["person"].queryset = people.only("id", "name")

    def clean(self):
        cleaned = super().clean()
        # An administrator must not lock themselves out of administration.
        if self.editor is not None and self.editor.pk == self.instance.pk:
            if cleaned.get("role") not in (None, self.instance.role):
                self.add_error("role", "You cannot change your own role.")
            if cleaned.get("is_active") is False:
                self.add_error("is_active", "You cannot deactivate your own login.")
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What uses this token, e.g. “Monitoring integration”."
    )
    scope = forms.ChoiceField(choices=TokenScope.choices(), initial=TokenScope.READ)
    expires_on = forms.DateField(
        required=False,
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The token stops working at the end of this day. Leave empty for no expiry.",
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("The expiry date must be today or later.")
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(end)
