"""Who is told what about a ticket, by email through a real SMTP server and
in the app; preferences; internal notes never reach the requester."""

import re
from datetime import timedelta

import pytest

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.core.services import update_fields
from stanchion.notifications import services as notifications
from stanchion.notifications.models import Notification, OutboundEmail
from stanchion.tickets import csat
from stanchion.tickets import services as tickets

from .conftest import T0

M = timedelta(minutes=1)
SECRET_NOTE = "Root password is hunter2, do not share"


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def open_incident(desk, **extra):
    return tickets.open_incident(
        actor=desk.agent,
        requester=desk.requester,
        title="VPN drops every hour",
        service=desk.service,
        impact="2",
        urgency="2",
        now=T0,
        **extra,
    )


def test_opening_confirms_to_the_requester_by_email_and_in_app(desk, smtp, after_commit):
    with after_commit():
        ticket = open_incident(desk)
    assert ticket.number == "INC-000001"
    [mail] = smtp.received
    assert mail.recipients == [desk.requester_login.email]
    assert mail.subject == "[INC-000001] We received your ticket: VPN drops every hour"
    assert mail.message["X-Stanchion-Ticket"] == "INC-000001"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message["References"] == "<inc-000001@desk.example.com>"
    # The link is absolute, on BASE_URL, in both the text and the HTML part.
    links = re.findall(r"https://desk\.example\.com/\S+", mail.text)
    assert links and all(not link.endswith(">") for link in links)
    assert "https://desk.example.com/" in mail.html
    assert kinds(desk.requester_login) == ["opened"]
    assert kinds(desk.agent) == []  # nobody hears about their own action
    email = OutboundEmail.objects.get()
    assert email.sent_at is not None and email.attempts == 1


def test_internal_notes_never_reach_the_requester(desk, smtp, after_commit):
    with after_commit():
        ticket = open_incident(desk, assignment_team=desk.l1, assignee=desk.agent)
        tickets.add_comment(ticket, actor=desk.agent, body=SECRET_NOTE, public=False, now=T0 + M)
        tickets.add_comment(ticket, actor=desk.agent, body="We are on it.", now=T0 + 2 * M)
        tickets.resolve(ticket, actor=desk.agent, code="solved", notes="Fixed the tunnel.")
    to_rita = smtp.to(desk.requester_login.email)
    assert [m.subject for m in to_rita] == [
        "[INC-000001] We received your ticket: VPN drops every hour",
        "[INC-000001] New reply: VPN drops every hour",
        "[INC-000001] Resolved: VPN drops every hour",
    ]
    assert "We are on it." in to_rita[1].text
    for mail in smtp.received:
        assert SECRET_NOTE not in mail.text and SECRET_NOTE not in mail.html
    assert not Notification.objects.filter(body__contains="hunter2").exists()
    assert kinds(desk.requester_login) == ["opened", "reply", "resolved"]


def test_resolution_email_carries_five_signed_rating_links(desk, smtp, after_commit):
    ticket = open_incident(desk)
    with after_commit():
        tickets.resolve(ticket, actor=desk.agent, code="solved", notes="Rebooted the gateway.")
    [mail] = smtp.to(desk.requester_login.email)
    survey = ticket.surveys.get()
    urls = re.findall(r"https://desk\.example\.com/rate/([^/\s]+)/", mail.text)
    assert len(urls) == 5
    assert [csat.read_link(token) for token in urls] == [(survey.pk, r) for r in range(1, 6)]
    assert "Rebooted the gateway." in mail.text
    assert mail.html.count("/rate/") == 5


def test_requester_without_login_is_emailed_at_their_directory_address(desk, smtp, after_commit):
    person = accounts.create_person(
        actor=None, name="No Login", email="nologin@example.com", employee_id="E9"
    )
    with after_commit():
        tickets.open_incident(actor=desk.agent, requester=person, title="Printer", now=T0)
    assert smtp.recipients == ["nologin@example.com"]
    assert not Notification.objects.exists()


def test_inactive_login_and_terminated_person_hear_nothing(desk, smtp, after_commit):
    update_fields(desk.requester_login, {"is_active": False}, actor=None, expected_version=None)
    gone = accounts.create_person(
        actor=None,
        name="Gone",
        email="gone@example.com",
        employee_id="E8",
        employment_status="terminated",
    )
    with after_commit():
        open_incident(desk)
        tickets.open_incident(actor=desk.agent, requester=gone, title="Old laptop", now=T0)
    assert smtp.received == []
    assert not Notification.objects.exists()


def test_preferences_switch_email_per_kind_and_in_app_off(desk, smtp, after_commit):
    rita = desk.requester_login
    notifications.update_preferences(
        rita, actor=rita, in_app=False, email_kinds=["opened", "resolved"]
    )
    with after_commit():
        ticket = open_incident(desk)
        tickets.add_comment(ticket, actor=desk.agent, body="Which office?", now=T0 + M)
    assert [m.subject.split("] ")[1] for m in smtp.to(desk.requester_login.email)] == [
        "We received your ticket: VPN drops every hour"
    ]
    assert kinds(rita) == []


