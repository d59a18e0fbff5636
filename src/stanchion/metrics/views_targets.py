"""The organisation's KPI targets: every IT role reads them, IT
administrators change them. Each save goes through the generic service
functions (audited, version-checked); resetting deletes the organisation's
row so the registry's default applies again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.errors import ConflictError
from stanchion.core.services import creator, delete_record, update_fields
from stanchion.core.views import is_htmx_swap

from .forms import KpiTargetForm
from .models import KpiTarget
from .registry import HIGHER, kpis
from .views_common import KpiView, format_value

create_target = creator(KpiTarget)


def _shown(kpi, number):
    return "—" if number is None else format_value(number, kpi.unit)


def target_rows(saved):
    """A row per KPI and per priority target: the default, the
    organisation's own value (if any) and its version."""
    rows = []
    for kpi in kpis.all():
        slots = [("", (kpi.target, kpi.warning))]
        slots += [(p, kpi.priority_targets[p]) for p in sorted(kpi.priority_targets)]
        for priority, (target, warning) in slots:
            own = saved.get((kpi.key, priority))
            rows.append(
                {
                    "id": f"{kpi.key}-{priority}" if priority else kpi.key,
                    "kpi": kpi,
                    "priority": priority,
                    "priority_label": priority.upper() if priority else "All",
                    "sign": "≥" if kpi.direction == HIGHER else "≤",
                    "default": (_shown(kpi, target), _shown(kpi, warning)),
                    "own": own,
                    "target": own.target if own else target,
                    "warning": (own.warning if own else warning),
                    "version": own.version if own else 0,
                    "errors": {},
                }
            )
    return rows


class TargetsView(KpiView, View):
    permission = "kpitarget.view"
    template_name = "metrics/targets.html"
    partial = False  # answering htmx with one row

    def page(self, rows, status=200, only=None):
        """The whole page, or under htmx just the row that was posted
        (``only``: its KPI key and priority)."""
        context = {
            "title": "KPI targets",
            "rows": rows,
            "can_change": has_perm(self.request.user, "kpitarget.change"),
            "can_reset": has_perm(self.request.user, "kpitarget.delete"),
        }
        if only is not None and self.partial:
            row = next(r for r in rows if (r["kpi"].key, r["priority"]) == only)
            return render(
                self.request, "metrics/includes/target_row.html", {**context, "row": row},
                status=status,
            )  # fmt: skip
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        saved = {(t.kpi, t.priority): t for t in KpiTarget.objects.all()}
        return self.page(target_rows(saved))

    def post(self, request):
        resetting = request.POST.get("action") == "reset"
        posted = request.POST.get("kpi", ""), request.POST.get("priority", "")
        row_id = "-".join(part for part in posted if part)
        self.partial = is_htmx_swap(request, f"kpi-{row_id}")
        if not has_perm(request.user, "kpitarget.delete" if resetting else "kpitarget.change"):
            raise PermissionDenied
        data = request.POST.copy()
        if resetting and not data.get("target"):
            data["target"] = "0"  # the value is not used when resetting
        form = KpiTargetForm(data)
        if not form.is_valid():
            return self.failed(form, {n: e for n, e in form.errors.items()})
        key, priority = form.cleaned_data["kpi"], form.cleaned_data["priority"]
        version = form.cleaned_data["version"] or 0
        current = KpiTarget.objects.filter(kpi=key, priority=priority).first()
        kpi = kpis.get(key)
        label = kpi.name + (f" ({priority.upper()})" if priority else "")
        if (current.version if current else 0) != version:
            return self.conflict(form, current, label)
        try:
            if resetting:
                if current is not None:
                    delete_record(current, actor=request.user, expected_version=version)
                note = f"{label} is back to its default target."
            else:
                fields = {
                    "target": form.cleaned_data["target"],
                    "warning": form.cleaned_data["warning"],
                }
                if current is None:
                    create_target(actor=request.user, kpi=key, priority=priority, **fields)
                else:
                    update_fields(current, fields, actor=request.user, expected_version=version)
                note = f"The target for {label} was saved."
        except ConflictError as error:
            return self.conflict(form, error.instance, label)
        except IntegrityError:
            # Someone created this row between our read and our insert.
            now = KpiTarget.objects.filter(kpi=key, priority=priority).first()
            return self.conflict(form, now, label)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                return self.failed(form, error.message_dict)
            errors = {"__all__": error.messages}
            return self.failed(form, errors)
        if self.partial:
            saved = {(t.kpi, t.priority): t for t in KpiTarget.objects.all()}
            rows = target_rows(saved)
            for row in rows:
                if (row["kpi"].key, row["priority"]) == (key, priority):
                    row["note"] = note
            return self.page(rows, only=(key, priority))
        messages.success(request, note)
        return redirect(f"{reverse('metrics:targets')}#kpi-{row_id}")

    def conflict(self, form, current, label):
        if current is None:
            now = "it was reset to the default"
        else:
            now = f"it is now {current.target:g}" + (
                f" with warning {current.warning:g}" if current.warning is not None else ""
            )
        message = (
            f"Someone changed the target for {label} since you opened this page: {now}. "
            "Check it below and save again if yours should win."
        )
        return self.failed(form, {"__all__": [message]}, status=409)

    def failed(self, form, errors, status=400):
        saved = {(t.kpi, t.priority): t for t in KpiTarget.objects.all()}
        rows = target_rows(saved)
        key = form.data.get("kpi", "")
        priority = form.data.get("priority", "")
        matched = False
        for row in rows:
            if row["kpi"].key == key and row["priority"] == priority:
                matched = True
                row["errors"] = {name: list(messages_) for name, messages_ in errors.items()}
                if status != 409:  # on a conflict the row shows what is saved now
                    row["target"] = form.data.get("target", "")
                    row["warning"] = form.data.get("warning", "")
        if matched:
            return self.page(rows, status=status, only=(key, priority))
        # No row to show the errors in: an unknown KPI or priority.
        messages_ = [f"{name}: {' '.join(m)}" for name, m in errors.items()]
        return render(
            self.request,
            "metrics/bad_parameter.html",
            {"title": "Bad parameter", "field": next(iter(errors)), "message": " ".join(messages_)},
            status=400,
        )
