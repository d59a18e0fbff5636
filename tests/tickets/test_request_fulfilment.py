"""Service requests: answers checked against the item's form, approvals,
staged fulfilment tasks and the delivery promise."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stanchion.catalog import services as catalog
from stanchion.tickets import services
from stanchion.tickets.models import SlaClock, Ticket

from .conftest import T0

H = timedelta(hours=1)
FORM = [
    {"name": "model", "type": "choice", "required": True, "choices": ["Air", "Pro"]},
    {"name": "monitors", "type": "integer", "min": 0, "max": 2},
]


@pytest.fixture
def laptop(desk):
    return catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="New laptop",
        approval="manager",
        delivery_target=40 * H,
        form_definition=FORM,
        tasks=[
            (1, "Reserve device", desk.l2),
            (1, "Order dock", desk.l1),
            (2, "Hand over", desk.l1),
        ],
    )


def request_laptop(desk, laptop, **answers):
    return services.open_request(
        actor=desk.requester_login,
        requester=desk.requester,
        item=laptop,
        answers=answers or {"model": "Pro", "monitors": 1},
        now=T0,
    )


def test_bad_answers_are_named_and_nothing_is_written(desk, laptop):
    with pytest.raises(ValidationError) as raised:
        request_laptop(desk, laptop, model="Mac", monitors=5)
    assert set(raised.value.message_dict) == {"answers.model", "answers.monitors"}
    assert not Ticket.objects.exists()


def test_manager_approval_then_staged_fulfilment_to_resolution(desk, laptop):
    ticket = request_laptop(desk, laptop)
    assert ticket.number == "REQ-000001" and ticket.state == "awaiting_approval"
    approval = ticket.approvals.get()
    assert approval.approver == desk.manager_login
    assert not SlaClock.objects.filter(ticket=ticket).exists()  # clocks start at approval

    with pytest.raises(PermissionDenied):
        services.approve(approval, actor=desk.agent)
    services.approve(approval, actor=desk.manager_login, comment="OK", now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.state == "in_progress" and ticket.assignment_team == desk.l2
    delivery = SlaClock.objects.get(ticket=ticket, kind="resolution")
    assert delivery.due_at == T0 + H + 40 * H  # the item's promise, on 24x7
    tasks = {t.title: t for t in ticket.tasks.all()}
    assert {t: tasks[t].state for t in tasks} == {
        "Reserve device": "open",
        "Order dock": "open",
        "Hand over": "waiting",
    }

    services.complete_task(tasks["Reserve device"], actor=desk.specialist, now=T0 + 2 * H)
    assert ticket.tasks.get(title="Hand over").state == "waiting"  # stage 1 not done yet
    services.complete_task(tasks["Order dock"], actor=desk.agent, now=T0 + 3 * H)
    assert ticket.tasks.get(title="Hand over").state == "open"
    services.complete_task(ticket.tasks.get(title="Hand over"), actor=desk.agent, now=T0 + 5 * H)
    ticket.refresh_from_db()
    assert ticket.state == "resolved" and ticket.resolution_code == "fulfilled"
    delivery.refresh_from_db()
    assert delivery.state == "met" and delivery.stopped_at == T0 + 5 * H


def test_rejection_closes_the_request_with_the_reason(desk, laptop):
    ticket = request_laptop(desk, laptop)
    approval = ticket.approvals.get()
    with pytest.raises(ValidationError) as raised:
        services.reject(approval, actor=desk.manager_login, comment=" ")
    assert "comment" in raised.value.message_dict
    services.reject(approval, actor=desk.manager_login, comment="Laptop is 1 year old", now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.state == "closed"
    assert ticket.resolution_code == "rejected"
    assert ticket.resolution_notes == "Laptop is 1 year old"
    with pytest.raises(ValidationError, match="already rejected"):
        services.approve(approval, actor=desk.manager_login)


def test_item_without_approval_goes_straight_to_fulfilment(desk):
    item = catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="Headset",
        approval="none",
        delivery_target=8 * H,
        tasks=[(1, "Ship headset", desk.l1)],
    )
    ticket = services.open_request(
        actor=desk.requester_login, requester=desk.requester, item=item, answers={}, now=T0
    )
    assert ticket.state == "in_progress"
    assert ticket.tasks.get().state == "open"
    with pytest.raises(ValidationError, match="open fulfilment tasks"):
        services.resolve(ticket, actor=desk.agent, code="fulfilled", notes="done")
