"""Quick actions on the ticket page: assign, change state, reply, note, link,
fulfilment tasks.

Every action carries the ticket version the agent was looking at and is
checked against it under the row lock before the service runs: a stale
version changes nothing and answers with the ticket as it is now and a
conflict message (409), never an overwrite. htmx requests get the ticket
workspace back; other requests are redirected to the ticket page.
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
from .forms_agent import AssignForm, CommentForm, LinkForm, PendForm, ReasonForm, ResolveForm
from .models import Task
from .views_agent_base import AgentActionMixin
from .views_agent_ticket import WORKSPACE, get_ticket, my_team_for, render_workspace


class ActionRefused(Exception):
    """A form that did not validate: re-render it with its errors."""

    def __init__(self, form):
        self.form = form


def _valid(form):
    if not form.is_valid():
        raise ActionRefused(form)
    return form.cleaned_data


def assign_to_me(request, ticket):
    from stanchion.accounts.models import TeamMembership

    memberships = list(
        TeamMembership.objects.filter(user=request.user)
        .select_related("team")
        .order_by("team__name")
    )
    team = my_team_for(ticket, request.user, memberships)
    if team is None:
        raise ValidationError("You are not in any team, so nothing can be assigned to you.")
    services.assign(ticket, actor=request.user, team=team, assignee=request.user)
    return f"Assigned to you in {team}."


def assign(request, ticket):
    data = _valid(AssignForm(request.POST))
    team, assignee = data["assignment_team"], data["assignee"]
    services.assign(ticket, actor=request.user, team=team, assignee=assignee)
    return f"Assigned to {assignee} in {team}." if assignee else f"Assigned to {team}."


def start(request, ticket):
    services.change_state(ticket, "in_progress", actor=request.user)
    return "Work started: the ticket is in progress."


def pend(request, ticket):
    data = _valid(PendForm(request.POST))
    services.change_state(
        ticket,
        "pending",
        actor=request.user,
        pending_reason=data["pending_reason"],
        body=data["body"],
    )
    return "The ticket is pending."


def resolve(request, ticket):
    data = _valid(ResolveForm(request.POST))
    services.resolve(
        ticket,
        actor=request.user,
        code=data["resolution_code"],
        notes=data["resolution_notes"],
    )
    return "Resolved. The requester has been asked to rate the help."


def reopen(request, ticket):
    data = _valid(ReasonForm(request.POST, prefix="reopen"))
    services.reopen(ticket, actor=request.user, reason=data["reason"])
    return "Reopened: the ticket is in progress again."


def close(request, ticket):
    services.close(ticket, actor=request.user)
    return "Closed."


def cancel(request, ticket):
    data = _valid(ReasonForm(request.POST, prefix="cancel"))
    services.cancel(ticket, actor=request.user, reason=data["reason"])
    return "Cancelled."


def reply(request, ticket):
    data = _valid(CommentForm(request.POST, prefix="reply"))
    services.add_comment(ticket, actor=request.user, body=data["body"], public=True)
    return "Reply sent to the requester."


def note(request, ticket):
    data = _valid(CommentForm(request.POST, prefix="note"))
    services.add_comment(ticket, actor=request.user, body=data["body"], public=False)
    return "Internal note added."


def link(request, ticket):
    form = LinkForm(request.POST)
    data = _valid(form)
    services.link_tickets(ticket, form.other, actor=request.user, kind=data["kind"])
    return f"Linked to {form.other.number}."


def _task(request, ticket):
    return get_object_or_404(Task.objects.filter(ticket=ticket), pk=request.POST.get("task"))


def task_start(request, ticket):
    task = _task(request, ticket)
    services.start_task(task, actor=request.user)
    return f"{task.number} started."


def task_complete(request, ticket):
    task = _task(request, ticket)
    services.complete_task(task, actor=request.user, notes=request.POST.get("notes", ""))
    return f"{task.number} done."


ACTIONS = {
    "assign-to-me": assign_to_me,
    "assign": assign,
    "start": start,
    "pend": pend,
    "resolve": resolve,
    "reopen": reopen,
    "close": close,
    "cancel": cancel,
    "reply": reply,
    "note": note,
    "link": link,
    "task-start": task_start,
    "task-complete": task_complete,
}
# The form each action re-renders with its errors, by panel name.
PANELS = {"assign-to-me": "assign", "task-start": "tasks", "task-complete": "tasks"}


def _kept_input(action, request):
    """On a conflict, the agent's unsent text comes back in its box."""
    if action in ("reply", "note"):
        return {
            action: CommentForm(
                initial={"body": request.POST.get(f"{action}-body", "")}, prefix=action
            )
        }
    return {}


class TicketActionView(AgentActionMixin, View):
    def post(self, request, number, action):
        handler = ACTIONS.get(action)
        if handler is None:
            return self._respond(
                request,
                get_ticket(request, number),
                status=404,
                notice=("error", f"There is no action “{action}”."),
            )
        ticket = get_ticket(request, number)
        version = posted_version(request)
        panel = PANELS.get(action, action)
        if version is None:
            return self._respond(
                request,
                ticket,
                status=400,
                open_panel=panel,
                notice=("error", "The form is missing the ticket's version; reload the page."),
            )
        try:
            with transaction.atomic():
                current = lock(ticket, version)
                message = handler(request, current)
        except ConflictError:
            fresh = get_ticket(request, number)
            text = (
                f"Not saved: {fresh.number} was changed by someone else since you opened it "
                f"(you saw version {version}, it is now at version {fresh.version}). "
                "This is the ticket as it is now; check it and try again."
            )
            return self._respond(
                request,
                fresh,
                status=409,
                notice=("conflict", text),
                open_panel=panel,
                forms=_kept_input(action, request),
            )
        except ActionRefused as refused:
            return self._respond(
                request,
                ticket,
                status=400,
                open_panel=panel,
                forms={panel: refused.form},
                notice=("error", "Not saved: check the highlighted fields."),
            )
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(getattr(error, "messages", None) or [str(error)])
            return self._respond(
                request,
                get_ticket(request, number),
                status=400,
                notice=("error", text),
                open_panel=panel,
            )
        return self._respond(request, get_ticket(request, number), notice=("success", message))

    def _respond(self, request, ticket, *, status=200, notice=None, **extra):
        if request.headers.get("HX-Request") == "true":
            return render_workspace(
                request, ticket, partial=True, status=status, notice=notice, **extra
            )
        level, text = notice or ("info", "")
        if text:
            {"success": messages.success, "info": messages.info}.get(level, messages.error)(
                request, text
            )
        return redirect("tickets:ticket", number=ticket.number)


__all__ = ["ACTIONS", "WORKSPACE", "TicketActionView"]
