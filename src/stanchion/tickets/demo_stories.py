"""The demo's ticket stories: what happens to one incident or request, step
by step, through the service functions. Each story is a generator: it does a
step at the time it was resumed and yields the time of its next step (see
``demo.Scheduler``). Agents work office hours; requesters answer late.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from stanchion.accounts.demo.company import OFFICES
from stanchion.accounts.roles import is_staff_role

from . import csat, services
from .choices import TicketState
from .demo_topics import INCIDENT_TOPICS, OUTAGE_TOPICS, REQUEST_WEIGHTS, answers_for
from .models import Ticket

M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)
REGION = {office.name: office.region for office in OFFICES}
ZONE = {office.name: ZoneInfo(office.time_zone) for office in OFFICES}
RATINGS = (5, 4, 3, 2, 1)
RATING_WEIGHTS = (55, 27, 9, 5, 4)
CSAT_SHARE = 0.3
# Resolution time drawn per priority (hours, low-high); some go long.
RESOLVE_HOURS = {"p1": (0.5, 3), "p2": (1, 10), "p3": (2, 40), "p4": (4, 90)}
LATE_SHARE = 0.12


class Desk:
    """Who is who, for the stories: teams and their agents, services and
    items, logins of people, the category taxonomy, the rng and now."""

    def __init__(self, ctx, taxonomy, rng, now):
        self.rng, self.now, self.taxonomy = rng, now, taxonomy
        self.teams = ctx["teams"]
        self.members = {key: list(users) for key, users in ctx["team_members"].items()}
        self.services = ctx["services"]
        self.items = ctx["catalog_items"]
        self.people = list(ctx["active_people"])
        self.logins = {u.person_id: u for u in ctx.get("requesters", []) if u.person_id}
        for users in ctx.get("users_by_role", {}).values():
            self.logins.update({u.person_id: u for u in users if u.person_id and u.is_active})
        self.team_keys = {team.pk: key for key, team in self.teams.items()}
        self.location_names = {}

    def pick(self, choices, weights=None):
        return self.rng.choices(choices, weights)[0] if weights else self.rng.choice(choices)

    def chance(self, share):
        return self.rng.random() < share

    def office(self, person):
        key = person.location_id
        if key not in self.location_names:
            self.location_names[key] = person.location.name if person.location else ""
        return self.location_names[key]

    def first_line(self, person):
        region = REGION.get(self.office(person), "emea")
        return "service_desk_americas" if region == "americas" else "service_desk_emea"

    def agent(self, team_key):
        members = self.members[team_key]
        # The manager (first) takes fewer tickets than the agents.
        return self.pick(members[1:] or members) if len(members) > 1 and self.chance(0.9) else \
            members[0]  # fmt: skip

    def team_key_of(self, team):
        return self.team_keys[team.pk]

    def working(self, at, person=None, *, zone=None):
        """``at``, or the start of the next office day (08:00-18:00 on a
        weekday in the person's office) plus a few minutes."""
        zone = zone or ZONE.get(self.office(person) if person else "", ZoneInfo("Europe/Berlin"))
        local = at.astimezone(zone)
        if local.weekday() < 5 and 8 <= local.hour < 18:
            return at
        day = local.date() + (D if local.hour >= 18 or local.weekday() >= 5 else timedelta(0))
        while day.weekday() >= 5:
            day += D
        start = local.replace(year=day.year, month=day.month, day=day.day, hour=8, minute=0)
        return start.astimezone(at.tzinfo) + self.rng.randrange(5, 90) * M

    def login(self, person):
        return self.logins.get(person.pk)


def _open_incident(desk, at, person, topic, *, impact, urgency, channel, team_key, **extra):
    parent, subs = desk.taxonomy[topic.category]
    reporter = desk.login(person) if channel == "portal" else None
    actor = reporter or desk.agent(team_key)
    return services.open_incident(
        actor=actor,
        requester=person,
        title=desk.pick(topic.titles),
        description=desk.pick(topic.descriptions),
        service=desk.services[topic.service],
        category=parent,
        subcategory=subs[topic.subcategory],
        impact=impact,
        urgency=urgency,
        channel=channel if reporter or channel != "portal" else "phone",
        assignment_team=desk.teams[team_key],
        now=at,
        **extra,
    )


def _impact_urgency(desk):
    """Mostly P3/P4, some P2, a few P1 (with the default matrix)."""
    return desk.pick(
        [("3", "3"), ("3", "2"), ("2", "3"), ("2", "2"), ("3", "1"), ("2", "1"), ("1", "2")],
        [40, 25, 12, 9, 7, 5, 2],
    )


def _share_of_target(desk):
    """How much of its resolution target a ticket uses: most well inside
    it, ``LATE_SHARE`` of them past it (a breach)."""
    if desk.chance(LATE_SHARE):
        return desk.rng.uniform(1.1, 2.5)
    return desk.rng.uniform(0.15, 0.9)


def _resolution_due(ticket):
    clock = ticket.clocks.filter(kind="resolution").order_by("-id").first()
    return clock.due_at if clock else None


def _resolve_after(desk, ticket):
    """When to resolve: a share of the way to the resolution clock's due
    time (the SLA engine's business time, so a Friday ticket's target runs
    into Monday), or a plain guess when no clock runs."""
    due = _resolution_due(ticket)
    if due is None:
        low, high = RESOLVE_HOURS[ticket.priority]
        return ticket.created_at + desk.rng.uniform(low, high) * H
    return ticket.created_at + (due - ticket.created_at) * _share_of_target(desk)


def incident_story(desk, arrival):
    rng = desk.rng
    person = desk.pick(desk.people)
    topic = desk.pick(INCIDENT_TOPICS, [t.weight for t in INCIDENT_TOPICS])
    impact, urgency = _impact_urgency(desk)
    channel = desk.pick(["portal", "email", "phone", "chat"], [50, 25, 15, 10])
    first_line = desk.first_line(person)
    ticket = _open_incident(
        desk, arrival.at, person, topic,
        impact=impact, urgency=urgency, channel=channel, team_key=first_line,
    )  # fmt: skip
    at = desk.working(arrival.at + rng.randrange(3, 60) * M, person)
    yield at
    agent = desk.agent(first_line)
    services.assign(ticket, actor=agent, team=desk.teams[first_line], assignee=agent, now=at)
    services.add_comment(ticket, actor=agent, body=desk.pick(topic.replies), now=at + M)
    services.change_state(ticket, TicketState.IN_PROGRESS, actor=agent, now=at + 2 * M)
    at += 2 * M
    holder, holder_key = agent, first_line
    if desk.chance(0.22):  # resolved on first contact
        at += rng.randrange(5, 40) * M
        yield at
    else:
        if desk.chance(0.15):  # waiting for the requester
            at = at + rng.randrange(10, 120) * M
            yield at
            services.change_state(
                ticket, TicketState.PENDING, actor=holder, pending_reason="pending_customer",
                body="Could you tell us when this happens and send a screenshot?", now=at,
            )  # fmt: skip
            at = desk.working(at + rng.uniform(2, 40) * H, person)
            yield at
            login = desk.login(person)
            if login and not is_staff_role(login):  # their answer resumes the ticket
                services.add_comment(ticket, actor=login, body=desk.pick(topic.requester), now=at)
            else:
                services.change_state(
                    ticket, TicketState.IN_PROGRESS, actor=holder, now=at,
                    body="The requester called back with the details.",
                )  # fmt: skip
        if desk.chance(topic.escalation):
            at = desk.working(at + rng.randrange(20, 240) * M)
            yield at
            services.add_comment(
                ticket, actor=holder, body=desk.pick(topic.notes), public=False, now=at
            )
            holder_key = topic.escalate_to
            holder = desk.agent(holder_key)
            services.assign(ticket, actor=agent, team=desk.teams[holder_key], now=at + M)
            if desk.chance(0.18):  # ping-pong: not ours, back it goes
                at = desk.working(at + rng.uniform(1, 20) * H)
                yield at
                other = desk.pick([k for k in topic.bounce if k != holder_key] or [first_line])
                services.add_comment(
                    ticket, actor=holder, public=False, now=at,
                    body=f"Not ours: looks like a {other.replace('_', ' ')} issue.",
                )  # fmt: skip
                services.assign(ticket, actor=holder, team=desk.teams[other], now=at + M)
                holder_key, holder = other, desk.agent(other)
            # Most second-line pickups come within the team's OLA (4 business
            # hours); a busy day's do not.
            wait = rng.uniform(0.3, 3.5) if desk.chance(0.8) else rng.uniform(3, 12)
            at = desk.working(at + wait * H)
            yield at
            services.assign(
                ticket, actor=holder, team=desk.teams[holder_key], assignee=holder, now=at
            )
            services.add_comment(ticket, actor=holder, body=desk.pick(topic.replies), now=at + M)
        elif desk.chance(0.4):
            at += rng.randrange(10, 180) * M
            yield at
            services.add_comment(
                ticket, actor=holder, body=desk.pick(topic.notes), public=False, now=at
            )
        if desk.chance(0.08):  # waiting days for a vendor or a change
            reason = desk.pick(["pending_vendor", "pending_change"])
            at = desk.working(at + rng.uniform(1, 8) * H)
            yield at
            services.change_state(
                ticket, TicketState.PENDING, actor=holder, pending_reason=reason, now=at,
                body="Waiting for the vendor." if reason == "pending_vendor" else
                "Waiting for the change that fixes this.",
            )  # fmt: skip
            at = desk.working(at + rng.uniform(2, 15) * D)
            yield at
            services.change_state(ticket, TicketState.IN_PROGRESS, actor=holder, now=at,
                                  body="Unblocked, back on it.")  # fmt: skip
        ticket.refresh_from_db()
        at = max(at + M, _resolve_after(desk, ticket))
        yield at
    services.resolve(
        ticket, actor=holder, code=desk.pick(["solved", "workaround"], [85, 15]),
        notes=desk.pick(topic.resolutions), now=at,
    )  # fmt: skip
    if desk.chance(0.06):  # it came back
        at = desk.working(at + rng.uniform(4, 72) * H, person)
        yield at
        ticket.refresh_from_db()
        if ticket.state != TicketState.RESOLVED:  # closed meanwhile: too late
            yield from _rate(desk, ticket, at, person)
            return
        services.reopen(ticket, actor=desk.login(person) or holder, now=at,
                        reason="Still happening after the fix.")  # fmt: skip
        at = desk.working(at + rng.uniform(1, 24) * H)
        yield at
        services.resolve(ticket, actor=holder, code="solved", now=at,
                         notes=desk.pick(topic.resolutions))  # fmt: skip
    yield from _rate(desk, ticket, at, person)


def _rate(desk, ticket, at, person):
    if not desk.chance(CSAT_SHARE):
        return
    at += desk.rng.uniform(0.2, 30) * H
    yield at
    survey = csat.open_survey(ticket)
    if survey is None:
        return
    rating = desk.pick(RATINGS, RATING_WEIGHTS)
    comment = ""
    if desk.chance(0.3):
        comment = {5: "Quick and friendly, thanks!", 4: "Sorted, thank you.", 3: "Took a while.",
                   2: "Had to chase twice.", 1: "Still not really fixed."}[rating]  # fmt: skip
    csat.answer_survey(survey, actor=desk.login(person), rating=rating, comment=comment, now=at)


def outage_story(desk, arrival, masters):
    """Many reports of one service failing. The first report becomes the
    major incident the network or identity engineers work; the others are
    linked to it as duplicates and resolved with it."""
    rng = desk.rng
    topic = OUTAGE_TOPICS[arrival.outage % len(OUTAGE_TOPICS)]
    person = desk.pick(desk.people)
    first_line = desk.first_line(person)
    master = masters.get(arrival.outage)
    impact, urgency = ("1", "1") if master is None else ("2", "1")
    ticket = _open_incident(
        desk, arrival.at, person, topic, impact=impact, urgency=urgency,
        channel=desk.pick(["portal", "chat", "phone"], [50, 35, 15]), team_key=first_line,
        **({"is_major": True, "impact_start": arrival.at} if master is None else {}),
    )  # fmt: skip
    agent = desk.agent(first_line)
    if master is not None:
        at = arrival.at + rng.randrange(2, 15) * M
        yield at
        services.link_tickets(ticket, master["ticket"], actor=agent, kind="duplicate_of", now=at)
        services.add_comment(ticket, actor=agent, now=at, body=(
            f"Thanks, this is a known outage tracked in {master['ticket'].number}; "
            "we will update you here."))  # fmt: skip
        yield max(master["resolved_at"], at + M)
        services.resolve(ticket, actor=agent, code="duplicate", now=max(master["resolved_at"],
                         at + M), notes=f"Resolved with {master['ticket'].number}.")  # fmt: skip
        return
    fix = arrival.at + rng.uniform(1, 4) * H
    masters[arrival.outage] = {"ticket": ticket, "resolved_at": fix + 5 * M}
    at = arrival.at + 4 * M
    yield at
    services.add_comment(ticket, actor=agent, now=at, body="We see many reports, investigating.")
    specialists = topic.escalate_to
    holder = desk.agent(specialists)
    services.assign(ticket, actor=agent, team=desk.teams[specialists], assignee=holder, now=at + M)
    yield fix
    services.resolve(ticket, actor=holder, code="solved", now=fix,
                     notes=desk.pick(topic.resolutions))  # fmt: skip
    yield from _rate(desk, ticket, fix, person)


def request_story(desk, arrival):
    rng = desk.rng
    person = desk.pick(desk.people)
    name = desk.pick(list(REQUEST_WEIGHTS), list(REQUEST_WEIGHTS.values()))
    item = desk.items[name]
    login = desk.login(person)
    first_line = desk.first_line(person)
    actor = login or desk.agent(first_line)
    answers = answers_for(name, rng, person, arrival.at.date() + 14 * D)
    ticket = services.open_request(
        actor=actor, requester=person, item=item, answers=answers, now=arrival.at,
        channel="portal" if login else "phone",
    )  # fmt: skip
    at = arrival.at
    for approval in ticket.approvals.all():
        at = desk.working(at + rng.uniform(0.3, 20) * H, person)
        yield at
        approver = approval.approver or desk.agent(desk.team_key_of(approval.approver_team))
        if desk.chance(0.07):
            services.reject(approval, actor=approver, now=at, comment=(
                "Not needed for this role; please talk to me first."))  # fmt: skip
            return
        services.approve(approval, actor=approver, now=at, comment=desk.pick(
            ["", "", "Approved.", "OK for this quarter's budget."]))  # fmt: skip
    ticket.refresh_from_db()
    if ticket.state not in (TicketState.IN_PROGRESS, TicketState.ASSIGNED):
        return
    # The tasks' steps share a part of the time to the delivery target (all
    # of it and more for the late ones).
    due = _resolution_due(ticket) or at + 24 * H
    steps = 2 * ticket.tasks.count() or 1
    step = max((due - at) * _share_of_target(desk) / steps, 5 * M)
    while True:
        open_tasks = list(ticket.tasks.filter(state="open").select_related("team"))
        if not open_tasks:
            break
        for task in open_tasks:
            worker = desk.agent(desk.team_key_of(task.team))
            at += step * rng.uniform(0.5, 1.5)
            yield at
            services.start_task(task, actor=worker, now=at)
            at += step * rng.uniform(0.5, 1.5)
            yield at
            services.complete_task(
                task,
                actor=worker,
                now=at,
                notes=desk.pick(
                    ["Done.", "Done, details sent to the requester.", "Completed as requested."]
                ),
            )
        ticket = Ticket.objects.get(pk=ticket.pk)
    if ticket.state == TicketState.RESOLVED:
        yield from _rate(desk, ticket, at, person)
