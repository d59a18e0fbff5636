"""My tickets: the employee's list, and the ticket page with the public
timeline, what happens next, and what the employee can do (reply, reopen,
rate). Another person's ticket is a 404, whatever the role."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from stanchion.core.views import PermissionRequiredMixin, apply_errors

from . import csat, services
from .choices import OPEN_STATES, ClockKind, ClockState, TaskState, TicketKind, TicketState
from .forms_portal import RatingForm, ReopenForm, ReplyForm
from .models import TimelineEvent
from .views_portal_scope import own_tickets
from .views_portal_timeline import timeline_entries
from .views_portal_words import (
    answer_rows,
    approver_name,
    next_step,
    reopen_until,
    state_words,
)

PAGE_SIZE = 25


class MyTicketsView(PermissionRequiredMixin, View):
    """Open tickets first (newest first), then the rest, newest first."""

    permission = "ticket.view"

    def get(self, request):
        openness = Case(
            When(state__in=OPEN_STATES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        tickets = (
            own_tickets(request.user)
            .select_related("catalog_item", "service")
            .annotate(closed_first=openness)
            .order_by("closed_first", "-created_at", "-id")
        )
        page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(ticket, state_words(ticket)) for ticket in page]
        return render(
            request,
            "tickets/portal/my_tickets.html",
            {"title": "My tickets", "page": page, "rows": rows},
        )


class PortalTicketMixin(PermissionRequiredMixin):
    permission = "ticket.view"

    def get_ticket(self):
        queryset = own_tickets(self.request.user).select_related(
            "catalog_item", "service", "assignment_team", "requester"
        )
        return get_object_or_404(queryset, number=self.kwargs["number"])


class PortalTicketView(PortalTicketMixin, View):
    def get(self, request, number):
        return render_ticket(request, self.get_ticket())


def render_ticket(request, ticket, *, forms=None, status=200):
    """The ticket page; ``forms`` carries a bound form back with its errors."""
    forms = forms or {}
    now = timezone.now()
    approvals = list(ticket.approvals.select_related("approver", "approver_team", "decided_by"))
    tasks = list(ticket.tasks.all()) if ticket.kind == TicketKind.REQUEST else []
    delivery = (
        ticket.clocks.filter(kind=ClockKind.RESOLUTION, state=ClockState.RUNNING)
        .values_list("due_at", flat=True)
        .first()
    )
    events = TimelineEvent.objects.filter(ticket=ticket, public=True).select_related("actor")
    survey = answered = None
    if ticket.state in (TicketState.RESOLVED, TicketState.CLOSED):
        survey = csat.open_survey(ticket)
        if survey is None:
            answered = ticket.surveys.filter(answered_at__isnull=False).first()
    until = reopen_until(ticket)
    is_open = ticket.state in OPEN_STATES
    context = {
        "title": f"{ticket.number} {ticket.title}",
        "ticket": ticket,
        "words": state_words(ticket),
        "next_step": next_step(
            ticket, approvals=approvals, tasks=tasks, delivery_due=delivery, now=now
        ),
        "answers": answer_rows(ticket.catalog_item, ticket.answers)
        if ticket.kind == TicketKind.REQUEST
        else [],
        "approvals": [(a, approver_name(a)) for a in approvals],
        "stages": _stages(tasks or _planned_tasks(ticket)),
        "timeline": timeline_entries(events, request.user),
        "reply_form": forms.get("reply") or (ReplyForm() if is_open else None),
        "reopen_form": forms.get("reopen") or (ReopenForm() if until and now <= until else None),
        "reopen_until": until,
        "rating_form": forms.get("rating") or (RatingForm() if survey else None),
        "answered_survey": answered,
    }
    return render(request, "tickets/portal/ticket.html", context, status=status)


@dataclass(frozen=True)
class PlannedTask:
    """A fulfilment step the item promises, before approval creates it."""

    title: str
    stage: int
    state: str = TaskState.WAITING
    done_at: None = None


def _planned_tasks(ticket):
    if ticket.state != TicketState.AWAITING_APPROVAL or ticket.catalog_item is None:
        return []
    templates = ticket.catalog_item.task_templates.order_by("stage", "id")
    return [PlannedTask(t.title, t.stage) for t in templates]


def _stages(tasks):
    """[(stage number, [tasks])] in order: the fulfilment plan."""
    stages = {}
    for task in tasks:
        stages.setdefault(task.stage, []).append(task)
    return sorted(stages.items())


class ReplyView(PortalTicketMixin, View):
    permission = "ticket.comment"

    def post(self, request, number):
        ticket = self.get_ticket()
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.add_comment(
                    ticket, actor=request.user, body=form.cleaned_data["body"], public=True
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Your reply was sent to IT.")
                return redirect("tickets:portal-ticket", ticket.number)
        return render_ticket(request, ticket, forms={"reply": form}, status=400)


class ReopenView(PortalTicketMixin, View):
    permission = "ticket.comment"

    def post(self, request, number):
        ticket = self.get_ticket()
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                services.reopen(ticket, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{ticket.number} is open again; IT will look at it.")
                return redirect("tickets:portal-ticket", ticket.number)
        return render_ticket(request, ticket, forms={"reopen": form}, status=400)


class RateView(PortalTicketMixin, View):
    permission = "ticket.comment"

    def post(self, request, number):
        ticket = self.get_ticket()
        form = RatingForm(request.POST)
        survey = csat.open_survey(ticket)
        if survey is None:
            messages.info(request, "This ticket has already been rated. Thank you!")
            return redirect("tickets:portal-ticket", ticket.number)
        if form.is_valid():
            try:
                csat.answer_survey(
                    survey,
                    actor=request.user,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Thank you for rating our work.")
                return redirect("tickets:portal-ticket", ticket.number)
        return render_ticket(request, ticket, forms={"rating": form}, status=400)
