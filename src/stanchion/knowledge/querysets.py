"""Who sees which knowledge records.

IT roles (every role holding ``articleversion.view``) see every article in
every state. Everybody else (requesters) sees only published articles
written for employees: never an IT-only article and never a draft, whether
in a page, a search, a suggestion or the API.
"""

from django.db.models import Q

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.core.querysets import RestrictedQuerySet

from .choices import ArticleState, Audience


def reads_everything(user):
    return bool(user and user.is_authenticated and is_staff_role(user)) and has_perm(
        user, "articleversion.view"
    )


class ArticleQuerySet(RestrictedQuerySet):
    view_permission = "article.view"

    def visible_to(self, user):
        visible = super().visible_to(user)
        if reads_everything(user):
            return visible
        return visible.for_employees()

    def for_employees(self):
        return self.filter(state=ArticleState.PUBLISHED, audience=Audience.EMPLOYEES)

    def published(self):
        return self.filter(state=ArticleState.PUBLISHED)

    def published_at(self, moment):
        """Published at ``moment``: first published before it and not
        retired by then (a retired article republished counts again only
        from its republication, which resets ``published_at``)."""
        return self.filter(published_at__lte=moment).filter(
            Q(retired_at__isnull=True) | Q(retired_at__gt=moment)
        )


class ArticleChildQuerySet(RestrictedQuerySet):
    """Versions, feedback and ticket links: seen with their article, and only
    by IT (requesters see their own feedback through the article page)."""

    def visible_to(self, user):
        visible = super().visible_to(user)
        if not reads_everything(user):
            return visible.none()
        return visible
