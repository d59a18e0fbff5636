"""In a real browser: an employee typing what is wrong in the portal sees
the matching employee article (never the IT-only one), opens it from the
suggestion and says it helped; an agent on a matching ticket sees both
articles suggested in the Knowledge card and links the one used to
resolve it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.knowledge import services as knowledge
from stanchion.knowledge.models import ArticleFeedback, TicketArticle
from stanchion.tickets import services as tickets

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_portal_suggestion_feedback_and_the_agents_link(
    transactional_db, live_server, browser, sign_in, make_user
):
    agent = make_user(Role.AGENT, full_name="Kim Knowledge", password=PASSWORD)
    person = accounts.create_person(
        actor=None, name="Rita Requester", email="rita@example.com", employee_id="E1"
    )
    employee = make_user(Role.REQUESTER, person=person, email="rita.login@example.com")
    employee.set_password(PASSWORD)
    employee.save()
    for_employees = knowledge.create_article(
        actor=agent,
        title="VPN disconnects at home",
        body="Switch the client to **TCP** mode, then reconnect.",
        audience="employees",
        publish=True,
    )
    knowledge.create_article(
        actor=agent,
        title="VPN gateway restart runbook",
        body="Drain the gateway, restart it, check the tunnels.",
        audience="it",
        publish=True,
    )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, employee.email, PASSWORD)
    page.goto(live_server.url + reverse("tickets:portal-report"))
    page.get_by_label("What is wrong?").press_sequentially("VPN disconnects")
    suggestions = page.locator("#kb-suggestions")
    expect(suggestions.get_by_role("link", name="VPN disconnects at home")).to_be_visible()
    expect(suggestions).not_to_contain_text("gateway restart runbook")
    with page.expect_popup() as opened:
        suggestions.get_by_role("link", name="VPN disconnects at home").click()
    article_page = opened.value
    expect(article_page.get_by_role("heading", name="VPN disconnects at home")).to_be_visible()
    expect(article_page.locator("strong", has_text="TCP")).to_be_visible()
    article_page.get_by_role("button", name="Yes, it helped").click()
    expect(article_page.get_by_text("your answer helps us improve this article")).to_be_visible()
    feedback = ArticleFeedback.objects.get()
    assert (feedback.article_id, feedback.helpful) == (for_employees.pk, True)

    ticket = tickets.open_incident(
        actor=None, requester=person, title="VPN disconnects every evening"
    )
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, agent.email, PASSWORD)
    desk.goto(live_server.url + reverse("tickets:ticket", args=[ticket.number]))
    card = desk.locator("section", has=desk.get_by_role("heading", name="Knowledge"))
    suggested = card.get_by_role("list", name="Suggested articles")
    expect(suggested.get_by_text("VPN disconnects at home")).to_be_visible()
    expect(suggested.get_by_text("VPN gateway restart runbook")).to_be_visible()
    suggested.locator("li", has_text="VPN disconnects at home").get_by_role(
        "button", name="Used this"
    ).click()
    used = card.get_by_role("list", name="Articles used to resolve this ticket")
    expect(used.get_by_role("link", name=for_employees.number)).to_be_visible()
    assert TicketArticle.objects.get().article_id == for_employees.pk
