"""In a real browser: an agent finds three alike VPN incidents on the
problem candidates page, raises a problem from the cluster, writes the
workaround and declares a known error; on a new VPN incident's page the
known error is offered with its workaround, and one click links the
incident to it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import create_record
from stanchion.problems.models import Problem
from stanchion.tickets import services as tickets
from stanchion.tickets.models import Category

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_recurring_incidents_become_a_known_error_offered_on_the_next_incident(
    transactional_db, live_server, browser, sign_in, make_user
):
    agent = make_user(Role.AGENT, full_name="Pat Problem", password=PASSWORD)
    team = create_record(Team, {"name": "Network", "tier": "l2"})
    accounts.add_team_member(team, agent, actor=None)
    vpn = catalog.create_service(
        actor=None,
        name="VPN",
        tier="2",
        owner_team=team,
        support_team=team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )
    network = create_record(Category, {"name": "Network"})
    person = accounts.create_person(
        actor=None, name="Rita Requester", email="rita@example.com", employee_id="E1"
    )
    now = timezone.now()
    for days, title in ((3, "VPN drops every morning"), (2, "VPN drops at home"), (1, "VPN drops")):
        tickets.open_incident(
            actor=None,
            requester=person,
            title=title,
            service=vpn,
            category=network,
            now=now - timedelta(days=days),
        )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, agent.email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Problem candidates").click()
    expect(page.get_by_role("heading", name="VPN · Network")).to_be_visible()
    page.get_by_label("Problem title").fill("VPN gateway drops sessions")
    page.get_by_role("button", name="Raise a problem from this cluster").click()
    expect(page.get_by_role("heading", name="VPN gateway drops sessions")).to_be_visible()
    problem = Problem.objects.get()
    expect(page.locator("[data-linked-incidents] li")).to_have_count(3)

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Workaround").fill("Connect to the **backup gateway** vpn2.example.com.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("[data-workaround] strong")).to_have_text("backup gateway")
    page.get_by_text("Declare known error…").click()
    page.get_by_role("button", name="Known error", exact=True).click()
    expect(page.locator("[data-state]")).to_have_text("Known error")

    incident = tickets.open_incident(
        actor=None, requester=person, title="VPN keeps dropping", service=vpn, category=network
    )
    page.goto(live_server.url + reverse("tickets:ticket", args=[incident.number]))
    panel = page.locator("[data-problems-panel]")
    expect(panel.get_by_text("backup gateway")).to_be_visible()
    panel.get_by_role("button", name=f"Link {incident.number} to {problem.number}").click()
    expect(page.get_by_text(f"{incident.number} is linked to {problem.number}.")).to_be_visible()
    expect(page.locator("[data-problems-panel]").get_by_text("Caused by")).to_be_visible()
    assert problem.incident_links.count() == 4
