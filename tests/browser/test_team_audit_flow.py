"""In a real browser: sign in, create a team, add a member without a page
reload, and find both changes in the audit trail under the admin's email."""

import pytest
from playwright.sync_api import expect

from stanchion.accounts.roles import Role

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_create_team_add_member_and_see_it_in_the_audit_trail(
    transactional_db, live_server, browser, sign_in, make_user
):
    admin = make_user(Role.IT_ADMIN, full_name="Ada Admin", password=PASSWORD)
    make_user(Role.AGENT, full_name="Alex Agent", email="alex.agent@example.com")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, admin.email, PASSWORD)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Teams", exact=True).click()
    expect(page.get_by_text("No teams yet")).to_be_visible()
    page.get_by_role("link", name="New team").first.click()
    page.get_by_label("Name").fill("Network Operations")
    page.get_by_label("Tier").select_option(label="L2 (specialist)")
    page.get_by_label("Description").fill("Switches, Wi-Fi and VPN.")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", name="Network Operations")).to_be_visible()
    expect(page.get_by_text("Network Operations was created.")).to_be_visible()

    # The member list is swapped in place by htmx: a marker set on the page
    # survives only if there was no full reload.
    page.evaluate("window.__noReload = true")
    page.get_by_label("Add a member").select_option(label="Alex Agent")
    page.get_by_role("button", name="Add member").click()
    members = page.locator("#team-members")
    expect(members.get_by_text("Alex Agent joined Network Operations.")).to_be_visible()
    expect(members.get_by_role("link", name="Alex Agent")).to_be_visible()
    assert page.evaluate("window.__noReload") is True

    nav.get_by_role("link", name="Audit trail").click()
    rows = page.locator("table.audit tbody tr")
    membership = rows.filter(has_text="Alex Agent in Network Operations")
    expect(membership).to_have_count(1)
    expect(membership).to_contain_text("Created")
    expect(membership).to_contain_text(admin.email)
    expect(membership).to_contain_text("web")
    created = rows.filter(has_text="team #").filter(has_text="Network Operations")
    expect(created).to_have_count(1)
    expect(created).to_contain_text("Created")
    expect(created).to_contain_text(admin.email)
    expect(created).to_contain_text("Switches, Wi-Fi and VPN.")

    # The team's History link opens the trail filtered to that team alone.
    page.go_back()
    page.get_by_role("link", name="History").click()
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    page.close()
