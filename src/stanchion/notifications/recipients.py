"""Who is told about which ticket event (docs/notifications.md has the table).

``plan(name, ticket, actor, data)`` turns one event into deliveries: a
recipient, a notification kind and the channels it may use. Preferences are
applied later, when the deliveries are made. People never hear about their
own actions, inactive logins hear nothing, and the requester only ever hears
about public things.
"""

from dataclasses import dataclass, field

from stanchion.accounts.models import TeamMembership, User
from stanchion.accounts.roles import is_staff_role
from stanchion.tickets import events
from stanchion.tickets.models import Approval, SlaClock, Task, TimelineEvent

from .choices import NotificationKind as Kind


@dataclass(frozen=True)
class Recipient:
    user: User | None  # a login: in-app notifications and preferences
    email: str  # "" when no email may be sent
    staff: bool  # staff get agent workspace links, requesters portal links
    name: str = ""

    @property
    def key(self):
        return ("user", self.user.pk) if self.user else ("email", self.email.lower())


@dataclass
class Delivery:
    recipient: Recipient
    kind: str
    email: bool = True
    in_app: bool = True
    context: dict = field(default_factory=dict)


def login(user):
    if user is None or not user.is_active:
        return None
    return Recipient(user, user.email, is_staff_role(user), user.full_name)


def requester(ticket):
    """The requester's login when they have one; otherwise their directory
    email, unless they have left the company."""
    person = ticket.requester
    user = User.objects.filter(person=person).first()
    if user is not None:
        return login(user)
    if person.employment_status == "terminated" or not person.email:
        return None
    return Recipient(None, person.email, False, person.name)


def team_members(team):
    if team is None:
        return []
    members = TeamMembership.objects.filter(team=team, user__is_active=True).select_related("user")
    return [login(m.user) for m in members]


def team_address(team):
    """A team's shared mailbox, when it has one: told about work in its
    queue by email, while members are told in the app."""
    if team is None or not team.email or not team.is_active:
        return None
    return Recipient(None, team.email, True, team.name)


def _is_from_it(actor):
    # An action without a person behind it (a job, an integration) speaks
    # for IT, never for the requester.
    return actor is None or is_staff_role(actor)


def _to_team(ticket, kind, **context):
    """The ticket's assignee, or, while nobody holds it, the whole team in
    the app and the team's mailbox by email."""
    assignee = login(ticket.assignee)
    if assignee is not None:
        return [Delivery(assignee, kind, context=context)]
    team = ticket.assignment_team
    deliveries = [
        Delivery(member, kind, email=False, context=context) for member in team_members(team)
    ]
    address = team_address(team)
    if address is not None:
        deliveries.append(Delivery(address, kind, in_app=False, context=context))
    return deliveries


def _requester_only(ticket, kind, **context):
    recipient = requester(ticket)
    return [Delivery(recipient, kind, context=context)] if recipient else []


def _opened(ticket, actor, data):
    return _requester_only(ticket, Kind.OPENED)


def _commented(ticket, actor, data):
    if not data.get("public"):
        return []  # internal notes notify nobody outside the timeline
    event = TimelineEvent.objects.filter(pk=data.get("event_id"), public=True).first()
    if event is None:
        return []
    if _is_from_it(actor):
        return _requester_only(ticket, Kind.REPLY, event=event)
    return _to_team(ticket, Kind.REQUESTER_REPLIED, event=event)


def _state_changed(ticket, actor, data):
    asked = data.get("new") == "pending" and ticket.pending_reason == "pending_customer"
    # Re-read state: if the ticket moved on before we got here, the
    # question is no longer open and nobody should be asked it.
    if not asked or ticket.state != "pending":
        return []
    event = (
        TimelineEvent.objects.filter(ticket=ticket, kind="state", public=True)
        .order_by("-at", "-id")
        .first()
    )
    return _requester_only(ticket, Kind.QUESTION, event=event)


