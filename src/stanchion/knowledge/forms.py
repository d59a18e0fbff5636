from django import forms

from stanchion.accounts.models import User
from stanchion.accounts.roles import STAFF_ROLES
from stanchion.catalog.models import Service
from stanchion.tickets.models import Category

from .choices import ArticleState, ArticleType, Audience
from .models import DEFAULT_REVIEW_DAYS

REVIEW_DUE_CHOICES = [("", "Any"), ("due", "Review due"), ("ok", "Reviewed in time")]


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown: headings, lists, links, code blocks and tables.",
    )
    article_type = forms.ChoiceField(label="Type", choices=ArticleType.choices())
    audience = forms.ChoiceField(
        choices=Audience.choices(),
        help_text="Employees read it in the portal; IT-only articles are never shown to them.",
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.order_by("name"), required=False
    )
    categories = forms.ModelMultipleChoiceField(
        label="Ticket categories", queryset=Category.objects.order_by("name"), required=False
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("full_name"),
        help_text="Keeps the article correct and reviews it.",
    )
    review_interval_days = forms.IntegerField(
        label="Review every (days)", min_value=1, max_value=3650, initial=DEFAULT_REVIEW_DAYS
    )
    note = forms.CharField(
        label="What changed", max_length=500, required=False, help_text="Kept with the version."
    )


class ArticleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    state = forms.ChoiceField(required=False, choices=[("", "Any"), *ArticleState.choices()])
    audience = forms.ChoiceField(required=False, choices=[("", "Any"), *Audience.choices()])
    article_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any"), *ArticleType.choices()]
    )
    service = forms.ModelChoiceField(
        required=False, queryset=Service.objects.order_by("name"), empty_label="Any"
    )
    review = forms.ChoiceField(label="Review", required=False, choices=REVIEW_DUE_CHOICES)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes"
    )
    comment = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
