"""Schema fuzzing of the major incident endpoints against real rows: every
detail operation aims at a seeded record. No answer may be a server error
or stray from the schema."""

from datetime import timedelta

import pytest
from django.utils import timezone
from schema_fuzz import call_and_check, endpoints_schema, fuzz_settings

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.majorincidents import services
from stanchion.tickets import services as tickets

PREFIXES = (
    "major-incidents",
    "major-incident-updates",
    "service-subscriptions",
    "post-incident-reviews",
    "review-actions",
)
schema = endpoints_schema(PREFIXES)
ROWS = {}


@pytest.fixture
def admin_token(db, make_user, in_test_transaction):
    admin = make_user(Role.IT_ADMIN)
    team = accounts.create_team(actor=None, name="Platform")
    wiki = catalog.create_service(
        actor=None,
        name="Wiki",
        tier="2",
        owner_team=team,
        support_team=team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )
    person = accounts.create_person(actor=None, name="Ada", email="ada@x.example", employee_id="A")

    def incident():
        return tickets.open_incident(
            actor=None,
            requester=person,
            title="Wiki down",
            impact="1",
            urgency="1",
            service=wiki,
            now=timezone.now() - timedelta(minutes=20),
        )

    running = services.declare(incident(), actor=admin)
    update = services.post_update(running, actor=admin, body="Looking.")
    done = services.resolve(services.declare(incident(), actor=admin), actor=admin, notes="x")
    action = services.add_action(
        done.review,
        actor=admin,
        title="Alert",
        owner=admin,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    subscription = services.subscribe(wiki, actor=admin)
    ROWS.update(
        {
            "major-incidents": running.pk,
            "major-incident-updates": update.pk,
            "service-subscriptions": subscription.pk,
            "post-incident-reviews": done.review.pk,
            "review-actions": action.pk,
        }
    )
    _, raw = accounts.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


@schema.parametrize()
@fuzz_settings(max_examples=6)
def test_major_incident_endpoints_never_fail_and_match_the_schema(case, admin_token):
    call_and_check(case, admin_token, ROWS)
