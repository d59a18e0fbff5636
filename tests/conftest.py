"""Fixtures shared by every test module.

The suite runs on SQLite by default and on PostgreSQL when
STANCHION_DATABASE_URL points at one (``make test`` does both when
STANCHION_TEST_POSTGRES_URL is set). Tests that only make sense on one
database use the ``postgres`` marker or the ``on_postgres`` fixture.
"""

import itertools
import os
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from stanchion.accounts import services
from stanchion.accounts.roles import Role

# Playwright's sync API runs an event loop in the test thread; Django's
# guard against ORM calls from async code must not fire for the test's own
# fixtures around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Helpers several test folders share (e.g. schema_fuzz) are imported by name.
sys.path.insert(0, str(Path(__file__).parent / "support"))

_numbers = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    on_pg = os.environ.get("STANCHION_DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set STANCHION_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_pg:
            item.add_marker(skip_pg)
        _require_serialized_rollback(item)


def _require_serialized_rollback(item):
    """A transactional test without serialized_rollback ends by flushing the
    tables and re-creating content types under new ids (PostgreSQL's
    sequences keep counting; SQLite reuses the old ids, so it never shows
    there). A later test with serialized_rollback then restores the original
    rows and collides with the re-created ones on the unique (app, model)
    key. Every transactional test restores what it found, so none can leave
    that trap for the next."""
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    if not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: mark transactional tests "
            "django_db(transaction=True, serialized_rollback=True)"
        )


@pytest.fixture(autouse=True)
def _fresh_kpis(settings):
    """Tests change old periods' records and read them back at once: KPI
    numbers are not cached across that (tests/metrics/test_kpi_cache.py
    turns the cache on to test it)."""
    settings.KPI_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _installed_defaults(request):
    """Tests on a real transaction (live server, races) run on a database
    that earlier such tests flushed, which empties what migrations seeded;
    put the catalog's defaults back for them."""
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and marker.kwargs.get("transaction", False)
    if marked or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        from stanchion.catalog.defaults import ensure_defaults

        ensure_defaults()


@pytest.fixture
def in_test_transaction():
    """For tests that call the WSGI app directly (schema fuzzing): the app
    closes "old" connections around each request, which on PostgreSQL would
    close the test's own transaction; Django's test client turns that off for
    the same reason."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def make_user(db):
    """make_user(role="agent", **fields) -> a saved User with a unique email."""

    def make(role=Role.AGENT, **fields):
        n = next(_numbers)
        fields.setdefault("email", f"{role.replace('_', '-')}{n}@example.com")
        fields.setdefault("full_name", f"{role.replace('_', ' ').title()} {n}")
        return services.create_user(actor=None, role=role, **fields)

    return make


@pytest.fixture
def api_client(db):
    """api_client(user, scope="write") -> an APIClient sending that user's new token."""

    def client_for(user, scope="write"):
        _, raw = services.issue_token(actor=user, user=user, name="test token", scope=scope)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.IT_ADMIN, password="Correct-Horse-42")
