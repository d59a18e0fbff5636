"""The major incident pages for IT: the list, the major incident page with
its actions, and declaring from the agent's ticket page."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.catalog.models import Service
from stanchion.core.errors import ConflictError
from stanchion.core.tables import Column, Table
from stanchion.core.views import ObjectListView, PermissionRequiredMixin, posted_version
from stanchion.tickets.models import Ticket

from . import services
from .forms import (
    DeclareDirectForm,
    DeclareForm,
    EditForm,
    LinkForm,
    MajorIncidentFilterSet,
    MitigateForm,
    ResolveForm,
    UpdateForm,
)
from .models import MajorIncident
from .views_base import ZonedMixin, form_errors, refused


class StaffOnlyMixin(PermissionRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MajorIncidentTable(Table):
    columns = (
        Column("number", "Major incident", ("number",)),
        Column("priority", "Priority", ("priority", "-declared_at")),
        Column("state", "State", ("state", "-declared_at")),
        Column("services", "Services", (), "hide-narrow"),
        Column("commander", "Commander", ("commander__full_name", "-declared_at"), "hide-narrow"),
        Column("next", "Next update due", ("next_update_due",)),
        Column("declared", "Declared", ("declared_at",)),
    )
    default_sort = "-declared"
    row_template = "majorincidents/rows/major_incident.html"


class MajorIncidentListView(StaffOnlyMixin, ZonedMixin, ObjectListView):
    model = MajorIncident
    title = "Major incidents"
    filterset_class = MajorIncidentFilterSet
    table_class = MajorIncidentTable
    template_name = "majorincidents/list.html"
    empty_title = "No major incidents"
    empty_hint = (
        "Declare one from a P1 or P2 incident's page when an outage needs a "
        "commander, stakeholder updates and a review."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("commander", "ticket")
            .prefetch_related(
                Prefetch("services", queryset=Service.objects.only("id", "name").order_by("name"))
            )
        )

    def get_extra_context(self):
        return {
            "now": timezone.now(),
            "can_declare": has_perm(self.request.user, "majorincident.add"),
        }


def incident_or_404(request, number):
    mi = (
        MajorIncident.objects.visible_to(request.user)
        .select_related("ticket", "commander", "comms_lead", "declared_by")
        .filter(number__iexact=number)
        .first()
    )
    if mi is None:
        raise Http404("No such major incident.")
    return mi


def detail_context(request, mi):
    user = request.user
    now = timezone.now()
    can_change = has_perm(user, "majorincident.change") and mi.is_open
    children = list(
        mi.children.select_related("ticket__requester", "ticket__service").order_by("created_at")
    )
    return {
        "mi": mi,
        "now": now,
        "overdue": mi.update_overdue(now),
        "children": children,
        "suggestions": list(services.suggestions(mi)) if can_change else [],
        "updates": list(mi.updates.select_related("posted_by")),
        "resolvers": list(mi.resolver_people.all()),
        "resolver_teams": list(mi.resolver_teams.all()),
        "affected": list(mi.services.order_by("name")),
        "review": getattr(mi, "review", None) if not mi.is_open else None,
        "can_change": can_change,
        "can_post": has_perm(user, "majorincidentupdate.add") and mi.is_open,
        "forms": {
            "edit": EditForm.for_incident(mi),
            "update": UpdateForm(),
            "mitigate": MitigateForm(),
            "resolve": ResolveForm(),
            "link": LinkForm(),
        },
    }


class MajorIncidentDetailView(StaffOnlyMixin, ZonedMixin, View):
    permission = "majorincident.view"

    def get(self, request, number):
        mi = incident_or_404(request, number)
        return render(request, "majorincidents/detail.html", detail_context(request, mi))


ACTIONS = {
    "edit": "majorincident.change",
    "update": "majorincidentupdate.add",
    "mitigate": "majorincident.change",
    "resolve": "majorincident.change",
    "link": "majorincident.change",
    "unlink": "majorincident.change",
}


class MajorIncidentActionView(StaffOnlyMixin, ZonedMixin, View):
    """POST /major-incidents/<number>/<action>/: one form of the page."""

    permission = "majorincident.view"

    def post(self, request, number, action):
        if action not in ACTIONS:
            raise Http404("No such action.")
        if not has_perm(request.user, ACTIONS[action]):
            raise PermissionDenied
        mi = incident_or_404(request, number)
        back = ("majorincidents:detail", mi.number)
        try:
            done = getattr(self, action.replace("-", "_"))(request, mi)
        except (ValidationError, ConflictError) as error:
            return refused(request, error, *back)
        if done:
            messages.success(request, done)
        return redirect(*back)

    def _form(self, request, form_class):
        form = form_class(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return None
        return form.cleaned_data

    def edit(self, request, mi):
        data = self._form(request, EditForm)
        if data is None:
            return None
        services.edit(mi, data, actor=request.user, expected_version=posted_version(request))
        return "Saved."

    def update(self, request, mi):
        data = self._form(request, UpdateForm)
        if data is None:
            return None
        services.post_update(mi, actor=request.user, body=data["body"])
        return "Update sent to the subscribers and the affected requesters."

    def mitigate(self, request, mi):
        data = self._form(request, MitigateForm)
        if data is None:
            return None
        with _at_labelled("mitigated_at"):
            services.mitigate(
                mi, actor=request.user, at=data["at"], expected_version=posted_version(request)
            )
        return "Marked mitigated: keep the updates going until it is resolved."

    def resolve(self, request, mi):
        data = self._form(request, ResolveForm)
        if data is None:
            return None
        with _at_labelled("resolved_at"):
            services.resolve(
                mi,
                actor=request.user,
                notes=data["notes"],
                code=data["code"],
                at=data["at"],
                expected_version=posted_version(request),
            )
        return "Resolved. The post-incident review is open."

    def link(self, request, mi):
        data = self._form(request, LinkForm)
        if data is None:
            return None
        ticket = _ticket(request, data["ticket"])
        services.link_child(mi, ticket, actor=request.user)
        return f"{ticket.number} linked."

    def unlink(self, request, mi):
        ticket = _ticket(request, request.POST.get("ticket", ""))
        services.unlink_child(mi, ticket, actor=request.user)
        return f"{ticket.number} unlinked."


@contextmanager
def _at_labelled(name):
    """The services name the time ``at`` (as the API does); the page's
    message names it as the form labels it (Impact stopped at, Resolved at)."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict") and "at" in error.error_dict:
            error.error_dict[name] = error.error_dict.pop("at")
        raise


