"""Phone and chat intake: an agent opens an incident for someone.

The requester is found by name or email with a small htmx search (the
directory can hold thousands of people); the priority the impact and urgency
give is shown as they are chosen.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views import View

from stanchion.accounts.models import Person
from stanchion.core.views import apply_errors

from . import services
from .forms_agent import NewIncidentForm
from .models import PriorityMatrix
from .priority import priority_for
from .views_agent_base import AgentActionMixin, AgentMixin

SEARCH_LIMIT = 10


def _priority(impact, urgency):
    try:
        return priority_for(impact, urgency, PriorityMatrix.current())
    except ValueError:
        return ""


class NewIncidentView(AgentActionMixin, View):
    permission = "ticket.add"
    template_name = "tickets/agent/new_incident.html"

    def render_form(self, form, status=200):
        data = form.data if form.is_bound else {}
        impact = data.get("impact") or form.fields["impact"].initial
        urgency = data.get("urgency") or form.fields["urgency"].initial
        requester = None
        if form.is_bound and data.get("requester", "").isdigit():
            requester = Person.objects.filter(pk=data["requester"]).first()
        context = {
            "title": "New incident",
            "form": form,
            "priority": _priority(impact, urgency),
            "chosen_requester": requester,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(NewIncidentForm())

    def post(self, request):
        form = NewIncidentForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = dict(form.cleaned_data)
        team, assignee = data.pop("assignment_team"), data.pop("assignee")
        try:
            ticket = services.open_incident(
                actor=request.user,
                requester=data.pop("requester"),
                title=data.pop("title"),
                assignment_team=team,
                assignee=assignee,
                **data,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_form(form, status=400)
        messages.success(request, f"{ticket.number} was opened for {ticket.requester}.")
        return redirect("tickets:ticket", number=ticket.number)


class PersonSearchView(AgentMixin, View):
    """Up to ten people whose name or email contains the words typed."""

    def get(self, request):
        text = request.GET.get("requester_search", "").strip()
        people = []
        if len(text) >= 2:
            people = (
                Person.objects.visible_to(request.user)
                .filter(Q(name__icontains=text) | Q(email__icontains=text))
                .select_related("department", "location")
                .order_by("name")[:SEARCH_LIMIT]
            )
        return render(
            request,
            "tickets/agent/person_matches.html",
            {"people": people, "searched": text, "too_short": 0 < len(text) < 2},
        )


class PriorityPreviewView(AgentMixin, View):
    def get(self, request):
        priority = _priority(request.GET.get("impact", ""), request.GET.get("urgency", ""))
        return render(request, "tickets/agent/priority_preview.html", {"priority": priority})
