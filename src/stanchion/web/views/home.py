"""The home page: what this user may see, counted, and the latest changes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from stanchion.accounts.models import ApiToken, Person, Team, TeamMembership, User
from stanchion.accounts.roles import has_perm
from stanchion.core.models import AuditEntry

RECENT_ENTRIES = 8


def _tiles(user):
    """One tile per list the user may open, with the count behind it."""
    tiles = []
    if has_perm(user, "person.view") and has_perm(user, "team.view"):
        people = Person.objects.visible_to(user)
        tiles.append(
            {
                "label": "People",
                "value": people.filter(employment_status="active").count(),
                "hint": "active employees in the directory",
                "url": reverse("accounts:person-list") + "?employment_status=active",
            }
        )
    if has_perm(user, "team.view"):
        tiles.append(
            {
                "label": "Teams",
                "value": Team.objects.visible_to(user).filter(is_active=True).count(),
                "hint": "active assignment groups",
                "url": reverse("accounts:team-list") + "?is_active=true",
            }
        )
    if has_perm(user, "user.view"):
        tiles.append(
            {
                "label": "Users",
                "value": User.objects.visible_to(user).filter(is_active=True).count(),
                "hint": "active logins",
                "url": reverse("accounts:user-list") + "?is_active=true",
            }
        )
    tiles.append(
        {
            "label": "Your API tokens",
            "value": ApiToken.objects.filter(user=user, revoked_at__isnull=True).count(),
            "hint": "not revoked",
            "url": reverse("accounts:token-list"),
        }
    )
    return tiles


@login_required
def home(request):
    user = request.user
    context = {
        "title": "Home",
        "tiles": _tiles(user),
        "my_teams": (
            TeamMembership.objects.filter(user=user).select_related("team").order_by("team__name")
        ),
        "my_person": Person.objects.filter(pk=user.person_id).first() if user.person_id else None,
        "recent": [],
    }
    if has_perm(user, "auditentry.view"):
        context["recent"] = list(AuditEntry.objects.order_by("-seq")[:RECENT_ENTRIES])
    return render(request, "web/home.html", context)
