"""The knowledge pages for IT and in the portal, the suggestions while
reporting a problem, and the Knowledge card on the agent's ticket page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stanchion.knowledge import services as kb
from stanchion.knowledge.models import Article, ArticleFeedback, KnowledgeSession, TicketArticle
from stanchion.tickets import services as tickets

pytestmark = pytest.mark.django_db


def _form(world, **overrides):
    data = {
        "title": "Connect to Wi-Fi",
        "body": "Pick **Corp** and sign in.",
        "article_type": "howto",
        "audience": "employees",
        "owner": world.agent.pk,
        "review_interval_days": "90",
        "services": [world.vpn.pk],
        "categories": [world.network.pk],
    }
    data.update(overrides)
    return data


def test_it_list_search_and_access(client, world, django_assert_max_num_queries):
    for n in range(12):
        world.article(title=f"Printer guide {n}", body="Load paper.")
    world.article(title="VPN certificates", body="Renew yearly.", audience="it")
    client.force_login(world.auditor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("knowledge:article-list"))
    assert response.status_code == 200
    assert response.content.count(b'class="mono" href="/knowledge/KB-') == 13
    found = client.get(reverse("knowledge:article-list"), {"q": "vpn cert"})
    assert b"VPN certificates" in found.content and b"Printer guide" not in found.content
    bad = client.get(reverse("knowledge:article-list"), {"state": "bogus"})
    assert b"State:" in bad.content
    client.force_login(world.requester)
    assert client.get(reverse("knowledge:article-list")).status_code == 403


def test_write_publish_and_edit_with_conflict(client, world):
    client.force_login(world.agent)
    response = client.post(reverse("knowledge:article-new"), {**_form(world), "publish": "1"})
    article = Article.objects.get()
    assert response.status_code == 302 and article.state == "published"
    assert list(article.services.all()) == [world.vpn]
    page = client.get(reverse("knowledge:article", args=[article.number]))
    assert b"<strong>Corp</strong>" in page.content
    # Bad input: the field is named.
    bad = client.post(reverse("knowledge:article-new"), _form(world, review_interval_days="0"))
    assert bad.status_code == 400 and b"id_review_interval_days_errors" in bad.content
    bad = client.post(reverse("knowledge:article-new"), _form(world, audience="aliens"))
    assert bad.status_code == 400 and b"id_audience_errors" in bad.content
    # Two people edit the version they saw; the second is refused, not lost.
    seen = article.version
    edit = reverse("knowledge:article-edit", args=[article.number])
    first = client.post(edit, {**_form(world, body="First"), "version": seen})
    assert first.status_code == 302
    client.force_login(world.agent2)
    second = client.post(edit, {**_form(world, body="Second"), "version": seen})
    assert second.status_code == 409
    assert Article.objects.get().body == "First"


def test_review_moves_the_next_review_date(client, world):
    article = world.article(review_interval_days=30)
    client.force_login(world.agent)
    url = reverse("knowledge:article-action", args=[article.number, "review"])
    client.post(url, {"version": article.version})
    article.refresh_from_db()
    assert article.next_review_date == timezone.localdate() + datetime.timedelta(days=30)
    stale = client.post(url, {"version": article.version - 1}, follow=True)
    assert b"Not done" in stale.content
    client.force_login(world.auditor)
    assert client.post(url, {"version": article.version}).status_code == 403


def test_history_diff_is_escaped(client, world):
    article = world.article(body="line one\nline two")
    kb.update_article(
        article,
        actor=world.agent,
        expected_version=article.version,
        body="line one\n<script>alert(1)</script>",
    )
    client.force_login(world.agent)
    page = client.get(reverse("knowledge:article-history", args=[article.number]))
    assert b"- line two" in page.content
    assert b"+ &lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<script>alert" not in page.content
    bad = client.get(reverse("knowledge:article-history", args=[article.number]), {"from": "9"})
    assert bad.status_code == 400 and b"From: no version 9" in bad.content


def test_portal_shows_employees_articles_only(client, world):
    public = world.article(title="Reset your password")
    secret = world.article(title="Reset the domain admin password", audience="it")
    client.force_login(world.requester)
    listing = client.get(reverse("knowledge:portal-list"), {"q": "password"})
    assert b"Reset your password" in listing.content
    assert b"domain admin" not in listing.content
    assert client.get(reverse("knowledge:portal-article", args=[secret.number])).status_code == 404
    assert client.get(reverse("knowledge:portal-article", args=[public.number])).status_code == 200
    suggest = client.get(reverse("knowledge:portal-suggest"), {"title": "forgot password"})
    assert b"Reset your password" in suggest.content and b"domain admin" not in suggest.content
    # Even IT staff see only employee articles in the portal.
    client.force_login(world.agent)
    listing = client.get(reverse("knowledge:portal-list"), {"q": "password"})
    assert b"domain admin" not in listing.content


def test_portal_feedback(client, world):
    article = world.article()
    client.force_login(world.requester)
    url = reverse("knowledge:portal-article", args=[article.number])
    assert client.post(url, {"helpful": "no", "comment": "Step 2 is missing"}).status_code == 302
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.comment, feedback.user) == (
        False,
        "Step 2 is missing",
        world.requester,
    )
    bad = client.post(url, {"helpful": "perhaps"})
    assert bad.status_code == 400 and b"Helpful:" in bad.content


def test_report_page_has_the_suggestion_hook(client, world):
    client.force_login(world.requester)
    page = client.get(reverse("tickets:portal-report"))
    assert reverse("knowledge:portal-suggest").encode() in page.content


def test_knowledge_session_marked_when_a_ticket_follows(
    client, world, django_capture_on_commit_callbacks
):
    article = world.article()
    client.force_login(world.requester)
    client.get(reverse("knowledge:portal-article", args=[article.number]))
    client.get(reverse("knowledge:portal-article", args=[article.number]) + "?from=suggestion")
    session = KnowledgeSession.objects.get()
    assert (session.article_views, session.suggestion_clicks) == (1, 1)
    assert session.ticket_reported_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tickets:portal-report"),
            {
                "title": "VPN still broken",
                "description": "It drops.",
                "impact": "3",
                "urgency": "3",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.ticket_reported_at is not None
    assert session.ticket.title == "VPN still broken"


def test_ticket_panel_suggests_and_links(client, world, django_assert_max_num_queries):
    vpn = world.article(title="VPN drops on home Wi-Fi", body="Use the wired network.")
    on_category = world.article(
        title="Network checklist", body="Cables.", categories=[world.network]
    )
    world.article(title="Order a monitor", body="Catalog.")
    ticket = tickets.open_incident(
        actor=world.agent,
        requester=world.person,
        title="VPN keeps dropping",
        description="Since yesterday",
        category=world.network,
    )
    client.force_login(world.agent)
    page = client.get(reverse("tickets:ticket", args=[ticket.number]))
    content = page.content.decode()
    panel = content[content.index('id="kb-panel-h"') :]
    assert vpn.number in panel and on_category.number in panel
    assert "Order a monitor" not in panel
    link_url = reverse("knowledge:ticket-link", args=[ticket.number])
    linked = client.post(link_url, {"article": vpn.number}, follow=True)
    assert f"{vpn.number} linked to {ticket.number}" in linked.content.decode()
    assert TicketArticle.objects.get().article == vpn
    missing = client.post(link_url, {"article": "KB-999999"}, follow=True)
    assert b"Article: there is no article KB-999999" in missing.content
    page = client.get(reverse("tickets:ticket", args=[ticket.number]))
    assert b"Used to resolve" in page.content
    link = TicketArticle.objects.get()
    client.post(reverse("knowledge:ticket-unlink", args=[ticket.number, link.pk]))
    assert not TicketArticle.objects.exists()
    client.force_login(world.auditor)
    assert client.post(link_url, {"article": vpn.number}).status_code == 403
