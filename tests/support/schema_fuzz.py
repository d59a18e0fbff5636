"""Schema fuzzing of one app's endpoints against real rows.

The whole-API fuzzing in tests/api seeds only the directory, so ids of other
records there always miss. An app's fuzz test seeds a record for each of its
endpoints, remembers its id under the endpoint's prefix, and lets every
detail operation aim at it:

    schema = endpoints_schema(("incidents", "requests"))
    ROWS = {}   # filled by the test's token fixture: prefix -> id

    @schema.parametrize()
    @fuzz_settings(max_examples=6)
    def test_...(case, admin_token):
        call_and_check(case, admin_token, ROWS)
"""

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

APP = get_wsgi_application()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def endpoints_schema(prefixes):
    """The OpenAPI schema narrowed to the endpoints under ``/api/<prefix>/``."""
    pattern = rf"^/api/({'|'.join(prefixes)})/"
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP).include(
        path_regex=pattern
    )


def fuzz_settings(*, max_examples):
    # Derandomised: a failure found once is found again by the next run.
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )


def call_and_check(case, token, rows):
    """Aim a detail operation at its endpoint's seeded row, call it with the
    token, and check the answer against the schema (and that it is no 500)."""
    if "id" in (case.path_parameters or {}):
        prefix = case.operation.path.split("/")[2]
        case.path_parameters["id"] = rows[prefix]
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CHECKS)
