"""Problem candidates (recurring incidents found by ``detection``), the
detection thresholds, and the root-cause taxonomy."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.changes.views_base import error_text
from stanchion.core.errors import ConflictError
from stanchion.core.services import creator
from stanchion.core.tables import Column, Table
from stanchion.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    apply_errors,
    posted_version,
)

from . import detection, services
from .forms import RaiseForm, RecurrenceSettingsForm, RootCauseCategoryForm
from .models import RecurrenceSettings, RootCauseCategory
from .views import ProblemPageMixin


class CandidateListView(ProblemPageMixin, View):
    """Clusters of recurring incidents no problem explains yet, with the
    evidence, and a button that raises a problem from each."""

    def get(self, request):
        settings = RecurrenceSettings.current()
        candidates = detection.find_candidates(settings=settings)
        return render(
            request,
            "problems/candidates.html",
            {
                "title": "Problem candidates",
                "settings": settings,
                "max_per_group": detection.MAX_PER_GROUP,
                "candidates": [
                    (c, RaiseForm(initial={"incidents": c.key, "title": c.incidents[0].title}))
                    for c in candidates
                ],
                "can_raise": has_perm(request.user, "problem.add"),
                "can_tune": has_perm(request.user, "recurrencesettings.change"),
            },
        )

    def post(self, request):
        if not has_perm(request.user, "problem.add"):
            raise PermissionDenied
        form = RaiseForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                messages.error(request, f"{name.capitalize()}: {' '.join(errors)}")
            return redirect("problems:candidates")
        try:
            problem = services.raise_from_cluster(
                form.cleaned_data["incidents"],
                actor=request.user,
                title=form.cleaned_data["title"],
                priority=form.cleaned_data["priority"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("problems:candidates")
        messages.success(
            request, f"{problem.number} was raised with {problem.incident_links.count()} incidents."
        )
        return redirect("problems:problem-detail", problem.number)


class RecurrenceSettingsView(ProblemPageMixin, View):
    permission = "recurrencesettings.change"

    def page(self, form, version, status=200):
        return render(
            self.request,
            "problems/settings.html",
            {"title": "Recurring-incident detection", "form": form, "version": version},
            status=status,
        )

    def get(self, request):
        current = RecurrenceSettings.current()
        return self.page(RecurrenceSettingsForm(instance=current), current.version)

    def post(self, request):
        current = RecurrenceSettings.current()
        form = RecurrenceSettingsForm(request.POST, instance=RecurrenceSettings.current())
        if not form.is_valid():
            return self.page(form, posted_version(request), status=400)
        try:
            services.update_recurrence_settings(
                form.cleaned_data,
                actor=request.user,
                expected_version=posted_version(request) if current.pk else None,
            )
        except ConflictError as conflict:
            form.add_error(None, error_text(conflict))
            return self.page(form, conflict.instance.version, status=409)
        except ValidationError as error:
            apply_errors(form, error)
            return self.page(form, posted_version(request), status=400)
        messages.success(request, "The detection thresholds were saved.")
        return redirect("problems:candidates")


# ---- Root-cause taxonomy ---------------------------------------------------


class RootCauseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    is_active = django_filters.BooleanFilter(label="In use")

    class Meta:
        model = RootCauseCategory
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class RootCauseTable(Table):
    columns = (
        Column("name", "Root-cause category", ("name",)),
        Column("problems", "Problems", ("problem_count", "name"), "num"),
        Column("status", "Status", ("-is_active", "name")),
    )
    default_sort = "name"
    row_template = "problems/rows/root_cause.html"


class RootCauseMixin(ProblemPageMixin):
    model = RootCauseCategory
    permission = None


class RootCauseListView(RootCauseMixin, ObjectListView):
    filterset_class = RootCauseFilterSet
    table_class = RootCauseTable
    title = "Root-cause categories"
    create_url_name = "problems:rootcause-create"
    empty_title = "No root-cause categories yet"
    empty_hint = "Name the kinds of cause your problems come down to, to count which recur."

    def get_queryset(self):
        return super().get_queryset().annotate(problem_count=Count("problems"))


class RootCauseDetailView(RootCauseMixin, ObjectDetailView):
    template_name = "problems/root_cause_detail.html"
    edit_url_name = "problems:rootcause-edit"
    delete_url_name = "problems:rootcause-delete"

    def get_extra_context(self, obj):
        problems = obj.problems.visible_to(self.request.user).order_by("-created_at")
        return {"problems": problems[:50], "problem_count": problems.count()}


class RootCauseEditView(RootCauseMixin, ObjectEditView):
    form_class = RootCauseCategoryForm
    create_service = staticmethod(creator(RootCauseCategory))
    detail_url_name = "problems:rootcause-detail"


class RootCauseDeleteView(RootCauseMixin, ObjectDeleteView):
    detail_url_name = "problems:rootcause-detail"
    success_url_name = "problems:rootcause-list"
