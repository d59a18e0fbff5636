"""Closed periods' KPI numbers are kept for KPI_CACHE_SECONDS; the running
period is always computed afresh."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from stanchion.accounts import services as accounts
from stanchion.metrics import engine, periods
from stanchion.metrics.registry import kpis
from stanchion.tickets.services.lifecycle import open_incident

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


@pytest.fixture
def cached(settings):
    settings.KPI_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def volume(period, **options):
    return engine.overall("incident_volume", period, now=NOW, **options).denominator


@pytest.mark.django_db
def test_a_closed_period_is_read_once_and_the_running_one_every_time(
    cached, django_assert_num_queries
):
    rita = accounts.create_person(actor=None, name="Rita", email="r@example.com", employee_id="1")
    october = periods.containing("month", datetime(2026, 10, 1).date(), periods.ZoneInfo(BERLIN))
    november = periods.containing("month", NOW.date(), periods.ZoneInfo(BERLIN))
    open_incident(actor=None, requester=rita, title="Old", now=datetime(2026, 10, 5, tzinfo=UTC))
    open_incident(actor=None, requester=rita, title="New", now=NOW - timedelta(hours=1))
    kpi = kpis.get("incident_volume")
    assert volume(october) == 1 and volume(november) == 1
    open_incident(actor=None, requester=rita, title="Late", now=datetime(2026, 10, 6, tzinfo=UTC))
    open_incident(actor=None, requester=rita, title="Now", now=NOW - timedelta(minutes=5))
    with django_assert_num_queries(1):  # the targets; October comes from the cache
        assert volume(october) == 1
    assert volume(november) == 2  # the running month sees the new incident at once
    # The drill-down always reads the records: the cache is for trends.
    assert engine.records(kpi, october, now=NOW).count() == 2
    cache.clear()
    assert volume(october) == 2


@pytest.mark.django_db
def test_no_cache_when_turned_off(settings):
    settings.KPI_CACHE_SECONDS = 0
    rita = accounts.create_person(actor=None, name="Rita", email="r@example.com", employee_id="1")
    october = periods.containing("month", datetime(2026, 10, 1).date(), periods.ZoneInfo(BERLIN))
    assert volume(october) == 0
    open_incident(actor=None, requester=rita, title="Old", now=datetime(2026, 10, 5, tzinfo=UTC))
    assert volume(october) == 1
