"""The employee portal's forms: reporting an incident in everyday words, the
form of a catalog item built from its definition, replies, reopening,
rating and approval decisions.

Catalog answers are checked by ``services.requests.clean_answers`` (the
catalog's ``formdefs`` rules), not by Django's field validators, so a web
request and an API request are held to the same rules with the same
messages. The Django fields only render: widget, required flag, choices,
min/max, maximum length and help text.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from stanchion.catalog.formdefs import parse_form_definition
from stanchion.catalog.models import Service

from .services.requests import clean_answers

# How an employee describes impact and urgency; the values are the
# ticket's impact/urgency codes (1 = high).
IMPACT_CHOICES = [
    ("3", "Just me"),
    ("2", "My team"),
    ("1", "Many people"),
]
URGENCY_CHOICES = [
    ("1", "I can't work"),
    ("2", "I can work, but slowly"),
    ("3", "It can wait"),
]


class IncidentReportForm(forms.Form):
    title = forms.CharField(
        label="What is wrong?",
        max_length=200,
        help_text="A short summary, such as “VPN disconnects every few minutes”.",
    )
    description = forms.CharField(
        label="What happened?",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you were doing, what you saw (error messages), since when.",
    )
    service = forms.ModelChoiceField(
        label="Which service?",
        queryset=Service.objects.none(),
        required=False,
        empty_label="I don't know",
    )
    impact = forms.ChoiceField(
        label="Who is affected?",
        choices=IMPACT_CHOICES,
        widget=forms.RadioSelect,
        initial="3",
    )
    urgency = forms.ChoiceField(
        label="How much does it stop you?",
        choices=URGENCY_CHOICES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services


def _render_field(spec):
    """One Django field for one definition field: for rendering only."""
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    kind = spec.type
    if kind in ("text", "textarea"):
        widget = forms.Textarea(attrs={"rows": 4}) if kind == "textarea" else forms.TextInput
        field = forms.CharField(max_length=spec.max_length, widget=widget, **common)
    elif kind == "email":
        field = forms.CharField(widget=forms.EmailInput, **common)
    elif kind == "integer":
        field = forms.IntegerField(min_value=spec.min, max_value=spec.max, **common)
    elif kind == "number":
        field = forms.FloatField(min_value=spec.min, max_value=spec.max, **common)
        field.widget.attrs["step"] = "any"
    elif kind == "choice":
        choices = [("", "Choose…"), *((c, c) for c in spec.choices)]
        field = forms.ChoiceField(choices=choices, **common)
    elif kind == "multichoice":
        choices = [(c, c) for c in spec.choices]
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    elif kind == "boolean":
        if spec.required:
            # An answer is required, and "no" is an answer: ask yes or no.
            field = forms.ChoiceField(
                choices=[("true", "Yes"), ("false", "No")], widget=forms.RadioSelect, **common
            )
        else:
            field = forms.BooleanField(**{**common, "required": False})
    elif kind == "date":
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    else:  # parse_form_definition only lets the types above through
        raise AssertionError(kind)
    field.validators = []  # formdefs decides what is valid
    return field


class CatalogRequestForm(forms.Form):
    """The form of one catalog item. Raises FormDefinitionError when the
    item's definition is broken (the caller says the item cannot be
    requested)."""

    def __init__(self, item, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.specs = parse_form_definition(item.form_definition)
        for spec in self.specs:
            self.fields[spec.name] = _render_field(spec)

    def raw_answers(self):
        """The submitted values in the shapes the API accepts: text for
        text, numbers and dates (formdefs parses them), lists for
        multichoice, true/false for booleans."""
        answers = {}
        for spec in self.specs:
            if spec.type == "multichoice":
                answers[spec.name] = self.data.getlist(spec.name)
            elif spec.type == "boolean" and spec.required:
                value = self.data.get(spec.name, "")
                answers[spec.name] = {"true": True, "false": False}.get(value)
            elif spec.type == "boolean":
                answers[spec.name] = spec.name in self.data
            else:
                answers[spec.name] = self.data.get(spec.name, "")
        return answers

    def full_clean(self):
        self._errors = ErrorDict()
        self.cleaned_data = {}
        if not self.is_bound:
            return
        try:
            self.cleaned_data = clean_answers(self.item, self.raw_answers())
        except ValidationError as error:
            self.apply_answer_errors(error)

    def apply_answer_errors(self, error):
        """Put ``answers.<field>`` errors (from clean_answers or the
        service) next to their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = key.removeprefix("answers.")
            self.add_error(name if name in self.fields else None, messages)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write to IT…"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What is still wrong?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How did we do?",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(
        label="Comment",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional when you approve; required when you reject (the requester reads it).",
    )
