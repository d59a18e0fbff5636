"""The stories behind the demo's year of changes (see changes.demo): one
generator per change and per CAB meeting, each step a real service call at
its own time, yielding the time of the next step."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from stanchion.accounts.roles import Role

from . import services
from .choices import ApprovalState, ApproverKind, ChangeState, ChangeType
from .models import Change
from .risk import QUESTIONS
from .services.assessing import conflicts_block
from .windows import occurrences

BERLIN = ZoneInfo("Europe/Berlin")
NORMAL_TITLES = (
    "Upgrade {service} to the vendor's new major version",
    "Move {service} to the new cluster",
    "Change how {service} authenticates to its database",
    "Reconfigure the backups of {service}",
    "Enable audit logging on {service}",
    "Replace the load balancer in front of {service}",
    "Migrate {service} storage to encrypted volumes",
)
MAJOR_TITLES = (
    "Migrate {service} to the new identity provider tenant",
    "Re-platform {service} onto the new data centre",
    "Cut {service} over to the new network core",
)
# Critical services many others depend on: their big changes go to the CAB.
MAJOR_SERVICES = ("Single sign-on (Okta)", "Employee directory")
EMERGENCY_TITLES = (
    "Patch a critical vulnerability in {service}",
    "Hotfix: {service} is dropping connections",
    "Emergency roll-back of the last {service} release",
)
FAILURE = {  # change type: (failed or rolled back, successful with issues)
    ChangeType.STANDARD: (0.03, 0.05),
    ChangeType.NORMAL: (0.08, 0.10),
    ChangeType.EMERGENCY: (0.15, 0.15),
}
OVERRIDE_REASONS = (
    "The vendor's engineer is only available then; the owners agreed.",
    "Different components of the service; both teams coordinate in the change channel.",
    "Security fix that cannot wait for the next window.",
)


class Desk:
    """What the stories share: the demo's people, services, windows and
    the slots already taken on the calendar."""

    def __init__(self, ctx, rng, now, start):
        self.rng, self.now, self.start = rng, now, start
        self.services = {n: s for n, s in ctx["services"].items() if s.status == "live"}
        self.teams = ctx["teams"]
        self.members = ctx["team_members"]
        self.approvers = list(ctx["users_by_role"].get(Role.CHANGE_APPROVER, []))
        self.managers = [members[0] for members in self.members.values() if members]
        self._keys = {team.pk: key for key, team in self.teams.items()}
        self.taken = []
        self.windows, self.blackouts, self.templates = {}, [], []
        self._frozen = None
        self.meetings = []

    def team_key(self, team):
        return self._keys.get(team.pk)

    def incidents(self):
        from stanchion.tickets.models import Ticket

        return list(
            Ticket.objects.filter(
                kind="incident",
                service__status="live",
                created_at__gte=self.start + timedelta(days=21),
                created_at__lte=self.now - timedelta(days=2),
            ).order_by("pk")
        )

    def requester(self, team):
        members = self.members.get(self.team_key(team)) or self.managers
        return self.rng.choice(members[1:] or members)

    def next_cab(self, after):
        """The first CAB meeting after ``after``."""
        for at in self.meetings:
            if at > after:
                return at
        return after + timedelta(days=14)

    def _free(self, service, start, end):
        if start.weekday() >= 5 and service.pk not in self.windows:
            return False
        for begins, ends in self.taken:
            if begins < end and start < ends:
                return False
        for begins, ends, ids in self.frozen:
            if (not ids or service.pk in ids) and begins < end and start < ends:
                return False
        return True

    @property
    def frozen(self):
        """(start, end, service ids) of the blackouts, read once."""
        if self._frozen is None:
            self._frozen = [
                (b.starts_at, b.ends_at, {s.pk for s in b.services.all()}) for b in self.blackouts
            ]
        return self._frozen

    def slot(self, service, earliest, minutes, *, in_window=True):
        """A free time for ``minutes`` of work from ``earliest``: inside the
        service's next window occurrences when it has one, else in the day."""
        length = timedelta(minutes=minutes)
        window = self.windows.get(service.pk) if in_window else None
        if window is not None:
            for begins, ends in occurrences(window, earliest, earliest + timedelta(days=42)):
                cursor = max(begins, earliest)
                while cursor + length <= ends:
                    if self._free(service, cursor, cursor + length):
                        return self.take(cursor, length)
                    cursor += timedelta(minutes=30)
        cursor = earliest.replace(hour=self.rng.randint(7, 15), minute=0, second=0, microsecond=0)
        while cursor < earliest or not self._free(service, cursor, cursor + length):
            cursor += timedelta(hours=1)
        return self.take(cursor, length)

    def take(self, start, length):
        self.taken.append((start, start + length))
        return start, start + length


def _reload(change):
    return Change.objects.get(pk=change.pk)


