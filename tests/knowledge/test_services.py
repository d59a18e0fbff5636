"""Articles through their life: numbers, versions, publishing, reviews,
feedback, ticket links, lost-update protection and who sees what."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from stanchion.core.errors import ConflictError
from stanchion.knowledge import services as kb
from stanchion.knowledge.models import Article, ArticleFeedback, ArticleReview, ArticleVersion
from stanchion.tickets import services as tickets

pytestmark = pytest.mark.django_db


def test_numbers_versions_and_first_review(world):
    first = world.article(publish=False)
    second = world.article(
        title="Reset your password",
        review_interval_days=30,
        now=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC),
    )
    assert first.number == "KB-000001"
    assert second.number == "KB-000002"
    assert first.state == "draft" and first.next_review_date is None
    assert second.state == "published"
    # Publishing counts as a review: next one 30 days after 2 March.
    assert second.next_review_date == datetime.date(2026, 4, 1)
    assert ArticleReview.objects.filter(article=second).count() == 1
    assert list(ArticleVersion.objects.filter(article=first).values_list("number", flat=True)) == [
        1
    ]


def test_content_change_makes_a_version_and_other_changes_do_not(world):
    article = world.article()
    edited = kb.update_article(
        article,
        actor=world.agent2,
        expected_version=article.version,
        body="Open the client. Sign in.",
    )
    assert edited.current_version == 2
    versions = ArticleVersion.objects.filter(article=article).order_by("number")
    assert [(v.number, v.body) for v in versions] == [
        (1, "Open the VPN client."),
        (2, "Open the client. Sign in."),
    ]
    assert versions[1].author == world.agent2
    # Services and the review interval are not content: no new version.
    again = kb.update_article(
        edited,
        actor=world.agent,
        expected_version=edited.version,
        services=[world.vpn],
        review_interval_days=90,
    )
    assert again.current_version == 2
    assert list(again.services.all()) == [world.vpn]
    # Nothing changed: not even the record version moves.
    same = kb.update_article(
        again, actor=world.agent, expected_version=again.version, title=again.title
    )
    assert same.version == again.version


def test_stale_version_is_refused_and_nothing_lost(world):
    article = world.article()
    seen = article.version
    kb.update_article(article, actor=world.agent, expected_version=seen, body="First edit")
    with pytest.raises(ConflictError):
        kb.update_article(article, actor=world.agent2, expected_version=seen, body="Second edit")
    assert Article.objects.get(pk=article.pk).body == "First edit"


def test_bad_input_names_the_field(world):
    with pytest.raises(ValidationError) as error:
        kb.create_article(actor=world.agent, title=" ", body="x")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        kb.create_article(actor=world.agent, title="T", body="x", audience="martians")
    assert "audience" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        kb.create_article(actor=world.agent, title="T", body="x", review_interval_days=0)
    assert "review_interval_days" in error.value.message_dict


def test_workflow_and_review(world):
    article = world.article(publish=False)
    with pytest.raises(ValidationError) as error:
        kb.review_article(article, actor=world.agent)
    assert "state" in error.value.message_dict
    published = kb.publish_article(article, actor=world.agent, expected_version=article.version)
    retired = kb.retire_article(published, actor=world.agent, expected_version=published.version)
    assert retired.state == "retired" and retired.retired_at is not None
    with pytest.raises(ValidationError):
        kb.retire_article(retired, actor=world.agent)
    back = kb.publish_article(retired, actor=world.agent)
    assert back.state == "published" and back.retired_at is None
    reviewed = kb.review_article(
        back, actor=world.agent2, now=datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC)
    )
    # Default interval 180 days after 10 May 2026 is 6 November 2026.
    assert reviewed.next_review_date == datetime.date(2026, 11, 6)
    assert reviewed.last_reviewed_at == datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC)


def test_feedback_once_per_person_per_version(world):
    article = world.article()
    kb.give_feedback(article, actor=world.requester, helpful=False, comment="Did not work")
    kb.give_feedback(article, actor=world.requester, helpful=True)
    assert ArticleFeedback.objects.count() == 1
    assert ArticleFeedback.objects.get().helpful is True
    edited = kb.update_article(
        article, actor=world.agent, expected_version=article.version, body="New"
    )
    kb.give_feedback(edited, actor=world.requester, helpful=False)
    assert sorted(ArticleFeedback.objects.values_list("version_number", "helpful")) == [
        (1, True),
        (2, False),
    ]
    with pytest.raises(ValidationError) as error:
        kb.give_feedback(edited, actor=world.requester, helpful="maybe")
    assert "helpful" in error.value.message_dict


def test_ticket_links(world):
    ticket = tickets.open_incident(actor=world.agent, requester=world.person, title="VPN down")
    article = world.article()
    link = kb.link_ticket(ticket, article, actor=world.agent)
    assert kb.link_ticket(ticket, article, actor=world.agent) == link
    draft = world.article(title="Draft", publish=False)
    with pytest.raises(ValidationError) as error:
        kb.link_ticket(ticket, draft, actor=world.agent)
    assert "article" in error.value.message_dict
    kb.unlink_ticket(link, actor=world.agent)
    assert not ticket.knowledge_links.exists()


def test_requesters_see_only_published_employee_articles(world):
    employees = world.article(title="For everyone")
    world.article(title="IT only", audience="it")
    world.article(title="Draft", publish=False)
    retired = world.article(title="Old")
    kb.retire_article(retired, actor=world.agent)
    assert list(Article.objects.visible_to(world.requester)) == [employees]
    assert Article.objects.visible_to(world.auditor).count() == 4
    assert Article.objects.visible_to(world.agent).count() == 4
    assert not ArticleVersion.objects.visible_to(world.requester).exists()
