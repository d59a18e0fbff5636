"""Schema fuzzing of the change management endpoints against real rows:
every detail operation aims at a seeded record (a change awaiting approval
with its approval, a delegation, a template, a window, a blackout and a CAB
meeting). No answer may be a server error or stray from the schema."""

from datetime import timedelta

import pytest
from django.utils import timezone
from schema_fuzz import call_and_check, endpoints_schema, fuzz_settings

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.changes import services
from stanchion.changes.models import Blackout, ChangeTemplate
from stanchion.changes.services import records

PREFIXES = (
    "changes",
    "change-approvals",
    "change-delegations",
    "change-templates",
    "maintenance-windows",
    "blackouts",
    "cab-meetings",
)
schema = endpoints_schema(PREFIXES)
ROWS = {}


@pytest.fixture
def admin_token(db, make_user, in_test_transaction):
    admin = make_user(Role.IT_ADMIN)
    raiser = make_user(Role.AGENT)
    approver = make_user(Role.CHANGE_APPROVER)
    team = accounts.create_team(actor=None, name="Platform", manager=make_user(Role.TEAM_MANAGER))
    wiki = catalog.create_service(
        actor=None,
        name="Wiki",
        tier="3",
        owner_team=team,
        support_team=team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )
    now = timezone.now()
    change = services.create_change(
        actor=None,
        requested_by=raiser,
        change_type="emergency",
        title="Patch the wiki",
        services=[wiki],
        implementation_plan="Patch.",
        planned_start=now + timedelta(hours=1),
        planned_end=now + timedelta(hours=2),
        implementer_team=team,
    )
    change = services.request_approval(services.submit(change, actor=None), actor=None)
    template = records.create_with_services(
        ChangeTemplate, {"name": "Patching"}, actor=None, services=[wiki]
    )
    window = records.create_window(
        actor=None,
        service=wiki,
        name="Nights",
        weekdays=[1],
        start_time="22:00",
        duration_minutes=60,
    )
    blackout = records.create_with_services(
        Blackout,
        {"name": "Freeze", "starts_at": now, "ends_at": now + timedelta(days=1)},
        actor=None,
    )
    meeting = services.plan_cab_meeting(
        actor=None, title="CAB", starts_at=now, ends_at=now + timedelta(hours=1), chair=approver
    )
    delegation = services.delegate_approvals(
        actor=admin, delegate=approver, starts_at=now, ends_at=now + timedelta(days=2)
    )
    ROWS.update(
        {
            "changes": change.pk,
            "change-approvals": change.approvals.get().pk,
            "change-delegations": delegation.pk,
            "change-templates": template.pk,
            "maintenance-windows": window.pk,
            "blackouts": blackout.pk,
            "cab-meetings": meeting.pk,
        }
    )
    _, raw = accounts.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


@schema.parametrize()
@fuzz_settings(max_examples=6)
def test_change_endpoints_never_fail_and_match_the_schema(case, admin_token):
    call_and_check(case, admin_token, ROWS)
