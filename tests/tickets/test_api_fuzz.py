"""Schema fuzzing of the service desk endpoints against real rows.

The whole-API fuzzing in tests/api seeds only the directory, so ticket ids
there always miss. Here every detail operation aims at a seeded record: an
incident, a request with fulfilment tasks and an approval the caller may
decide, a category and an attachment.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from schema_fuzz import call_and_check, endpoints_schema, fuzz_settings

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import creator
from stanchion.tickets import services
from stanchion.tickets.models import Category
from stanchion.tickets.services.attachments import add_attachment

PREFIXES = ("incidents", "requests", "tasks", "approvals", "categories", "attachments")
schema = endpoints_schema(PREFIXES)

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
@fuzz_settings(max_examples=6)
def test_desk_endpoints_never_fail_and_match_the_schema(case, admin_token):
    call_and_check(case, admin_token, ROWS)
