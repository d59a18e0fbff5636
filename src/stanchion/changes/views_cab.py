"""CAB meetings: the list, planning one, and the meeting page where the
agenda is generated from the changes awaiting the CAB, decisions and
attendance are recorded, and the meeting is held with its minutes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from stanchion.core.views import apply_errors

from . import services
from .choices import CabMeetingState
from .forms import CabDecisionForm, CabMeetingForm, HoldForm
from .models import CabAgendaItem, CabAttendance, CabMeeting
from .views_base import (
    ChangePageMixin,
    can,
    error_text,
    redirect_with_errors,
    viewer_zone,
    zone_help,
)

PAGE_SIZE = 25


class CabListView(ChangePageMixin, View):
    permission = "cabmeeting.view"

    def get(self, request):
        meetings = CabMeeting.objects.visible_to(request.user).select_related("chair")
        page = Paginator(meetings.order_by("-starts_at", "-id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            "title": "CAB meetings",
            "page": page,
            "create_url": reverse("changes:cab-new") if can(request.user, "cabmeeting.add") else "",
        }
        with timezone.override(viewer_zone(request.user)):
            return render(request, "changes/cab_list.html", context)


class CabPlanView(ChangePageMixin, View):
    permission = "cabmeeting.add"

    def render_form(self, form, status=200):
        zone_help(form, viewer_zone(self.request.user), "starts_at", "ends_at")
        context = {
            "title": "Plan a CAB meeting",
            "form": form,
        }
        return render(self.request, "changes/cab_form.html", context, status=status)

    def get(self, request):
        return self.render_form(CabMeetingForm())

    def post(self, request):
        with timezone.override(viewer_zone(request.user)):
            form = CabMeetingForm(request.POST)
            valid = form.is_valid()
        if not valid:
            return self.render_form(form, status=400)
        try:
            meeting = services.plan_cab_meeting(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
            return self.render_form(form, status=400)
        messages.success(request, f"{meeting} is planned. Generate its agenda when ready.")
        return redirect("changes:cab-detail", pk=meeting.pk)


def get_meeting(request, pk):
    return get_object_or_404(
        CabMeeting.objects.visible_to(request.user).select_related("chair"), pk=pk
    )


class CabDetailView(ChangePageMixin, View):
    permission = "cabmeeting.view"

    def get(self, request, pk, *, decision_form=None, form_for=None, hold_form=None, status=200):
        meeting = get_meeting(request, pk)
        agenda = list(
            CabAgendaItem.objects.filter(meeting=meeting)
            .select_related("change__implementer_team", "change__requested_by")
            .order_by("order", "id")
        )
        attendance = list(
            CabAttendance.objects.filter(meeting=meeting)
            .select_related("user")
            .order_by("user__full_name")
        )
        running = meeting.state == CabMeetingState.PLANNED
        context = {
            "title": str(meeting),
            "meeting": meeting,
            "agenda": agenda,
            "attendance": attendance,
            "can_run": running and can(request.user, "cabmeeting.change"),
            "decision_form": decision_form or CabDecisionForm(),
            "form_for": form_for,
            "hold_form": hold_form or HoldForm(),
        }
        with timezone.override(viewer_zone(request.user)):
            return render(request, "changes/cab_detail.html", context, status=status)


class CabActionView(ChangePageMixin, View):
    permission = "cabmeeting.change"

    def post(self, request, pk, action):
        meeting = get_meeting(request, pk)
        handler = getattr(self, action.replace("-", "_"), None)
        if action not in ("build-agenda", "decide", "attendance", "hold", "cancel"):
            messages.error(request, f"There is no action “{action}”.")
            return redirect("changes:cab-detail", pk=meeting.pk)
        try:
            return handler(request, meeting)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error) or "You may not do this.")
            return redirect("changes:cab-detail", pk=meeting.pk)

    def build_agenda(self, request, meeting):
        services.build_agenda(meeting, actor=request.user)
        count = CabAgendaItem.objects.filter(meeting=meeting).count()
        messages.success(
            request, f"The agenda lists {count} change{'' if count == 1 else 's'} awaiting the CAB."
        )
        return redirect("changes:cab-detail", pk=meeting.pk)

    def decide(self, request, meeting):
        raw = request.POST.get("item", "")
        item = get_object_or_404(
            CabAgendaItem.objects.filter(meeting=meeting).select_related("change"),
            pk=raw if raw.isdigit() else None,
        )
        form = CabDecisionForm(request.POST)
        if not form.is_valid():
            page = CabDetailView()
            page.setup(request, pk=meeting.pk)
            return page.get(request, meeting.pk, decision_form=form, form_for=item.pk, status=400)
        services.record_cab_decision(
            item,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Decision recorded for {item.change.number}.")
        return redirect("changes:cab-detail", pk=meeting.pk)

    def attendance(self, request, meeting):
        raw = request.POST.getlist("attended")
        if any(not value.isdigit() for value in raw):
            messages.error(request, "Attendance: choose people from the list.")
            return redirect("changes:cab-detail", pk=meeting.pk)
        services.record_attendance(
            meeting, actor=request.user, attended_user_ids=[int(v) for v in raw]
        )
        messages.success(request, "Attendance recorded.")
        return redirect("changes:cab-detail", pk=meeting.pk)

    def cancel(self, request, meeting):
        services.cancel_cab_meeting(meeting, actor=request.user)
        messages.success(request, f"{meeting} was cancelled.")
        return redirect("changes:cab-detail", pk=meeting.pk)

    def hold(self, request, meeting):
        form = HoldForm(request.POST)
        if not form.is_valid():
            return redirect_with_errors(request, form, "changes:cab-detail", meeting.pk)
        services.hold_meeting(meeting, actor=request.user, minutes=form.cleaned_data["minutes"])
        messages.success(request, f"{meeting} was held; its decisions are on the changes.")
        return redirect("changes:cab-detail", pk=meeting.pk)
