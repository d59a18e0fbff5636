"""Helpers the apps' REST API tests share: a settable clock (the API has no
``now`` parameter, so tests move time itself), how the API writes an
instant, and asserting a status while reading the body.

    @pytest.fixture
    def clock(monkeypatch):
        return settable_clock(monkeypatch, T0)
"""

from django.utils import timezone


class Clock:
    """clock.set(instant): every ``timezone.now()`` answers that instant."""

    def __init__(self, now):
        self.now = now

    def set(self, instant):
        self.now = instant


def settable_clock(monkeypatch, start):
    """Patch ``timezone.now`` to a Clock starting at ``start``."""
    fixed = Clock(start)
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def iso(instant):
    """How the API writes an instant (UTC, with Z)."""
    return instant.isoformat().replace("+00:00", "Z")


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def post(client, url, body=None, status=200, **headers):
    return ok(client.post(url, body or {}, format="json", **headers), status)
