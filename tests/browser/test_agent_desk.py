"""In a real browser: an agent opens their team's queue, opens a ticket,
assigns it to themself, replies and resolves it, all without a page reload,
and finds the reply and the resolution on the timeline."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar, OlaPolicy
from stanchion.core.services import create_record
from stanchion.tickets import services

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_agent_works_a_ticket_from_the_team_queue(
    transactional_db, live_server, browser, sign_in, make_user
):
    agent = make_user(Role.AGENT, full_name="Alex Agent", password=PASSWORD)
    team = create_record(Team, {"name": "Service Desk", "tier": "l1"})
    accounts.add_team_member(team, agent, actor=None)
    always = BusinessCalendar.objects.get(name="24x7")
    create_record(
        OlaPolicy,
        {
            "team": team,
            "priority": "",
            "calendar": always,
            "response_target": timedelta(minutes=15),
            "resolution_target": timedelta(hours=4),
        },
    )
    service = catalog.create_service(
        actor=None, name="VPN", tier="2", owner_team=team, support_team=team, calendar=always
    )
    person = accounts.create_person(
        actor=None, name="Rita Requester", email="rita@example.com", employee_id="E1"
    )
    ticket = services.open_incident(
        actor=agent,
        requester=person,
        title="VPN drops every hour",
        description="Since Monday.",
        service=service,
        assignment_team=team,
    )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, agent.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My teams").click()
    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    page.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("heading", name="VPN drops every hour")).to_be_visible()

    # From here on, every action swaps the ticket in place: a marker set on
    # the window survives only if the page never reloads.
    page.evaluate("window.__noReload = true")
    workspace = page.locator("#ticket-workspace")

    page.get_by_role("button", name="Assign to me").click()
    expect(workspace.get_by_text("Assigned to you in Service Desk.")).to_be_visible()
    expect(workspace.locator("[data-assignee]")).to_have_text("Alex Agent")

    page.get_by_label("Reply", exact=True).fill("Please update the client to **5.2**.")
    page.get_by_role("button", name="Send reply").click()
    expect(workspace.get_by_text("Reply sent to the requester.")).to_be_visible()

    page.get_by_text("Resolve…").click()
    page.get_by_label("Resolution", exact=True).select_option(label="Solved (permanently)")
    page.get_by_label("What was done").fill("Client updated; stable for an hour.")
    page.get_by_role("button", name="Resolve ticket").click()
    expect(workspace.get_by_text("Resolved. The requester has been asked")).to_be_visible()
    expect(workspace.locator(".ticket-badges")).to_contain_text("Resolved")

    timeline = page.get_by_role("list", name="Timeline")
    reply = timeline.locator('[data-kind="comment"]')
    expect(reply).to_contain_text("Please update the client to 5.2.")
    expect(reply.locator("strong")).to_have_text("5.2")
    resolution = timeline.locator('[data-kind="state"]').filter(has_text="Resolved")
    expect(resolution).to_contain_text("Client updated; stable for an hour.")
    assert page.evaluate("window.__noReload") is True
    page.close()
