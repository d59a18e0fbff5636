"""The signed-in user's notifications: the list (newest first, keyset pages),
mark read with htmx, the header badge and the preferences page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from stanchion.core.views import apply_errors, is_htmx_swap

from . import services
from .choices import REQUESTER_KINDS, NotificationKind
from .models import Notification

PAGE_SIZE = 50
TARGET = "notification-list"


class BadPage(Exception):
    pass


def _page(request):
    rows = Notification.objects.for_user(request.user)
    before = request.GET.get("before", "")
    if before:
        if not before.isdigit() or len(before) > 18:
            raise BadPage("“before” must be a notification number.")
        rows = rows.filter(pk__lt=int(before))
    # One row more than shown tells whether an older page exists, without COUNT.
    page = list(rows.order_by("-id")[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    return page[:PAGE_SIZE], older


@login_required
@require_GET
def notification_list(request):
    try:
        rows, older = _page(request)
    except BadPage as error:
        return render(request, "web/error.html", {"status": 400, "message": str(error)}, status=400)
    context = {
        "title": "Notifications",
        "notifications": rows,
        "older": older,
        "paged": bool(request.GET.get("before")),
        "unread": services.unread_count(request.user),
        "target": TARGET,
    }
    template = (
        "notifications/list_results.html"
        if is_htmx_swap(request, TARGET)
        else "notifications/list.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def mark_read(request, pk):
    if not Notification.objects.for_user(request.user).filter(pk=pk).exists():
        raise Http404("No such notification.")
    services.mark_read(request.user, [pk])
    notification = Notification.objects.get(pk=pk)
    if request.headers.get("HX-Request") == "true":
        response = render(request, "notifications/row.html", {"n": notification})
        # The header badge listens for this and reloads its count.
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    changed = services.mark_read(request.user)
    messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} read.")
    return redirect("notifications:list")


@login_required
@require_GET
def badge(request):
    """The header's unread counter, loaded by htmx so pages never wait for it."""
    unread = services.unread_count(request.user)
    return render(request, "notifications/includes/badge.html", {"unread": unread})


def _kind_choices(user):
    from stanchion.accounts.roles import is_staff_role

    # Requesters only ever receive the kinds about their own tickets and
    # approvals; IT staff can receive any.
    kinds = NotificationKind.values() if is_staff_role(user) else [*REQUESTER_KINDS]
    if not is_staff_role(user):
        kinds.append(NotificationKind.APPROVAL_REQUESTED)
    return [(kind, NotificationKind.label(kind)) for kind in kinds]


class PreferencesForm(forms.Form):
    in_app = forms.BooleanField(
        label="Show notifications in Stanchion",
        required=False,
        help_text="The bell in the header and the notifications page.",
    )
    email_kinds = forms.MultipleChoiceField(
        label="Send me an email when",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = _kind_choices(user)


@login_required
def preferences(request):
    user = request.user
    current = services.preference_for(user)
    shown = [kind for kind, _ in _kind_choices(user)]
    if request.method == "POST":
        form = PreferencesForm(request.POST, user=user)
        if form.is_valid():
            # Kinds not offered to this user keep their current setting.
            hidden_on = [
                k for k in NotificationKind.values() if k not in shown and current.wants_email(k)
            ]
            try:
                services.update_preferences(
                    user,
                    actor=user,
                    in_app=form.cleaned_data["in_app"],
                    email_kinds=[*form.cleaned_data["email_kinds"], *hidden_on],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Notification preferences saved.")
                return redirect("notifications:preferences")
    else:
        form = PreferencesForm(
            user=user,
            initial={
                "in_app": current.in_app,
                "email_kinds": [k for k in shown if current.wants_email(k)],
            },
        )
    return render(
        request,
        "notifications/preferences.html",
        {"title": "Notification preferences", "form": form},
    )
