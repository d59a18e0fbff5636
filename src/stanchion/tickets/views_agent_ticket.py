"""The ticket page of the agent workspace.

Everything below the page title is one htmx region (``#ticket-workspace``):
each quick action answers with it re-rendered, so the version every form
carries is always the one the agent is looking at. The page costs a fixed
number of queries however long the timeline is (one for the events with
their authors, one per related list).
"""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from stanchion.accounts.models import TeamMembership
from stanchion.accounts.roles import has_perm
from stanchion.catalog.formdefs import FormDefinitionError, parse_form_definition
from stanchion.core.registry import registry
from stanchion.core.views import audit_url

from .choices import TaskState, TicketState
from .forms_agent import AssignForm, CommentForm, LinkForm, PendForm, ReasonForm, ResolveForm
from .models import Approval, SlaClock, Task, Ticket, TicketLink, TimelineEvent
from .presenters import TimelineEntry, timeline_html
from .services import clocks as clock_service
from .views_agent_base import AgentMixin, can_act, viewer_zone
from .widgets import quicken_selects
from .workflows import TICKET_TRANSITIONS

WORKSPACE = "ticket-workspace"


def ticket_queryset(user):
    return Ticket.objects.visible_to(user).select_related(
        "requester__department",
        "requester__location",
        "reported_by",
        "service",
        "category",
        "subcategory",
        "assignment_team",
        "assignee",
        "catalog_item",
    )


def get_ticket(request, number):
    return get_object_or_404(ticket_queryset(request.user), number=number.upper())


def _zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def available_actions(ticket):
    """Which state actions the ticket's state allows (from the workflow table)."""
    allowed = TICKET_TRANSITIONS.get(ticket.state, set())
    resolved = ticket.state == TicketState.RESOLVED
    return {
        "assign": ticket.is_open and ticket.state != TicketState.AWAITING_APPROVAL,
        "start": "in_progress" in allowed and not resolved and ticket.state != "in_progress",
        "pend": "pending" in allowed,
        "resolve": "resolved" in allowed,
        "reopen": resolved,
        "close": resolved,
        "cancel": "cancelled" in allowed,
    }


def clock_rows(ticket, viewer, now):
    """Each clock with the engine's status now, and its due time in the
    viewer's zone and in the calendar's."""
    rows = []
    clocks = SlaClock.objects.filter(ticket=ticket).select_related("calendar", "team")
    for clock in clocks.order_by("started_at", "id"):
        status = clock_service.clock_status(clock, now)
        calendar_zone = _zone(clock.calendar.time_zone)
        due = clock.due_at
        rows.append(
            {
                "clock": clock,
                "status": status,
                "percent": min(100, round(status.percent)),
                "due_viewer": due.astimezone(viewer) if due else None,
                "due_calendar": due.astimezone(calendar_zone) if due and calendar_zone else None,
                "same_zone": calendar_zone is not None and calendar_zone.key == viewer.key,
                "explain_url": reverse("tickets:clock-explain", args=[ticket.number, clock.pk]),
            }
        )
    return rows


def answer_rows(ticket):
    """The request form's answers, labelled as the form labels them."""
    if not ticket.answers:
        return []
    labels = {}
    if ticket.catalog_item_id:
        try:
            fields = parse_form_definition(ticket.catalog_item.form_definition)
        except FormDefinitionError:
            fields = []
        labels = {f.name: f.label for f in fields}
    rows = []
    for name, value in ticket.answers.items():
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append((labels.get(name) or name.replace("_", " ").capitalize(), value))
    return rows


def task_stages(ticket):
    stages = {}
    tasks = Task.objects.filter(ticket=ticket).select_related("team", "assignee")
    for task in tasks.order_by("stage", "id"):
        task.can_start = task.state == TaskState.OPEN
        task.can_complete = task.state in (TaskState.OPEN, TaskState.IN_PROGRESS)
        stages.setdefault(task.stage, []).append(task)
    return sorted(stages.items())


def my_team_for(ticket, user, memberships):
    """The team "assign to me" puts the ticket in: the one holding it when
    the agent is a member, else the agent's first team."""
    team_ids = [m.team_id for m in memberships]
    if ticket.assignment_team_id in team_ids:
        return ticket.assignment_team
    return memberships[0].team if memberships else None


