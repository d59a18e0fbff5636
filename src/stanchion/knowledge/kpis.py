"""The knowledge base's KPIs, registered with the KPI engine
(stanchion.metrics): documentation freshness, knowledge coverage of the
incident categories that matter, and deflection in the portal.

All three are read at a moment: the period's end (or now, for the running
period). An article counts as published at a moment when it was
(last) published at or before it and not retired by then; an article
retired and published again counts from its republication only.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Count as CountAgg
from django.db.models import Exists, OuterRef, Q, Subquery

from stanchion.metrics.registry import HIGHER, Kpi, Share, Source, kpis

GROUP = "Knowledge"
COVERAGE_TOP = 20
COVERAGE_DAYS = 90


def _published_at(moment, prefix=""):
    return Q(**{f"{prefix}published_at__lte": moment}) & (
        Q(**{f"{prefix}retired_at__isnull": True}) | Q(**{f"{prefix}retired_at__gt": moment})
    )


def _last_day(moment):
    """The last day the period holds (its end is exclusive), in the zone the
    KPI periods are cut in."""
    zone = zoneinfo.ZoneInfo(settings.REPORT_TIME_ZONE)
    return (moment - datetime.timedelta(microseconds=1)).astimezone(zone).date()


def reviewed_in_time(period, moment):
    """The latest review (publishing counts as one) at or before the moment
    set the next review date after the period's last day. Only the latest
    counts: an older review made under a longer interval no longer vouches
    for the article."""
    from .models import ArticleReview

    latest = (
        ArticleReview.objects.filter(article=OuterRef(OuterRef("pk")), reviewed_at__lte=moment)
        .order_by("-reviewed_at", "-id")
        .values("pk")[:1]
    )
    return Q(
        Exists(
            ArticleReview.objects.filter(
                pk=Subquery(latest), next_review_date__gt=_last_day(moment)
            )
        )
    )


PUBLISHED = Source(
    "knowledge_published", "knowledge.Article",
    "Articles published at the end of the period",
    lambda period, moment: _published_at(moment),
    {"service": "services", "category": "categories"},
    ("owner",), "knowledge/kpi_articles.html",
)  # fmt: skip


def _top_categories(period, moment):
    """The ``COVERAGE_TOP`` categories with the most incidents opened in the
    ``COVERAGE_DAYS`` days before the moment (ties: the older category)."""
    from stanchion.tickets.models import Ticket

    top = (
        Ticket.objects.filter(
            kind="incident",
            category__isnull=False,
            created_at__gte=moment - datetime.timedelta(days=COVERAGE_DAYS),
            created_at__lt=moment,
        )
        .values("category")
        .annotate(incidents=CountAgg("pk"))
        .order_by("-incidents", "category")
        .values("category")[:COVERAGE_TOP]
    )
    return Q(pk__in=top)


def covered(period, moment):
    from .models import Article

    through = Article.categories.through
    return Q(
        Exists(
            through.objects.filter(category=OuterRef("pk")).filter(
                _published_at(moment, prefix="article__")
            )
        )
    )


TOP_CATEGORIES = Source(
    "knowledge_top_categories", "tickets.Category",
    f"The {COVERAGE_TOP} ticket categories with the most incidents in the {COVERAGE_DAYS} days "
    "before the end of the period",
    _top_categories, {}, ("parent",), "knowledge/kpi_categories.html",
)  # fmt: skip

SESSIONS = Source(
    "knowledge_sessions", "knowledge.KnowledgeSession",
    "Portal knowledge sessions begun in the period",
    lambda period, moment: Q(started_at__gte=period.start, started_at__lt=period.end)
    & Q(started_at__lte=moment),
    {}, ("user", "ticket"), "knowledge/kpi_sessions.html",
)  # fmt: skip

KNOWLEDGE_KPIS = [
    Kpi(
        key="knowledge_freshness",
        name="Documentation freshness",
        group=GROUP,
        formula=(
            "Of the articles published at the end of the period, the share reviewed within "
            "their review interval: their latest review (publishing counts as one) set the "
            "next review date after the period's last day."
        ),
        notes=(
            'An owner\'s "reviewed, still correct" moves the next review date one review '
            "interval from that day; changing the interval moves it to one new interval "
            "after the last review. By service and category an article counts for each it "
            "is linked to."
        ),
        unit="percent",
        direction=HIGHER,
        source=PUBLISHED,
        measure=Share(reviewed_in_time),
        target=90.0,
        warning=75.0,
        segments=("service", "category"),
        order=10,
    ),
    Kpi(
        key="knowledge_coverage",
        name="Knowledge coverage",
        group=GROUP,
        formula=(
            f"Of the {COVERAGE_TOP} ticket categories with the most incidents opened in the "
            f"{COVERAGE_DAYS} days before the end of the period (fewer when fewer categories "
            "had incidents), the share with at least one article linked to the category and "
            "published at the end of the period."
        ),
        notes=(
            "An incident counts for its category (not its subcategory). Ties at the 20th "
            "place go to the category created first. Articles for employees and IT-only "
            "articles both count."
        ),
        unit="percent",
        direction=HIGHER,
        source=TOP_CATEGORIES,
        measure=Share(covered),
        target=80.0,
        warning=60.0,
        segments=(),
        order=20,
    ),
    Kpi(
        key="knowledge_deflection",
        name="Portal deflection",
        group=GROUP,
        formula=(
            "Of the portal knowledge sessions begun in the period, the share in which no "
            "ticket was reported. A knowledge session is what one signed-in browser session "
            "did within 24 hours of first opening a help article in the portal (from the "
            "article list or from a suggestion while reporting a problem); it is not "
            "deflected when that browser session reports a ticket within those 24 hours."
        ),
        notes=(
            "Sessions begun in the last 24 hours may still turn into a ticket. Tickets "
            "raised by the service desk or by email for the same person do not count: only "
            "what the employee did in that browser session. IT staff reading the portal "
            "make no knowledge sessions."
        ),
        unit="percent",
        direction=HIGHER,
        source=SESSIONS,
        measure=Share(Q(ticket_reported_at__isnull=True)),
        target=30.0,
        warning=20.0,
        segments=(),
        order=30,
    ),
]


def register():
    kpis.register(*KNOWLEDGE_KPIS)