def _plan(desk, at, change_type, incident):
    """(service, template, start, end) for a new change."""
    rng = desk.rng
    template = None
    if incident is not None:
        service = incident.service
        matching = [t for t in desk.templates if service in t.services.all()]
        if change_type == ChangeType.STANDARD and matching:
            template = rng.choice(matching)
        else:
            change_type = ChangeType.NORMAL
    elif change_type == ChangeType.STANDARD and desk.templates:
        template = rng.choice(desk.templates)
        service = template.services.first()
    else:
        service = rng.choice(sorted(desk.services.values(), key=lambda s: s.pk))
    minutes = template.expected_duration_minutes if template else rng.choice((60, 90, 120, 180))
    if incident is not None:
        end = incident.created_at - timedelta(minutes=rng.randint(30, 240))
        start, end = desk.take(end - timedelta(minutes=minutes), timedelta(minutes=minutes))
    elif change_type == ChangeType.EMERGENCY:
        start, end = desk.take(at + timedelta(minutes=rng.randint(30, 90)),
                               timedelta(minutes=minutes))  # fmt: skip
    elif change_type == ChangeType.STANDARD:
        start, end = desk.slot(service, at + timedelta(days=rng.uniform(1, 5)), minutes)
    else:
        # After the first CAB the change can be on (in case its risk is high).
        earliest = desk.next_cab(at + timedelta(days=1)) + timedelta(days=rng.uniform(1, 10))
        start, end = desk.slot(service, earliest, minutes, in_window=rng.random() > 0.06)
    return change_type, service, template, start, end


def _major(desk, at):
    """A one-way migration of a critical service, done on a weekend day
    outside its window: high risk, so the CAB decides it."""
    rng = desk.rng
    candidates = [desk.services[n] for n in MAJOR_SERVICES if n in desk.services]
    if not candidates:
        return None
    service = rng.choice(candidates)
    earliest = desk.next_cab(at + timedelta(days=1)) + timedelta(days=rng.uniform(1, 8))
    while earliest.weekday() != 5:
        earliest += timedelta(days=1)
    start, end = desk.slot(service, earliest.replace(hour=8), 240, in_window=False)
    return ChangeType.NORMAL, service, None, start, end


def _fields(desk, change_type, service, *, major=False):
    rng = desk.rng
    if change_type == ChangeType.STANDARD:
        return {}
    if major:
        return {
            "title": rng.choice(MAJOR_TITLES).format(service=service.name),
            "justification": "The current platform reaches the end of its support.",
            "implementation_plan": "Freeze writes, migrate, switch over, re-open.",
            "backout_plan": "",
            "test_plan": "",
            "validation_checklist": ["Sign-in works for every office", "No errors in the logs"],
            "risk_answers": {
                "user_impact": "outage",
                "reversibility": "irreversible",
                "experience": "first_time",
                "teams_involved": "several",
            },
        }
    titles = EMERGENCY_TITLES if change_type == ChangeType.EMERGENCY else NORMAL_TITLES
    return {
        "title": rng.choice(titles).format(service=service.name),
        "justification": "Keeps the service supported, secure and within its SLA.",
        "implementation_plan": "Announce the work, apply the change, watch the service.",
        "backout_plan": "Restore the previous release and configuration."
        if rng.random() > 0.1
        else "",
        "test_plan": "Rehearsed on staging the week before." if rng.random() > 0.15 else "",
        "validation_checklist": ["The service answers its health check", "Users can sign in"],
        "risk_answers": {
            q["key"]: rng.choice(q["choices"])[0] for q in QUESTIONS if rng.random() > 0.1
        },
    }


def _outcome(rng, change_type):
    failed, issues = FAILURE[change_type]
    draw = rng.random()
    if draw < failed:
        return rng.choice(("failed", "rolled_back")), "Health checks failed; the backout plan ran."
    if draw < failed + issues:
        return "successful_with_issues", "Took longer than planned; a few users saw errors."
    return "successful", ""