def workspace_context(request, ticket, *, forms=None, open_panel="", notice=None):
    user, now = request.user, timezone.now()
    zone = viewer_zone(user)
    acting = can_act(user)
    memberships = list(
        TeamMembership.objects.filter(user=user).select_related("team").order_by("team__name")
    )
    events = TimelineEntry.read(
        TimelineEvent.objects.visible_to(user).filter(ticket=ticket).order_by("-at", "-id")
    )
    links = list(
        TicketLink.objects.filter(ticket=ticket).select_related("other").order_by("id")
    ) + list(TicketLink.objects.filter(other=ticket).select_related("ticket").order_by("id"))
    requester = ticket.requester
    requester_zone = _zone(requester.location.time_zone) if requester.location_id else None
    is_request = ticket.kind == "request"
    initial_team = my_team_for(ticket, user, memberships)
    forms = forms or {}
    version = ticket.version
    context = {
        "ticket": ticket,
        "title": f"{ticket.number} {ticket.title}",
        "version": version,
        "now": now,
        "viewer_zone": zone,
        "requester_local": datetime.now(requester_zone) if requester_zone else None,
        "event_count": len(events),
        "timeline": timeline_html(events, zone),
        "links": links,
        "clocks": clock_rows(ticket, zone, now),
        "answers": answer_rows(ticket) if is_request else [],
        "approvals": (
            list(
                Approval.objects.filter(ticket=ticket)
                .select_related("approver", "approver_team", "decided_by")
                .order_by("id")
            )
            if is_request
            else []
        ),
        "stages": task_stages(ticket) if is_request else [],
        "can_act": acting,
        "can_note": has_perm(user, "ticket.note"),
        "actions": available_actions(ticket) if acting else {},
        "my_team": initial_team,
        "assigned_to_me": ticket.assignee_id == user.pk,
        "open_panel": open_panel,
        "notice": notice,
        "history_url": audit_url(ticket) if has_perm(user, "auditentry.view") else "",
        "workspace_target": WORKSPACE,
        "extra_panels": registry.ticket_panels_for(request, ticket),
    }
    if acting:
        shown = {
            "assign": forms.get("assign")
            or AssignForm(
                initial={
                    "assignment_team": ticket.assignment_team_id,
                    "assignee": ticket.assignee_id,
                }
            ),
            "pend": forms.get("pend") or PendForm(),
            "resolve": forms.get("resolve") or ResolveForm(),
            "reopen": forms.get("reopen") or ReasonForm(prefix="reopen"),
            "cancel": forms.get("cancel") or ReasonForm(prefix="cancel"),
            "reply": forms.get("reply") or CommentForm(prefix="reply"),
            "note": forms.get("note") or CommentForm(prefix="note"),
            "link": forms.get("link") or LinkForm(),
        }
        context["forms"] = {name: quicken_selects(form) for name, form in shown.items()}
    return context


def render_workspace(request, ticket, *, partial, status=200, **extra):
    context = workspace_context(request, ticket, **extra)
    template = "tickets/agent/ticket_workspace.html" if partial else "tickets/agent/ticket.html"
    with timezone.override(context["viewer_zone"]):
        return render(request, template, context, status=status)


class TicketDetailView(AgentMixin, View):
    def get(self, request, number):
        ticket = get_ticket(request, number)
        return render_workspace(request, ticket, partial=False)


class ClockExplainView(AgentMixin, View):
    """ "Why is this due then?" for one clock: the working intervals the
    engine counted, the closed dates it skipped, the pauses it left out."""

    def get(self, request, number, pk):
        ticket = get_ticket(request, number)
        clock = get_object_or_404(
            SlaClock.objects.filter(ticket=ticket).select_related("calendar", "team"), pk=pk
        )
        explanation = clock_service.explain_clock(clock).as_dict()
        partial = request.headers.get("HX-Request") == "true"
        zone = _zone(explanation["time_zone"]) or ZoneInfo("UTC")

        def local(value):
            return datetime.fromisoformat(value).astimezone(zone) if value else None

        context = {
            "ticket": ticket,
            "clock": clock,
            "explanation": explanation,
            "start": local(explanation["start"]),
            "due": local(explanation["due"]),
            "clock_started": local(explanation["clock_started"]),
            "intervals": [
                {**i, "start": local(i["start"]), "end": local(i["end"])}
                for i in explanation["intervals"]
            ],
            "pauses": [
                {**p, "start": local(p["start"]), "end": local(p["end"])}
                for p in explanation["pauses"]
            ],
            "closed_dates": explanation["closed_dates"],
            "partial": partial,
            "base_template": "tickets/agent/fragment_base.html" if partial else "web/base.html",
            "title": "Why is this due then?",
        }
        with timezone.override(zone):
            return render(request, "tickets/agent/clock_explain.html", context)
