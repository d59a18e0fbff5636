"""The agent queues: named queues, filters, sorts, keyset pages and saved views.

Each queue is a fixed condition that leads with indexed columns
(``assignee``/``assignment_team`` + ``state`` + ``sla_due_at``, or
``state`` + ``sla_due_at``, or ``resolved_at``); the filters narrow it further.

"Unassigned" means nobody is working the ticket: tickets no team holds yet
(new ones waiting for triage), plus tickets one of the viewer's teams holds
with no one in the team on it. Requests awaiting approval are left out:
nobody can take them until they are approved.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import View

from stanchion.accounts.models import Team, TeamMembership
from stanchion.core.views import is_htmx_swap, tidy_filter_form

from .choices import OPEN_STATES, ClockKind, ClockState, PendingReason, TicketState
from .filtersets import TicketFilterSet
from .forms_agent import staff_users
from .models import SavedView, SlaClock, Ticket
from .queue_rows import QUEUE_ROW_COLUMNS, QueueRow, options_html, rows_html
from .tables import SORT_CHOICES, CursorError, TicketTable
from .views_agent_base import AgentMixin, can_act
from .widgets import quicken_selects

RESULTS = "queue-results"
BREACHING_WINDOW = timedelta(hours=2)
RECENT = timedelta(days=7)
PAGING_PARAMS = ("after", "before")


def _my_teams(user):
    return TeamMembership.objects.filter(user=user).values("team_id")


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    hint: str
    default_sort: str = "sla"
    nav_key: str = ""

    def condition(self, user, now):
        if self.slug == "mine":
            return Q(assignee=user, state__in=OPEN_STATES)
        if self.slug == "teams":
            return Q(assignment_team__in=_my_teams(user), state__in=OPEN_STATES)
        if self.slug == "unassigned":
            takeable = [s for s in OPEN_STATES if s != TicketState.AWAITING_APPROVAL]
            return Q(state__in=takeable) & (
                Q(assignment_team__isnull=True)
                | Q(assignment_team__in=_my_teams(user), assignee__isnull=True)
            )
        if self.slug == "breaching":
            return Q(state__in=OPEN_STATES, sla_due_at__lte=now + BREACHING_WINDOW)
        if self.slug == "pending":
            return Q(state=TicketState.PENDING)
        if self.slug == "resolved":
            return Q(resolved_at__gte=now - RECENT)
        return Q()  # "all"

    @property
    def url(self):
        return reverse(f"tickets:queue-{self.slug}")


QUEUES = {
    q.slug: q
    for q in (
        Queue("mine", "My work", "Open tickets assigned to you.", nav_key="w"),
        Queue("teams", "My teams", "Open tickets held by the teams you are in.", nav_key="q"),
        Queue(
            "unassigned",
            "Unassigned",
            "Open tickets no team holds yet, and your teams' tickets nobody has picked up.",
        ),
        Queue(
            "breaching",
            "Breaching soon",
            "Open tickets whose SLA is due within two hours, or already past due.",
        ),
        Queue("pending", "Pending", "Tickets waiting for the customer, a vendor or a change."),
        Queue(
            "resolved",
            "Recently resolved",
            "Tickets resolved in the last seven days.",
            default_sort="-updated",
        ),
        Queue("all", "All tickets", "Every ticket, open or done.", default_sort="-created"),
    )
}


def queue_rows(queryset):
    """What a row shows, in one query of plain values (see queue_rows.py):
    the people and team it names, and the warning point of its SLA clock
    that is due first."""
    warn_at = (
        SlaClock.objects.filter(
            ticket=OuterRef("pk"),
            state=ClockState.RUNNING,
            kind__in=(ClockKind.RESPONSE, ClockKind.RESOLUTION),
        )
        .order_by("due_at")
        .values("warn_at")[:1]
    )
    return queryset.annotate(sla_warn_at=Subquery(warn_at)).values_list(*QUEUE_ROW_COLUMNS)


def _query_without_paging(params):
    params = params.copy()
    for name in PAGING_PARAMS:
        params.pop(name, None)
    return params


def saved_views_for(user, queue_slug=None, current_query=""):
    views = []
    for saved in SavedView.objects.visible_to(user).order_by("name"):
        queue = QUEUES.get(saved.queue)
        if queue is None:
            continue
        url = f"{queue.url}?{saved.params}" if saved.params else queue.url
        active = queue.slug == queue_slug and saved.params == current_query
        views.append({"object": saved, "url": url, "active": active, "queue": queue})
    return views


def queue_context(request, queue, params, report=None, kept=None):
    """Everything the queue page and its htmx partial render from ``params``
    (``kept``: see render_queue)."""
    user, now = request.user, timezone.now()
    filterset = TicketFilterSet(params, queryset=Ticket.objects.visible_to(user), request=request)
    tidy_filter_form(filterset.form, request)
    quicken_selects(filterset.form)
    table = TicketTable(params, default_sort=queue.default_sort, base_url=queue.url)
    base = Ticket.objects.visible_to(user).filter(queue.condition(user, now))
    cursor_error = ""
    page = None
    if filterset.is_valid():
        filtered = filterset.filter_queryset(base)
        rows, make_row = queue_rows(filtered), QueueRow.from_values
        try:
            page = table.page(
                rows, after=params.get("after"), before=params.get("before"), make_row=make_row
            )
        except CursorError as error:
            cursor_error = str(error)
            page = table.page(rows, make_row=make_row)
    rows = page.rows if page else []
    kept = kept or {}
    acting = can_act(user)
    query = _query_without_paging(params)
    plain = query.urlencode()
    joiner = "&" if plain else ""
    filtered_by = [k for k, v in query.items() if v and k != "sort"]
    return {
        "title": queue.label,
        "queue": queue,
        "queues": list(QUEUES.values()),
        "saved_views": saved_views_for(user, queue.slug, plain),
        "filterset": filterset,
        "primary_fields": [filterset.form[n] for n in TicketFilterSet.PRIMARY],
        "more_fields": [
            filterset.form[n] for n in filterset.form.fields if n not in TicketFilterSet.PRIMARY
        ],
        "more_open": any(n not in TicketFilterSet.PRIMARY for n in filtered_by),
        "sort_choices": SORT_CHOICES,
        "table": table,
        "rows": rows,
        "rows_html": rows_html(
            rows,
            level=lambda row: sla_level(row, now),
            can_act=acting,
            kept=kept.get("tickets"),
            now=now,
        ),
        "next_url": (
            f"{queue.url}?{plain}{joiner}after={page.next_cursor}"
            if page and page.next_cursor
            else ""
        ),
        "previous_url": (
            f"{queue.url}?{plain}{joiner}before={page.previous_cursor}"
            if page and page.previous_cursor
            else ""
        ),
        "first_url": f"{queue.url}?{plain}" if page and page.previous_cursor else "",
        "query": plain,
        "filtered": bool(filtered_by),
        "cursor_error": cursor_error,
        "results_target": RESULTS,
        "can_act": acting,
        "bulk": bulk_choices(user, kept) if acting else None,
        "kept": kept,
        "report": report,
        "now": now,
    }


def bulk_choices(user, kept):
    """The bulk bar's drop-downs; ``kept`` holds the choices to show again."""
    teams = Team.objects.filter(is_active=True).order_by("name").values_list("id", "name")
    others = staff_users().exclude(pk=user.pk).values_list("id", "full_name", "email")
    return {
        "team_options": options_html(teams, kept.get("assignment_team") or ""),
        "assignee_options": options_html(
            [(user.pk, f"Me ({user})")] + [(pk, name or email) for pk, name, email in others],
            kept.get("assignee") or "",
        ),
        "states": [
            (TicketState.IN_PROGRESS, "In progress"),
            (TicketState.PENDING, "Pending"),
        ],
        "pending_reasons": PendingReason.choices(),
    }


def sla_level(ticket, now):
    """ "breached" (past due), "warning" (75 % of the target used) or ""."""
    if ticket.sla_due_at is None or not ticket.is_open:
        return ""
    if ticket.sla_due_at <= now:
        return "breached"
    warn_at = getattr(ticket, "sla_warn_at", None)
    if warn_at is not None and warn_at <= now:
        return "warning"
    return ""


def render_queue(request, queue, params, *, report=None, partial=None, status=200, kept=None):
    """``kept``: the bulk bar's choices and ticked rows to show again after
    a refused bulk request, so the agent fixes one field instead of all."""
    context = queue_context(request, queue, params, report, kept)
    if partial is None:
        partial = is_htmx_swap(request, RESULTS)
    template = "tickets/agent/queue_results.html" if partial else "tickets/agent/queue.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


class QueueView(AgentMixin, View):
    def get(self, request, queue):
        if queue not in QUEUES:
            raise Http404("No such queue.")
        return render_queue(request, QUEUES[queue], request.GET)


def queue_url(slug, query=""):
    url = QUEUES[slug].url
    return f"{url}?{query}" if query else url


def encode_params(data, names):
    return urlencode([(n, data[n]) for n in names if data.get(n)])
