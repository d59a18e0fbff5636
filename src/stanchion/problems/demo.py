"""The demo company's problem management: the root-cause taxonomy and a
backlog of about ``DEFAULT_PROBLEMS`` problems (option ``problems``) raised
from the demo's own recurring incidents.

The busiest (service, category) pairs of the demo's incidents each become a
problem, in every state: new, under investigation, known errors with the
workaround the service desk actually used (tickets.demo_topics), resolved
(by a closed change on the same service when the demo has one) and closed.
Each links up to eight of its incidents, so the ticket pages show the
problem and its workaround, and the rest of the recurring incidents are
left for the problem candidates page to find. Written through the real
services with explicit ``now=`` times; deterministic for a seed and a now.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from stanchion.core.services import create_record

from . import services
from .models import Problem, ProblemIncident, RootCauseCategory

DEFAULT_PROBLEMS = 15
MAX_LINKED = 8
TAXONOMY = (
    ("Configuration error", "A setting, policy or rule was wrong or drifted."),
    ("Software defect", "A bug in software we run or buy."),
    ("Capacity", "Too little of something: disk, licences, bandwidth, connections."),
    ("Hardware failure", "A device or component broke or wore out."),
    ("Third-party outage", "A vendor or cloud service failed."),
    ("Change-related", "A change to production introduced the fault."),
    ("Expired certificate or credential", "Something expired that nobody renewed in time."),
    ("Process gap", "A step was missing, unclear or skipped."),
)
# new, investigating, known error, resolved, closed: the shares of the backlog.
STATES = (
    ("new", 3),
    ("investigating", 3),
    ("known_error", 5),
    ("resolved", 2),
    ("closed", 2),
)


def _topics():
    from stanchion.tickets.demo_topics import INCIDENT_TOPICS

    found = defaultdict(list)
    for topic in INCIDENT_TOPICS:
        found[(topic.service, topic.category)].append(topic)
    return found


def _states(count):
    total = sum(share for _, share in STATES)
    plan = []
    for state, share in STATES:
        plan.extend([state] * max(1, round(count * share / total)))
    return plan[:count]


def create_problem_backlog(rng, ctx, options):
    from stanchion.changes.models import Change
    from stanchion.tickets.models import Ticket

    count = options.get("problems")
    count = DEFAULT_PROBLEMS if count is None else count
    now = options.get("now") or timezone.now()
    causes = [
        RootCauseCategory.objects.filter(name=name).first()
        or create_record(RootCauseCategory, {"name": name, "description": text})
        for name, text in TAXONOMY
    ]
    if count == 0:
        return
    groups = list(
        Ticket.objects.filter(kind="incident", service__isnull=False, category__isnull=False)
        .values("service", "category")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "service", "category")[:count]
    )
    topics = _topics()
    members = ctx.get("team_members", {})
    teams = ctx.get("teams", {})
    for group, state in zip(groups, _states(len(groups)), strict=False):
        incidents = list(
            Ticket.objects.filter(
                kind="incident", service=group["service"], category=group["category"]
            )
            .select_related("service", "category", "service__support_team")
            .order_by("created_at")
        )
        first = incidents[0]
        service, category = first.service, first.category
        topic = (topics.get((service.name, category.name)) or [None])[0]
        title = (
            f"Recurring: {topic.titles[0].lower()}"
            if topic
            else f"Recurring {category.name.lower()} incidents on {service.name}"
        )
        team = service.support_team
        team_key = next((k for k, t in teams.items() if team and t.pk == team.pk), None)
        people = list(members.get(team_key, ()))
        raised_at = min(first.created_at + timedelta(days=2), now - timedelta(days=1))
        problem = services.create_problem(
            actor=None,
            title=title[:200],
            description=(
                f"{len(incidents)} incidents on {service.name} under {category.name} since "
                f"{first.created_at:%B %Y}. {topic.descriptions[0] if topic else ''}"
            ).strip(),
            services=[service],
            category=category,
            priority=rng.choice(("p2", "p3", "p3", "p4")),
            root_cause_category=rng.choice(causes) if state != "new" else None,
            assignment_team=team if team and team.is_active else None,
            assignee=rng.choice(people) if people else None,
            now=raised_at,
        )
        linked = [t for t in incidents if t.created_at <= now][:MAX_LINKED]
        for incident in linked:
            services.link_incident(
                problem, incident, actor=None, now=max(raised_at, incident.created_at)
            )
        _advance(problem, state, topic, rng, now, raised_at, Change)
    ctx["summary"].extend(
        [
            ("Problems", Problem.objects.count()),
            ("Known errors", Problem.objects.filter(state="known_error").count()),
            ("Incidents linked to problems", ProblemIncident.objects.count()),
        ]
    )


def _advance(problem, state, topic, rng, now, raised_at, change_model):
    """Walk the problem to ``state`` with plausible times before now."""
    if state == "new":
        return
    span = max((now - raised_at).total_seconds(), 3600)

    def at(share):
        return raised_at + timedelta(seconds=span * share)

    problem = services.move_problem(problem, "investigating", actor=None, now=at(0.1))
    notes = topic.notes if topic else ("The logs point at the same component every time.",)
    workaround = topic.resolutions[0] if topic else "Restart the affected component."
    problem = services.update_problem(
        problem,
        {"root_cause_analysis": " ".join(notes), "workaround": workaround},
        actor=None,
        now=at(0.2),
    )
    if state == "investigating":
        return
    problem = services.move_problem(problem, "known_error", actor=None, now=at(0.3))
    if state == "known_error":
        return
    # The fix: a change on the same service that finished after the known
    # error was declared, when the demo has one.
    fix = (
        change_model.objects.filter(
            services__in=problem.services.all(),
            state="closed",
            actual_end__gt=at(0.3),
            actual_end__lte=at(0.8),
        )
        .order_by("actual_end")
        .first()
    )
    resolved_at = at(0.6)
    if fix is not None:
        problem = services.update_problem(problem, {"fix_change": fix}, actor=None, now=at(0.3))
        resolved_at = max(resolved_at, fix.actual_end)
    problem = services.move_problem(
        problem,
        "resolved",
        actor=None,
        note="" if fix else "Fixed at the source; no incident since.",
        now=resolved_at,
    )
    if state == "closed":
        services.move_problem(problem, "closed", actor=None, now=at(0.9))


def register():
    """After the service desk's year (30), changes (40) and major incidents
    (50): problems link their incidents and fixes."""
    from stanchion.core.registry import registry

    registry.add_demo("problems", create_problem_backlog, order=55)
