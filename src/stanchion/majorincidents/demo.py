"""The demo company's major incidents, after the service desk's year (30)
and the changes (40).

The past: the service desk's outages (the incidents it marked major, each
with the duplicate reports linked to it) become resolved major incidents
with a commander and a communications lead from the team that worked them,
stakeholder updates every half hour while they lasted, and a post-incident
review with actions: some closed on time, some late, one still open past
its due date. History is written as records at their own times (the
services refuse to declare a ticket that is already resolved).

The present: one P1 outage declared 75 minutes before ``now`` through the
real services, with two employees' reports linked as children and one
update posted 70 minutes ago, so its next update is overdue. A few dozen
employees follow services. Notifications are muted.
"""

from datetime import timedelta

from django.utils import timezone

from stanchion.core.services import create_record, next_number
from stanchion.tickets import events as ticket_events
from stanchion.tickets import services as tickets
from stanchion.tickets.models import Ticket, TicketLink

from . import notify, services
from .choices import ActionState
from .models import ChildIncident, MajorIncident, MajorIncidentUpdate, ReviewAction
from .services.reviews import open_review

M = timedelta(minutes=1)
PAST_LIMIT = 6
UPDATES = (
    "We are aware that {service} is failing for many people and are investigating.",
    "The {team} team has found a likely cause and is working on a fix. Next update in 30 minutes.",
    "A fix is being rolled out; some people may already see {service} working again.",
    "Most people can use {service} again; we are watching it closely.",
)
ROOT_CAUSES = (
    "A certificate on the upstream load balancer expired; the renewal job had failed silently.",
    "A configuration push reached every node at once instead of in waves.",
    "The primary database ran out of disk after a log retention change.",
    "A vendor-side outage in one region, with no failover configured for it.",
)
ACTIONS = (
    "Alert on certificate expiry 30 days ahead",
    "Roll configuration out in waves with automatic halt",
    "Add a disk-space alert at 80% on the database hosts",
    "Document and test the regional failover",
    "Add the service to the synthetic monitoring checks",
    "Write the runbook for this failure",
)


def create_major_incidents(rng, ctx, options):
    now = options.get("now") or timezone.now()
    agents = ctx.get("agents") or []
    if not agents:
        return
    with notify.muted(), ticket_events.muted():
        past = _past(rng, agents, now)
        current = _current(rng, ctx, agents, now)
        followers = _subscriptions(rng, ctx)
    ctx["summary"].extend(
        [
            ("Major incidents", MajorIncident.objects.count()),
            ("Post-incident review actions", ReviewAction.objects.count()),
            ("Employees following services", followers),
        ]
    )
    return past, current


def _past(rng, agents, now):
    outages = list(
        Ticket.objects.filter(
            is_major=True, kind="incident", resolved_at__isnull=False, major_incident__isnull=True
        )
        .select_related("service", "assignee", "resolved_by_team")
        .order_by("-created_at")[:PAST_LIMIT]
    )
    made = []
    for ticket in reversed(outages):
        made.append(_past_incident(rng, agents, ticket, now))
    return made


