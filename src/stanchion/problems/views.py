"""The problem pages: the list (with known-error search), a problem's page
with its actions, and raising and editing problems. Everything here is for
IT staff: requesters hold no problem permission and get 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.catalog.models import Service
from stanchion.changes.views_base import error_text
from stanchion.core.errors import ConflictError
from stanchion.core.tables import Column, Table
from stanchion.core.views import (
    ObjectEditView,
    ObjectListView,
    PermissionRequiredMixin,
    audit_url,
    posted_version,
)

from . import services
from .choices import ProblemState
from .forms import CommentForm, LinkForm, ProblemFilterSet, ProblemForm, StateForm
from .models import Problem, ProblemIncident
from .timeline import describe
from .workflows import allowed_next


class ProblemPageMixin(PermissionRequiredMixin):
    permission = "problem.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def problem_for(request, number):
    return get_object_or_404(
        Problem.objects.visible_to(request.user), number=number.strip().upper()
    )


class ProblemTable(Table):
    columns = (
        Column("number", "Problem", ("number",)),
        Column("state", "State", ("state", "-created_at")),
        Column("priority", "Priority", ("priority", "-created_at")),
        Column("services", "Services", (), "hide-narrow"),
        Column("cause", "Root cause", ("root_cause_category__name", "-created_at"), "hide-narrow"),
        Column("incidents", "Incidents", ("incident_count", "-created_at"), "num"),
        Column("created", "Raised", ("created_at",), "hide-narrow"),
    )
    default_sort = "-created"
    row_template = "problems/rows/problem.html"


class ProblemListView(ProblemPageMixin, ObjectListView):
    model = Problem
    title = "Problems and known errors"
    filterset_class = ProblemFilterSet
    table_class = ProblemTable
    template_name = "problems/problem_list.html"
    create_url_name = "problems:problem-new"
    empty_title = "No problems yet"
    empty_hint = (
        "Raise a problem when incidents keep coming back: find the cause, write the "
        "workaround down as a known error, and fix it for good with a change."
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("root_cause_category", "assignment_team")
            .annotate(incident_count=Count("incident_links"))
            .prefetch_related(
                Prefetch("services", queryset=Service.objects.only("id", "name").order_by("name"))
            )
        )


class ProblemEditView(ProblemPageMixin, ObjectEditView):
    model = Problem
    form_class = ProblemForm
    template_name = "generic/form.html"
    update_service = staticmethod(services.update_problem)
    permission = None

    @property
    def creating(self):
        return "number" not in self.kwargs

    def get_object(self):
        return problem_for(self.request, self.kwargs["number"])

    def create(self, form):
        return services.create_problem(actor=self.request.user, **form.cleaned_data)

    def success_url(self, obj):
        return reverse("problems:problem-detail", args=[obj.number])


def detail_context(request, problem):
    user = request.user
    links = list(
        ProblemIncident.objects.filter(problem=problem)
        .select_related("incident", "incident__service", "linked_by")
        .order_by("incident__created_at")
    )
    events = [
        {"event": e, "words": describe(e)}
        for e in problem.events.select_related("actor").order_by("-at", "-id")
    ]
    working = has_perm(user, "problem.change") and problem.state != ProblemState.CLOSED
    return {
        "problem": problem,
        "title": str(problem),
        "version": problem.version,
        "links": links,
        "events": events,
        "services": list(problem.services.order_by("name")),
        "next_states": [(s, ProblemState.label(s)) for s in allowed_next(problem.state)]
        if working
        else [],
        "can_edit": working,
        "can_link": has_perm(user, "problemincident.add") and problem.state != ProblemState.CLOSED,
        "can_unlink": has_perm(user, "problemincident.delete"),
        "can_comment": has_perm(user, "problem.comment"),
        "state_form": StateForm(),
        "link_form": LinkForm(),
        "comment_form": CommentForm(),
        "history_url": audit_url(problem) if has_perm(user, "auditentry.view") else "",
    }


class ProblemDetailView(ProblemPageMixin, View):
    def get(self, request, number):
        problem = problem_for(request, number)
        return render(request, "problems/problem_detail.html", detail_context(request, problem))


ACTIONS = {
    "move": ("problem.change", StateForm),
    "link": ("problemincident.add", LinkForm),
    "unlink": ("problemincident.delete", None),
    "comment": ("problem.comment", CommentForm),
}


def _next_url(request, problem):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("problems:problem-detail", args=[problem.number])


class ProblemActionView(ProblemPageMixin, View):
    """POST only: one action on a problem, then back to its page (or to the
    ticket the link was made from), with the service's refusal as a message
    naming the field."""

    def post(self, request, number, action):
        if action not in ACTIONS:
            return render(
                request, "web/error.html", {"status": 404, "message": "Unknown action."}, status=404
            )
        permission, form_class = ACTIONS[action]
        if not has_perm(request.user, permission):
            raise PermissionDenied
        problem = problem_for(request, number)
        back = _next_url(request, problem)
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                label = (field.label or name.capitalize()) if field else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect(back)
        try:
            done = self.perform(request, problem, action, form)
        except (ValidationError, ConflictError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, done)
        return redirect(back)

    def perform(self, request, problem, action, form):
        user = request.user
        if action == "move":
            moved = services.move_problem(
                problem,
                form.cleaned_data["state"],
                actor=user,
                expected_version=posted_version(request),
                note=form.cleaned_data["note"],
            )
            return f"{moved.number} is now {ProblemState.label(moved.state).lower()}."
        if action == "link":
            link = services.link_incident(
                problem, form.cleaned_data["incident"], actor=user, note=form.cleaned_data["note"]
            )
            return f"{link.incident.number} is linked to {problem.number}."
        if action == "unlink":
            raw = request.POST.get("link", "").strip()
            link = None
            # "²".isdigit() is true but int() refuses it; 18 digits fit a bigint.
            if raw.isascii() and raw.isdigit() and len(raw) <= 18:
                link = ProblemIncident.objects.filter(problem=problem, pk=int(raw)).first()
            if link is None:
                raise ValidationError({"link": "That incident is not linked to this problem."})
            number = link.incident.number
            services.unlink_incident(link, actor=user)
            return f"{number} is no longer linked to {problem.number}."
        services.add_comment(problem, actor=user, body=form.cleaned_data["body"])
        return "Comment added."
