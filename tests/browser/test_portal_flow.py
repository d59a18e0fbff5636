"""In a real browser: an employee reports a problem and requests a laptop
through the item's form; their manager approves it from the approvals inbox
in a browser of their own; the employee then sees the delivery under way."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.demo import LAPTOP_FORM
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import create_record

pytestmark = [pytest.mark.browser]

PASSWORD = "Browser-Test-Pass-42"


@pytest.fixture
def company(transactional_db, make_user):
    always = BusinessCalendar.objects.get(name="24x7")
    desk = create_record(Team, {"name": "Service Desk", "tier": "l1"})
    laptops = catalog.create_service(
        actor=None,
        name="Laptops and peripherals",
        tier="3",
        owner_team=desk,
        support_team=desk,
        calendar=always,
    )
    catalog.create_catalog_item(
        actor=None,
        service=laptops,
        name="New laptop",
        approval="manager",
        delivery_target=timedelta(hours=40),
        form_definition=LAPTOP_FORM,
        tasks=[(1, "Reserve device", desk), (2, "Hand over", desk)],
    )
    boss = accounts.create_person(
        actor=None, name="Maria Manager", email="maria@example.com", employee_id="E1"
    )
    emma = accounts.create_person(
        actor=None, name="Emma Employee", email="emma@example.com", employee_id="E2", manager=boss
    )
    return {
        "employee": make_user(
            Role.REQUESTER, person=emma, full_name="Emma Employee", password=PASSWORD
        ),
        "manager": make_user(
            Role.REQUESTER, person=boss, full_name="Maria Manager", password=PASSWORD
        ),
    }


def test_report_request_approve_and_follow(company, live_server, browser, sign_in):
    employee = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = employee.new_page()
    sign_in(page, company["employee"].email, PASSWORD)
    page.goto(f"{live_server.url}/help/")

    # Report a problem in everyday words.
    page.get_by_role("link", name="Something is broken").click()
    page.get_by_label("What is wrong?").fill("VPN drops every few minutes")
    page.get_by_label("What happened?").fill("Since this morning, at home.")
    page.get_by_label("Which service?").select_option(label="Laptops and peripherals")
    page.get_by_label("My team").check()
    page.get_by_label("I can't work").check()
    page.get_by_role("button", name="Send to IT").click()
    expect(page.get_by_role("heading", name="VPN drops every few minutes")).to_be_visible()
    expect(page.get_by_text("Thanks, we have it: INC-000001.")).to_be_visible()
    expect(page.get_by_text("Since this morning, at home.")).to_be_visible()

    # Request a laptop through the item's own form.
    page.goto(f"{live_server.url}/help/")
    page.get_by_role("link", name="I need something").click()
    page.get_by_role("link", name="Request New laptop").click()
    page.get_by_role("button", name="Send request").click()  # nothing chosen yet
    expect(page.locator("#id_model_errors")).to_have_text("This field is required.")
    page.get_by_label("Model").select_option("MacBook Air 13")
    page.get_by_label("Reason").select_option("Replacement (broken)")
    page.get_by_label("Dock").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="New laptop")).to_be_visible()
    expect(page.get_by_text("Waiting for approval by Maria Manager.")).to_be_visible()
    expect(page.get_by_text("MacBook Air 13")).to_be_visible()
    request_url = page.url

    # The manager, in a browser of their own, approves from the inbox.
    manager = browser.new_context(viewport={"width": 1280, "height": 800})
    boss = manager.new_page()
    sign_in(boss, company["manager"].email, PASSWORD)
    boss.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    boss.get_by_role("link", name="New laptop for Emma Employee").click()
    expect(boss.get_by_text("Replacement (broken)")).to_be_visible()
    boss.get_by_label("Comment").fill("Enjoy the new one")
    boss.get_by_role("button", name="Approve").click()
    expect(
        boss.get_by_text("You approved REQ-000001 (New laptop) for Emma Employee.")
    ).to_be_visible()
    expect(boss.get_by_text("Nothing waits for your approval")).to_be_visible()
    manager.close()

    # The employee sees the delivery under way.
    page.goto(request_url)
    expect(page.locator(".subtitle .badge")).to_have_text("Being delivered")
    expect(page.get_by_text("Now: Reserve device.")).to_be_visible()
    expect(page.locator(".help-timeline").get_by_text("Enjoy the new one")).to_be_visible()
    page.goto(f"{live_server.url}/my-tickets/")
    expect(page.get_by_role("link", name="New laptop")).to_be_visible()
    expect(page.get_by_role("link", name="VPN drops every few minutes")).to_be_visible()
    employee.close()
