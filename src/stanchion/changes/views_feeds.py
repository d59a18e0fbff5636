"""The iCalendar feed pages: your feeds (personal and your teams'), making
one (its URL is shown once), revoking one, and the feed itself, which a
calendar application reads without signing in."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from stanchion.accounts.models import Team
from stanchion.accounts.roles import has_perm

from . import feeds, ical
from .choices import FeedOwnerKind
from .models import CalendarFeed
from .views_base import ChangePageMixin, ZonedMixin, error_text


class FeedForm(forms.Form):
    kind = forms.ChoiceField(
        choices=FeedOwnerKind.choices(),
        label="Whose changes",
        initial=FeedOwnerKind.USER,
        help_text="Personal: changes you requested, own or implement, and your teams' "
        "maintenance windows. Team: the team's changes and its services' windows.",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, help_text="For a team feed."
    )
    name = forms.CharField(max_length=100, required=False, help_text="Shown in your calendar.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            memberships__user=user, is_active=True
        ).order_by("name")


class FeedListView(ChangePageMixin, ZonedMixin, View):
    permission = "calendarfeed.view"
    template_name = "changes/feeds.html"

    def render_page(self, request, form, status=200):
        feeds_ = (
            CalendarFeed.objects.visible_to(request.user)
            .select_related("user", "team")
            .order_by("revoked_at", "-created_at")
        )
        rows = [
            {"feed": feed, "can_revoke": feeds.can_revoke(request.user, feed)} for feed in feeds_
        ]
        context = {
            "title": "Calendar feeds",
            "rows": rows,
            "form": form,
            "can_add": has_perm(request.user, "calendarfeed.add"),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(request, FeedForm(user=request.user))

    def post(self, request):
        if not has_perm(request.user, "calendarfeed.add"):
            raise PermissionDenied
        form = FeedForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                feed, raw = feeds.create_feed(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    team=form.cleaned_data["team"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                url = request.build_absolute_uri(reverse("changes:feed-ics", args=[raw]))
                context = {
                    "title": "Calendar feed created",
                    "feed": feed,
                    "url": url,
                    "webcal": "webcal://" + url.split("://", 1)[1],
                }
                # The URL exists only in this response: never cache it.
                response = render(request, "changes/feed_created.html", context)
                response["Cache-Control"] = "no-store"
                return response
        return self.render_page(request, form, status=400)


class FeedRevokeView(ChangePageMixin, View):
    permission = "calendarfeed.delete"

    def post(self, request, pk):
        feed = get_object_or_404(CalendarFeed.objects.visible_to(request.user), pk=pk)
        feeds.revoke_feed(feed, actor=request.user)
        messages.success(
            request, f"The feed “{feeds.feed_name(feed)}” was revoked; its URL no longer works."
        )
        return redirect("changes:feeds")


class FeedIcsView(View):
    """The feed: no session, the token in the URL is the key."""

    def get(self, request, token):
        feed = feeds.feed_for_token(token)
        if feed is None:
            raise Http404("No such feed.")
        changes, windows = feeds.feed_contents(feed)
        body = ical.feed(
            changes,
            windows,
            anchor=(timezone.now() - feeds.PAST).date(),
            name=feeds.feed_name(feed),
            domain=request.get_host().split(":")[0] or "stanchion",
            url_for=lambda change: request.build_absolute_uri(
                reverse("changes:change-detail", args=[change.number])
            ),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="changes.ics"'
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response
