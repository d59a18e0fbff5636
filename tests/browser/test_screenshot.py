"""The home page of the demo company at 1280x800, as shown in the README.

Always rendered and checked; written to docs/screenshot.png only when
STANCHION_UPDATE_SCREENSHOT=1, so an ordinary test run leaves the tree clean:

    STANCHION_UPDATE_SCREENSHOT=1 .venv/bin/pytest tests/browser/test_screenshot.py
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stanchion.accounts.roles import Role
from stanchion.core.demo import run_demo

pytestmark = [pytest.mark.browser]

README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
PASSWORD = "Demo-Screenshot-Pass-1"


def test_home_page_screenshot(transactional_db, live_server, browser, sign_in, tmp_path):
    ctx = run_demo(seed=42, employees=300, tickets=160, password=PASSWORD)
    # An administrator who also works on a team shows every part of the page.
    admin = next(u for u in ctx["users_by_role"][Role.IT_ADMIN] if u.memberships.exists())
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, admin.email, PASSWORD)

    # A little web activity, so the latest changes are not all from the demo loader.
    team = ctx["teams"]["network"]
    page.goto(f"{live_server.url}/teams/{team.pk}/edit/")
    page.get_by_label("Description").fill("Campus LAN, Wi-Fi, VPN and the office firewalls.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("was saved.")).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Latest changes")).to_be_visible()
    expect(page.locator(".stat")).to_have_count(4)
    target = README_SCREENSHOT if os.environ.get("STANCHION_UPDATE_SCREENSHOT") else None
    path = target or tmp_path / "screenshot.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    page.close()
