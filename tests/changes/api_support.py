"""Helpers for the change management API tests: a settable clock (the API
has no ``now`` parameter, so tests move time itself), one API client per
person of the ``org`` fixture, and small request helpers."""

from types import SimpleNamespace

import pytest
from api_helpers import iso, ok, post, settable_clock

from .conftest import NOW

__all__ = ["clock", "clients", "error", "iso", "ok", "post"]


@pytest.fixture
def clock(monkeypatch):
    """clock.set(instant): every ``timezone.now()`` answers that instant."""
    return settable_clock(monkeypatch, NOW)


@pytest.fixture
def clients(org, api_client, clock):
    names = ("agent", "tm", "tm_b", "tm_id", "deputy", "cab1", "cab2", "admin", "auditor")
    made = {name: api_client(getattr(org, name)) for name in names}
    made["requester"] = api_client(org.requester)
    return SimpleNamespace(**made)


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