def test_assignment_tells_the_assignee_by_email_and_the_team_in_app(desk, smtp, after_commit):
    second = accounts.create_user(
        actor=None, email="second@example.com", full_name="Second", role=Role.AGENT
    )
    accounts.add_team_member(desk.l2, second, actor=None)
    ticket = open_incident(desk)
    smtp.received.clear()
    with after_commit():
        tickets.assign(ticket, actor=desk.agent, team=desk.l2, now=T0 + M)
    # Nobody holds it yet: the team's members are told in the app only.
    assert smtp.received == []
    assert kinds(desk.specialist) == ["team_assigned"] and kinds(second) == ["team_assigned"]
    with after_commit():
        tickets.assign(ticket, actor=desk.agent, team=desk.l2, assignee=second, now=T0 + 2 * M)
    [mail] = smtp.received
    assert mail.recipients == ["second@example.com"]
    assert mail.subject == "[INC-000001] Assigned to you: VPN drops every hour"
    assert kinds(second) == ["assigned", "team_assigned"]
    assert kinds(desk.specialist) == ["team_assigned"]


def test_team_mailbox_gets_work_waiting_in_the_queue(desk, smtp, after_commit):
    update_fields(desk.l2, {"email": "network@example.com"}, actor=None, expected_version=None)
    desk.l2.refresh_from_db()
    ticket = open_incident(desk)
    smtp.received.clear()
    with after_commit():
        tickets.assign(ticket, actor=desk.agent, team=desk.l2, now=T0 + M)
    assert smtp.recipients == ["network@example.com"]


def test_requester_reply_tells_the_assignee(desk, smtp, after_commit):
    ticket = open_incident(desk, assignment_team=desk.l2, assignee=desk.specialist)
    tickets.change_state(
        ticket,
        "pending",
        actor=desk.specialist,
        pending_reason="pending_customer",
        body="Which VPN client version do you run?",
        now=T0 + M,
    )
    smtp.received.clear()
    with after_commit():
        tickets.add_comment(ticket, actor=desk.requester_login, body="Version 5.2", now=T0 + 2 * M)
    [mail] = smtp.received
    assert mail.recipients == [desk.specialist.email]
    assert mail.subject == "[INC-000001] Rita Requester replied: VPN drops every hour"
    assert "Version 5.2" in mail.text
    assert kinds(desk.requester_login) == []  # not told of their own reply


def test_a_question_for_the_requester(desk, smtp, after_commit):
    ticket = open_incident(desk, assignment_team=desk.l2, assignee=desk.specialist)
    with after_commit():
        tickets.change_state(
            ticket,
            "pending",
            actor=desk.specialist,
            pending_reason="pending_customer",
            body="Which VPN client version do you run?",
            now=T0 + M,
        )
    subjects = [m.subject for m in smtp.to(desk.requester_login.email)]
    assert "[INC-000001] A question about your ticket: VPN drops every hour" in subjects
    question = smtp.to(desk.requester_login.email)[-1]
    assert "Which VPN client version do you run?" in question.text


def test_pending_for_a_vendor_does_not_ask_the_requester(desk, smtp, after_commit):
    ticket = open_incident(desk, assignment_team=desk.l2, assignee=desk.specialist)
    smtp.received.clear()
    with after_commit():
        tickets.change_state(
            ticket, "pending", actor=desk.specialist, pending_reason="pending_vendor", now=T0 + M
        )
    assert smtp.received == []


@pytest.fixture
def laptop(desk):
    return catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="New laptop",
        approval="manager",
        delivery_target=timedelta(hours=40),
        form_definition=[],
        tasks=[(1, "Reserve device", desk.l2)],
    )


def test_approval_requested_decided_and_task_opened(desk, laptop, smtp, after_commit):
    with after_commit():
        ticket = tickets.open_request(
            actor=desk.requester_login, requester=desk.requester, item=laptop, answers={}, now=T0
        )
    boss = desk.manager_login
    [approval_mail] = smtp.to(boss.email)
    assert approval_mail.subject == "[REQ-000001] Approval needed: New laptop"
    assert "https://desk.example.com/" in approval_mail.text
    assert kinds(boss) == ["approval_requested"]
    # The requester opened it themselves and still gets the confirmation.
    assert [m.subject for m in smtp.to(desk.requester_login.email)] == [
        "[REQ-000001] We received your request: New laptop"
    ]
    smtp.received.clear()
    with after_commit():
        tickets.approve(ticket.approvals.get(), actor=boss, comment="Go ahead", now=T0 + M)
    assert [m.subject for m in smtp.received] == ["[REQ-000001] Approved: New laptop"]
    assert smtp.received[0].recipients == [desk.requester_login.email]
    assert kinds(desk.specialist) == ["task_opened"]  # the task's team, in the app


def test_rejection_reason_reaches_the_requester(desk, laptop, smtp, after_commit):
    ticket = tickets.open_request(
        actor=desk.requester_login, requester=desk.requester, item=laptop, answers={}, now=T0
    )
    with after_commit():
        tickets.reject(ticket.approvals.get(), actor=desk.manager_login, comment="No budget")
    [mail] = smtp.to(desk.requester_login.email)
    assert mail.subject == "[REQ-000001] Rejected: New laptop"
    assert "Reason: No budget" in mail.text


def test_a_failing_receiver_never_breaks_the_change(desk, monkeypatch, after_commit):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(notifications, "deliver", explode)
    with after_commit():
        ticket = open_incident(desk)
    ticket.refresh_from_db()
    assert ticket.number == "INC-000001"
