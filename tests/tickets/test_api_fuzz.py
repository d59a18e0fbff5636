"""Schema fuzzing of the service desk endpoints against real rows.

The whole-API fuzzing in tests/api seeds only the directory, so ticket ids
there always miss. Here every detail operation aims at a seeded record: an
incident, a request with fulfilment tasks and an approval the caller may
decide, a category and an attachment.
"""

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import creator
from stanchion.tickets import services
from stanchion.tickets.models import Category
from stanchion.tickets.services.attachments import add_attachment

APP = get_wsgi_application()
PREFIXES = ("incidents", "requests", "tasks", "approvals", "categories", "attachments")
DESK = rf"^/api/({'|'.join(PREFIXES)})/"
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP).include(path_regex=DESK)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

ROWS = {}  # prefix -> id of the seeded record detail operations aim at


@pytest.fixture
def admin_token(db, make_user, settings, tmp_path, in_test_transaction):
    settings.MEDIA_ROOT = tmp_path
    admin = make_user(Role.IT_ADMIN)
    team = accounts.create_team(actor=None, name="Service Desk", tier="l1")
    accounts.add_team_member(team, admin, actor=None)
    person = accounts.create_person(
        actor=None, name="Rita", email="rita@example.com", employee_id="E1"
    )
    vpn = catalog.create_service(
        actor=None,
        name="VPN",
        tier="2",
        owner_team=team,
        support_team=team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )
    item = catalog.create_catalog_item(
        actor=None,
        service=vpn,
        name="VPN access",
        approval="team",
        approval_team=team,
        form_definition=[{"name": "reason", "type": "text", "required": True}],
        tasks=[(1, "Grant", team)],
    )
    network = creator(Category)(actor=None, name="Network")
    creator(Category)(actor=None, name="Wi-Fi", parent=network)
    incident = services.open_incident(
        actor=admin, requester=person, title="VPN down", service=vpn, category=network
    )
    services.open_incident(actor=admin, requester=person, title="Other, to link to")
    request = services.open_request(
        actor=admin, requester=person, item=item, answers={"reason": "New hire"}
    )
    services.approve(request.approvals.get(), actor=admin)
    waiting = services.open_request(
        actor=admin, requester=person, item=item, answers={"reason": "Contractor"}
    )
    attachment = add_attachment(
        incident, actor=admin, upload=SimpleUploadedFile("log.txt", b"error 809")
    )
    ROWS.update(
        {
            "incidents": incident.pk,
            "requests": request.pk,
            "tasks": request.tasks.get().pk,
            "approvals": waiting.approvals.get().pk,
            "categories": network.pk,
            "attachments": attachment.pk,
        }
    )
    _, raw = accounts.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_desk_endpoints_never_fail_and_match_the_schema(case, admin_token):
    if "id" in (case.path_parameters or {}):
        prefix = case.operation.path.split("/")[2]
        case.path_parameters["id"] = ROWS[prefix]
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    case.validate_response(response, checks=CHECKS)