def change_story(desk, at, change_type, incident):
    rng = desk.rng
    planned = None
    if change_type == ChangeType.NORMAL and incident is None and rng.random() < 0.35:
        planned = _major(desk, at)
    major = planned is not None
    change_type, service, template, start, end = planned or _plan(desk, at, change_type, incident)
    team = template.implementer_team if template else service.owner_team
    requester = desk.requester(team)
    fields = _fields(desk, change_type, service, major=major)
    title = fields.pop("title", template.name if template else service.name)
    change = services.create_change(
        actor=requester, change_type=change_type, title=title, template=template,
        services=[service], planned_start=start, planned_end=end, implementer_team=team,
        now=at, **fields,
    )  # fmt: skip
    t = at + timedelta(minutes=rng.randint(5, 90))
    yield t
    change = services.submit(change, actor=requester, now=t)
    if conflicts_block(change):
        t += timedelta(minutes=rng.randint(20, 180))
        yield t
        reason = rng.choice(OVERRIDE_REASONS)
        change = services.override_conflicts(
            change, actor=rng.choice(desk.approvers), reason=reason, now=t
        )
    if change_type != ChangeType.STANDARD:
        if change_type == ChangeType.NORMAL and rng.random() < 0.03:
            t += timedelta(days=1)
            yield t
            services.cancel(change, actor=requester, reason="No longer needed.", now=t)
            return
        t += timedelta(minutes=rng.randint(5, 30))
        yield t
        change = services.request_approval(change, actor=requester, now=t)
        pending = change.approvals.filter(state=ApprovalState.PENDING)
        for approval in pending.exclude(kind=ApproverKind.CAB).order_by("pk"):
            quick = change_type == ChangeType.EMERGENCY
            t += timedelta(minutes=rng.randint(10, 40) if quick else rng.randint(60, 1440))
            yield t
            approve = quick or rng.random() > 0.05
            comment = "" if approve else "Not now: the plan needs a tested backout."
            services.decide(approval, actor=approval.approvers.order_by("pk").first(),
                            approve=approve, comment=comment, now=t)  # fmt: skip
            if not approve:
                break
        change = _reload(change)
        while change.state == ChangeState.AUTHORISATION and change.approved_at is None:
            t = desk.next_cab(t) + timedelta(hours=2)
            yield t
            change = _reload(change)
        if change.state != ChangeState.AUTHORISATION:
            t += timedelta(hours=rng.randint(2, 30))
            yield t
            services.cancel(change, actor=requester, reason="Rejected; to be re-planned.", now=t)
            return
        t += timedelta(minutes=rng.randint(5, 60))
        yield t
        if change_type == ChangeType.NORMAL and start <= t:
            services.cancel(
                change, actor=requester, reason="Approved too late for its slot.", now=t
            )
            return
        change = services.schedule(change, actor=requester, now=t)
    if start > t:
        t = start
    else:
        t += timedelta(minutes=5)
        end = t + (end - start)
    yield t
    change = services.start_implementation(change, actor=requester, now=t)
    yield end
    outcome, notes = _outcome(rng, change_type)
    change = services.finish_implementation(
        change, actor=requester, outcome=outcome, notes=notes, now=end
    )
    t = end + timedelta(minutes=rng.randint(10, 60))
    if incident is not None:
        t = max(t, incident.created_at + timedelta(minutes=rng.randint(30, 180)))
    yield t
    if change.validation_checklist:
        done = [{"item": s["item"], "done": True} for s in change.validation_checklist]
        change = services.update_validation(change, actor=requester, checklist=done, now=t)
    if incident is not None:
        note = f"{incident.number} started right after this change."
        services.link_incident(change, incident, actor=requester, note=note, now=t)
    t += timedelta(hours=rng.randint(2, 48))
    yield t
    retrospective = ""
    if change_type == ChangeType.EMERGENCY:
        retrospective = "Why it could not wait, what we learnt, and the follow-up problem ticket."
    services.close(change, actor=requester, retrospective=retrospective, now=t)


def cab_story(desk, plan_at):
    """Plan a meeting six days ahead, build its agenda an hour before, then
    take attendance, decide every item and hold it."""
    rng = desk.rng
    if not desk.approvers:
        return
    meeting_at = plan_at + timedelta(days=6)
    chair = desk.approvers[0]
    guests = rng.sample(desk.managers, min(3, len(desk.managers)))
    meeting = services.plan_cab_meeting(
        actor=chair, title=f"CAB {meeting_at.astimezone(BERLIN):%Y-%m-%d}",
        starts_at=meeting_at, ends_at=meeting_at + timedelta(hours=1),
        location="Berlin HQ, room Lovelace, and video", chair=chair,
        attendees=[*desk.approvers, *guests], now=plan_at,
    )  # fmt: skip
    services.build_agenda(meeting, actor=chair)  # what waits already
    yield meeting_at - timedelta(hours=1)
    items = services.build_agenda(meeting, actor=chair)
    t = meeting_at + timedelta(minutes=45)
    yield t
    present = [u.pk for u in [*desk.approvers, *guests] if u == chair or rng.random() > 0.2]
    services.record_attendance(meeting, actor=chair, attended_user_ids=present)
    for item in items:
        if _reload(item.change).state != ChangeState.AUTHORISATION:
            continue  # decided elsewhere since: left undecided, so deferred
        if rng.random() < 0.1:
            note = "The board wants a rehearsal on staging first."
            services.record_cab_decision(item, actor=chair, decision="rejected", note=note, now=t)
        else:
            services.record_cab_decision(item, actor=chair, decision="approved", now=t)
    minutes = f"{len(items)} change(s) decided; the fortnight's failed changes reviewed."
    if not items:
        minutes = "No change awaited the board; the fortnight's failed changes reviewed."
    services.hold_meeting(meeting, actor=chair, minutes=minutes, now=t + timedelta(minutes=10))
