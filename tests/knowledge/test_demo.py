"""The demo company's knowledge base: articles matching the incident topics,
for employees and for IT, some overdue for review, some edited, feedback,
links to resolved incidents and portal sessions; KPIs with values; the same
articles for the same seed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from stanchion.core.demo import run_demo
from stanchion.core.registry import registry
from stanchion.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleVersion,
    KnowledgeSession,
    TicketArticle,
)
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import kpis

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
STEPS = [
    step for step in registry.demo if step.name in ("directory", "catalog", "tickets", "knowledge")
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ctx = run_demo(seed=7, employees=60, tickets=40, steps=STEPS, now=NOW)
            yield ctx, fingerprint()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint():
    return list(
        Article.objects.order_by("number").values_list(
            "number", "title", "state", "audience", "next_review_date", "current_version"
        )
    )


@pytest.mark.django_db
def test_demo_articles(demo):
    ctx, _ = demo
    articles = Article.objects.all()
    assert 90 <= articles.count() <= 100
    assert {"employees", "it"} == set(articles.values_list("audience", flat=True))
    assert set(articles.values_list("article_type", flat=True)) == {
        "howto",
        "troubleshooting",
        "runbook",
        "known_error",
        "faq",
    }
    assert {"draft", "published", "retired"} <= set(articles.values_list("state", flat=True))
    overdue = articles.filter(state="published", next_review_date__lte=NOW.date())
    assert 0 < overdue.count() < articles.filter(state="published").count()
    assert ArticleVersion.objects.filter(number=2).exists()
    assert ArticleFeedback.objects.filter(helpful=True).exists()
    assert ArticleFeedback.objects.filter(helpful=False).exists()
    assert TicketArticle.objects.exists()
    for link in TicketArticle.objects.select_related("ticket", "article"):
        assert link.ticket.resolved_at is not None
        assert link.article.categories.filter(pk=link.ticket.subcategory_id).exists()
    assert KnowledgeSession.objects.count() >= 150
    # Every article with a service names a service of the demo company.
    assert Article.objects.filter(services__isnull=False).exists()


@pytest.mark.django_db
def test_demo_kpis_have_values(demo):
    quarter = periods.Period("custom", NOW - timedelta(days=90), NOW)
    for key in ("knowledge_freshness", "knowledge_coverage", "knowledge_deflection"):
        value = engine.compute_one(kpis.get(key), quarter, now=NOW, targets=TargetTable())[ALL]
        assert value.denominator > 0, key
        assert 0 < value.value <= 100, key
    # Some articles are overdue: freshness is not perfect.
    freshness = engine.compute_one(
        kpis.get("knowledge_freshness"), quarter, now=NOW, targets=TargetTable()
    )[ALL]
    assert freshness.value < 100


@pytest.mark.django_db
def test_demo_is_deterministic(demo):
    # The fixture's fingerprint equals a fresh read (no hidden randomness
    # after the run) and it names KB numbers in order.
    _, first = demo
    assert first == fingerprint()
    assert first[0][0] == "KB-000001"