def _ticket(request, number):
    number = (number or "").strip().upper()
    ticket = Ticket.objects.visible_to(request.user).filter(number=number).first()
    if ticket is None:
        raise ValidationError({"ticket": f"There is no ticket {number or '(none given)'}."})
    return ticket


class DeclareView(StaffOnlyMixin, View):
    """POST from the ticket panel: declare this ticket a major incident."""

    permission = "majorincident.add"

    def post(self, request, number):
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user), number=number.upper())
        form = DeclareForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return redirect("tickets:ticket", ticket.number)
        try:
            mi = services.declare(
                ticket,
                actor=request.user,
                title=form.cleaned_data["title"],
                comms_lead=form.cleaned_data["comms_lead"],
            )
        except (ValidationError, ConflictError) as error:
            return refused(request, error, "tickets:ticket", ticket.number)
        messages.success(request, f"{mi.number} declared. You are the incident commander.")
        return redirect("majorincidents:detail", mi.number)


class DeclareDirectView(StaffOnlyMixin, View):
    """/major-incidents/new/: declare an outage nobody has reported yet; the
    incident ticket is opened with it."""

    permission = "majorincident.add"
    template_name = "generic/form.html"

    def get(self, request):
        return self._page(request, DeclareDirectForm(user=request.user))

    def post(self, request):
        form = DeclareDirectForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                mi = services.declare_directly(
                    actor=request.user,
                    requester=data["requester"],
                    title=data["title"],
                    impact=data["impact"],
                    urgency=data["urgency"],
                    service=data["service"],
                    description=data["description"],
                    comms_lead=data["comms_lead"],
                    services=[data["service"]],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{mi.number} declared. You are the incident commander.")
                return redirect("majorincidents:detail", mi.number)
        return self._page(request, form, status=400)

    def _page(self, request, form, status=200):
        context = {
            "title": "Declare a major incident",
            "verbose_name": "major incident",
            "form": form,
            "cancel_url": reverse("majorincidents:list"),
        }
        return render(request, self.template_name, context, status=status)


def _add_errors(form, error):
    """The service's refusal on the form: on the named field where the form
    has one, above the form otherwise."""
    named = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, texts in named.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
