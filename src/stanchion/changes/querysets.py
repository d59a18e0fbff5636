"""Who sees which change records. Change management is IT's own work:
requesters see none of it; IT roles with the view permission see all
changes, approvals and CAB records. Personal things (calendar feeds,
approval delegations) are seen by their people."""

from django.db.models import Q
from django.utils import timezone

from stanchion.accounts.roles import has_perm
from stanchion.core.querysets import RestrictedQuerySet

from .choices import OPEN_STATES, PLANNED_STATES, ApprovalState, ChangeState


class ChangeQuerySet(RestrictedQuerySet):
    view_permission = "change.view"

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def planned(self):
        """Changes occupying the calendar (their conflicts count)."""
        return self.filter(state__in=PLANNED_STATES)

    def between(self, start, end):
        """Planned to overlap [start, end)."""
        return self.filter(planned_start__lt=end, planned_end__gt=start)

    def for_services(self, services):
        ids = [getattr(s, "pk", s) for s in services]
        return self.filter(services__in=ids).distinct()


class ChangeApprovalQuerySet(RestrictedQuerySet):
    view_permission = "changeapproval.view"

    def pending(self):
        return self.filter(state=ApprovalState.PENDING, change__state=ChangeState.AUTHORISATION)

    def awaiting(self, user, *, now=None):
        """The approvals inbox: pending approvals ``user`` may decide, as an
        approver or standing in for one."""
        if not has_perm(user, "changeapproval.decide"):
            return self.none()
        from .models import ApprovalDelegation

        now = now or timezone.now()
        delegators = ApprovalDelegation.objects.filter(
            delegate=user, starts_at__lte=now, ends_at__gt=now, delegator__is_active=True
        ).values("delegator_id")
        return self.pending().filter(Q(approvers=user) | Q(approvers__in=delegators)).distinct()


class ApprovalDelegationQuerySet(RestrictedQuerySet):
    """Delegations someone gave or received; IT administrators see all."""

    def visible_to(self, user):
        if not has_perm(user, "approvaldelegation.view"):
            return self.none()
        if has_perm(user, "user.change"):
            return self
        return self.filter(Q(delegator=user) | Q(delegate=user))

    def active(self, *, now=None):
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now)


class CalendarFeedQuerySet(RestrictedQuerySet):
    """A person's own feeds, and the team feeds of their teams."""

    def visible_to(self, user):
        if not has_perm(user, "calendarfeed.view"):
            return self.none()
        from stanchion.accounts.models import TeamMembership

        teams = TeamMembership.objects.filter(user=user).values("team_id")
        return self.filter(Q(user=user) | Q(kind="team", team__in=teams))

    def live(self):
        return self.filter(revoked_at__isnull=True)
