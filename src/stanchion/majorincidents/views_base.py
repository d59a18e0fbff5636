"""What the major incident pages share: the viewer's zone, and how a
refusal (a form error or a service's ValidationError) reaches the page as
a message naming the field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone

from stanchion.core.errors import ConflictError
from stanchion.tickets.views_agent_base import viewer_zone

FIELD_LABELS = {
    "body": "Update",
    "ticket": "Incident",
    "resolution_notes": "What fixed it",
    "impact_start": "Impact started",
    "detected_at": "Detected",
    "mitigated_at": "Impact stopped at",
    "resolved_at": "Resolved at",
    "due_date": "Due",
    "comms_lead": "Communications lead",
}


class ZonedMixin:
    """Date-times are typed and shown in the viewer's zone."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        with timezone.override(viewer_zone(request.user)):
            return super().dispatch(request, *args, **kwargs)


def error_text(error):
    if isinstance(error, ConflictError):
        return str(error)
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        parts = []
        for name, texts in error.message_dict.items():
            label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
            prefix = "" if name in ("__all__", "state") else f"{label}: "
            parts.extend(prefix + text for text in texts)
        return " ".join(parts)
    return " ".join(getattr(error, "messages", None) or [str(error)])


def form_errors(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def refused(request, error, to, *args):
    messages.error(request, error_text(error))
    return redirect(to, *args)
