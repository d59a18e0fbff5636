"""The demo company's knowledge base: about 100 articles generated from the
service desk's incident topics (tickets.demo_topics), so that the articles
match the incidents people report: for each kind of problem a
troubleshooting guide and a how-to or FAQ for employees, a known error and a
runbook for IT. Written through the knowledge services with explicit
``now=`` times over the past year: some were edited (version history), a
few retired, a few still drafts, and some are overdue for review. Employees
said whether they helped; agents linked the ones they used to resolved
incidents; portal knowledge sessions (for the deflection KPI) follow the
year's last 90 days.

Deterministic for a seed and a ``now``. Runs after the service desk (30) and
changes (40): option ``articles`` (default ``DEFAULT_ARTICLES``; 0 skips).
"""

from datetime import timedelta

from django.utils import timezone

from stanchion.tickets.demo_topics import INCIDENT_TOPICS
from stanchion.tickets.models import Ticket

from . import services
from .models import Article, KnowledgeSession

DEFAULT_ARTICLES = 100
FIRST_STEPS = ("Sign out and back in.", "Restart the app or the laptop.")
TRIAGE = (
    "Check the service status page and the open major incidents.",
    "Ask for a screenshot and the time it happened.",
)
FEEDBACK_COMMENTS = {
    True: ("That fixed it, thanks.", "Clear and short.", "Worked on the first try."),
    False: (
        "Step 2 does not match what I see.",
        "Did not help, I still cannot connect.",
        "The screenshots are out of date.",
    ),
}
GENERAL = (
    ("faq", "employees", "What IT can help you with", ("Where do I report a problem?",
     "How fast will IT answer?", "How do I request new software?")),
    ("howto", "employees", "How to report a problem so it gets fixed fast", ()),
    ("faq", "employees", "Working from home: the essentials", ("Which Wi-Fi and VPN to use?",
     "How do I print from home?", "Who do I call out of hours?")),
    ("runbook", "it", "Runbook: major incident bridge", ()),
    ("howto", "it", "How to hand a ticket to second line", ()),
)  # fmt: skip


def _problems():
    """The topics, one per kind of problem (category and subcategory), with
    the words of every topic of that kind."""
    merged = {}
    for topic in INCIDENT_TOPICS:
        key = (topic.category, topic.subcategory)
        entry = merged.setdefault(
            key,
            {"topic": topic, "titles": [], "descriptions": [], "notes": [], "resolutions": []},
        )
        for name in ("titles", "descriptions", "notes", "resolutions"):
            for text in getattr(topic, name):
                if text not in entry[name]:
                    entry[name].append(text)
    return list(merged.values())


def _steps(lines):
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


def _articles_for(problem):
    """(type, audience, title, body) for one kind of problem."""
    topic = problem["topic"]
    titles, descriptions = problem["titles"], problem["descriptions"]
    notes, resolutions = problem["notes"], problem["resolutions"]
    what = topic.subcategory.lower()
    yield (
        "troubleshooting",
        "employees",
        f"{titles[0]}: what to try first",
        f"If you see this on **{topic.service}**:\n\n> {descriptions[0]}\n\n"
        f"## Try this\n\n{_steps([*FIRST_STEPS, resolutions[0]])}\n\n"
        "## Still stuck?\n\nReport a problem in the portal and mention what you tried.",
    )
    yield (
        "howto" if len(titles) < 3 else "faq",
        "employees",
        f"{topic.subcategory}: common questions"
        if len(titles) >= 3
        else f"How to fix {what} problems",
        "\n\n".join(
            f"### {title}?\n\n{resolutions[n % len(resolutions)]}"
            for n, title in enumerate(titles[:4])
        ),
    )
    if len(titles) > 1:
        yield (
            "troubleshooting",
            "employees",
            f"{titles[1]}?",
            f"People report: *{descriptions[min(1, len(descriptions) - 1)]}*\n\n"
            f"## What usually fixes it\n\n{_steps(resolutions[:3])}\n\n"
            f"This is about **{topic.service}**. If it keeps happening, report a problem.",
        )
    yield (
        "known_error",
        "it",
        f"Known error: {titles[-1].lower()}",
        f"**Symptom:** {descriptions[-1]}\n\n**Cause:** {notes[0]}\n\n"
        f"**Workaround:** {resolutions[-1]}\n\nService: {topic.service}.",
    )
    yield (
        "runbook",
        "it",
        f"Runbook: {what} incidents on {topic.service}",
        f"## Triage\n\n{_steps([TRIAGE[0], notes[-1], TRIAGE[1]])}\n\n"
        f"## Fix\n\n{_steps(resolutions)}\n\n"
        f"## Escalate\n\nHand to the **{topic.escalate_to.replace('_', ' ')}** team "
        "when the fix above does not work.",
    )


def _owner(ctx, team_key, rng):
    members = ctx.get("team_members", {}).get(team_key) or ctx.get("agents") or [ctx["admin"]]
    return rng.choice(members)


