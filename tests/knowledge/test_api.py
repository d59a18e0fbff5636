"""The knowledge endpoints: what requesters see, writing with versions,
actions, feedback and ticket links, and bad input named by field."""

import pytest

from stanchion.knowledge.models import Article, ArticleFeedback, TicketArticle
from stanchion.tickets import services as tickets

pytestmark = pytest.mark.django_db


def test_requesters_never_see_it_only_or_drafts(world, api_client):
    public = world.article(title="VPN for everyone")
    secret = world.article(title="VPN for admins", audience="it")
    draft = world.article(title="VPN draft", publish=False)
    client = api_client(world.requester)
    rows = client.get("/api/articles/").json()["results"]
    assert [row["number"] for row in rows] == [public.number]
    assert [r["number"] for r in client.get("/api/articles/?q=vpn").json()["results"]] == [
        public.number
    ]
    for hidden in (secret, draft):
        assert client.get(f"/api/articles/{hidden.pk}/").status_code == 404
    refused = client.post(
        "/api/article-feedback/", {"article": secret.pk, "helpful": True}, format="json"
    )
    assert refused.status_code == 400 and "article" in refused.json()["error"]["fields"]
    staff = api_client(world.auditor).get("/api/articles/?q=vpn").json()["results"]
    assert len(staff) == 3


def test_create_update_with_versions_and_conflicts(world, api_client):
    client = api_client(world.agent)
    created = client.post(
        "/api/articles/",
        {
            "title": "Printer jams",
            "body": "Open <b>tray</b> 2.",
            "article_type": "troubleshooting",
            "services": [world.vpn.pk],
            "categories": [world.network.pk],
            "publish": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["number"] == "KB-000001" and body["state"] == "published"
    assert body["services"] == [world.vpn.pk] and body["owner"] == world.agent.pk
    assert "<b>" not in body["body_html"] and "&lt;b&gt;" in body["body_html"]
    url = f"/api/articles/{body['id']}/"
    first = client.patch(url, {"body": "Open tray 3.", "version": body["version"]}, format="json")
    assert first.status_code == 200 and first.json()["current_version"] == 2
    stale = client.patch(url, {"body": "Open tray 4.", "version": body["version"]}, format="json")
    assert stale.status_code == 409
    assert Article.objects.get().body == "Open tray 3."
    versions = client.get(f"/api/article-versions/?article={body['id']}").json()["results"]
    assert sorted(v["number"] for v in versions) == [1, 2]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "x"}, "title"),
        ({"title": "T"}, "body"),
        ({"title": "T", "body": "x", "audience": "aliens"}, "audience"),
        ({"title": "T", "body": "x", "article_type": "poem"}, "article_type"),
        ({"title": "T", "body": "x", "review_interval_days": 0}, "review_interval_days"),
        ({"title": "T", "body": "x", "services": [999999]}, "services"),
        ({"title": "T", "body": "x", "categories": ["a"]}, "categories"),
        ({"title": "T", "body": "x", "state": "published"}, "state"),
        ({"title": "T", "body": "x", "colour": "red"}, "colour"),
        ({"title": " ", "body": "x"}, "title"),
    ],
)
def test_bad_article_input_names_the_field(world, api_client, payload, field):
    response = api_client(world.agent).post("/api/articles/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_actions_and_feedback(world, api_client):
    article = world.article(publish=False)
    client = api_client(world.agent)
    url = f"/api/articles/{article.pk}/"
    stale = client.post(f"{url}publish/", {"version": article.version + 5}, format="json")
    assert stale.status_code == 409
    published = client.post(f"{url}publish/", {"version": article.version}, format="json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    again = client.post(f"{url}publish/", {}, format="json")
    assert again.status_code == 400 and "state" in again.json()["error"]["fields"]
    reviewed = client.post(f"{url}review/", {"note": "Checked"}, format="json")
    assert reviewed.status_code == 200
    answer = api_client(world.requester).post(
        f"{url}feedback/", {"helpful": False, "comment": "Missing step"}, format="json"
    )
    assert answer.status_code == 201
    assert ArticleFeedback.objects.get().comment == "Missing step"
    bad = api_client(world.requester).post(f"{url}feedback/", {"helpful": "perhaps"}, format="json")
    assert bad.status_code == 400 and "helpful" in bad.json()["error"]["fields"]


def test_ticket_links(world, api_client):
    article = world.article()
    draft = world.article(title="Draft", publish=False)
    ticket = tickets.open_incident(actor=world.agent, requester=world.person, title="VPN down")
    client = api_client(world.agent)
    made = client.post(
        "/api/ticket-articles/", {"ticket": ticket.pk, "article": article.pk}, format="json"
    )
    assert made.status_code == 201
    assert TicketArticle.objects.get().linked_by == world.agent
    bad = client.post(
        "/api/ticket-articles/", {"ticket": ticket.pk, "article": draft.pk}, format="json"
    )
    assert bad.status_code == 400 and "article" in bad.json()["error"]["fields"]
    bad = client.post("/api/ticket-articles/", {"ticket": 0, "article": article.pk}, format="json")
    assert bad.status_code == 400 and "ticket" in bad.json()["error"]["fields"]
    listed = client.get(f"/api/ticket-articles/?ticket={ticket.pk}").json()["results"]
    assert [row["article"] for row in listed] == [article.pk]
    assert client.delete(f"/api/ticket-articles/{made.json()['id']}/").status_code == 204
    assert not TicketArticle.objects.exists()
