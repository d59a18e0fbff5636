"""Helpers for the change management API tests: a settable clock (the API
has no ``now`` parameter, so tests move time itself), one API client per
person of the ``org`` fixture, and small request helpers."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from .conftest import NOW


@pytest.fixture
def clock(monkeypatch):
    """clock.set(instant): every ``timezone.now()`` answers that instant."""

    class Clock:
        now = NOW

        def set(self, instant):
            self.now = instant

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def clients(org, api_client, clock):
    names = ("agent", "tm", "tm_b", "tm_id", "deputy", "cab1", "cab2", "admin", "auditor")
    made = {name: api_client(getattr(org, name)) for name in names}
    made["requester"] = api_client(org.requester)
    return SimpleNamespace(**made)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def post(client, url, body=None, status=200, **headers):
    return ok(client.post(url, body or {}, format="json", **headers), status)


def error(response, status, field=None):
    """The one error shape; ``field`` must be named in it."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert {"code", "message", "fields"} <= set(err)
    assert err["message"]
    if field is not None:
        assert field in err["fields"], err
        assert all(isinstance(m, str) and m for m in err["fields"][field])
    return err


def iso(instant):
    """How the API writes an instant (UTC, with Z)."""
    return instant.isoformat().replace("+00:00", "Z")
