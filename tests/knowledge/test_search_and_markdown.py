"""Search over titles and bodies (the same on SQLite and PostgreSQL),
suggestions, and the article body rendered safe."""

import pytest

from stanchion.knowledge import search
from stanchion.knowledge import services as kb
from stanchion.knowledge.models import Article

pytestmark = pytest.mark.django_db


def _numbers(queryset):
    return [a.number for a in queryset]


def test_search_matches_every_word_title_first(world):
    in_title = world.article(title="VPN timeout on Wi-Fi", body="Restart the client.")
    in_body = world.article(title="Remote access", body="When the VPN shows a timeout, restart.")
    world.article(title="VPN client install", body="Download it.")
    found = search.search(Article.objects.all(), "vpn timeout")
    assert _numbers(found) == [in_title.number, in_body.number]
    # The last word may still be being typed.
    assert _numbers(search.search(Article.objects.all(), "timeo")) == [
        in_title.number,
        in_body.number,
    ]
    # Query syntax is only punctuation here: no error, no match.
    assert list(search.search(Article.objects.all(), 'vpn" (*:')) == [
        a for a in search.search(Article.objects.all(), "vpn")
    ]
    assert search.search(Article.objects.all(), "  ").count() == 3


def test_index_follows_edits_and_deletes(world):
    article = world.article(title="Printer jams", body="Open tray two.")
    kb.update_article(
        article, actor=world.agent, expected_version=article.version, body="Open tray three."
    )
    assert not search.search(Article.objects.all(), "two").exists()
    assert search.search(Article.objects.all(), "three").get() == article
    Article.objects.filter(pk=article.pk).delete()
    assert not search.search(Article.objects.all(), "printer").exists()


def test_search_never_shows_requesters_it_articles(world):
    world.article(title="VPN for admins", audience="it")
    public = world.article(title="VPN for everyone")
    visible = Article.objects.visible_to(world.requester)
    assert list(search.search(visible, "vpn")) == [public]
    assert list(search.suggest(visible, "my vpn is broken")) == [public]


def test_suggest_matches_any_meaningful_word(world):
    vpn = world.article(title="VPN drops at home", body="Switch to the wired network.")
    mail = world.article(title="Outlook will not sync", body="Remove the mail profile.")
    world.article(title="Order a laptop", body="Use the catalog.")
    assert _numbers(search.suggest(Article.objects.all(), "the vpn keeps dropping")) == [vpn.number]
    # Stop words alone suggest nothing.
    assert not search.suggest(Article.objects.all(), "it is the").exists()
    # Two words of the mail article beat one.
    found = _numbers(search.suggest(Article.objects.all(), "mail sync and vpn"))
    assert found == [mail.number, vpn.number]


# (payload, what must not reach the page as markup)
XSS = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src=x onerror="alert(1)">', "<img"),
    ("[click](javascript:alert(1))", 'href="javascript'),
    ('<svg onload="alert(1)"></svg>', "<svg"),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "<img"),
    ('<a href="#" onclick="alert(1)">x</a>', "<a href"),
]


@pytest.mark.parametrize(("payload", "forbidden"), XSS)
def test_body_is_sanitised(world, payload, forbidden):
    article = world.article(body=f"Hello\n\n{payload}")
    html = str(article.rendered_body())
    assert forbidden not in html.lower()

    assert "Hello" in html