def _past_incident(rng, agents, ticket, now):
    commander = ticket.assignee or rng.choice(agents)
    comms = rng.choice([a for a in agents if a.pk != commander.pk] or agents)
    impact_start = ticket.impact_start or ticket.created_at
    declared = ticket.created_at + rng.randrange(3, 12) * M
    resolved = max(ticket.resolved_at, declared + M)
    mitigated = min(ticket.impact_end or resolved, resolved)
    mitigated = max(mitigated, impact_start)
    mi = create_record(
        MajorIncident,
        {
            "number": next_number("MI"),
            "title": ticket.title,
            "priority": ticket.priority if ticket.priority in ("p1", "p2") else "p1",
            "state": "resolved",
            "ticket": ticket,
            "commander": commander,
            "comms_lead": comms,
            "declared_by": commander,
            "declared_at": declared,
            "impact_start": impact_start,
            "detected_at": max(ticket.created_at, impact_start),
            "mitigated_at": mitigated,
            "resolved_at": resolved,
            "resolution_notes": ticket.resolution_notes or "Service restored.",
            "last_update_at": None,
            "created_at": declared,
        },
    )
    if ticket.service_id:
        mi.services.set([ticket.service_id])
    for link in TicketLink.objects.filter(other=ticket, kind="duplicate_of").select_related(
        "ticket"
    ):
        create_record(
            ChildIncident,
            {"major_incident": mi, "ticket": link.ticket, "linked_by": commander,
             "created_at": link.created_at},
        )  # fmt: skip
    service = ticket.service.name if ticket.service_id else "the service"
    team = ticket.resolved_by_team.name if ticket.resolved_by_team_id else "engineering"
    at, texts = declared + 2 * M, iter(UPDATES)
    while at < resolved:
        text = next(texts, "Still working on it; next update in 30 minutes.")
        create_record(
            MajorIncidentUpdate,
            {"major_incident": mi, "body": text.format(service=service, team=team),
             "posted_by": comms, "state": "declared", "created_at": at},
        )  # fmt: skip
        at += 30 * M
    create_record(
        MajorIncidentUpdate,
        {"major_incident": mi, "body": f"Resolved: {service} works normally again. "
         "A post-incident review follows.", "posted_by": comms, "state": "resolved",
         "created_at": resolved},
    )  # fmt: skip
    mi.last_update_at = resolved
    mi.save()
    review = open_review(mi, actor=None, now=resolved)
    review.summary = (
        f"{service} was unavailable for most people for {_duration(mitigated - impact_start)}."
    )
    review.impact = f"Employees could not use {service}; {mi.children.count()} reported it."
    review.root_cause = rng.choice(ROOT_CAUSES)
    review.contributing_factors = "The alert that would have caught it earlier was missing."
    review.went_well = "The team was assembled within minutes and updates went out on time."
    review.was_hard = "Finding which change had triggered it took longest."
    review.save()
    for n, title in enumerate(rng.sample(ACTIONS, 3)):
        due = (resolved + timedelta(days=7 * (n + 1))).date()
        done_at = None
        state = ActionState.OPEN
        fate = rng.random()
        due_moment = resolved + timedelta(days=7 * (n + 1))
        if due_moment < now and fate < 0.6:
            state, done_at = ActionState.DONE, due_moment - timedelta(days=rng.randrange(0, 5))
        elif due_moment < now and fate < 0.85:
            state, done_at = ActionState.DONE, min(now, due_moment + timedelta(days=3))
        create_record(
            ReviewAction,
            {"review": review, "title": title, "owner": rng.choice(agents), "due_date": due,
             "state": state, "done_at": done_at, "created_at": resolved + timedelta(days=1),
             "overdue_notified_at": due_moment if state == ActionState.OPEN and
             due_moment < now else None},
        )  # fmt: skip
    return mi


def _duration(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} minutes"


def _current(rng, ctx, agents, now):
    live = [s for s in ctx.get("services", {}).values() if s.status == "live"]
    people = ctx.get("active_people") or ctx.get("people") or []
    if not live or len(people) < 3:
        return None
    service = rng.choice(live)
    commander, comms = rng.sample(agents, 2) if len(agents) > 1 else (agents[0], agents[0])
    reporters = rng.sample(people, 3)
    ticket = tickets.open_incident(
        actor=commander,
        requester=reporters[0],
        title=f"{service.name} is down for everyone",
        impact="1",
        urgency="1",
        service=service,
        channel="monitoring",
        now=now - 80 * M,
    )
    mi = services.declare(
        ticket, actor=commander, comms_lead=comms, impact_start=now - 85 * M, now=now - 75 * M
    )
    services.post_update(
        mi,
        actor=comms,
        body=f"We know {service.name} is down and are investigating. Next update in 30 minutes.",
        now=now - 70 * M,
    )
    for n, person in enumerate(reporters[1:]):
        child = tickets.open_incident(
            actor=None,
            requester=person,
            title=f"Cannot use {service.name}",
            impact="3",
            urgency="1",
            service=service,
            now=now - (60 - 10 * n) * M,
        )
        services.link_child(mi, child, actor=commander, now=now - (55 - 10 * n) * M)
    return mi


def _subscriptions(rng, ctx):
    requesters = ctx.get("requesters") or []
    live = [s for s in ctx.get("services", {}).values() if s.status == "live"]
    if not requesters or not live:
        return 0
    followers = rng.sample(requesters, min(30, len(requesters)))
    for user in followers:
        for service in rng.sample(live, min(len(live), rng.randrange(1, 4))):
            services.subscribe(service, actor=user)
    return len(followers)


def register():
    from stanchion.core.registry import registry

    registry.add_demo("majorincidents", create_major_incidents, order=50)
