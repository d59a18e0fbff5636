"""My approvals: the change approvals waiting for the signed-in user (as an
approver, or standing in for someone through a delegation), decided right
in the list with a comment; and the delegation page, where an approver
names who decides for them while they are away."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from stanchion.core.views import apply_errors

from . import services
from .forms import DecisionForm, DelegationForm
from .models import ApprovalDelegation, ChangeApproval
from .services.delegation import delegators_of
from .views_base import ChangePageMixin, can, error_text, viewer_zone, zone_help

PAGE_SIZE = 25
RECENT_DECISIONS = 10
_ROW_RELATIONS = ("change__implementer_team", "change__requested_by", "team")


class ApprovalInboxView(ChangePageMixin, View):
    permission = "changeapproval.decide"

    def render_inbox(self, *, form=None, form_for=None, status=200):
        user, now = self.request.user, timezone.now()
        pending = (
            ChangeApproval.objects.awaiting(user, now=now)
            .select_related(*_ROW_RELATIONS)
            .order_by("created_at", "id")  # the longest waiting first
        )
        page = Paginator(pending, PAGE_SIZE).get_page(self.request.GET.get("page"))
        decided = (
            ChangeApproval.objects.filter(decided_by=user)
            .select_related(*_ROW_RELATIONS)
            .order_by("-decided_at", "-id")[:RECENT_DECISIONS]
        )
        standing_in = delegators_of(user, now=now)
        context = {
            "title": "My approvals",
            "page": page,
            "decided": list(decided),
            "standing_in": len(standing_in),
            "form": form,
            "form_for": form_for,
        }
        with timezone.override(viewer_zone(user)):
            return render(self.request, "changes/approvals.html", context, status=status)

    def get(self, request):
        return self.render_inbox()


class ApprovalDecideView(ApprovalInboxView):
    def post(self, request, pk):
        approval = get_object_or_404(
            ChangeApproval.objects.select_related("change"), pk=pk, change__in=_visible(request)
        )
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_inbox(form=form, form_for=approval.pk, status=400)
        approving = form.cleaned_data["decision"] == "approve"
        try:
            services.decide(
                approval,
                actor=request.user,
                approve=approving,
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied as error:
            messages.error(request, str(error) or "This approval is not addressed to you.")
            return redirect("changes:approval-inbox")
        except ValidationError as error:
            if "state" in getattr(error, "message_dict", {}):
                # Decided meanwhile (by a fellow approver, or in another tab).
                messages.error(request, error_text(error))
                return redirect("changes:approval-inbox")
            apply_errors(form, error)
            return self.render_inbox(form=form, form_for=approval.pk, status=400)
        change = approval.change
        verb = "approved" if approving else "rejected"
        messages.success(request, f"You {verb} {change.number} ({change.title}).")
        return redirect("changes:approval-inbox")


def _visible(request):
    from .models import Change

    return Change.objects.visible_to(request.user)


class DelegationView(ChangePageMixin, View):
    """Delegations given (running and coming) and received; a form to add one."""

    permission = "changeapproval.decide"

    def render_page(self, form, status=200):
        user, now = self.request.user, timezone.now()
        zone_help(form, viewer_zone(user), "starts_at", "ends_at")
        given = (
            ApprovalDelegation.objects.filter(delegator=user, ends_at__gt=now)
            .select_related("delegate")
            .order_by("starts_at")
        )
        received = (
            ApprovalDelegation.objects.filter(delegate=user, ends_at__gt=now)
            .select_related("delegator")
            .order_by("starts_at")
        )
        context = {
            "title": "Approval delegation",
            "form": form,
            "given": list(given),
            "received": list(received),
            "now": now,
            "can_add": can(user, "approvaldelegation.add"),
            "can_end": can(user, "approvaldelegation.delete"),
            "viewer_zone": viewer_zone(user),
        }
        with timezone.override(context["viewer_zone"]):
            return render(self.request, "changes/delegations.html", context, status=status)

    def get(self, request):
        return self.render_page(DelegationForm())

    def post(self, request):
        if not can(request.user, "approvaldelegation.add"):
            raise PermissionDenied
        with timezone.override(viewer_zone(request.user)):
            form = DelegationForm(request.POST)
            valid = form.is_valid()
        if not valid:
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            delegation = services.delegate_approvals(
                actor=request.user,
                delegate=data["delegate"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_page(form, status=400)
        messages.success(request, f"{delegation.delegate} decides your change approvals then.")
        return redirect("changes:delegations")


class EndDelegationView(ChangePageMixin, View):
    permission = "approvaldelegation.delete"

    def post(self, request, pk):
        delegation = get_object_or_404(
            ApprovalDelegation.objects.filter(delegator=request.user), pk=pk
        )
        try:
            services.revoke_delegation(delegation, actor=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error) or "You may not end this delegation.")
        else:
            messages.success(request, "The delegation was ended.")
        return redirect("changes:delegations")
