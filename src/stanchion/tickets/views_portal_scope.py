"""What the portal shows a user: their own tickets and the approvals
addressed to them. Unlike ``visible_to`` (where IT staff see every ticket),
these are the same for every role: the portal is about one's own business."""

from django.db.models import Q

from stanchion.accounts.models import TeamMembership
from stanchion.accounts.roles import is_staff_role

from .models import Approval, Ticket


def own_tickets(user):
    """Tickets the user asked for. An employee also sees tickets they reported
    for someone else (as the API shows them); what IT staff log for callers
    belongs to the agent workspace, not to their own list."""
    condition = Q(requester_id=user.person_id) if user.person_id else Q(pk__in=[])
    if not is_staff_role(user):
        condition |= Q(reported_by=user)
    return Ticket.objects.filter(condition)


def addressed_to(user):
    """Approvals the user may decide: addressed to them, or to a team they
    are a member of (the same rule as services.requests)."""
    teams = TeamMembership.objects.filter(user=user).values("team_id")
    return Approval.objects.filter(Q(approver=user) | Q(approver_team_id__in=teams))
