"""Who sees which directory records."""

from django.db.models import Q

from stanchion.core.querysets import RestrictedQuerySet

from .roles import has_perm, is_staff_role


class PersonQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if not has_perm(user, "person.view"):
            return self.none()
        if is_staff_role(user):
            return self
        # Requesters: only the person record linked to their login.
        return self.filter(pk=user.person_id) if user.person_id else self.none()


class UserQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if has_perm(user, "user.view"):
            return self
        if user is not None and user.is_authenticated:
            return self.filter(pk=user.pk)
        return self.none()


class ApiTokenQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if has_perm(user, "apitoken.view_all"):
            return self
        if has_perm(user, "apitoken.view"):
            return self.filter(user=user)
        return self.none()


class TeamMembershipQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        if has_perm(user, "teammembership.view"):
            return self
        if user is not None and user.is_authenticated:
            return self.filter(Q(user=user))
        return self.none()
