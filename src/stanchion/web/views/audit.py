"""The audit trail page: filters, newest first, keyset pages on ``seq``.

Pages are cut with ``seq < before`` / ``seq > after`` and a LIMIT, never
OFFSET and COUNT, so the hundredth page of a trail with millions of entries
costs the same as the first.
"""

from django import forms
from django.apps import apps
from django.db.models import Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from stanchion.accounts.models import User
from stanchion.core.context import Source
from stanchion.core.models import AuditEntry, BaseModel
from stanchion.core.views import PermissionRequiredMixin, is_htmx_swap, tidy_filter_form

PAGE_SIZE = 50
TARGET = "list-results"
SOURCE_CHOICES = [
    (Source.WEB, "Web"),
    (Source.API, "API"),
    (Source.CLI, "CLI"),
    (Source.JOB, "Job"),
    (Source.SYSTEM, "System"),
]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

# Where a record's own page lives, by "app_label.model". Apps with detail pages
# are listed here so audit rows can link to the record they describe.
RECORD_URLS = {
    "accounts.person": "accounts:person-detail",
    "accounts.team": "accounts:team-detail",
    "accounts.user": "accounts:user-detail",
    "catalog.businesscalendar": "catalog:calendar-detail",
    "catalog.catalogitem": "catalog:item-detail",
    "catalog.olapolicy": "catalog:ola-detail",
    "catalog.service": "catalog:service-detail",
    "catalog.slapolicy": "catalog:sla-detail",
}


def record_types():
    labelled = [
        (f"{m._meta.app_label}.{m._meta.model_name}", m._meta.verbose_name.capitalize())
        for m in apps.get_models()
        if issubclass(m, BaseModel)
    ]
    return sorted(labelled, key=lambda pair: pair[1])


def _datetime_field(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label="Record type", required=False)
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    actor = forms.CharField(label="Actor email", required=False, max_length=254)
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditEntry.Action.choices])
    source = forms.ChoiceField(required=False, choices=[("", "Any"), *SOURCE_CHOICES])
    since = _datetime_field("From")
    until = _datetime_field("Until")
    request_id = forms.CharField(label="Request id", required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "Any"), *record_types()]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until:
            self.add_error("until", "“Until” must be later than “From”.")
        return cleaned

    def filter(self, queryset):
        data = self.cleaned_data
        for name in ("model", "object_id", "action", "source", "request_id"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("since"):
            queryset = queryset.filter(timestamp__gte=data["since"])
        if data.get("until"):
            queryset = queryset.filter(timestamp__lt=data["until"])
        if data.get("actor"):
            email = data["actor"].strip()
            actor_id = User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()
            # A deleted login is still named by the email recorded with its entries.
            queryset = queryset.filter(
                Q(actor_id=actor_id) if actor_id else Q(actor_repr__iexact=email)
            )
        return queryset


def _cursor(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def page_of(queryset, before=None, after=None):
    """(entries newest first, has_newer, has_older) for one keyset page."""
    if after is not None:
        rows = list(queryset.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        return rows[:PAGE_SIZE][::-1], has_newer, True
    if before is not None:
        queryset = queryset.filter(seq__lt=before)
    rows = list(queryset.order_by("-seq")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], before is not None, len(rows) > PAGE_SIZE


def _record_url(entry):
    name = RECORD_URLS.get(entry.model)
    if name is None or entry.action == AuditEntry.Action.DELETE:
        return ""
    try:
        return reverse(name, args=[entry.object_id])
    except NoReverseMatch:
        return ""


# Bookkeeping every entry carries; left out of the page (the API shows all).
HIDDEN_ON_CREATE = {"id", "created_at", "version"}
HIDDEN_ON_UPDATE = {"version"}


def _change_rows(entry):
    hidden = HIDDEN_ON_CREATE if entry.action == AuditEntry.Action.CREATE else HIDDEN_ON_UPDATE
    rows = []
    for name, value in entry.changes.items():
        if name in hidden:
            continue
        if isinstance(value, list) and len(value) == 2:
            rows.append((name, value[0], value[1]))
        else:  # e.g. a prune entry's summary figures
            rows.append((name, None, value))
    return rows


class AuditTrailView(PermissionRequiredMixin, View):
    permission = "auditentry.view"

    def get(self, request):
        form = AuditFilterForm(request.GET)
        tidy_filter_form(form, request)
        queryset = AuditEntry.objects.all()
        entries, has_newer, has_older = [], False, False
        if form.is_valid():
            queryset = form.filter(queryset)
            entries, has_newer, has_older = page_of(
                queryset, _cursor(request.GET.get("before")), _cursor(request.GET.get("after"))
            )
        for entry in entries:
            entry.record_url = _record_url(entry)
            entry.change_rows = _change_rows(entry)
        params = request.GET.copy()
        for key in ("before", "after"):
            params.pop(key, None)
        base = params.urlencode()
        joiner = "&" if base else ""
        context = {
            "title": "Audit trail",
            "form": form,
            "entries": entries,
            "newer_url": f"?{base}{joiner}after={entries[0].seq}" if has_newer else "",
            "older_url": f"?{base}{joiner}before={entries[-1].seq}" if has_older else "",
            "newest_url": f"?{base}" if has_newer else "",
            "filtered": any(v for k, v in request.GET.items() if k not in ("before", "after")),
            "list_target": TARGET,
        }
        partial = is_htmx_swap(request, TARGET)
        template = "web/audit_results.html" if partial else "web/audit.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response
