"""The employee portal's "Get help" pages: the home, reporting an incident
in everyday words, and requesting a catalog item through its own form.

Every role may use the portal for itself; what it shows is always the
signed-in user's own business. Writes go through the service desk's
service functions only. My tickets and approvals have their own modules
(``views_portal_tickets``, ``views_portal_approvals``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from stanchion.catalog.formdefs import FormDefinitionError
from stanchion.catalog.models import CatalogItem, Service
from stanchion.catalog.views_portal import offering
from stanchion.core.views import PermissionRequiredMixin, apply_errors

from . import services
from .choices import OPEN_STATES
from .forms_portal import CatalogRequestForm, IncidentReportForm
from .models import Approval
from .views_portal_scope import addressed_to, own_tickets
from .views_portal_words import approver_name, state_words

HOME_TICKETS = 5


def portal_services(user):
    """Live services shown in the portal, which employees can name."""
    return Service.objects.visible_to(user).in_portal().order_by("name")


def requestable_items(user):
    return (
        CatalogItem.objects.visible_to(user)
        .in_portal()
        .select_related("service")
        .order_by("service__name", "name")
    )


class PortalMixin(PermissionRequiredMixin):
    """Asking for help needs a directory record: tickets are raised for a
    person, and a login without one has nobody to raise them for."""

    permission = "ticket.add"

    def requester(self):
        return self.request.user.person

    def no_person_response(self, title):
        return render(
            self.request,
            "tickets/portal/no_person.html",
            {"title": title},
            status=400 if self.request.method == "POST" else 200,
        )


class PortalHomeView(PortalMixin, View):
    def get(self, request):
        user = request.user
        mine = own_tickets(user).filter(state__in=OPEN_STATES)
        newest = mine.select_related("catalog_item").order_by("-created_at")
        open_tickets = list(newest[:HOME_TICKETS])
        items = list(requestable_items(user))
        context = {
            "title": "Get help",
            "has_person": user.person_id is not None,
            "open_tickets": [(t, state_words(t)) for t in open_tickets],
            "open_count": mine.count() if len(open_tickets) == HOME_TICKETS else len(open_tickets),
            "items": items,
            "pending_approvals": addressed_to(user).filter(state="pending").count(),
        }
        return render(request, "tickets/portal/home.html", context)


class ReportIncidentView(PortalMixin, View):
    title = "Report a problem"

    def form(self, data=None):
        return IncidentReportForm(data, services=portal_services(self.request.user))

    def render_form(self, form, status=200):
        return render(
            self.request,
            "tickets/portal/report.html",
            {"title": self.title, "form": form},
            status=status,
        )

    def get(self, request):
        if request.user.person_id is None:
            return self.no_person_response(self.title)
        return self.render_form(self.form())

    def post(self, request):
        if request.user.person_id is None:
            return self.no_person_response(self.title)
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.open_incident(
                    actor=request.user,
                    requester=self.requester(),
                    title=data["title"],
                    description=data["description"],
                    service=data["service"],
                    impact=data["impact"],
                    urgency=data["urgency"],
                    channel="portal",
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, f"Thanks, we have it: {ticket.number}. Replies from IT appear here."
                )
                return redirect("tickets:portal-ticket", ticket.number)
        return self.render_form(form, status=400)


class RequestCatalogView(PortalMixin, View):
    """Everything an employee can request, by service, each with its Request
    button; the service catalog has the details of each service."""

    def get(self, request):
        groups = {}
        for item in requestable_items(request.user):
            groups.setdefault(item.service, []).append(item)
        return render(
            request,
            "tickets/portal/request_list.html",
            {"title": "Request something", "groups": list(groups.items())},
        )


class RequestItemView(PortalMixin, View):
    """One catalog item's request page: what it is, when it is delivered,
    who approves it, and its form."""

    def get_item(self):
        queryset = requestable_items(self.request.user).select_related("service__calendar")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def render_page(self, item, form, form_error="", status=200):
        calendar = item.service.calendar
        hours = list(calendar.intervals.order_by("weekday", "start"))
        context = {
            "title": f"Request: {item.name}",
            "item": item,
            "offer": offering(item, calendar, hours),
            "form": form,
            "form_error": form_error,
            "has_person": self.request.user.person_id is not None,
        }
        return render(self.request, "tickets/portal/request_item.html", context, status=status)

    def build_form(self, item, data=None):
        try:
            return CatalogRequestForm(item, data), ""
        except FormDefinitionError as error:
            return None, str(error)

    def get(self, request, pk):
        item = self.get_item()
        form, problem = self.build_form(item)
        return self.render_page(item, form, problem)

    def post(self, request, pk):
        item = self.get_item()
        if request.user.person_id is None:
            return self.no_person_response(f"Request: {item.name}")
        form, problem = self.build_form(item, request.POST)
        if form is None:
            return self.render_page(item, None, problem, status=400)
        if form.is_valid():
            try:
                ticket = services.open_request(
                    actor=request.user,
                    requester=self.requester(),
                    item=item,
                    answers=form.raw_answers(),
                )
            except ValidationError as error:
                form.apply_answer_errors(error)
            else:
                messages.success(request, self.created_message(ticket))
                return redirect("tickets:portal-ticket", ticket.number)
        return self.render_page(item, form, status=400)

    @staticmethod
    def created_message(ticket):
        approvals = Approval.objects.filter(ticket=ticket).select_related(
            "approver", "approver_team"
        )
        names = [approver_name(a) for a in approvals]
        if names:
            return f"{ticket.number} is on its way to {' and '.join(names)} for approval."
        return f"{ticket.number} was sent to IT."
