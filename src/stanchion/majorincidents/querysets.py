"""Who sees which major incident records. Every IT role reads major
incidents, their updates, reviews and actions; every signed-in employee
reads the status page (current major incidents and their latest update,
see ``MajorIncidentQuerySet.on_status_page``) and their own subscriptions."""

from stanchion.accounts.roles import has_perm
from stanchion.core.querysets import RestrictedQuerySet

from .choices import OPEN_STATES


class MajorIncidentQuerySet(RestrictedQuerySet):
    view_permission = "majorincident.view"

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def on_status_page(self, user):
        """What an employee sees on /status/: the open major incidents."""
        if user is None or not user.is_authenticated or not has_perm(user, "majorincident.status"):
            return self.none()
        return self.open()


class MajorIncidentUpdateQuerySet(RestrictedQuerySet):
    view_permission = "majorincidentupdate.view"


class ServiceSubscriptionQuerySet(RestrictedQuerySet):
    """Each employee's own subscriptions."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if not has_perm(user, "servicesubscription.view"):
            return self.none()
        return self.filter(user=user)
