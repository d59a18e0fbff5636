"""Fixtures for the web UI tests: signed-in clients per role and a small directory."""

import pytest
from django.test import Client

from stanchion.accounts import services
from stanchion.accounts.models import Department, Location
from stanchion.accounts.roles import Role

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def client_for(db):
    """client_for(user) -> a Django test client signed in as that user."""

    def make(user):
        client = Client()
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return make


@pytest.fixture
def htmx_headers():
    def make(target="list-results"):
        return {"HX-Request": "true", "HX-Target": target}

    return make


@pytest.fixture
def places(db):
    berlin = Location.objects.create(name="Berlin", time_zone="Europe/Berlin", country="DE")
    austin = Location.objects.create(name="Austin", time_zone="America/Chicago", country="US")
    finance = Department.objects.create(name="Finance")
    sales = Department.objects.create(name="Sales")
    return {"berlin": berlin, "austin": austin, "finance": finance, "sales": sales}


@pytest.fixture
def make_person(db):
    counter = iter(range(1, 100000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("name", f"Person {n:03d}")
        fields.setdefault("email", f"person{n}@example.com")
        fields.setdefault("employee_id", f"E{n:05d}")
        return services.create_person(actor=None, **fields)

    return make


@pytest.fixture
def roles(make_user):
    """One user per role."""
    return {role: make_user(role) for role in Role.values()}
