"""Private iCalendar feeds of the change calendar: creating and revoking
them (service functions), and what each feed lists.

A feed URL carries a random token; only its SHA-256 hash is stored, so the
URL is shown once, when the feed is made. Anyone holding the URL reads the
feed without signing in (calendar applications cannot sign in), which is why
it can be revoked at once, and why a feed also stops when its owner is
deactivated, loses the right to read changes, or leaves the team.

A personal feed lists the changes its owner requested, owns or implements
(through a team), and the maintenance windows of their teams' services; a
team feed lists the changes the team implements or that touch the services
it owns or supports, and those services' windows. Both list changes from
scheduled onwards (not drafts or changes still being assessed, nor
cancelled ones), from 60 days back to a year ahead.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from stanchion.accounts.models import TeamMembership, hash_token
from stanchion.accounts.roles import has_perm
from stanchion.catalog.models import Service
from stanchion.core.services import lock, save_validated, service

from .choices import FeedOwnerKind
from .models import CalendarFeed, Change, MaintenanceWindow

TOKEN_PREFIX = "cal_"
FEED_STATES = ("scheduled", "implementing", "review", "closed")
PAST = timedelta(days=60)
AHEAD = timedelta(days=366)


def generate_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def member_of(user, team):
    return TeamMembership.objects.filter(user=user, team=team).exists()


@service
def create_feed(*, actor, kind, team=None, name=""):
    """A new feed for ``actor`` (personal) or for ``team`` (which ``actor``
    must belong to). Returns (feed, raw token): the token exists only here."""
    if not has_perm(actor, "calendarfeed.add"):
        raise PermissionDenied
    if kind not in FeedOwnerKind:
        raise ValidationError({"kind": "Choose a personal or a team feed."})
    if kind == FeedOwnerKind.TEAM:
        if team is None:
            raise ValidationError({"team": "Choose the team whose calendar this is."})
        if not member_of(actor, team):
            raise ValidationError({"team": f"You are not a member of {team}."})
    elif team is not None:
        raise ValidationError({"team": "A personal feed has no team."})
    raw = generate_token()
    feed = CalendarFeed(
        kind=kind,
        user=actor,
        team=team,
        name=(name or "").strip(),
        token_prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        token_hash=hash_token(raw),
    )
    return save_validated(feed), raw


def can_revoke(user, feed):
    """The person who made it; for a team feed, also the team's members (a
    leaked URL must be stoppable by whoever notices)."""
    if not has_perm(user, "calendarfeed.delete"):
        return False
    if feed.user_id == user.pk:
        return True
    return feed.kind == FeedOwnerKind.TEAM and member_of(user, feed.team_id)


@service
def revoke_feed(feed, *, actor):
    if not can_revoke(actor, feed):
        raise PermissionDenied
    locked = lock(feed)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        save_validated(locked)
    return locked


def feed_for_token(raw):
    """The live feed a raw token opens, or None: unknown, revoked, or its
    owner may no longer read it."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "team")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not has_perm(feed.user, "change.view"):
        return None
    if feed.kind == FeedOwnerKind.TEAM and not (
        feed.team is not None and feed.team.is_active and member_of(feed.user, feed.team)
    ):
        return None
    now = timezone.now()
    # Calendar applications poll often: stamp at most once an hour (the
    # field is left out of the audit trail, like an API token's).
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed


def feed_contents(feed, *, now=None):
    """(changes, windows) the feed lists, with what the iCalendar needs loaded."""
    now = now or timezone.now()
    if feed.kind == FeedOwnerKind.TEAM:
        teams = [feed.team_id]
        mine = Q(implementer_team_id=feed.team_id)
    else:
        teams = list(
            TeamMembership.objects.filter(user=feed.user_id).values_list("team_id", flat=True)
        )
        mine = (
            Q(requested_by_id=feed.user_id)
            | Q(owner_id=feed.user_id)
            | Q(implementer_team_id__in=teams)
        )
    services = Service.objects.filter(Q(owner_team__in=teams) | Q(support_team__in=teams))
    on_services = Change.services.through.objects.filter(service__in=services)
    if feed.kind == FeedOwnerKind.TEAM:
        mine |= Q(pk__in=on_services.values("change_id"))
    changes = (
        Change.objects.visible_to(feed.user)
        .filter(mine, state__in=FEED_STATES)
        .filter(planned_end__gt=now - PAST, planned_start__lt=now + AHEAD)
        .select_related("implementer_team")
        .prefetch_related("services")
        .order_by("planned_start", "pk")
    )
    windows = (
        MaintenanceWindow.objects.visible_to(feed.user)
        .filter(service__in=services)
        .select_related("service__calendar")
        .order_by("service__name", "name")
    )
    return list(changes), list(windows)


def feed_name(feed):
    if feed.name:
        return feed.name
    if feed.kind == FeedOwnerKind.TEAM:
        return f"Changes: {feed.team}"
    return f"Changes: {feed.user.full_name or feed.user.email}"
