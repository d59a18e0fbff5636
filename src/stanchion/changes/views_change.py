"""The change page: details, the risk score with each factor's contribution,
schedule conflicts with the conflicting items, approvals, the validation
checklist, linked incidents, the timeline, and the actions its state allows.

Everything below the title is one htmx region (``#change-workspace``); each
action answers with it re-rendered, so every form carries the version the
user is looking at. The page costs a fixed number of queries however long
the timeline is.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from stanchion.accounts.models import User
from stanchion.core.views import audit_url

from .choices import (
    PLANNED_STATES,
    ApprovalState,
    ApproverKind,
    ChangeState,
    ChangeType,
    ConflictKind,
)
from .forms import (
    CloseForm,
    CommentForm,
    DecisionForm,
    FinishForm,
    LinkIncidentForm,
    ReasonForm,
)
from .models import Change, ChangeApproval, ChangeEvent, ChangeIncident
from .views_base import ChangePageMixin, can, viewer_zone

WORKSPACE = "change-workspace"

EVENT_WORDS = {
    "created": "raised the change",
    "assessed": "assessed the risk",
    "state": "moved the change",
    "approval": "decided an approval",
    "approved": "completed the approvals: the change is approved",
    "edited": "edited the change",
    "cab": "recorded a CAB decision",
    "approvals": "asked for approval",
    "comment": "commented",
    "conflict_override": "overrode the schedule conflicts",
    "conflicts": "found schedule conflicts",
    "replanned": "re-planned the change",
    "updated": "edited the change",
    "validation": "updated the validation checklist",
    "incident": "linked an incident",
    "incident_linked": "linked an incident",
    "incident_unlinked": "unlinked an incident",
}


def change_queryset(user):
    return Change.objects.visible_to(user).select_related(
        "requested_by", "owner", "implementer_team", "template", "conflict_override_by"
    )


def get_change(request, number):
    return get_object_or_404(change_queryset(request.user), number=number.upper())


def event_rows(change):
    rows = []
    events = ChangeEvent.objects.filter(change=change).select_related("actor")
    for event in events.order_by("-at", "-id"):
        data = event.data or {}
        words = EVENT_WORDS.get(event.kind, event.kind.replace("_", " "))
        if event.kind == "state" and data.get("to") in ChangeState:
            words = f"moved it to {ChangeState.label(data['to'])}"
        elif event.kind == "approval" and data.get("state") in ("approved", "rejected"):
            kind = data.get("approver_kind", "")
            role = ApproverKind.label(kind).lower() if kind in ApproverKind else "approver"
            words = f"{data['state']} as {role}"
            if data.get("on_behalf_of"):
                words += " (standing in by delegation)"
        rows.append({"event": event, "words": words, "data": data})
    return rows


def approval_rows(change, user, now):
    approvals = list(
        ChangeApproval.objects.filter(change=change)
        .select_related("team", "decided_by", "on_behalf_of")
        .prefetch_related(
            Prefetch("approvers", queryset=User.objects.only("id", "full_name", "email"))
        )
        .order_by("id")
    )
    mine = set(
        ChangeApproval.objects.awaiting(user, now=now)
        .filter(change=change)
        .values_list("pk", flat=True)
    )
    return [
        {"approval": a, "can_decide": a.pk in mine, "approvers": list(a.approvers.all())}
        for a in approvals
    ]


def conflict_rows(change):
    rows = []
    for conflict in change.conflicts or []:
        kind = conflict.get("kind", "")
        rows.append(
            {
                **conflict,
                "kind_label": ConflictKind.label(kind) if kind in ConflictKind else kind,
                "colour": ConflictKind.colour(kind) if kind in ConflictKind else "grey",
            }
        )
    return rows


def available_actions(change, user):
    """The buttons the change's state allows, for a user who may act."""
    state, standard = change.state, change.change_type == ChangeType.STANDARD
    working = can(user, "change.change")
    blocked = bool(change.conflicts) and not change.conflict_override_reason
    return {
        "edit": working and change.is_open,
        "submit": working and state == ChangeState.DRAFT,
        "request_approval": working and state == ChangeState.ASSESSMENT and not standard,
        "schedule": working
        and (state == ChangeState.AUTHORISATION or (state == ChangeState.ASSESSMENT and standard)),
        "schedule_ready": not blocked and (standard or change.approved_at is not None),
        "start": working and state == ChangeState.SCHEDULED,
        "finish": working and state == ChangeState.IMPLEMENTING,
        "validation": working and state in (ChangeState.IMPLEMENTING, ChangeState.REVIEW),
        "close": working and state == ChangeState.REVIEW,
        "cancel": working and state in ("draft", "assessment", "authorisation", "scheduled"),
        "override": can(user, "change.override_conflicts")
        and blocked
        and state in ("assessment", "authorisation", "scheduled"),
        "comment": can(user, "change.comment"),
        # Only a change that was implemented can have caused an incident.
        "link": can(user, "changeincident.add") and change.actual_start is not None,
        "unlink": can(user, "changeincident.delete"),
    }


def workspace_context(request, change, *, forms=None, open_panel="", notice=None):
    user, now = request.user, timezone.now()
    forms = forms or {}
    services = list(change.services.select_related("owner_team").order_by("name"))
    incidents = list(
        ChangeIncident.objects.filter(change=change)
        .select_related("incident", "linked_by")
        .order_by("-created_at")
    )
    checklist = change.validation_checklist or []
    approvals = approval_rows(change, user, now)
    return {
        "change": change,
        "title": f"{change.number} {change.title}",
        "version": change.version,
        "services": services,
        "factors": change.risk_factors or [],
        "conflicts": conflict_rows(change),
        "approvals": approvals,
        "pending_approvals": any(
            row["approval"].state == ApprovalState.PENDING for row in approvals
        ),
        "checklist": checklist,
        "checklist_done": sum(1 for step in checklist if step.get("done")),
        "incidents": incidents,
        "events": event_rows(change),
        "actions": available_actions(change, user),
        "planned": change.state in PLANNED_STATES,
        "history_url": audit_url(change) if can(user, "auditentry.view") else "",
        "workspace_target": WORKSPACE,
        "open_panel": open_panel,
        "notice": notice,
        "forms": {
            "comment": forms.get("comment") or CommentForm(prefix="comment"),
            "cancel": forms.get("cancel") or ReasonForm(prefix="cancel"),
            "override": forms.get("override") or ReasonForm(prefix="override"),
            "finish": forms.get("finish") or FinishForm(prefix="finish"),
            "close": forms.get("close") or CloseForm(prefix="close"),
            "link": forms.get("link") or LinkIncidentForm(prefix="link"),
            "decide": forms.get("decide") or DecisionForm(prefix="decide"),
        },
        "decide_errors_for": forms.get("decide_for"),
    }


def render_workspace(request, change, *, partial, status=200, **extra):
    zone = viewer_zone(request.user)
    context = workspace_context(request, change, **extra)
    context["viewer_zone"] = zone
    template = "changes/change_workspace.html" if partial else "changes/change_detail.html"
    with timezone.override(zone):
        return render(request, template, context, status=status)


class ChangeDetailView(ChangePageMixin, View):
    def get(self, request, number):
        return render_workspace(request, get_change(request, number), partial=False)
