"""The demo company's catalog is complete and consistent."""

import pytest

from stanchion.catalog.formdefs import parse_form_definition
from stanchion.catalog.models import CatalogItem, OlaPolicy, Service, ServiceDependency
from stanchion.catalog.services import dependency_path
from stanchion.core.demo import run_demo
from stanchion.core.registry import registry


@pytest.fixture
def demo(db):
    # The directory and the catalog only: the service-desk history that
    # follows them has its own tests and takes far longer.
    steps = [step for step in registry.demo if step.name in ("directory", "catalog")]
    return run_demo(seed=7, employees=60, steps=steps)


def test_catalog_demo_has_services_calendars_and_items(demo):
    assert Service.objects.count() == 25
    assert set(Service.objects.values_list("tier", flat=True)) == {"1", "2", "3"}
    zones = {c.time_zone for c in demo["calendars"].values() if not c.is_24x7}
    assert {"Europe/Berlin", "America/New_York", "America/Los_Angeles"} <= zones
    assert demo["calendars"]["munich"].holiday_subdivision == "BY"
    for item in CatalogItem.objects.all():
        parse_form_definition(item.form_definition)  # raises if a demo form is invalid
        assert item.task_templates.exists(), item.name
    assert OlaPolicy.objects.count() == len(demo["teams"])


def test_demo_dependency_graph_is_acyclic(demo):
    sso = Service.objects.get(name="Single sign-on (Okta)")
    vpn = Service.objects.get(name="VPN / zero-trust access")
    assert dependency_path(vpn, sso) == ["VPN / zero-trust access", "Single sign-on (Okta)"]
    for edge in ServiceDependency.objects.select_related("service", "depends_on"):
        assert dependency_path(edge.depends_on, edge.service) is None, str(edge)
