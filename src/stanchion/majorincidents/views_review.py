"""The post-incident review page: the blameless write-up and its actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.errors import ConflictError
from stanchion.core.views import posted_version

from . import services
from .forms import ActionForm, ActionStateForm, ReviewForm
from .models import PostIncidentReview, ReviewAction
from .views import StaffOnlyMixin, incident_or_404
from .views_base import ZonedMixin, form_errors, refused


def review_or_404(request, number):
    mi = incident_or_404(request, number)
    review = PostIncidentReview.objects.visible_to(request.user).filter(major_incident=mi).first()
    if review is None:
        raise Http404("This major incident has no review yet: it opens on resolution.")
    review.major_incident = mi
    return review


class ReviewView(StaffOnlyMixin, ZonedMixin, View):
    permission = "postincidentreview.view"

    def get(self, request, number):
        review = review_or_404(request, number)
        fields = [
            (name, ReviewForm.base_fields[name].label, getattr(review, name))
            for name in ReviewForm.base_fields
        ]
        initial = {name: value for name, _, value in fields}
        actions = list(review.actions.select_related("owner", "change", "problem"))
        today = timezone.localdate()
        return render(
            request,
            "majorincidents/review.html",
            {
                "review": review,
                "mi": review.major_incident,
                "fields": fields,
                "actions": [(a, a.state == "open" and a.due_date < today) for a in actions],
                "can_edit": has_perm(request.user, "postincidentreview.change"),
                "can_add_action": has_perm(request.user, "reviewaction.add"),
                "can_change_action": has_perm(request.user, "reviewaction.change"),
                "review_form": ReviewForm(initial=initial),
                "action_form": ActionForm(),
            },
        )


class ReviewEditView(StaffOnlyMixin, View):
    permission = "postincidentreview.change"

    def post(self, request, number):
        review = review_or_404(request, number)
        back = ("majorincidents:review", review.major_incident.number)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(*back)
        try:
            services.update_review(
                review,
                form.cleaned_data,
                actor=request.user,
                expected_version=posted_version(request),
            )
        except (ValidationError, ConflictError) as error:
            return refused(request, error, *back)
        messages.success(request, "Review saved.")
        return redirect(*back)


class ActionAddView(StaffOnlyMixin, View):
    permission = "reviewaction.add"

    def post(self, request, number):
        review = review_or_404(request, number)
        back = ("majorincidents:review", review.major_incident.number)
        form = ActionForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(*back)
        try:
            services.add_action(review, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            return refused(request, error, *back)
        messages.success(request, "Action added.")
        return redirect(*back)


class ActionStateView(StaffOnlyMixin, View):
    permission = "reviewaction.change"

    def post(self, request, number, pk):
        review = review_or_404(request, number)
        back = ("majorincidents:review", review.major_incident.number)
        action = ReviewAction.objects.visible_to(request.user).filter(review=review, pk=pk).first()
        if action is None:
            raise Http404("No such action.")
        if not has_perm(request.user, "reviewaction.change"):
            raise PermissionDenied
        form = ActionStateForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return redirect(*back)
        try:
            services.update_action(
                action,
                form.cleaned_data,
                actor=request.user,
                expected_version=posted_version(request),
            )
        except (ValidationError, ConflictError) as error:
            return refused(request, error, *back)
        return redirect(*back)
