"""Schema fuzzing of the problem endpoints against real rows: every detail
operation aims at a seeded record (a problem with a linked incident, the
link, a root-cause category). No answer may be a server error or stray
from the schema."""

import pytest
from schema_fuzz import call_and_check, endpoints_schema, fuzz_settings

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.core.services import create_record
from stanchion.problems import services
from stanchion.problems.models import RootCauseCategory
from stanchion.tickets import services as tickets

PREFIXES = ("problems", "problem-incidents", "root-cause-categories")
schema = endpoints_schema(PREFIXES)
ROWS = {}


@pytest.fixture
def admin_token(db, make_user, in_test_transaction):
    admin = make_user(Role.IT_ADMIN)
    person = accounts.create_person(
        actor=None, name="Ada", email="ada@example.com", employee_id="E1"
    )
    cause = create_record(RootCauseCategory, {"name": "Capacity"})
    problem = services.create_problem(actor=None, title="Disk full", root_cause_category=cause)
    incident = tickets.open_incident(actor=None, requester=person, title="Cannot save")
    link = services.link_incident(problem, incident, actor=None)
    ROWS.update(
        {"problems": problem.pk, "problem-incidents": link.pk, "root-cause-categories": cause.pk}
    )
    _, raw = accounts.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


@schema.parametrize()
@fuzz_settings(max_examples=6)
def test_problem_endpoints_never_fail_and_match_the_schema(case, admin_token):
    call_and_check(case, admin_token, ROWS)
