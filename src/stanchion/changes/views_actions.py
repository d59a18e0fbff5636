"""Actions on the change page: the lifecycle steps, comments, incident links,
conflict overrides and approval decisions.

Lifecycle steps carry the change version the user was looking at and are
checked against it under the row lock before the service runs: a stale
version changes nothing and answers with the change as it is now (409).
Additive actions (a comment, an incident link, a decision) need no version:
they overwrite nothing. htmx requests get the change workspace back; other
requests are redirected to the change page with the outcome as a message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from stanchion.core.errors import ConflictError
from stanchion.core.services import lock
from stanchion.core.views import posted_version

from . import services
from .forms import CloseForm, CommentForm, DecisionForm, FinishForm, LinkIncidentForm, ReasonForm
from .models import ChangeApproval, ChangeIncident
from .views_base import ChangePageMixin, can, error_text
from .views_change import get_change, render_workspace


class ActionRefused(Exception):
    """A form that did not validate: re-render it with its errors."""

    def __init__(self, panel, form):
        self.panel, self.form = panel, form


def form_errors(form):
    """Each error of the form, with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form[name].label if name in form.fields else ""
        parts.extend(f"{label}: {error}" if label else error for error in errors)
    return " ".join(parts)


def _valid(panel, form):
    if not form.is_valid():
        raise ActionRefused(panel, form)
    return form.cleaned_data


def submit(request, change):
    changed = services.submit(change, actor=request.user)
    if changed.state == "scheduled":
        return "Submitted: a standard change without conflicts is scheduled at once."
    return "Submitted for assessment: the risk is scored and the schedule checked."


def request_approval(request, change):
    services.request_approval(change, actor=request.user)
    return "Approval requested: the approvers have been notified."


def schedule(request, change):
    services.schedule(change, actor=request.user)
    return "Scheduled."


def start(request, change):
    services.start_implementation(change, actor=request.user)
    return "Implementation started."


def finish(request, change):
    data = _valid("finish", FinishForm(request.POST, prefix="finish"))
    services.finish_implementation(
        change, actor=request.user, outcome=data["outcome"], notes=data["notes"]
    )
    return "Implementation finished: the change is in review."


def validation(request, change):
    done = set(request.POST.getlist("done"))
    checklist = [
        {"item": step.get("item", ""), "done": str(index) in done}
        for index, step in enumerate(change.validation_checklist or [])
    ]
    services.update_validation(change, actor=request.user, checklist=checklist)
    ticked = sum(1 for step in checklist if step["done"])
    return f"Validation checklist saved: {ticked} of {len(checklist)} done."


def close(request, change):
    data = _valid("close", CloseForm(request.POST, prefix="close"))
    services.close(change, actor=request.user, retrospective=data["retrospective"])
    return "Closed."


def cancel(request, change):
    data = _valid("cancel", ReasonForm(request.POST, prefix="cancel"))
    services.cancel(change, actor=request.user, reason=data["reason"])
    return "Cancelled."


def override(request, change):
    data = _valid("override", ReasonForm(request.POST, prefix="override"))
    services.override_conflicts(change, actor=request.user, reason=data["reason"])
    return "Conflicts overridden; the reason is recorded."


def comment(request, change):
    data = _valid("comment", CommentForm(request.POST, prefix="comment"))
    services.add_comment(change, actor=request.user, body=data["body"])
    return "Comment added."


def link(request, change):
    form = LinkIncidentForm(request.POST, prefix="link", user=request.user)
    data = _valid("link", form)
    services.link_incident(change, form.incident, actor=request.user, note=data["note"])
    return f"{form.incident.number} is linked as caused by this change."


def unlink(request, change):
    link_row = get_object_or_404(
        ChangeIncident.objects.filter(change=change).select_related("incident"),
        pk=request.POST.get("link") if str(request.POST.get("link", "")).isdigit() else None,
    )
    services.unlink_incident(link_row, actor=request.user)
    return f"{link_row.incident.number} is no longer linked."


def decide(request, change):
    raw = request.POST.get("approval", "")
    approval = get_object_or_404(
        ChangeApproval.objects.filter(change=change), pk=raw if raw.isdigit() else None
    )
    form = DecisionForm(request.POST, prefix="decide")
    if not form.is_valid():
        form.approval_id = approval.pk
        raise ActionRefused("decide", form)
    approving = form.cleaned_data["decision"] == "approve"
    services.decide(
        approval, actor=request.user, approve=approving, comment=form.cleaned_data["comment"]
    )
    return "Approved." if approving else "Rejected; the requester has been told why."


# name: (handler, permission, needs the version the user saw)
ACTIONS = {
    "submit": (submit, "change.change", True),
    "request-approval": (request_approval, "change.change", True),
    "schedule": (schedule, "change.change", True),
    "start": (start, "change.change", True),
    "finish": (finish, "change.change", True),
    "validation": (validation, "change.change", True),
    "close": (close, "change.change", True),
    "cancel": (cancel, "change.change", True),
    "override": (override, "change.override_conflicts", True),
    "comment": (comment, "change.comment", False),
    "link": (link, "changeincident.add", False),
    "unlink": (unlink, "changeincident.delete", False),
    "decide": (decide, "changeapproval.decide", False),
}


class ChangeActionView(ChangePageMixin, View):
    def post(self, request, number, action):
        change = get_change(request, number)
        if action not in ACTIONS:
            return self._respond(
                request, change, status=404, notice=("error", f"There is no action “{action}”.")
            )
        handler, permission, versioned = ACTIONS[action]
        if not can(request.user, permission):
            return self._respond(
                request,
                change,
                status=403,
                notice=("error", "Your role does not allow this action."),
            )
        version = posted_version(request)
        if versioned and version is None:
            return self._respond(
                request,
                change,
                status=400,
                open_panel=action,
                notice=("error", "The form is missing the change's version; reload the page."),
            )
        try:
            with transaction.atomic():
                current = lock(change, version if versioned else None)
                message = handler(request, current)
        except ConflictError:
            fresh = get_change(request, number)
            text = (
                f"Not saved: {fresh.number} was changed by someone else since you opened it "
                f"(you saw version {version}, it is now at version {fresh.version}). "
                "This is the change as it is now; check it and try again."
            )
            return self._respond(
                request, fresh, status=409, notice=("conflict", text), open_panel=action
            )
        except ActionRefused as refused:
            forms = {refused.panel: refused.form}
            if refused.panel == "decide":
                forms["decide_for"] = refused.form.approval_id
            return self._respond(
                request,
                change,
                status=400,
                open_panel=refused.panel,
                forms=forms,
                notice=("error", "Not saved: " + form_errors(refused.form)),
            )
        except PermissionDenied as error:
            text = str(error) or "You may not do this."
            return self._respond(
                request, get_change(request, number), status=403, notice=("error", text)
            )
        except ValidationError as error:
            return self._respond(
                request,
                get_change(request, number),
                status=400,
                notice=("error", error_text(error)),
                open_panel=action,
            )
        return self._respond(request, get_change(request, number), notice=("success", message))

    def _respond(self, request, change, *, status=200, notice=None, **extra):
        if request.headers.get("HX-Request") == "true":
            return render_workspace(
                request, change, partial=True, status=status, notice=notice, **extra
            )
        level, text = notice or ("info", "")
        if text:
            {"success": messages.success, "info": messages.info}.get(level, messages.error)(
                request, text
            )
        return redirect("changes:change-detail", number=change.number)
