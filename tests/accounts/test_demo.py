"""The demo company's directory: the same seed gives the same company, and the
planning helpers behave. (The shape of one small company: test_demo_directory.py.)"""

import random
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from stanchion.accounts.demo.names import email_part
from stanchion.accounts.demo.plan import _Planner, allocate, plan_company
from stanchion.accounts.models import Person, Team
from stanchion.core.demo import MIN_EMPLOYEES, run_demo
from stanchion.core.registry import registry

SMALL = 120


def run_directory(seed, employees):
    """Only this app's step: later apps' steps are tested with their apps."""
    return run_demo(
        seed=seed, employees=employees, steps=[s for s in registry.demo if s.name == "directory"]
    )


class _Rollback(Exception):
    pass


def _directory_snapshot(seed, employees=SMALL):
    """Run the demo in a savepoint, read back who is who, and roll back."""
    snapshot = None
    try:
        with transaction.atomic():
            run_directory(seed, employees)
            snapshot = [
                (p.employee_id, p.name, p.email, p.manager.email if p.manager else None)
                for p in Person.objects.select_related("manager").order_by("employee_id")
            ]
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


@pytest.mark.django_db
def test_same_seed_gives_the_same_company_and_another_seed_another():
    first = _directory_snapshot(seed=3)
    assert len(first) == SMALL
    assert _directory_snapshot(seed=3) == first
    other = _directory_snapshot(seed=4)
    names, other_names = {row[1] for row in first}, {row[1] for row in other}
    # Mostly different names, not just a reshuffle of the same ones.
    assert len(names & other_names) < SMALL // 2


@pytest.mark.django_db
def test_default_size_company_is_realistic():
    run_directory(42, 800)
    assert Person.objects.count() == 800
    sizes = Counter(Person.objects.values_list("department__name", flat=True))
    assert sizes.most_common(1)[0][0] == "Engineering"
    assert 200 <= sizes["Engineering"] <= 320 and 30 <= sizes["IT"] <= 70
    statuses = Counter(Person.objects.values_list("employment_status", flat=True))
    assert set(statuses) == {"active", "on_leave", "pre_hire", "terminated"}
    assert statuses["active"] / 800 > 0.85
    # At this size every team has its own manager.
    managers = list(Team.objects.values_list("manager_id", flat=True))
    assert len(set(managers)) == len(managers) == 12


def test_plan_is_a_pure_function_of_the_seed():
    assert plan_company(random.Random(5), 60) == plan_company(random.Random(5), 60)
    assert plan_company(random.Random(5), 60) != plan_company(random.Random(6), 60)


def test_allocate_splits_in_proportion_and_respects_caps():
    assert allocate(10, [1, 2, 7]) == [1, 2, 7]
    assert allocate(7, [1, 1, 1], caps=[1, 10, 10]) == [1, 3, 3]
    assert allocate(100, [1, 1], caps=[5, 5]) == [5, 5]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jürgen", "juergen"),
        ("O'Brien", "obrien"),
        ("Çelik", "celik"),
        ("Yılmaz", "yilmaz"),
        ("Woźniak", "wozniak"),
        ("De Luca", "deluca"),
        ("Ji-woo", "ji-woo"),
        ("Łukasz", "lukasz"),
    ],
)
def test_email_parts_are_plain_ascii(name, expected):
    assert email_part(name) == expected


def test_email_collisions_get_a_number():
    planner = _Planner(random.Random(1), 10)
    assert planner.email_for("Anna", "Müller") == "anna.mueller@northwind.example"
    assert planner.email_for("Anna", "Müller") == "anna.mueller2@northwind.example"
    assert planner.email_for("Anna", "Mueller") == "anna.mueller3@northwind.example"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(), employees=st.integers(min_value=MIN_EMPLOYEES, max_value=3000))
def test_every_plan_is_a_well_formed_company(seed, employees):
    plan = plan_company(random.Random(seed), employees)
    people = plan.people
    assert len(people) == employees
    assert [p.manager for p in people].count(None) == 1
    # Managers are listed before their reports, so there can be no cycle.
    assert all(p.manager is None or p.manager < p.index for p in people)
    assert len({p.email for p in people}) == employees
    assert len({p.employee_id for p in people}) == employees
    assert len(plan.teams) == 12
    for team in plan.teams:
        assert 3 <= len(set(team.agents)) == len(team.agents) <= 8
        assert team.lead not in team.agents
        assert all(people[i].department == "IT" for i in [team.lead, *team.agents])
    login_people = [login.person for login in plan.logins]
    assert len(set(login_people)) == len(login_people)
    assert {login.role for login in plan.logins} == {
        "requester",
        "agent",
        "team_manager",
        "change_approver",
        "it_admin",
        "auditor",
    }
    assert all(people[i].status == "active" for i in login_people)
    with_reports = {p.manager for p in people}
    assert all(people[i].status == "active" for i in with_reports if i is not None)
