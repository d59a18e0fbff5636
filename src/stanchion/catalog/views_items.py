"""Catalog items for IT: what can be requested, its form, approval, promised
delivery and the fulfilment tasks (a stage's tasks run in parallel)."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect

from stanchion.core.errors import ConflictError
from stanchion.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    apply_errors,
    conflict_rows,
    posted_version,
)

from . import services
from .filtersets import CatalogItemFilterSet
from .forms import CatalogItemForm, TaskFormSet, tasks_from, tasks_initial
from .models import CatalogItem, FulfilmentTaskTemplate, WorkingInterval
from .tables import CatalogItemTable
from .views_common import StaffPageMixin, delivery_in_words, working_day_hours
from .views_portal import offering

ORDERED_TASKS = Prefetch(
    "task_templates",
    queryset=FulfilmentTaskTemplate.objects.select_related("team").order_by("stage", "id"),
)


class CatalogItemListView(StaffPageMixin, ObjectListView):
    model = CatalogItem
    title = "Catalog items"
    filterset_class = CatalogItemFilterSet
    table_class = CatalogItemTable
    template_name = "catalog/item_list.html"
    create_url_name = "catalog:item-create"
    empty_title = "No catalog items yet"
    empty_hint = "Catalog items are what employees can ask for: a laptop, access, a licence."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("service", "approval_team")
            .annotate(task_count=Count("task_templates"))
        )


def stages(templates):
    """[(stage, [tasks])] in order: tasks of one stage run in parallel."""
    return [(stage, list(tasks)) for stage, tasks in groupby(templates, key=lambda t: t.stage)]


class CatalogItemDetailView(StaffPageMixin, ObjectDetailView):
    model = CatalogItem
    template_name = "catalog/item_detail.html"
    edit_url_name = "catalog:item-edit"
    delete_url_name = "catalog:item-delete"

    def get_queryset(self):
        hours = Prefetch(
            "service__calendar__intervals",
            queryset=WorkingInterval.objects.order_by("weekday", "start"),
        )
        return (
            super()
            .get_queryset()
            .select_related("service__calendar", "approval_team")
            .prefetch_related(ORDERED_TASKS, hours)
        )

    def get_extra_context(self, item):
        calendar = item.service.calendar
        hours = list(calendar.intervals.all())
        day = working_day_hours(calendar, hours)
        return {
            "offer": offering(item, calendar, hours),
            "day_hours": day,
            "delivery_words": delivery_in_words(
                item.delivery_target, day, around_the_clock=calendar.is_24x7
            ),
            "stages": stages(item.task_templates.all()),
            "in_portal": item.is_active
            and item.service.status == "live"
            and item.service.visible_in_portal,
        }


class CatalogItemEditView(StaffPageMixin, ObjectEditView):
    """The item's fields and its fulfilment tasks, saved together: the tasks
    are replaced as a whole, under the item's version."""

    model = CatalogItem
    form_class = CatalogItemForm
    template_name = "catalog/item_form.html"
    detail_url_name = "catalog:item-detail"

    def get_form(self, data=None, instance=None):
        initial = {}
        if instance is None and data is None and self.request.GET.get("service", "").isdigit():
            initial["service"] = self.request.GET["service"]
        return self.form_class(data=data, instance=instance, initial=initial)

    def get_formset(self, data=None, instance=None):
        if data is not None:
            return TaskFormSet(data, prefix="tasks")
        initial = tasks_initial(instance.task_templates.order_by("stage", "id")) if instance else []
        return TaskFormSet(initial=initial, prefix="tasks")

    def render_form(self, form, obj=None, version=None, conflict=None, status=200, formset=None):
        self.formset = formset if formset is not None else self.get_formset(instance=obj)
        return super().render_form(form, obj, version, conflict, status)

    def context(self, **extra):
        return super().context(formset=getattr(self, "formset", None), **extra)

    def post(self, request, *args, **kwargs):
        formset = self.get_formset(request.POST)
        if self.creating:
            form = self.get_form(request.POST)
            if form.is_valid() and formset.is_valid():
                try:
                    item = services.create_catalog_item(
                        actor=request.user, tasks=tasks_from(formset), **form.cleaned_data
                    )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, f"{item} was created.")
                    return redirect(self.success_url(item))
            return self.render_form(form, status=400, formset=formset)
        return self.update_item(request, formset)

    def update_item(self, request, formset):
        item = self.get_object()
        form = self.get_form(request.POST, instance=item)
        version = posted_version(request)
        if version is None:
            form.add_error(None, "The form is missing the record's version; reload the page.")
            return self.render_form(form, item, item.version, status=400, formset=formset)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_form(form, item, version, status=400, formset=formset)
        tasks = tasks_from(formset)
        current_tasks = [
            (t.stage, t.title, t.team, t.description)
            for t in item.task_templates.order_by("stage", "id")
        ]
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes and tasks == current_tasks:
            messages.info(request, "Nothing was changed.")
            return redirect(self.success_url(item))
        try:
            saved = services.update_catalog_item(
                item,
                changes,
                tasks=tasks if tasks != current_tasks else None,
                actor=request.user,
                expected_version=version,
            )
        except ConflictError as conflict:
            current = conflict.instance
            return self.render_form(
                form,
                current,
                current.version,
                conflict={"message": str(conflict), "rows": conflict_rows(form, current)},
                status=409,
                formset=formset,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_form(form, item, version, status=400, formset=formset)
        messages.success(request, f"{saved} was saved.")
        return redirect(self.success_url(saved))


class CatalogItemDeleteView(StaffPageMixin, ObjectDeleteView):
    model = CatalogItem
    detail_url_name = "catalog:item-detail"
    success_url_name = "catalog:item-list"
