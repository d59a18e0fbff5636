"""Approvals inbox: the requests waiting for the signed-in user's decision
(addressed to them, or to a team they are on), and the approval page where
they approve, or reject with a reason.

An approval that is not addressed to the user is a 403 on its page: the
notification email links here, and "not yours" is a clearer answer to a
forwarded link than "not found".
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from stanchion.catalog.views_portal import offering
from stanchion.core.views import PermissionRequiredMixin, apply_errors

from . import services
from .choices import ApprovalState
from .forms_portal import ApprovalDecisionForm
from .models import Approval
from .views_portal_scope import addressed_to
from .views_portal_words import answer_rows, approver_name

PAGE_SIZE = 25
RECENT_DECISIONS = 10
_ROW_RELATIONS = ("ticket__requester", "ticket__catalog_item", "approver", "approver_team")


class ApprovalInboxView(PermissionRequiredMixin, View):
    permission = "approval.decide"

    def get(self, request):
        pending = (
            addressed_to(request.user)
            .filter(state=ApprovalState.PENDING)
            .select_related(*_ROW_RELATIONS)
            .order_by("created_at", "id")  # the longest waiting first
        )
        page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
        decided = (
            Approval.objects.filter(decided_by=request.user)
            .select_related(*_ROW_RELATIONS)
            .order_by("-decided_at", "-id")[:RECENT_DECISIONS]
        )
        return render(
            request,
            "tickets/portal/approvals.html",
            {"title": "Approvals", "page": page, "decided": list(decided)},
        )


class ApprovalDetailView(PermissionRequiredMixin, View):
    permission = "approval.decide"

    def get_approval(self):
        queryset = Approval.objects.select_related(
            "ticket__requester__department",
            "ticket__catalog_item__service__calendar",
            "approver",
            "approver_team",
            "decided_by",
        )
        approval = get_object_or_404(queryset, pk=self.kwargs["pk"])
        if not addressed_to(self.request.user).filter(pk=approval.pk).exists():
            raise PermissionDenied("This approval is not addressed to you.")
        return approval

    def render_page(self, approval, form, status=200):
        ticket = approval.ticket
        item = ticket.catalog_item
        offer = None
        if item is not None:
            calendar = item.service.calendar
            offer = offering(item, calendar, list(calendar.intervals.order_by("weekday", "start")))
        context = {
            "title": f"Approve {ticket.number}?",
            "approval": approval,
            "ticket": ticket,
            "item": item,
            "offer": offer,
            "answers": answer_rows(item, ticket.answers),
            "addressed": approver_name(approval),
            "form": form if approval.state == ApprovalState.PENDING else None,
        }
        return render(self.request, "tickets/portal/approval.html", context, status=status)

    def get(self, request, pk):
        return self.render_page(self.get_approval(), ApprovalDecisionForm())

    def post(self, request, pk):
        approval = self.get_approval()
        form = ApprovalDecisionForm(request.POST)
        if form.is_valid():
            approving = form.cleaned_data["decision"] == "approve"
            decide = services.approve if approving else services.reject
            try:
                decide(approval, actor=request.user, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                if "state" in getattr(error, "message_dict", {}):
                    # Decided meanwhile (by a teammate, or in another tab).
                    messages.error(request, " ".join(error.message_dict["state"]))
                    return redirect("tickets:approval-detail", approval.pk)
                apply_errors(form, error)
            else:
                ticket = approval.ticket
                verb = "approved" if approving else "rejected"
                messages.success(
                    request,
                    f"You {verb} {ticket.number} ({ticket.title}) for {ticket.requester.name}.",
                )
                return redirect("tickets:approval-list")
        approval.refresh_from_db()
        return self.render_page(approval, form, status=400)