def create_knowledge(rng, ctx, options):
    count = options.get("articles")
    count = DEFAULT_ARTICLES if count is None else count
    now = options.get("now") or timezone.now()
    if count == 0:
        return
    taxonomy = ctx.get("categories", {})
    service_by_name = ctx.get("services", {})
    admin = ctx["admin"]
    plans = []
    for problem in _problems():
        topic = problem["topic"]
        parent, subs = taxonomy.get(topic.category, (None, {}))
        categories = [c for c in (parent, subs.get(topic.subcategory)) if c is not None]
        service = service_by_name.get(topic.service)
        for kind, audience, title, body in _articles_for(problem):
            plans.append((kind, audience, title, body, categories, service, topic))
    for kind, audience, title, body in GENERAL:
        text = (
            "\n\n".join(
                f"### {q}\n\nSee the portal's help articles, or ask the service desk." for q in body
            )
            if body
            else "1. Say what you were doing.\n2. Say what you expected.\n3. Add a screenshot."
        )
        plans.append((kind, audience, title, text, [], None, None))
    plans = plans[:count]
    articles_by_subcategory = {}
    for n, (kind, audience, title, body, categories, service, topic) in enumerate(plans):
        owner = _owner(ctx, topic.escalate_to if topic else "service_desk_emea", rng)
        written = now - timedelta(days=rng.randint(30, 360), hours=rng.randint(0, 8))
        interval = rng.choice((90, 180, 180, 365))
        draft = n % 23 == 5
        article = services.create_article(
            actor=owner,
            owner=owner,
            title=title,
            body=body,
            article_type=kind,
            audience=audience,
            services=[service] if service else [],
            categories=categories,
            review_interval_days=interval,
            publish=not draft,
            now=written,
        )
        if draft:
            continue
        # Some are edited later (a second version), and some reviewed since.
        moment = written
        if rng.random() < 0.35:
            moment = written + timedelta(days=rng.randint(1, (now - written).days - 1 or 1))
            article = services.update_article(
                article,
                actor=owner,
                expected_version=article.version,
                body=body + "\n\nUpdated: the steps above now cover the new client version.",
                note="Covers the new client version",
                now=moment,
            )
        review_at = moment + timedelta(days=interval - rng.randint(-40, 10))
        if review_at < now and rng.random() < 0.75:
            article = services.review_article(article, actor=owner, now=review_at)
        if n % 31 == 7:
            services.retire_article(
                article, actor=admin, now=now - timedelta(days=rng.randint(1, 60))
            )
            continue
        if topic is not None:
            articles_by_subcategory.setdefault(topic.subcategory, []).append(article)
    _feedback(rng, ctx, now)
    _ticket_links(rng, ctx, now, articles_by_subcategory)
    _sessions(rng, ctx, now)
    ctx["summary"].extend(
        [
            ("Knowledge articles", Article.objects.count()),
            (
                "Articles due for review",
                Article.objects.published()
                .filter(next_review_date__lte=timezone.localdate(now))
                .count(),
            ),
        ]
    )


def _feedback(rng, ctx, now):
    readers = ctx.get("requesters") or [ctx["admin"]]
    for article in Article.objects.for_employees():
        for reader in rng.sample(readers, min(len(readers), rng.randint(0, 6))):
            helpful = rng.random() < 0.75
            comment = rng.choice(FEEDBACK_COMMENTS[helpful]) if rng.random() < 0.3 else ""
            at = article.published_at + (now - article.published_at) * rng.random()
            services.give_feedback(article, actor=reader, helpful=helpful, comment=comment, now=at)


def _ticket_links(rng, ctx, now, articles_by_subcategory):
    resolved = (
        Ticket.objects.filter(kind="incident", resolved_at__isnull=False, subcategory__isnull=False)
        .select_related("subcategory", "assignee")
        .order_by("id")
    )
    for ticket in resolved:
        candidates = [
            a
            for a in articles_by_subcategory.get(ticket.subcategory.name, ())
            if a.published_at <= ticket.resolved_at
        ]
        if not candidates or rng.random() > 0.4:
            continue
        services.link_ticket(
            ticket,
            rng.choice(candidates),
            actor=ticket.assignee or ctx["admin"],
            now=ticket.resolved_at,
        )


def _sessions(rng, ctx, now):
    """Portal knowledge sessions of the last 90 days (telemetry rows, as the
    portal records them): about a third end in a reported ticket."""
    readers = ctx.get("requesters") or [ctx["admin"]]
    rows = []
    for n in range(rng.randint(150, 250)):
        started = now - timedelta(days=90) * rng.random()
        reported = rng.random() < 0.35
        rows.append(
            KnowledgeSession(
                session_key=f"demo{n:05d}",
                user=rng.choice(readers),
                started_at=started,
                article_views=rng.randint(1, 4),
                suggestion_clicks=rng.randint(0, 2),
                ticket_reported_at=started + timedelta(minutes=rng.randint(2, 90))
                if reported
                else None,
            )
        )
    KnowledgeSession.objects.bulk_create(rows)


def register():
    """After the service desk's year (30) and changes (40): articles link to
    its resolved incidents."""
    from stanchion.core.registry import registry

    registry.add_demo("knowledge", create_knowledge, order=60)
