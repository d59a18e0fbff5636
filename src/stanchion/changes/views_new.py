"""Raising a change (choose a standard template, a normal or an emergency
change, then fill in the plan, the times and the risk questionnaire) and
editing its plan later. Times are read and shown in the viewer's zone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from stanchion.core.errors import ConflictError
from stanchion.core.views import apply_errors, posted_version

from . import services
from .choices import ChangeType
from .forms import ChangeForm, RiskForm
from .models import ChangeTemplate
from .views_base import ChangePageMixin, viewer_zone, zone_help
from .views_change import get_change

TYPE_HELP = {
    ChangeType.STANDARD: "Pre-approved from a template: low risk, scheduled at once when "
    "nothing conflicts.",
    ChangeType.NORMAL: "Assessed for risk and approved as its risk level requires "
    "(team manager, service owner, CAB).",
    ChangeType.EMERGENCY: "Expedited approval by the emergency approvers; a retrospective "
    "is required before it closes.",
}


def answers_initial(change):
    return {key: str(value) for key, value in (change.risk_answers or {}).items()}


class NewChangeView(ChangePageMixin, View):
    permission = "change.add"

    def kind(self, request):
        """(change type, template) from the query or the posted form; None
        when the user has not chosen yet."""
        source = request.POST if request.method == "POST" else request.GET
        raw_template = source.get("template", "")
        if raw_template:
            template = ChangeTemplate.objects.filter(
                pk=raw_template if raw_template.isdigit() else None, is_active=True
            ).first()
            return (ChangeType.STANDARD, template) if template else (None, None)
        change_type = source.get("type", "")
        if change_type in (ChangeType.NORMAL, ChangeType.EMERGENCY):
            return change_type, None
        return None, None

    def render_choice(self, status=200, error=""):
        templates = ChangeTemplate.objects.filter(is_active=True).prefetch_related("services")
        context = {
            "title": "New change",
            "templates": templates.order_by("name"),
            "type_help": TYPE_HELP,
            "error": error,
        }
        return render(self.request, "changes/change_new_choice.html", context, status=status)

    def render_form(self, change_type, template, form, risk_form, status=200):
        zone_help(form, viewer_zone(self.request.user), "planned_start", "planned_end")
        context = {
            "title": f"New {ChangeType.label(change_type).lower()} change",
            "change_type": change_type,
            "template": template,
            "form": form,
            "risk_form": risk_form,
            "type_help": TYPE_HELP[change_type],
            "viewer_zone": viewer_zone(self.request.user),
        }
        return render(self.request, "changes/change_form.html", context, status=status)

    def get(self, request):
        change_type, template = self.kind(request)
        if change_type is None:
            wanted = request.GET.get("template") or request.GET.get("type")
            if wanted:
                return self.render_choice(
                    status=400, error="Choose a standard template, a normal or an emergency change."
                )
            return self.render_choice()
        standard = change_type == ChangeType.STANDARD
        initial = {}
        if template is not None:
            initial = {
                "title": template.name,
                "services": [s.pk for s in template.services.all()],
                "implementer_team": template.implementer_team_id,
            }
        initial["owner"] = request.user.pk
        form = ChangeForm(initial=initial, standard=standard)
        return self.render_form(change_type, template, form, None if standard else RiskForm())

    def post(self, request):
        change_type, template = self.kind(request)
        if change_type is None:
            return self.render_choice(
                status=400, error="Choose a standard template, a normal or an emergency change."
            )
        standard = change_type == ChangeType.STANDARD
        with timezone.override(viewer_zone(request.user)):
            form = ChangeForm(request.POST, standard=standard)
            risk_form = None if standard else RiskForm(request.POST)
            valid = form.is_valid() & (risk_form is None or risk_form.is_valid())
        if not valid:
            return self.render_form(change_type, template, form, risk_form, status=400)
        fields = form.values()
        if risk_form is not None:
            fields["risk_answers"] = risk_form.answers()
        try:
            change = services.create_change(
                actor=request.user,
                change_type=change_type,
                template=template,
                title=fields.pop("title"),
                services=fields.pop("services"),
                **fields,
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_form(change_type, template, form, risk_form, status=400)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "Your role may not raise changes.")
            return self.render_form(change_type, template, form, risk_form, status=403)
        messages.success(request, f"{change.number} was raised as a draft. Submit it when ready.")
        return redirect("changes:change-detail", number=change.number)


class EditChangeView(ChangePageMixin, View):
    """Edit the plan of a change that has not started. Re-planning the times
    or services of an approved or scheduled change sends it back to
    assessment (its approvals are superseded), as the page warns."""

    permission = "change.change"
    EDITABLE = ("draft", "assessment", "authorisation", "scheduled", "implementing", "review")
    WORK_STATES = ("implementing", "review")

    def get_change(self, request, number):
        change = get_change(request, number)
        if change.state not in self.EDITABLE:
            return None, change
        return change, change

    def render_form(self, change, form, risk_form, version, status=200, conflict=""):
        zone_help(form, viewer_zone(self.request.user), "planned_start", "planned_end")
        context = {
            "title": f"Edit {change.number}",
            "change": change,
            "change_type": change.change_type,
            "form": form,
            "risk_form": risk_form,
            "version": version,
            "conflict": conflict,
            "replans": change.state in ("authorisation", "scheduled"),
            "viewer_zone": viewer_zone(self.request.user),
        }
        with timezone.override(context["viewer_zone"]):
            return render(self.request, "changes/change_form.html", context, status=status)

    def refuse(self, request, change):
        messages.error(
            request, f"{change.number} is {change.get_state_display().lower()}: its plan is final."
        )
        return redirect("changes:change-detail", number=change.number)

    def get(self, request, number):
        change, found = self.get_change(request, number)
        if change is None:
            return self.refuse(request, found)
        standard = change.change_type == ChangeType.STANDARD
        working = change.state in self.WORK_STATES
        form = ChangeForm(
            initial=ChangeForm.initial_for(change), standard=standard, words_only=working
        )
        risk_form = None
        if not standard and not working:
            risk_form = RiskForm(
                initial={k: str(v) for k, v in (change.risk_answers or {}).items()}
            )
        return self.render_form(change, form, risk_form, change.version)

    def post(self, request, number):
        change, found = self.get_change(request, number)
        if change is None:
            return self.refuse(request, found)
        standard = change.change_type == ChangeType.STANDARD
        version = posted_version(request)
        initial = ChangeForm.initial_for(change)
        with timezone.override(viewer_zone(request.user)):
            working = change.state in self.WORK_STATES
            form = ChangeForm(request.POST, initial=initial, standard=standard, words_only=working)
            risk_form = None
            if not standard and not working:
                risk_form = RiskForm(
                    request.POST,
                    initial={k: str(v) for k, v in (change.risk_answers or {}).items()},
                )
            valid = form.is_valid() & (risk_form is None or risk_form.is_valid())
            changed = form.changed_data if valid else []
        if version is None:
            form.add_error(None, "The form is missing the change's version; reload the page.")
            return self.render_form(change, form, risk_form, change.version, status=400)
        if not valid:
            return self.render_form(change, form, risk_form, version, status=400)
        values = form.values()
        updates = {}
        for name in changed:
            updates[name] = values[name]
        if "validation_checklist" in updates:
            # Keep the ticks of steps that stay.
            done = {s.get("item"): s.get("done") for s in change.validation_checklist or []}
            updates["validation_checklist"] = [
                {"item": s["item"], "done": bool(done.get(s["item"]))}
                for s in updates["validation_checklist"]
            ]
        if risk_form is not None and risk_form.answers() != (change.risk_answers or {}):
            updates["risk_answers"] = risk_form.answers()
        if not updates:
            messages.info(request, "Nothing was changed.")
            return redirect("changes:change-detail", number=change.number)
        try:
            saved = services.update_change(
                change, updates, actor=request.user, expected_version=version
            )
        except ConflictError as conflict:
            current = conflict.instance
            return self.render_form(
                get_change(request, number),
                form,
                risk_form,
                current.version,
                status=409,
                conflict=(
                    f"{current.number} was changed by someone else while you edited it. "
                    "Check the change, then save again to replace its plan with yours."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_form(change, form, risk_form, version, status=400)
        messages.success(request, f"{saved.number} was saved.")
        return redirect("changes:change-detail", number=saved.number)
