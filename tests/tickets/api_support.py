"""Helpers for the service desk API tests: a settable clock (the API has no
``now`` parameter, so tests move time itself), the laptop catalog item and
one API client per desk login."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from api_helpers import iso, settable_clock

from stanchion.catalog import services as catalog

from .conftest import T0

M = timedelta(minutes=1)
H = timedelta(hours=1)
LAPTOP_FORM = [
    {"name": "model", "type": "choice", "required": True, "choices": ["Air", "Pro"]},
    {"name": "monitors", "type": "integer", "min": 0, "max": 2},
]


@pytest.fixture
def clock(monkeypatch):
    """clock.set(instant): every ``timezone.now()`` answers that instant."""
    return settable_clock(monkeypatch, T0)


@pytest.fixture
def laptop(desk):
    return catalog.create_catalog_item(
        actor=None,
        service=desk.service,
        name="New laptop",
        approval="manager",
        delivery_target=40 * H,
        form_definition=LAPTOP_FORM,
        tasks=[
            (1, "Reserve device", desk.l2),
            (1, "Order dock", desk.l1),
            (2, "Hand over", desk.l1),
        ],
    )


@dataclass
class Clients:
    agent: object
    specialist: object
    requester: object  # Rita
    manager: object  # Rita's manager, a requester too


@pytest.fixture
def clients(desk, api_client):
    return Clients(
        agent=api_client(desk.agent),
        specialist=api_client(desk.specialist),
        requester=api_client(desk.requester_login),
        manager=api_client(desk.manager_login),
    )


__all__ = ["H", "LAPTOP_FORM", "M", "clients", "clock", "iso", "laptop"]
