"""What every change management page shares: who may open it, the viewer's
time zone, and how a service's refusal reaches the page.

The pages are for IT staff: requesters hold no change permission and get 403.
Reading needs ``change.view`` (auditors read everything); each action names
the permission it needs (``change.change`` to work a change,
``changeapproval.decide`` to decide, ``cabmeeting.change`` to run the CAB...).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.core.errors import ConflictError
from stanchion.core.views import PermissionRequiredMixin
from stanchion.tickets.views_agent_base import viewer_zone

__all__ = [
    "ChangePageMixin",
    "ZonedMixin",
    "can",
    "error_text",
    "viewer_zone",
    "zone_help",
]


class ChangePageMixin(PermissionRequiredMixin):
    permission = "change.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def can(user, permission):
    return has_perm(user, permission)


def error_text(error):
    """A service's refusal as one sentence per problem, naming the field."""
    if isinstance(error, ConflictError):
        return str(error)
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        parts = []
        for name, texts in error.message_dict.items():
            prefix = (
                "" if name in ("__all__", "state") else f"{name.replace('_', ' ').capitalize()}: "
            )
            parts.extend(prefix + text for text in texts)
        return " ".join(parts)
    return " ".join(getattr(error, "messages", None) or [str(error)])


def redirect_with_errors(request, form, to, *args):
    """For non-htmx posts: each form error as a message, back to ``to``."""
    for name, errors in form.errors.items():
        label = form[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect(to, *args)


class ZonedMixin:
    """Date-times are typed and shown in the viewer's zone."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        with timezone.override(viewer_zone(request.user)):
            return super().dispatch(request, *args, **kwargs)


def zone_help(form, zone, *names):
    """Say in which zone the form's date-times are typed."""
    for name in names:
        if name in form.fields:
            form.fields[name].help_text = f"Wall-clock time in {zone.key}."
    return form
