"""Generic list, detail, edit and delete pages that every app reuses.

Each view declares the permission it needs; querysets come from
``Model.objects.visible_to(user)``, so a record the user may not see is a 404,
and a page their role does not include is a 403. Writes go only through
service functions: creation through the view's ``create_service``, edits
through ``core.services.update_fields`` with the version the user saw.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from stanchion.accounts.roles import has_perm

from .errors import ConflictError
from .services import delete_record, update_fields

LIST_TARGET = "list-results"
BLANK_LABEL = "---------"  # Django's and django-filter's default empty choice


def audit_url(instance):
    """The audit trail filtered to one record."""
    query = urlencode(
        {
            "model": f"{instance._meta.app_label}.{instance._meta.model_name}",
            "object_id": instance.pk,
        }
    )
    return f"{reverse('audit-list')}?{query}"


def posted_version(request):
    """The record version a form carried (its hidden ``version`` field), or
    None when it is missing or garbled: every versioned edit form reads it
    this way and refuses None with a message."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def is_htmx_swap(request, target):
    """True when htmx asks for just ``target`` (not a history restore, which
    needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and not request.headers.get("HX-History-Restore-Request")
        and request.headers.get("HX-Target") == target
    )


def apply_errors(form, error):
    """Show a service's ValidationError next to the fields it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages_ in error.message_dict.items():
        if name in form.fields:
            form.add_error(name, messages_)
        else:
            prefix = "" if name == "__all__" else f"{name.replace('_', ' ').capitalize()}: "
            form.add_error(None, [prefix + m for m in messages_])


