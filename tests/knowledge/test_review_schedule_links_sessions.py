"""A changed review interval moves the next review; only published articles
are linked to tickets; IT staff reading the portal are not knowledge
sessions and two tabs both count; the ticket page's Knowledge card keeps to
four queries. Expected dates are worked out by hand in the comments."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.test import RequestFactory
from django.urls import reverse

from stanchion.knowledge import services as kb
from stanchion.knowledge.models import ArticleReview, KnowledgeSession, TicketArticle
from stanchion.knowledge.panel import ticket_panel
from stanchion.tickets import services as tickets

pytestmark = pytest.mark.django_db

MAY_10 = datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC)


def test_shorter_interval_moves_the_next_review(world):
    article = world.article(now=MAY_10)
    # Default 180 days after 10 May 2026: 6 November 2026.
    assert article.next_review_date == datetime.date(2026, 11, 6)
    changed = kb.update_article(
        article, actor=world.agent, expected_version=article.version, review_interval_days=30
    )
    # 30 days after the last review (10 May): 9 June 2026.
    assert changed.next_review_date == datetime.date(2026, 6, 9)
    changed.refresh_from_db()
    assert changed.next_review_date == datetime.date(2026, 6, 9)
    assert changed.review_due(datetime.date(2026, 6, 9))
    assert not changed.review_due(datetime.date(2026, 6, 8))
    # The review in force says so too (the freshness KPI reads it).
    assert list(ArticleReview.objects.values_list("next_review_date", flat=True)) == [
        datetime.date(2026, 6, 9)
    ]
    # Longer again: 365 days after 10 May 2026 is 10 May 2027.
    longer = kb.update_article(
        changed, actor=world.agent, expected_version=changed.version, review_interval_days=365
    )
    assert longer.next_review_date == datetime.date(2027, 5, 10)


def test_interval_of_a_never_reviewed_draft_sets_no_date(world):
    draft = world.article(publish=False)
    changed = kb.update_article(
        draft, actor=world.agent, expected_version=draft.version, review_interval_days=30
    )
    assert changed.review_interval_days == 30
    assert changed.next_review_date is None
    assert not ArticleReview.objects.exists()


def test_bad_interval_names_the_field(world):
    article = world.article(now=MAY_10)
    for bad in (0, 4000, "soon"):
        with pytest.raises(ValidationError) as error:
            kb.update_article(
                article,
                actor=world.agent,
                expected_version=article.version,
                review_interval_days=bad,
            )
        assert "review_interval_days" in error.value.message_dict
    article.refresh_from_db()
    assert article.next_review_date == datetime.date(2026, 11, 6)


def test_retired_article_is_not_linked(world, client):
    ticket = tickets.open_incident(actor=world.agent, requester=world.person, title="VPN down")
    retired = world.article(title="Old VPN client")
    retired = kb.retire_article(retired, actor=world.agent)
    with pytest.raises(ValidationError) as error:
        kb.link_ticket(ticket, retired, actor=world.agent)
    assert error.value.message_dict["article"] == [
        f"Link a published article; {retired.number} is retired."
    ]
    client.force_login(world.agent)
    page = client.post(
        reverse("knowledge:ticket-link", args=[ticket.number]),
        {"article": retired.number},
        follow=True,
    )
    assert f"Article: Link a published article; {retired.number} is retired." in (
        page.content.decode()
    )
    assert not TicketArticle.objects.exists()


def test_it_staff_reading_the_portal_is_no_knowledge_session(client, world):
    article = world.article()
    url = reverse("knowledge:portal-article", args=[article.number])
    for staff in (world.agent, world.admin, world.auditor):
        client.force_login(staff)
        assert client.get(url).status_code == 200
    assert not KnowledgeSession.objects.exists()
    client.force_login(world.requester)
    client.get(url)
    client.get(url + "?from=suggestion")
    client.get(url)
    session = KnowledgeSession.objects.get()
    assert (session.article_views, session.suggestion_clicks) == (2, 1)
    assert session.user == world.requester


def test_another_tabs_opening_is_not_lost(client, world, monkeypatch):
    """Another tab of the same browser session opens an article between this
    request reading the session and counting: both openings count."""
    article = world.article()
    url = reverse("knowledge:portal-article", args=[article.number])
    client.force_login(world.requester)
    client.get(url)
    original = QuerySet.first

    def first_then_other_tab(self):
        found = original(self)
        if self.model is KnowledgeSession and found is not None:
            KnowledgeSession.objects.filter(pk=found.pk).update(
                article_views=F("article_views") + 1
            )
        return found

    monkeypatch.setattr(QuerySet, "first", first_then_other_tab)
    client.get(url)
    monkeypatch.undo()
    # First opening 1, the other tab 1, this one 1.
    assert KnowledgeSession.objects.get().article_views == 3


def test_knowledge_card_keeps_to_four_queries(world, django_assert_num_queries):
    matching = world.article(
        title="VPN drops on home Wi-Fi", body="Use the cable.", categories=[world.network]
    )
    filler = world.article(title="Network checklist", body="Cables.", categories=[world.network])
    world.article(title="Order a monitor", body="Catalog.")
    ticket = tickets.open_incident(
        actor=world.agent,
        requester=world.person,
        title="VPN keeps dropping",
        description="Since yesterday",
        category=world.network,
    )
    request = RequestFactory().get("/")
    request.user = world.agent
    # The links, the matching articles, which of those are on the category,
    # the others on the category to fill up.
    with django_assert_num_queries(4):
        html = ticket_panel(request, ticket)
    assert matching.number in html and filler.number in html
    assert "Order a monitor" not in html
