"""In a real browser: an agent declares a P1 from its ticket page, posts a
stakeholder update, an employee reads it on the status page, the agent
links an employee's report as a child from the suggestions, resolves the
major incident (the child is resolved with it) and opens the review."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.majorincidents.models import MajorIncident
from stanchion.tickets import services as tickets
from stanchion.tickets.models import Ticket

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_declare_update_status_page_resolve_and_review(
    transactional_db, live_server, browser, sign_in, make_user
):
    agent = make_user(Role.AGENT, full_name="Ines Incident", password=PASSWORD)
    team = accounts.create_team(actor=None, name="Platform")
    accounts.add_team_member(team, agent, actor=None)
    wiki = catalog.create_service(
        actor=None,
        name="Wiki",
        tier="2",
        owner_team=team,
        support_team=team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )
    person = accounts.create_person(
        actor=None, name="Emil Employee", email="emil@example.com", employee_id="E7"
    )
    employee = make_user(
        Role.REQUESTER, person=person, email="emil.login@example.com", password=PASSWORD
    )
    opened = timezone.now() - timedelta(minutes=10)
    ticket = tickets.open_incident(
        actor=agent, requester=person, title="Wiki is down", impact="1", urgency="1",
        service=wiki, now=opened,
    )  # fmt: skip
    report = tickets.open_incident(
        actor=None, requester=person, title="Cannot open the wiki", impact="3", urgency="2",
        service=wiki, now=opened + timedelta(minutes=2),
    )  # fmt: skip

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    panel = page.locator("[data-major-incident-panel]")
    panel.get_by_label("Title").fill("Wiki outage")
    panel.get_by_role("button", name="Declare major incident").click()
    expect(page.get_by_role("heading", name="Wiki outage")).to_be_visible()
    mi = MajorIncident.objects.get()
    expect(page.get_by_text(f"{mi.number} declared")).to_be_visible()

    page.get_by_label("Update", exact=True).fill("We are failing over to the standby.")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("[data-update]").first).to_contain_text("failing over to the standby")

    reader = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(reader, employee.email, PASSWORD)
    reader.get_by_role("navigation", name="Main").get_by_role("link", name="Service status").click()
    status = reader.locator(f"[data-status-incident='{mi.number}']")
    expect(status).to_contain_text("Wiki outage")
    expect(status.locator("[data-latest-update]")).to_contain_text("failing over to the standby")

    page.locator("[data-suggestions]").get_by_role("button", name="Link").click()
    expect(page.locator(f"[data-child='{report.number}']")).to_be_visible()
    page.get_by_label("What fixed it").fill("Restarted the wiki database.")
    page.get_by_role("button", name="Resolve major incident").click()
    expect(page.locator("[data-state]")).to_have_text("Resolved")
    assert Ticket.objects.get(pk=report.pk).state == "resolved"

    page.get_by_role("link", name="Post-incident review").click()
    expect(page.get_by_role("heading", name="Post-incident review: Wiki outage")).to_be_visible()
    expect(page.get_by_label("Timeline")).to_contain_text("Stakeholder update")
    page.get_by_label("Root cause").fill("The database ran out of connections.")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    mi.review.refresh_from_db()
    assert mi.review.root_cause == "The database ran out of connections."
    reader.reload()
    expect(reader.locator("[data-all-clear]")).to_be_visible()