def _resolved(ticket, actor, data):
    from stanchion.tickets.models import CsatSurvey

    survey = CsatSurvey.objects.filter(pk=data.get("survey_id"), ticket=ticket).first()
    return _requester_only(ticket, Kind.RESOLVED, survey=survey)


def _reopened(ticket, actor, data):
    return _to_team(ticket, Kind.REOPENED)


def _assigned(ticket, actor, data):
    if ticket.assignment_team_id != data.get("team_id"):
        return []  # reassigned again since: the later event tells the holder
    return _to_team(ticket, Kind.ASSIGNED if ticket.assignee_id else Kind.TEAM_ASSIGNED)


def _approval_requested(ticket, actor, data):
    approval = (
        Approval.objects.filter(pk=data.get("approval_id"), state="pending")
        .select_related("approver", "approver_team")
        .first()
    )
    if approval is None:
        return []
    approvers = [login(approval.approver)] if approval.approver_id else []
    approvers += team_members(approval.approver_team)
    return [Delivery(a, Kind.APPROVAL_REQUESTED, context={"approval": approval}) for a in approvers]


def _approval_decided(ticket, actor, data):
    approval = Approval.objects.filter(pk=data.get("approval_id")).first()
    if approval is None:
        return []
    return _requester_only(ticket, Kind.APPROVAL_DECIDED, approval=approval)


def _task_opened(ticket, actor, data):
    task = Task.objects.filter(pk=data.get("task_id")).select_related("team").first()
    if task is None:
        return []
    context = {"task": task}
    deliveries = [
        Delivery(member, Kind.TASK_OPENED, email=False, context=context)
        for member in team_members(task.team)
    ]
    address = team_address(task.team)
    if address is not None:
        deliveries.append(Delivery(address, Kind.TASK_OPENED, in_app=False, context=context))
    return deliveries


def _clock(data):
    return (
        SlaClock.objects.filter(pk=data.get("clock_id"))
        .select_related("team__manager", "ticket__assignment_team__manager")
        .first()
    )


def _clock_team(clock):
    # An OLA clock belongs to its team; an SLA clock to whoever holds the ticket.
    return clock.team if clock.team_id else clock.ticket.assignment_team


def _sla_warning(ticket, actor, data):
    clock = _clock(data)
    if clock is None:
        return []
    team = _clock_team(clock)
    recipient = login(ticket.assignee) or login(team.manager if team else None)
    return [Delivery(recipient, Kind.SLA_WARNING, context={"clock": clock})] if recipient else []


def _sla_breached(ticket, actor, data):
    clock = _clock(data)
    if clock is None:
        return []
    team = _clock_team(clock)
    recipients = [login(ticket.assignee), login(team.manager if team else None)]
    return [Delivery(r, Kind.SLA_BREACHED, context={"clock": clock}) for r in recipients if r]


RULES = {
    events.OPENED: _opened,
    events.COMMENTED: _commented,
    events.STATE_CHANGED: _state_changed,
    events.RESOLVED: _resolved,
    events.REOPENED: _reopened,
    events.ASSIGNED: _assigned,
    events.APPROVAL_REQUESTED: _approval_requested,
    events.APPROVAL_DECIDED: _approval_decided,
    events.TASK_OPENED: _task_opened,
    events.SLA_WARNING: _sla_warning,
    events.SLA_BREACHED: _sla_breached,
}

# The requester is told even about what they did themselves (the
# confirmation of their own ticket); everyone else only about others' actions.
TOLD_OF_OWN_ACTIONS = {Kind.OPENED}


def plan(name, ticket, actor, data):
    rule = RULES.get(name)
    if rule is None:
        return []
    deliveries, seen = [], set()
    for delivery in rule(ticket, actor, data):
        user = delivery.recipient.user
        own = actor is not None and user is not None and user.pk == actor.pk
        if own and delivery.kind not in TOLD_OF_OWN_ACTIONS:
            continue
        if delivery.recipient.key in seen:
            continue
        seen.add(delivery.recipient.key)
        deliveries.append(delivery)
    return deliveries
