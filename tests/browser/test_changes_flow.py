"""In a real browser: an engineer raises a normal change, submits it (its risk
factors appear), asks for approval; the team manager approves it from their
approvals inbox; the engineer schedules it, implements it, ticks off the
validation checklist, records the outcome and closes it. The change page
swaps in place after each action, without a reload."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.changes.models import Change
from stanchion.core.services import create_record

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_a_normal_change_from_draft_to_closed_through_approval(
    transactional_db, live_server, browser, sign_in, make_user
):
    engineer = make_user(Role.AGENT, full_name="Erin Engineer", password=PASSWORD)
    manager = make_user(Role.TEAM_MANAGER, full_name="Max Manager", password=PASSWORD)
    team = create_record(Team, {"name": "Platform", "tier": "l2", "manager": manager})
    accounts.add_team_member(team, engineer, actor=None)
    always = BusinessCalendar.objects.get(name="24x7")
    catalog.create_service(
        actor=None, name="Wiki", tier="3", owner_team=team, support_team=team, calendar=always
    )
    start = (timezone.now() + timedelta(days=7)).replace(hour=20, minute=0, second=0)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, engineer.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Changes").click()
    expect(page.get_by_role("heading", name="Changes", exact=True)).to_be_visible()
    page.get_by_role("link", name="New change").first.click()
    page.get_by_role("link", name="Raise a normal change").click()
    page.get_by_label("Title").fill("Upgrade the wiki to 2.0")
    page.get_by_label("Services").select_option(label="Wiki")
    page.get_by_label("Planned start").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Planned end").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Implementer team").select_option(label="Platform")
    page.get_by_label("Implementation plan").fill("Upgrade the package, restart.")
    page.get_by_label("Backout plan").fill("Reinstall 1.9.")
    page.get_by_label("Test plan").fill("Open the front page.")
    page.get_by_label("Post-change validation checklist").fill("Front page answers\nSearch works")
    page.get_by_label("What do users notice").select_option(label="Nothing")
    page.get_by_role("button", name="Raise change").click()
    expect(page.get_by_role("heading", name="Upgrade the wiki to 2.0")).to_be_visible()
    change = Change.objects.get()
    workspace = page.locator("#change-workspace")
    expect(workspace.locator("[data-state]")).to_have_text("Draft")

    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Submit for assessment").click()
    expect(workspace.get_by_text("Submitted for assessment")).to_be_visible()
    expect(workspace.locator("[data-state]")).to_have_text("Assessment")
    expect(page.get_by_role("table", name="Risk factors")).to_be_visible()
    change.refresh_from_db()
    expect(workspace.locator("[data-risk-score]")).to_have_text(str(change.risk_score))
    page.get_by_role("button", name="Request approval").click()
    expect(workspace.locator("[data-state]")).to_have_text("Authorisation")
    expect(page.get_by_role("button", name="Schedule")).to_be_disabled()
    assert page.evaluate("window.__noReload") is True

    approver = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(approver, manager.email, PASSWORD)
    nav = approver.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My approvals").click()
    expect(approver.get_by_text(change.number)).to_be_visible()
    approver.get_by_label("Comment").fill("Fine by me.")
    approver.get_by_role("button", name="Approve").click()
    expect(approver.get_by_text(f"You approved {change.number}")).to_be_visible()
    expect(approver.get_by_text("No change waits for your approval")).to_be_visible()

    page.reload()
    expect(page.locator("[data-approval]").get_by_text("Fine by me.")).to_be_visible()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Schedule").click()
    expect(workspace.locator("[data-state]")).to_have_text("Scheduled")
    page.get_by_role("button", name="Start implementation").click()
    expect(workspace.locator("[data-state]")).to_have_text("Implementing")
    page.get_by_label("Front page answers").check()
    page.get_by_label("Search works").check()
    page.get_by_role("button", name="Save checklist").click()
    expect(workspace.get_by_text("2 of 2 done", exact=True)).to_be_visible()
    page.get_by_text("Finish implementation…").click()
    page.get_by_label("Outcome").select_option(label="Successful")
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(workspace.locator("[data-state]")).to_have_text("Review")
    page.get_by_text("Close…").click()
    page.get_by_role("button", name="Close change").click()
    expect(workspace.locator("[data-state]")).to_have_text("Closed")
    assert page.evaluate("window.__noReload") is True

    change.refresh_from_db()
    assert (change.state, change.outcome) == ("closed", "successful")
    assert change.approvals.get().decided_by == manager
    assert [step["done"] for step in change.validation_checklist] == [True, True]
