"""Employees see their own tickets; IT staff see all of them."""

from django.db.models import Q

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.core.querysets import RestrictedQuerySet

from .choices import OPEN_STATES


def _own_tickets(user):
    condition = Q(reported_by=user)
    if user.person_id:
        condition |= Q(requester_id=user.person_id)
    return condition


class TicketQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def visible_to(self, user):
        if not has_perm(user, "ticket.view"):
            return self.none()
        if is_staff_role(user):
            return self
        return self.filter(_own_tickets(user))


class TicketChildQuerySet(RestrictedQuerySet):
    """Records hanging off a ticket (timeline, tasks, approvals, clocks,
    attachments): visible when the ticket is, and for employees only the
    public part."""

    public_field: str | None = None

    def visible_to(self, user):
        if not has_perm(user, "ticket.view"):
            return self.none()
        if is_staff_role(user):
            return self
        mine = self.filter(
            Q(ticket__reported_by=user)
            | (Q(ticket__requester_id=user.person_id) if user.person_id else Q(pk__in=[]))
        )
        if self.public_field:
            mine = mine.filter(**{self.public_field: True})
        return mine


class TimelineQuerySet(TicketChildQuerySet):
    public_field = "public"


class AttachmentQuerySet(TicketChildQuerySet):
    public_field = "public"


class ApprovalQuerySet(TicketChildQuerySet):
    """IT staff see every approval; anyone else sees the ones addressed to
    them, as the approver or as a member of the approving team, whoever
    the request is for."""

    def visible_to(self, user):
        if has_perm(user, "approval.view"):
            return self
        if not has_perm(user, "approval.decide"):
            return self.none()
        from stanchion.accounts.models import TeamMembership

        teams = TeamMembership.objects.filter(user=user).values("team_id")
        return self.filter(Q(approver=user) | Q(approver_team__in=teams))
