"""Bulk actions on selected queue rows, and saved views.

A bulk action runs the service once per ticket, each in its own transaction,
with the version the agent saw in the list: one refused ticket (an invalid
transition, a stale row, an assignee outside the team) is reported by name
and does not undo or block the others.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import escape
from django.views import View

from stanchion.core.errors import ConflictError
from stanchion.core.services import create_record, delete_record, service

from . import services
from .filtersets import TicketFilterSet
from .forms_agent import BulkForm, SaveViewForm
from .models import SavedView, Ticket
from .views_agent_base import AgentActionMixin, AgentMixin
from .views_agent_queues import QUEUES, encode_params, queue_url, render_queue

MAX_BULK = 100


@dataclass
class Outcome:
    ticket: Ticket
    ok: bool
    message: str


def _selection(values):
    """``["12:3", ...]`` (id:version as the list showed them) -> {id: version}."""
    chosen = {}
    for value in values[:MAX_BULK]:
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            chosen[int(pk)] = int(version)
    return chosen


def _message(error):
    if isinstance(error, ConflictError):
        return f"Not changed: someone else changed it (now at version {error.instance.version})."
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _apply(ticket, version, data, actor):
    if data["action"] == "assign":
        team, assignee = data["assignment_team"], data.get("assignee")
        services.assign(ticket, actor=actor, team=team, assignee=assignee, expected_version=version)
        return f"Assigned to {assignee or team}" + (f" in {team}." if assignee else ".")
    state = data["state"]
    services.change_state(
        ticket,
        state,
        actor=actor,
        pending_reason=(data.get("pending_reason") or "") if state == "pending" else "",
        expected_version=version,
    )
    return f"Now {state.replace('_', ' ')}."


class BulkActionView(AgentActionMixin, View):
    def post(self, request):
        slug = request.POST.get("queue", "")
        queue = QUEUES.get(slug, QUEUES["all"])
        params = QueryDict(request.POST.get("query", ""))
        form = BulkForm(request.POST)
        chosen = _selection(request.POST.getlist("ticket"))
        report = {"outcomes": [], "errors": []}
        if not chosen:
            report["errors"].append("Select at least one ticket.")
        if not form.is_valid():
            report["errors"].extend(
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}"
                for name, errs in form.errors.items()
            )
        if report["errors"]:
            kept = {
                name: request.POST.get(name, "")
                for name in ("assignment_team", "assignee", "state", "pending_reason")
            }
            kept["tickets"] = set(request.POST.getlist("ticket"))
            return render_queue(request, queue, params, report=report, status=400, kept=kept)
        tickets = Ticket.objects.visible_to(request.user).in_bulk(list(chosen))
        for pk, version in chosen.items():
            ticket = tickets.get(pk)
            if ticket is None:
                continue
            try:
                text = _apply(ticket, version, form.cleaned_data, request.user)
            except (ValidationError, ConflictError, PermissionDenied) as error:
                report["outcomes"].append(Outcome(ticket, False, _message(error)))
            else:
                report["outcomes"].append(Outcome(ticket, True, text))
        report["done"] = sum(o.ok for o in report["outcomes"])
        report["refused"] = len(report["outcomes"]) - report["done"]
        return render_queue(request, queue, params, report=report)


@service
def _create_saved_view(*, actor, name, queue, params):
    return create_record(SavedView, {"user": actor, "name": name, "queue": queue, "params": params})


class SaveViewView(AgentMixin, View):
    """Saves the filters and sort now in the queue's filter form (htmx sends
    them along) under a name."""

    def post(self, request):
        slug = request.POST.get("queue", "")
        if slug not in QUEUES:
            return HttpResponse("Unknown queue.", status=400)
        form = SaveViewForm(request.POST)
        names = [*TicketFilterSet.base_filters, "sort"]
        params = encode_params(request.POST, names)
        if form.is_valid():
            try:
                saved = _create_saved_view(
                    actor=request.user, name=form.cleaned_data["name"], queue=slug, params=params
                )
            except (ValidationError, IntegrityError):
                form.add_error("name", "You already have a view with this name.")
            else:
                messages.success(request, f"Saved the view “{saved.name}”.")
                target = queue_url(slug, params)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        error = " ".join(e for errs in form.errors.values() for e in errs)
        if request.headers.get("HX-Request"):
            return HttpResponse(
                f'<p class="errorlist" role="alert">{escape(error)}</p>', status=400
            )
        messages.error(request, error)
        return redirect(queue_url(slug, params))


class DeleteSavedViewView(AgentMixin, View):
    def post(self, request, pk):
        saved = get_object_or_404(SavedView.objects.visible_to(request.user), pk=pk)
        slug = saved.queue if saved.queue in QUEUES else "mine"
        delete_record(saved, actor=request.user)
        messages.success(request, f"Deleted the view “{saved.name}”.")
        return redirect(queue_url(slug))
