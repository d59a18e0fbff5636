"""The knowledge KPIs on hand-made histories; every expected number is
worked out by hand in the comments. March 2026 in Berlin (the report zone)
runs from 2026-02-28 23:00 UTC to 2026-03-31 22:00 UTC; its last day is
31 March."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stanchion.knowledge import services as kb
from stanchion.knowledge.models import KnowledgeSession
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import kpis
from stanchion.tickets import services as tickets
from stanchion.tickets.models import Category

pytestmark = pytest.mark.django_db

MARCH = periods.containing("month", date(2026, 3, 1), ZoneInfo("Europe/Berlin"))
LATER = datetime(2027, 1, 1, tzinfo=UTC)


def noon(month, day):
    return datetime(2026, month, day, 12, tzinfo=UTC)


def value(key, segment=None):
    return engine.compute_one(kpis.get(key), MARCH, segment, now=LATER, targets=TargetTable())


def check(key, numerator, denominator, expected):
    got = value(key)[ALL]
    assert (got.numerator, got.denominator) == (numerator, denominator)
    assert got.value == pytest.approx(expected)
    kpi = kpis.get(key)
    assert engine.records(kpi, MARCH, now=LATER).count() == denominator
    assert engine.records(kpi, MARCH, part="numerator", now=LATER).count() == numerator


def test_freshness(world):
    def published(title, on, interval, **fields):
        return world.article(title=title, now=on, review_interval_days=interval, **fields)

    # Published 10 Jan, due 9 Feb, never reviewed: stale.
    a1 = published("a1", noon(1, 10), 30, services=[world.vpn])
    # Reviewed 15 March: due 14 April: fresh.
    a2 = published("a2", noon(1, 10), 30, services=[world.vpn])
    kb.review_article(a2, actor=world.agent, now=noon(3, 15))
    # Published 5 March, 26 days: due 31 March, the period's last day: stale.
    published("a3", noon(3, 5), 26)
    # 27 days: due 1 April: fresh.
    published("a4", noon(3, 5), 27)
    # Retired on 20 March: not published at the end.
    a5 = published("a5", noon(2, 1), 30)
    kb.retire_article(a5, actor=world.agent, now=noon(3, 20))
    # A draft, and one published after March: not counted.
    world.article(title="a6", publish=False)
    published("a7", noon(4, 5), 30)
    # Reviewed only after March ended: stale at its end.
    a8 = published("a8", noon(1, 10), 30)
    kb.review_article(a8, actor=world.agent, now=noon(4, 2))
    # Population a1, a2, a3, a4, a8; fresh a2, a4: 2 of 5.
    check("knowledge_freshness", 2, 5, 40.0)
    # VPN: a1 stale, a2 fresh.
    by_service = value("knowledge_freshness", "service")
    assert by_service[world.vpn.pk].value == pytest.approx(50.0)
    assert a1.pk  # (kept for readability above)


def test_freshness_follows_a_shorter_interval(world):
    def published(title, on, interval):
        return world.article(title=title, now=on, review_interval_days=interval)

    def shorten(article, days):
        article.refresh_from_db()
        return kb.update_article(
            article, actor=world.agent, expected_version=article.version, review_interval_days=days
        )

    # Published 10 Jan for 180 days (due 9 July), cut to 30 on the way:
    # due 9 Feb: stale.
    b1 = published("b1", noon(1, 10), 180)
    shorten(b1, 30)
    # Published 10 Jan (due 9 July), reviewed 1 Feb (due 31 July), cut to
    # 30 days: its latest review now says 3 March: stale. (The publication's
    # 9 July no longer vouches for it.)
    b2 = published("b2", noon(1, 10), 180)
    kb.review_article(b2, actor=world.agent, now=noon(2, 1))
    shorten(b2, 30)
    # 30 days, reviewed 15 March: due 14 April: fresh.
    b3 = published("b3", noon(1, 10), 30)
    kb.review_article(b3, actor=world.agent, now=noon(3, 15))
    # Fresh: b3 only; 1 of 3.
    check("knowledge_freshness", 1, 3, 100 / 3)


def test_coverage(world):
    def incidents(category, count, on):
        for _ in range(count):
            tickets.open_incident(
                actor=world.agent,
                requester=world.person,
                title="Broken",
                category=category,
                now=on,
            )

    printing = Category.objects.create(name="Printing")
    access = Category.objects.create(name="Access")
    old = Category.objects.create(name="Old stuff")
    end = MARCH.end
    incidents(world.network, 3, end - timedelta(days=10))
    incidents(world.email, 2, end - timedelta(days=30))
    incidents(printing, 1, end - timedelta(days=89))
    # 91 days before the end: outside the window.
    incidents(old, 4, end - timedelta(days=91))
    # After the end: not counted.
    incidents(access, 5, end + timedelta(days=1))
    # Network has a current article; Email's was retired on 20 March;
    # Printing's was published only after March.
    world.article(title="Network", categories=[world.network], now=noon(2, 1))
    email = world.article(title="Email", categories=[world.email], now=noon(2, 1))
    kb.retire_article(email, actor=world.agent, now=noon(3, 20))
    world.article(title="Printing", categories=[printing], now=noon(4, 3))
    # Top categories: Network, Email, Printing; covered: Network. 1 of 3.
    check("knowledge_coverage", 1, 3, 100 / 3)


def test_coverage_takes_the_top_twenty(world):
    made = [Category.objects.create(name=f"C{n:02}") for n in range(22)]
    end = MARCH.end
    for n, category in enumerate(made):
        # C00..C19 have 2 incidents each, C20 and C21 one: those two fall out.
        for _ in range(1 if n >= 20 else 2):
            tickets.open_incident(
                actor=world.agent,
                requester=world.person,
                title="x",
                category=category,
                now=end - timedelta(days=5),
            )
    world.article(title="C21", categories=[made[21]], now=noon(2, 1))
    world.article(title="C00", categories=[made[0]], now=noon(2, 1))
    # Of the top 20 (C00..C19), C00 is covered: 1 of 20.
    check("knowledge_coverage", 1, 20, 5.0)


def test_deflection(world):
    def session(at, reported=False):
        return KnowledgeSession.objects.create(
            session_key=f"s{at:%m%d%H}",
            started_at=at,
            article_views=1,
            ticket_reported_at=at + timedelta(hours=1) if reported else None,
        )

    session(noon(3, 2))
    session(noon(3, 3), reported=True)
    session(noon(3, 4))
    session(noon(3, 30), reported=True)
    # Begun in February or April: other periods.
    session(noon(2, 27))
    session(noon(4, 1))
    # Four March sessions, two without a ticket: 50%.
    check("knowledge_deflection", 2, 4, 50.0)


def test_mark_ticket_reported_only_within_a_day(world):
    at = noon(3, 2)
    early = KnowledgeSession.objects.create(session_key="k", started_at=at - timedelta(hours=30))
    recent = KnowledgeSession.objects.create(session_key="k", started_at=at - timedelta(hours=2))
    other = KnowledgeSession.objects.create(session_key="other", started_at=at)
    assert kb.mark_ticket_reported("k", None, now=at) == 1
    for row in (early, recent, other):
        row.refresh_from_db()
    assert early.ticket_reported_at is None
    assert recent.ticket_reported_at == at
    assert other.ticket_reported_at is None


def test_kpi_pages_show_the_records(client, world):
    article = world.article(title="Fresh one", categories=[world.network], now=noon(3, 1))
    tickets.open_incident(
        actor=world.agent, requester=world.person, title="x", category=world.network, now=noon(3, 2)
    )
    KnowledgeSession.objects.create(session_key="s", started_at=noon(3, 3), article_views=2)
    client.force_login(world.auditor)
    query = "period=month&at=2026-03-01"
    page = client.get(f"/kpis/knowledge_freshness/records/?{query}")
    assert page.status_code == 200 and article.number in page.content.decode()
    page = client.get(f"/kpis/knowledge_coverage/records/?{query}")
    assert page.status_code == 200 and "Network" in page.content.decode()
    page = client.get(f"/kpis/knowledge_deflection/records/?{query}")
    assert page.status_code == 200 and "2026-03-03" in page.content.decode()
    assert client.get(f"/kpis/knowledge_freshness/?{query}").status_code == 200
