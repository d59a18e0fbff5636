"""Forms of the agent workspace. They only read input; the services write."""

from django import forms

from stanchion.accounts.models import Person, Team, User
from stanchion.accounts.roles import STAFF_ROLES
from stanchion.catalog.models import Service

from .choices import Channel, Impact, LinkKind, PendingReason, ResolutionCode, Urgency
from .models import Category, SavedView, Ticket


def staff_users():
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("full_name")


def active_teams():
    return Team.objects.filter(is_active=True).order_by("name")


class AssignForm(forms.Form):
    assignment_team = forms.ModelChoiceField(
        label="Team", queryset=active_teams(), empty_label="Choose a team"
    )
    assignee = forms.ModelChoiceField(
        label="Assignee",
        queryset=staff_users(),
        required=False,
        empty_label="Anyone in the team",
    )


class PendForm(forms.Form):
    pending_reason = forms.ChoiceField(
        label="Waiting for", choices=[("", "Choose a reason"), *PendingReason.choices()]
    )
    body = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    resolution_code = forms.ChoiceField(
        label="Resolution",
        choices=[
            ("", "How was it resolved?"),
            *[(v, label) for v, label in ResolutionCode.choices() if v != "rejected"],
        ],
    )
    resolution_notes = forms.CharField(
        label="What was done", max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))


class LinkForm(forms.Form):
    number = forms.CharField(label="Ticket number", max_length=16)
    kind = forms.ChoiceField(label="Link", choices=LinkKind.choices())

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        other = Ticket.objects.filter(number=number).first()
        if other is None:
            raise forms.ValidationError(f"There is no ticket {number}.")
        self.other = other
        return number


class BulkForm(forms.Form):
    ACTIONS = [("assign", "Assign"), ("state", "Change state")]
    action = forms.ChoiceField(choices=ACTIONS)
    assignment_team = forms.ModelChoiceField(label="Team", queryset=active_teams(), required=False)
    assignee = forms.ModelChoiceField(label="Assignee", queryset=staff_users(), required=False)
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Choose"), ("in_progress", "In progress"), ("pending", "Pending")],
    )
    pending_reason = forms.ChoiceField(
        label="Waiting for", required=False, choices=[("", "—"), *PendingReason.choices()]
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("assignment_team"):
            self.add_error("assignment_team", "Choose the team to assign the tickets to.")
        if action == "state":
            if not data.get("state"):
                self.add_error("state", "Choose the new state.")
            elif data["state"] == "pending" and not data.get("pending_reason"):
                self.add_error("pending_reason", "Say what the tickets are waiting for.")
        return data


class SaveViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name"]
        labels = {"name": "View name"}


class NewIncidentForm(forms.Form):
    """Phone and chat intake: an agent opens an incident for someone."""

    requester = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Find the person who reported it.",
            "invalid_choice": "Choose the requester from the search results.",
        },
    )
    channel = forms.ChoiceField(
        choices=[(v, label) for v, label in Channel.choices() if v in ("phone", "chat", "email")],
        initial="phone",
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.order_by("name"), required=False, empty_label="Not known"
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(parent__isnull=True, is_active=True).order_by("name"),
        required=False,
        empty_label="—",
    )
    subcategory = forms.ModelChoiceField(
        queryset=Category.objects.filter(parent__isnull=False, is_active=True).select_related(
            "parent"
        ),
        required=False,
        empty_label="—",
    )
    impact = forms.ChoiceField(choices=Impact.choices(), initial="3")
    urgency = forms.ChoiceField(choices=Urgency.choices(), initial="3")
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown. What happened, since when, what was tried.",
    )
    assignment_team = forms.ModelChoiceField(
        label="Team", queryset=active_teams(), required=False, empty_label="Leave for triage"
    )
    assignee = forms.ModelChoiceField(
        queryset=staff_users(), required=False, empty_label="Anyone in the team"
    )

    def clean(self):
        data = super().clean()
        if data.get("assignee") and not data.get("assignment_team"):
            self.add_error("assignment_team", "Choose the assignee's team too.")
        sub, category = data.get("subcategory"), data.get("category")
        if sub and category is None:
            data["category"] = sub.parent
        elif sub and sub.parent_id != category.pk:
            self.add_error("subcategory", f"{sub} is not under {category}.")
        return data
