"""In a real browser: open a business calendar, move to the next week
without a page reload, and ask the due-time calculator why a target is due."""

from datetime import time

import pytest
from playwright.sync_api import expect

from stanchion.accounts.roles import Role
from stanchion.catalog import services

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_calendar_week_navigation_and_due_calculator(
    transactional_db, live_server, browser, sign_in, make_user
):
    admin = make_user(Role.IT_ADMIN, full_name="Ada Admin", password=PASSWORD)
    calendar = services.create_calendar(
        actor=admin,
        name="Berlin office",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        holiday_subdivision="BE",
        intervals=[(day, time(9), time(17)) for day in range(5)],
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, admin.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendars").click()
    page.get_by_role("link", name="Berlin office").click()
    expect(page.get_by_role("heading", name="Berlin office", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/calendars/{calendar.pk}/?week=2026-12-14")
    week = page.locator("#calendar-week")
    expect(week.get_by_role("heading", name="Week of 14 Dec 2026")).to_be_visible()

    # The week card is swapped by htmx: a marker set on the page survives
    # only if there was no full reload.
    page.evaluate("window.__noReload = true")
    week.get_by_role("link", name="Next week →").click()
    expect(week.get_by_role("heading", name="Week of 21 Dec 2026")).to_be_visible()
    christmas = week.locator("tr", has_text="Fri 25 Dec")
    expect(christmas).to_contain_text("Christmas Day")
    expect(week.locator("tr", has_text="Mon 21 Dec")).to_contain_text("09:00–17:00")
    assert page.evaluate("window.__noReload") is True
    assert "week=2026-12-21" in page.url

    due = page.locator("#due-calculator")
    due.get_by_label("Start").fill("2026-12-24T16:00")
    due.get_by_label("Target").fill("4h")
    due.get_by_role("button", name="Calculate").click()
    # 1 h on Thu 24 Dec, holidays and the weekend skipped, 3 h on Mon 28 Dec.
    expect(due.get_by_role("status")).to_contain_text("Mon 28 Dec 2026, 12:00")
    expect(due).to_contain_text("public holiday “Christmas Day”")
    assert page.evaluate("window.__noReload") is True
    page.close()
