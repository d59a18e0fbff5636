"""The employee portal: reporting an incident, requesting a catalog item
through its dynamic form, and the manager's approvals inbox."""

# Fixtures imported from test_portal_fixtures are used as test arguments.
# ruff: noqa: F811

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.core.registry import registry
from stanchion.tickets import services
from stanchion.tickets.models import Approval, Ticket

from .test_portal_fixtures import (  # noqa: F401
    GOOD_ANSWERS,
    colleague,
    laptop,
    login,
    request_laptop,
)


def field_errors(html, name):
    """The error messages rendered beside the field ``name``."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_errors">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


# ---- Reporting an incident -------------------------------------------------


def test_employee_reports_an_incident_and_sees_it(desk, login):
    client = login(desk.requester_login)
    response = client.post(
        reverse("tickets:portal-report"),
        {
            "title": "VPN drops every few minutes",
            "description": "Since this morning, on the office Wi-Fi.",
            "service": desk.service.pk,
            "impact": "2",  # "My team"
            "urgency": "1",  # "I can't work"
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/my-tickets/INC-000001/"
    assert (ticket.number, ticket.kind, ticket.channel) == ("INC-000001", "incident", "portal")
    assert ticket.requester == desk.requester and ticket.reported_by == desk.requester_login
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("2", "1", "p2")
    assert ticket.service == desk.service

    page = client.get(response["Location"]).content.decode()
    assert "VPN drops every few minutes" in page
    assert "Since this morning, on the office Wi-Fi." in page
    assert "Received" in page
    listing = client.get(reverse("tickets:my-tickets")).content.decode()
    assert "INC-000001" in listing and "VPN drops every few minutes" in listing


def test_report_form_names_what_is_missing_and_creates_nothing(desk, login):
    response = login(desk.requester_login).post(
        reverse("tickets:portal-report"), {"title": "", "impact": "9", "service": "999999"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "description", "impact", "urgency", "service"}
    assert not Ticket.objects.exists()


def test_report_form_speaks_the_employees_language(desk, login):
    page = login(desk.requester_login).get(reverse("tickets:portal-report")).content.decode()
    for words in ("Just me", "My team", "Many people", "I can't work", "It can wait"):
        assert words in page.replace("&#x27;", "'")


# ---- Requesting a catalog item ---------------------------------------------


def test_request_form_has_one_field_per_definition_field(desk, laptop, login):
    response = login(desk.requester_login).get(
        reverse("tickets:portal-request-item", args=[laptop.pk])
    )
    form = response.context["form"]
    assert list(form.fields) == [
        "model",
        "monitors",
        "accessories",
        "needed_by",
        "notes",
        "keep_old",
        "contact",
        "weight",
    ]
    fields = form.fields
    assert fields["model"].required and not fields["monitors"].required
    assert list(fields["model"].choices) == [("", "Choose…"), ("Air", "Air"), ("Pro", "Pro")]
    assert fields["monitors"].help_text == "Up to two"
    html = response.content.decode()
    assert re.search(r'<select name="model"[^>]*required', html)
    assert re.search(r'<input type="number" name="monitors"[^>]*min="0"', html)
    assert re.search(r'<input type="number" name="monitors"[^>]*max="2"', html)
    assert re.search(r'<input type="number" name="weight"[^>]*step="any"', html)
    assert re.search(r'<textarea name="notes"[^>]*maxlength="50"', html)
    assert html.count('type="checkbox" name="accessories"') == 3
    assert re.search(r'<input type="date" name="needed_by"', html)
    assert html.count('type="radio" name="keep_old"') == 2  # required: yes or no
    assert re.search(r'<input type="email" name="contact"', html)
    assert "Delivered" in html and "Your manager approves" in html


def test_bad_answers_are_named_per_field_and_nothing_is_created(desk, laptop, login):
    response = login(desk.requester_login).post(
        reverse("tickets:portal-request-item", args=[laptop.pk]),
        {
            "model": "Mac",
            "monitors": "5",
            "accessories": ["Dock", "Laser"],
            "needed_by": "next week",
            "notes": "x" * 51,
            "contact": "not-an-email",
            "weight": "0.2",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The catalog's own messages (catalog.formdefs), the same the API gives.
    assert field_errors(html, "model") == ["Choose one of: Air, Pro."]
    assert field_errors(html, "monitors") == ["Must be at most 2."]
    assert field_errors(html, "accessories") == ["Choose from: Dock, Headset, Mouse."]
    assert field_errors(html, "needed_by") == ["Enter a date as YYYY-MM-DD."]
    assert field_errors(html, "notes") == ["At most 50 characters."]
    assert field_errors(html, "keep_old") == ["This field is required."]
    assert field_errors(html, "contact") == ["Enter a valid email address."]
    assert field_errors(html, "weight") == ["Must be at least 0.5."]
    # What the employee typed stays in the form.
    assert 'value="next week"' in html
    assert not Ticket.objects.exists() and not Approval.objects.exists()


def test_a_null_character_in_an_answer_is_refused_by_name(desk, laptop, login):
    # PostgreSQL cannot keep NUL in JSON; it used to surface as a server error.
    response = login(desk.requester_login).post(
        reverse("tickets:portal-request-item", args=[laptop.pk]),
        {"model": "Air", "keep_old": "true", "notes": "a\x00b", "contact": "a\x00@b.example"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "notes") == ["Null characters are not allowed."]
    assert field_errors(html, "contact") == ["Null characters are not allowed."]
    assert not Ticket.objects.exists()


def test_spaces_alone_do_not_answer_a_required_question(desk, login):
    item = catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="Access",
        form_definition=[{"name": "why", "type": "textarea", "required": True}],
    )
    response = login(desk.requester_login).post(
        reverse("tickets:portal-request-item", args=[item.pk]), {"why": "   "}
    )
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "why") == ["This field is required."]
    assert not Ticket.objects.exists()


def test_good_answers_create_a_request_waiting_for_the_managers_approval(desk, laptop, login):
    client = login(desk.requester_login)
    response = client.post(reverse("tickets:portal-request-item", args=[laptop.pk]), GOOD_ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == "/my-tickets/REQ-000001/"
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.kind, ticket.state) == (
        "REQ-000001",
        "request",
        "awaiting_approval",
    )
    assert ticket.catalog_item == laptop and ticket.requester == desk.requester
    assert ticket.answers == {
        "model": "Pro",
        "monitors": 1,
        "accessories": ["Dock", "Headset"],  # in the form's order
        "needed_by": "2026-04-01",
        "notes": "Silver please",
        "keep_old": False,
        "weight": 1.5,
    }
    approval = ticket.approvals.get()
    assert approval.approver == desk.manager_login and approval.state == "pending"

    page = client.get(response["Location"]).content.decode()
    assert f"Waiting for approval by {desk.manager_login.full_name}." in page
    assert "Silver please" in page and "Dock, Headset" in page and "1 April 2026" in page
    assert "Reserve device" in page and "Hand over" in page  # the fulfilment plan


def test_an_optional_checkbox_left_unticked_is_a_no(desk, login):
    item = catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="Headset",
        form_definition=[{"name": "wireless", "type": "boolean"}],
    )
    login(desk.requester_login).post(reverse("tickets:portal-request-item", args=[item.pk]), {})
    assert Ticket.objects.get().answers == {"wireless": False}


def test_an_item_not_in_the_portal_cannot_be_requested(desk, laptop, login):
    catalog.update_catalog_item(laptop, {"is_active": False}, actor=None, expected_version=1)
    client = login(desk.requester_login)
    url = reverse("tickets:portal-request-item", args=[laptop.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, GOOD_ANSWERS).status_code == 404
    assert not Ticket.objects.exists()


def test_a_login_without_a_directory_record_is_told_why_it_cannot_ask(
    desk, laptop, make_user, login
):
    client = login(make_user(Role.REQUESTER))
    response = client.post(reverse("tickets:portal-report"), {"title": "x"})
    assert response.status_code == 400
    assert "not linked to an employee record" in response.content.decode()
    assert not Ticket.objects.exists()


# ---- Approvals ------------------------------------------------------------


def test_the_manager_approves_from_the_inbox(desk, laptop, login):
    ticket = request_laptop(desk, laptop)
    approval = ticket.approvals.get()
    manager = login(desk.manager_login)

    inbox = manager.get(reverse("tickets:approval-list")).content.decode()
    detail_url = reverse("tickets:approval-detail", args=[approval.pk])
    assert detail_url == f"/approvals/{approval.pk}/"
    assert detail_url in inbox and "Rita Requester" in inbox and "REQ-000001" in inbox

    page = manager.get(detail_url).content.decode()
    assert "Rita Requester" in page and "Air" in page and "Keep the old laptop?" in page
    assert "Within" in page or "within" in page  # the item's promised delivery

    response = manager.post(detail_url, {"decision": "approve", "comment": "Enjoy"})
    assert response.status_code == 302 and response["Location"] == "/approvals/"
    approval.refresh_from_db()
    ticket.refresh_from_db()
    assert approval.state == "approved" and approval.decided_by == desk.manager_login
    assert ticket.state == "in_progress"
    after = manager.get(reverse("tickets:approval-list")).content.decode()
    assert "Nothing waits for your approval" in after and "Approved" in after

    employee_page = login(desk.requester_login).get(f"/my-tickets/{ticket.number}/")
    text = employee_page.content.decode()
    assert "Being delivered" in text and "Now: Reserve device." in text and "Enjoy" in text


def test_rejecting_needs_a_reason_which_the_employee_then_reads(desk, laptop, login):
    ticket = request_laptop(desk, laptop)
    approval = ticket.approvals.get()
    manager = login(desk.manager_login)
    url = reverse("tickets:approval-detail", args=[approval.pk])

    response = manager.post(url, {"decision": "reject", "comment": "  "})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "comment") == [
        "Say why the request is rejected."
    ]
    approval.refresh_from_db()
    assert approval.state == "pending"

    manager.post(url, {"decision": "reject", "comment": "You got one in January."})
    ticket.refresh_from_db()
    assert ticket.state == "closed" and ticket.resolution_code == "rejected"
    page = login(desk.requester_login).get(f"/my-tickets/{ticket.number}/").content.decode()
    assert "Not approved" in page and "You got one in January." in page


def test_a_second_decision_is_refused_with_a_message(desk, laptop, login):
    approval = request_laptop(desk, laptop).approvals.get()
    manager = login(desk.manager_login)
    url = reverse("tickets:approval-detail", args=[approval.pk])
    manager.post(url, {"decision": "approve"})
    response = manager.post(url, {"decision": "reject", "comment": "Changed my mind"}, follow=True)
    assert "This approval was already approved." in response.content.decode()
    approval.refresh_from_db()
    assert approval.state == "approved"


def test_team_approvals_reach_every_member_of_the_team(desk, make_user, login):
    item = catalog.create_catalog_item(
        actor=None, service=desk.service, name="VPN for a contractor", approval="team",
        approval_team=desk.l2,
    )  # fmt: skip
    ticket = services.open_request(
        actor=desk.requester_login, requester=desk.requester, item=item, answers={}
    )
    approval = ticket.approvals.get()
    assert approval.approver_team == desk.l2
    url = reverse("tickets:approval-detail", args=[approval.pk])
    member = login(desk.specialist)  # on Network (L2)
    assert url in member.get(reverse("tickets:approval-list")).content.decode()
    assert member.get(url).status_code == 200
    outsider = login(desk.agent)  # on the Service Desk (L1) only
    assert url not in outsider.get(reverse("tickets:approval-list")).content.decode()
    assert outsider.post(url, {"decision": "approve"}).status_code == 403


def test_a_colleague_sees_neither_ticket_and_cannot_approve(desk, laptop, colleague, login):
    from .test_portal_fixtures import open_incident

    incident = open_incident(desk)
    req = request_laptop(desk, laptop)
    approval = req.approvals.get()
    carl = login(colleague)
    for ticket in (incident, req):
        assert carl.get(f"/my-tickets/{ticket.number}/").status_code == 404
        assert carl.post(f"/my-tickets/{ticket.number}/reply/", {"body": "hi"}).status_code == 404
    assert "REQ-000001" not in carl.get(reverse("tickets:my-tickets")).content.decode()
    url = reverse("tickets:approval-detail", args=[approval.pk])
    assert carl.get(url).status_code == 403
    assert carl.post(url, {"decision": "approve"}).status_code == 403
    approval.refresh_from_db()
    assert approval.state == "pending"
    # IT staff work tickets in the agent workspace; the portal is one's own.
    assert login(desk.agent).get(f"/my-tickets/{incident.number}/").status_code == 404


def test_the_requester_cannot_approve_their_own_request(desk, laptop, login):
    approval = request_laptop(desk, laptop).approvals.get()
    url = reverse("tickets:approval-detail", args=[approval.pk])
    assert login(desk.requester_login).post(url, {"decision": "approve"}).status_code == 403


def test_approvals_inbox_query_count_does_not_grow_with_rows(desk, laptop, login):
    manager = login(desk.manager_login)
    url = reverse("tickets:approval-list")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(url).status_code == 200
        return len(captured)

    request_laptop(desk, laptop)
    approved = request_laptop(desk, laptop).approvals.get()
    manager.post(reverse("tickets:approval-detail", args=[approved.pk]), {"decision": "approve"})
    few = queries()
    for _ in range(6):
        request_laptop(desk, laptop)
    second = request_laptop(desk, laptop).approvals.get()
    manager.post(reverse("tickets:approval-detail", args=[second.pk]), {"decision": "approve"})
    assert queries() == few
    assert few <= 12


# ---- Navigation and access --------------------------------------------------


def nav_labels(user):
    return [item.label for item in registry.nav_for(user)]


def test_navigation_offers_the_portal_to_everyone_who_may_use_it(desk, make_user):
    requester = nav_labels(desk.requester_login)
    assert {"Get help", "My tickets", "Approvals"} <= set(requester)
    assert {"Get help", "My tickets", "Approvals"} <= set(nav_labels(desk.agent))
    # Auditors only read: nothing to ask for, nothing to approve.
    auditor = nav_labels(make_user(Role.AUDITOR))
    assert "Get help" not in auditor and "Approvals" not in auditor


def test_auditors_cannot_raise_tickets_or_decide(desk, make_user, login):
    client = login(make_user(Role.AUDITOR))
    assert client.get(reverse("tickets:portal-home")).status_code == 403
    assert client.post(reverse("tickets:portal-report"), {}).status_code == 403
    assert client.get(reverse("tickets:approval-list")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(db, client):
    for name in ("tickets:portal-home", "tickets:my-tickets", "tickets:approval-list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", ["tickets:portal-home", "tickets:portal-request-list"])
def test_home_and_request_list_link_to_the_request_pages(desk, laptop, login, name):
    page = login(desk.requester_login).get(reverse(name)).content.decode()
    assert reverse("tickets:portal-request-item", args=[laptop.pk]) in page


def test_home_shows_open_tickets_and_waiting_approvals(desk, laptop, login):
    request_laptop(desk, laptop)
    employee = login(desk.requester_login).get(reverse("tickets:portal-home")).content.decode()
    assert "REQ-000001" in employee and "Waiting for approval" in employee
    manager = login(desk.manager_login).get(reverse("tickets:portal-home")).content.decode()
    assert "1 request waits for your approval" in manager
