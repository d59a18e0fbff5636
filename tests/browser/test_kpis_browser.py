"""In a real browser: open the KPI dashboard from the navigation, pick a
month, follow a tile to its KPI page and the KPI's number to the records
behind it; the list is as long as the number says."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from stanchion.accounts.models import Person, Team
from stanchion.accounts.roles import Role
from stanchion.catalog.models import BusinessCalendar, Service
from stanchion.tickets.models import Ticket

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


def test_dashboard_tile_to_kpi_page_to_the_records_behind_it(
    transactional_db, live_server, browser, sign_in, make_user
):
    calendar = BusinessCalendar.objects.get(name="24x7")
    team = Team.objects.create(name="Network", tier="l2")
    mail, vpn = (
        Service.objects.create(
            name=name, tier=tier, owner_team=team, support_team=team, calendar=calendar
        )
        for name, tier in (("Mail", "1"), ("VPN", "2"))
    )
    person = Person.objects.create(name="Rita", email="rita@example.com", employee_id="B1")

    def incident(number, created, service, kind="incident"):
        Ticket.objects.create(
            number=number, kind=kind, title=f"Ticket {number}", requester=person,
            created_at=created, service=service, priority="p2",
        )  # fmt: skip

    # Five incidents opened in September 2026, two of them on Mail; a
    # request (not an incident) and an incident opened in October.
    opened = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
    for n in range(5):
        incident(f"INC-B{n}", opened + timedelta(days=n), mail if n < 2 else vpn)
    incident("REQ-B9", opened, vpn, kind="request")
    incident("INC-B8", datetime(2026, 10, 2, 8, 0, tzinfo=UTC), mail)
    admin = make_user(Role.IT_ADMIN, password=PASSWORD)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, admin.email, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="KPIs").click()
    expect(page.get_by_role("heading", name="IT operations")).to_be_visible()
    page.get_by_role("combobox", name="Period", exact=True).select_option("month")
    page.get_by_label("Containing the day").fill("2026-09-15")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("September 2026", exact=True)).to_be_visible()

    name = page.get_by_role("link", name="Incident volume", exact=True)
    tile = page.locator(".kpi-tile").filter(has=name)
    expect(tile.locator(".kpi-tile-value a")).to_have_text("5")
    expect(tile.locator("svg.chart-spark")).to_have_count(1)
    tile.get_by_role("link", name="Incident volume", exact=True).click()

    expect(page.get_by_role("heading", name="Incident volume", exact=True)).to_be_visible()
    expect(page.get_by_text("The number of incidents opened in the period.").first).to_be_visible()
    number = page.locator(".kpi-big a")
    shown = int(number.inner_text())
    assert shown == 5
    # The breakdown names the services.
    by_service = page.locator("#by-service table")
    expect(by_service.get_by_role("row").filter(has_text="Mail")).to_contain_text("2")
    number.click()

    rows = page.locator("table.kpi-records tbody tr")
    expect(rows).to_have_count(shown)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{shown} records — the denominator of"
    )
    # Each record opens its ticket.
    first = rows.first.get_by_role("link").first
    number_text = first.inner_text()
    first.click()
    expect(page).to_have_url(f"{live_server.url}/desk/tickets/{number_text}/")

    # Back on the KPI page, one service's number opens its own shorter list.
    page.go_back()
    page.go_back()
    mail_row = page.locator("#by-service table").get_by_role("row").filter(has_text="Mail")
    mail_row.locator("a.cell-link").click()
    expect(page.locator("table.kpi-records tbody tr")).to_have_count(2)
    expect(page.get_by_role("heading", level=1)).to_contain_text("2 records")
    page.close()
