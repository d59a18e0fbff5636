"""The card on the agent's ticket page: the problems this incident is
linked to, and the known errors and open problems of the same service and
category, each with its workaround and a button to link the incident."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse

from stanchion.accounts.roles import has_perm

from .choices import OPEN_STATES, ProblemState
from .models import Problem, ProblemIncident

MAX_OFFERED = 5


def offered_problems(ticket, user):
    """Known errors first, then other open problems, of the incident's
    service whose category is the incident's (or unset); newest first."""
    if ticket.service_id is None:
        return []
    same_category = Q(category__isnull=True)
    if ticket.category_id:
        same_category |= Q(category_id=ticket.category_id)
    return list(
        Problem.objects.visible_to(user)
        .filter(same_category, services=ticket.service_id, state__in=OPEN_STATES)
        .exclude(incident_links__incident=ticket)
        .annotate(
            known=Case(
                When(state=ProblemState.KNOWN_ERROR, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("known", "-created_at")[:MAX_OFFERED]
    )


def ticket_panel(request, ticket):
    user = request.user
    if ticket.kind != "incident" or not has_perm(user, "problem.view"):
        return ""
    linked = list(
        ProblemIncident.objects.filter(incident=ticket)
        .select_related("problem")
        .order_by("created_at")
    )
    offered = offered_problems(ticket, user)
    if not linked and not offered:
        return ""
    return render_to_string(
        "problems/ticket_panel.html",
        {
            "ticket": ticket,
            "linked": [link.problem for link in linked],
            "offered": offered,
            "can_link": has_perm(user, "problemincident.add"),
            "next": reverse("tickets:ticket", args=[ticket.number]),
        },
        request=request,
    )
