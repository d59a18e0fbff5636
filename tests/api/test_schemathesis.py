"""Property-based fuzzing of the whole OpenAPI schema, in process.

Every operation in /api/schema/ gets generated requests (valid and invalid)
sent through the WSGI app as an IT administrator with a write token. None
may answer with a server error, and every answer must match the schema.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schema_fuzz import APP, CHECKS

from stanchion.accounts import services
from stanchion.accounts.models import Department, Location, Team
from stanchion.accounts.roles import Role
from stanchion.core.services import creator

# The schema is public (it documents, it does not reveal data) and is loaded
# the way a client would: over HTTP, from the running app.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)


@pytest.fixture
def admin_token(db, make_user, in_test_transaction):
    """A write token, plus one record of each kind so ids 1.. resolve."""
    admin = make_user(Role.IT_ADMIN)
    location = creator(Location)(actor=None, name="Berlin", time_zone="Europe/Berlin", country="DE")
    creator(Department)(actor=None, name="Finance")
    services.create_person(
        actor=None, name="Ada", email="ada@example.com", employee_id="E1", location=location
    )
    team = creator(Team)(actor=None, name="Service Desk")
    services.add_team_member(team, admin, actor=None)
    _, raw = services.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


# Bounded so the whole run stays within a few minutes on two cores; set
# STANCHION_FUZZ_EXAMPLES (and STANCHION_FUZZ_RANDOM=1) for a deeper hunt.
EXAMPLES = int(os.environ.get("STANCHION_FUZZ_EXAMPLES", "15"))
DERANDOMIZE = os.environ.get("STANCHION_FUZZ_RANDOM") != "1"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=DERANDOMIZE,
    database=None,
)
def test_no_server_error_and_schema_conformance(case, admin_token):
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    case.validate_response(response, checks=CHECKS)


def test_the_schema_documents_every_routed_endpoint():
    """The fuzzing above is only as wide as the schema: check its breadth."""
    from stanchion.api.urls import router

    paths = {result.ok().path for result in schema.get_all_operations()}
    for prefix, viewset, _ in router.registry:
        assert f"/api/{prefix}/" in paths
        lookup = getattr(viewset, "lookup_field", "pk")
        lookup = "id" if lookup == "pk" else lookup
        assert f"/api/{prefix}/{{{lookup}}}/" in paths, prefix


def test_errors_are_documented_with_the_error_shape(client):
    document = client.get("/api/schema/?format=json").json()
    operation = document["paths"]["/api/people/{id}/"]["patch"]
    assert {"400", "401", "403", "404", "409", "412"} <= set(operation["responses"])
    error = document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