class PermissionRequiredMixin:
    """Anonymous users go to the login page; users lacking ``permission`` get 403."""

    permission: str | None = None  # None: any signed-in user

    def get_permission(self):
        return self.permission

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        permission = self.get_permission()
        if permission and not has_perm(request.user, permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ModelViewMixin(PermissionRequiredMixin):
    model: type[Model]

    @property
    def model_name(self):
        return self.model._meta.model_name

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def context(self, **extra):
        meta = self.model._meta
        return {
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            **extra,
        }


def tidy_filter_form(form, request):
    """Readable empty choices, and a search box that filters as you type."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):  # lazy choices: never list() them
            if field.empty_label == BLANK_LABEL:
                field.empty_label = "Any"
        elif isinstance(field, forms.ChoiceField):
            field.widget.choices = [
                ("", "Any") if value == "" and label == BLANK_LABEL else (value, label)
                for value, label in field.widget.choices
            ]
    if "q" in form.fields:
        form.fields["q"].widget = forms.SearchInput(
            attrs={
                "placeholder": "Search…",
                "autocomplete": "off",
                "data-search": "",
                "hx-get": request.path,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-include": "closest form",
            }
        )


class ObjectListView(ModelViewMixin, View):
    filterset_class = None
    table_class = None
    template_name = "generic/list.html"
    results_template = "generic/list_results.html"
    paginate_by = 50
    title = ""
    create_url_name = ""
    empty_title = ""
    empty_hint = ""

    def get_permission(self):
        return self.permission or f"{self.model_name}.view"

    def get_extra_context(self):
        return {}

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
            tidy_filter_form(filterset.form, request)
            queryset = filterset.qs if filterset.is_valid() else queryset.none()
        table = self.table_class(request.GET)
        page = Paginator(table.order(queryset), self.paginate_by).get_page(request.GET.get("page"))
        filtered = any(v for k, v in request.GET.items() if k not in ("sort", "page"))
        create_permission = f"{self.model_name}.add"
        context = self.context(
            title=self.title or self.model._meta.verbose_name_plural.capitalize(),
            filterset=filterset,
            table=table,
            page=page,
            filtered=filtered,
            list_target=LIST_TARGET,
            create_url=(
                reverse(self.create_url_name)
                if self.create_url_name and has_perm(request.user, create_permission)
                else ""
            ),
            empty_title=self.empty_title,
            empty_hint=self.empty_hint,
            **self.get_extra_context(),
        )
        partial = context["partial"] = is_htmx_swap(request, LIST_TARGET)
        response = render(
            request, self.results_template if partial else self.template_name, context
        )
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response


class ObjectDetailView(ModelViewMixin, View):
    template_name = ""
    edit_url_name = ""
    delete_url_name = ""

    def get_permission(self):
        return self.permission or f"{self.model_name}.view"

    def get_extra_context(self, obj):
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        user = request.user

        def url_if(name, permission):
            return reverse(name, args=[obj.pk]) if name and has_perm(user, permission) else ""

        context = self.context(
            object=obj,
            title=str(obj),
            history_url=audit_url(obj) if has_perm(user, "auditentry.view") else "",
            edit_url=url_if(self.edit_url_name, f"{self.model_name}.change"),
            delete_url=url_if(self.delete_url_name, f"{self.model_name}.delete"),
            **self.get_extra_context(obj),
        )
        return render(request, self.template_name, context)


def _display(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def conflict_rows(form, current):
    """(label, what the user submitted, what is saved now) for each field that differs."""
    rows = []
    for name in form.fields:
        if name not in form.cleaned_data or not hasattr(current, name):
            continue
        mine, saved = form.cleaned_data[name], getattr(current, name)
        if mine == saved:
            continue
        field = current._meta.get_field(name)
        if field.choices and not field.is_relation:
            labels = dict(field.flatchoices)
            mine, saved = labels.get(mine, mine), labels.get(saved, saved)
        rows.append((form.fields[name].label, _display(mine), _display(saved)))
    return rows


class ObjectEditView(ModelViewMixin, View):
    """Create (no ``pk`` in the URL) or edit one record through a ModelForm."""

    form_class: type[forms.ModelForm]
    template_name = "generic/form.html"
    create_service = None  # callable(*, actor, **cleaned_data) -> instance
    # callable(instance, changes, *, actor, expected_version) -> instance
    update_service = staticmethod(update_fields)
    detail_url_name = ""

    @property
    def creating(self):
        return "pk" not in self.kwargs

    def get_permission(self):
        action = "add" if self.creating else "change"
        return self.permission or f"{self.model_name}.{action}"

    def get_form(self, data=None, instance=None):
        return self.form_class(data=data, instance=instance)

    @staticmethod
    def tidy_blank_choices(form):
        for field in form.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == BLANK_LABEL:
                field.empty_label = "—"

    def create(self, form):
        return self.create_service(actor=self.request.user, **form.cleaned_data)

    def success_url(self, obj):
        return reverse(self.detail_url_name, args=[obj.pk])

    def render_form(self, form, obj=None, version=None, conflict=None, status=200):
        self.tidy_blank_choices(form)
        title = f"New {self.model._meta.verbose_name}" if obj is None else f"Edit {obj}"
        context = self.context(
            form=form,
            object=obj,
            title=title,
            version=version,
            conflict=conflict,
            cancel_url=self.success_url(obj) if obj is not None else "",
        )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        if self.creating:
            return self.render_form(self.get_form())
        obj = self.get_object()
        return self.render_form(self.get_form(instance=obj), obj, obj.version)

    def post(self, request, *args, **kwargs):
        if self.creating:
            form = self.get_form(request.POST)
            if form.is_valid():
                try:
                    obj = self.create(form)
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, f"{obj} was created.")
                    return redirect(self.success_url(obj))
            return self.render_form(form, status=400)
        return self.update(request)

    def update(self, request):
        obj = self.get_object()
        version = posted_version(request)
        form = self.get_form(request.POST, instance=obj)
        if version is None:
            form.add_error(None, "The form is missing the record's version; reload the page.")
            return self.render_form(form, obj, obj.version, status=400)
        if not form.is_valid():
            return self.render_form(form, obj, version, status=400)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes:
            messages.info(request, "Nothing was changed.")
            return redirect(self.success_url(obj))
        try:
            saved = self.update_service(obj, changes, actor=request.user, expected_version=version)
        except ConflictError as conflict:
            current = conflict.instance
            # Carry the current version: saving again now is a deliberate overwrite
            # of values the user has just been shown.
            return self.render_form(
                form,
                current,
                current.version,
                conflict={"message": str(conflict), "rows": conflict_rows(form, current)},
                status=409,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_form(form, obj, version, status=400)
        messages.success(request, f"{saved} was saved.")
        return redirect(self.success_url(saved))


class ObjectDeleteView(ModelViewMixin, View):
    """GET asks for confirmation; POST deletes through ``delete_service``."""

    template_name = "generic/confirm_delete.html"
    delete_service = staticmethod(delete_record)
    detail_url_name = ""
    success_url_name = ""

    def get_permission(self):
        return self.permission or f"{self.model_name}.delete"

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(
            request,
            self.template_name,
            self.context(object=obj, title=f"Delete {obj}", cancel_url=self.detail_url(obj)),
        )

    def detail_url(self, obj):
        return reverse(self.detail_url_name, args=[obj.pk])

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        version = posted_version(request)
        try:
            self.delete_service(obj, actor=request.user, expected_version=version)
        except ConflictError as conflict:
            messages.error(request, f"{conflict} Review it before deleting.")
            return redirect(self.detail_url(obj))
        except (ProtectedError, RestrictedError) as error:
            names = sorted({str(o._meta.verbose_name_plural) for o in error.protected_objects})
            messages.error(request, f"{obj} is still used by {', '.join(names)}; not deleted.")
            return redirect(self.detail_url(obj))
        messages.success(request, f"{obj} was deleted.")
        return redirect(reverse(self.success_url_name))
