"""Approval policies: which approvals a change needs, by its type and risk
level, and who may give each.

- low risk: the manager of the implementer team;
- medium: also the owner team of every affected service;
- high: also the change advisory board (CAB);
- emergency changes, whatever their risk: the emergency approvers, for an
  expedited decision (a retrospective is required before they close);
- standard changes are pre-approved by their template and need none.

Who approves:
- a team's managers are its ``Team.manager`` and its members whose role is
  team manager; an owner team that is also the implementer team is asked
  once;
- the CAB and the emergency approvers are the active users with the change
  approver role.
Nobody approves a change they requested themselves: they are left out of
the approvers, and an approval with nobody left is refused with the reason.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from stanchion.accounts.models import Team, User
from stanchion.accounts.roles import Role

from .choices import ApproverKind, ChangeType, RiskLevel

POLICIES = {
    RiskLevel.LOW: (ApproverKind.TEAM_MANAGER,),
    RiskLevel.MEDIUM: (ApproverKind.TEAM_MANAGER, ApproverKind.SERVICE_OWNER),
    RiskLevel.HIGH: (ApproverKind.TEAM_MANAGER, ApproverKind.SERVICE_OWNER, ApproverKind.CAB),
}
EMERGENCY_POLICY = (ApproverKind.EMERGENCY,)


@dataclass
class PlannedApproval:
    kind: str
    team: Team | None
    approvers: list = field(default_factory=list)


def approver_kinds(change_type, risk_level):
    if change_type == ChangeType.STANDARD:
        return ()
    if change_type == ChangeType.EMERGENCY:
        return EMERGENCY_POLICY
    # An unassessed change is treated as high risk, never waved through.
    return POLICIES.get(risk_level or RiskLevel.HIGH, POLICIES[RiskLevel.HIGH])


def team_managers(team):
    """Active managers of ``team``: its manager and its team-manager members."""
    if team is None:
        return []
    users = {}
    if team.manager_id and team.manager.is_active:
        users[team.manager.pk] = team.manager
    for user in User.objects.filter(
        memberships__team=team, role=Role.TEAM_MANAGER, is_active=True
    ).order_by("pk"):
        users.setdefault(user.pk, user)
    return list(users.values())


def change_approvers():
    """The CAB, who are also the emergency approvers."""
    return list(User.objects.filter(role=Role.CHANGE_APPROVER, is_active=True).order_by("pk"))


def _without(users, requester_id):
    return [user for user in users if user.pk != requester_id]


def plan_approvals(change):
    """The approvals ``change`` needs now, with their approvers; a
    ValidationError naming the field when one has nobody to decide it."""
    planned = []
    requester = change.requested_by_id
    for kind in approver_kinds(change.change_type, change.risk_level):
        if kind == ApproverKind.TEAM_MANAGER:
            team = change.implementer_team
            if team is None:
                raise ValidationError(
                    {"implementer_team": "Choose the implementer team: its manager approves."}
                )
            approvers = _without(team_managers(team), requester)
            if not approvers:
                raise ValidationError(
                    {
                        "implementer_team": f"{team} has no manager (other than the requester) "
                        "to approve this change."
                    }
                )
            planned.append(PlannedApproval(kind, team, approvers))
        elif kind == ApproverKind.SERVICE_OWNER:
            asked = {p.team.pk for p in planned if p.team is not None}
            for service in change.services.select_related("owner_team__manager"):
                team = service.owner_team
                if team.pk in asked:
                    continue
                asked.add(team.pk)
                approvers = _without(team_managers(team), requester)
                if not approvers:
                    raise ValidationError(
                        {
                            "services": f"{team}, owner of {service}, has no manager (other than "
                            "the requester) to approve this change."
                        }
                    )
                planned.append(PlannedApproval(kind, team, approvers))
        else:
            approvers = _without(change_approvers(), requester)
            if not approvers:
                raise ValidationError(
                    {
                        "change_type": "There are no change approvers (other than the requester) "
                        f"to give the {ApproverKind.label(kind).lower()} approval."
                    }
                )
            planned.append(PlannedApproval(kind, None, approvers))
    return planned
