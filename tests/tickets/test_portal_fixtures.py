"""Fixtures and helpers the portal tests share (no tests here): a laptop
catalog item with a form of every field type, signed-in clients and a
colleague of the requester."""

from datetime import timedelta

import pytest
from django.test import Client

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.tickets import services

H = timedelta(hours=1)
LAPTOP_FORM = [
    {"name": "model", "label": "Model", "type": "choice", "required": True,
     "choices": ["Air", "Pro"]},
    {"name": "monitors", "label": "Extra monitors", "type": "integer", "min": 0, "max": 2,
     "help": "Up to two"},
    {"name": "accessories", "type": "multichoice", "choices": ["Dock", "Headset", "Mouse"]},
    {"name": "needed_by", "label": "Needed by", "type": "date"},
    {"name": "notes", "type": "textarea", "max_length": 50},
    {"name": "keep_old", "label": "Keep the old laptop?", "type": "boolean", "required": True},
    {"name": "contact", "label": "Contact email", "type": "email"},
    {"name": "weight", "label": "Max weight (kg)", "type": "number", "min": 0.5},
]  # fmt: skip
GOOD_ANSWERS = {
    "model": "Pro",
    "monitors": "1",
    "accessories": ["Headset", "Dock"],
    "needed_by": "2026-04-01",
    "notes": "Silver please",
    "keep_old": "false",
    "contact": "",
    "weight": "1.5",
}


@pytest.fixture
def laptop(desk):
    return catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="New laptop",
        approval="manager",
        delivery_target=40 * H,
        form_definition=LAPTOP_FORM,
        tasks=[(1, "Reserve device", desk.l2), (2, "Hand over", desk.l1)],
    )


@pytest.fixture
def login():
    """login(user) -> a test Client signed in as ``user``."""

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def colleague(desk, make_user):
    person = accounts.create_person(
        actor=None, name="Carl Colleague", email="carl@example.com", employee_id="E3"
    )
    return make_user(Role.REQUESTER, person=person, full_name="Carl Colleague")


def open_incident(desk, title="VPN drops", **fields):
    return services.open_incident(
        actor=desk.requester_login,
        requester=desk.requester,
        title=title,
        description="It disconnects every few minutes.",
        service=desk.service,
        **fields,
    )


def request_laptop(desk, item):
    return services.open_request(
        actor=desk.requester_login,
        requester=desk.requester,
        item=item,
        answers={"model": "Air", "keep_old": True},
    )
