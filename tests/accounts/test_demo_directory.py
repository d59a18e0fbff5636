"""The shape of one small demo company (120 people), created once for the module."""

import re
from collections import Counter

import pytest
from django.db import transaction

from stanchion.accounts.models import Location, Person, Team, TeamMembership, User
from stanchion.core.demo import run_demo
from stanchion.core.models import AuditEntry
from stanchion.core.registry import registry

SMALL = 120


def run_directory(seed, employees):
    """Only this app's step: later apps' steps are tested with their apps."""
    return run_demo(
        seed=seed, employees=employees, steps=[s for s in registry.demo if s.name == "directory"]
    )


@pytest.fixture(scope="module")
def small_company(django_db_setup, django_db_blocker):
    """One small company shared by this module's read-only tests, rolled back
    at the end (each test still runs in its own savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_directory(7, SMALL)
        transaction.set_rollback(True)


@pytest.fixture
def small_demo(small_company, db):
    return small_company


def test_employees_option_sets_the_headcount(small_demo):
    assert Person.objects.count() == SMALL
    assert len(small_demo["people"]) == SMALL


def test_four_offices_in_three_time_zones(small_demo):
    offices = {
        loc.name: (loc.time_zone, loc.country, loc.subdivision) for loc in Location.objects.all()
    }
    assert offices == {
        "Berlin HQ": ("Europe/Berlin", "DE", "BE"),
        "Munich": ("Europe/Berlin", "DE", "BY"),
        "New York": ("America/New_York", "US", "NY"),
        "San Francisco": ("America/Los_Angeles", "US", "CA"),
    }
    assert len({tz for tz, _, _ in offices.values()}) == 3
    assert set(small_demo["locations"]) == set(offices)


def test_every_department_has_people(small_demo):
    expected = {
        "Engineering",
        "Product",
        "Sales",
        "Marketing",
        "Customer Success",
        "Finance",
        "People",
        "Legal",
        "IT",
        "Security",
        "Data",
        "Operations",
    }
    sizes = Counter(Person.objects.values_list("department__name", flat=True))
    assert set(sizes) == expected
    assert all(size >= 2 for size in sizes.values())


def test_hierarchy_has_one_root_and_no_cycles(small_demo):
    manager_of = dict(Person.objects.values_list("pk", "manager_id"))
    roots = [pk for pk, manager in manager_of.items() if manager is None]
    assert len(roots) == 1
    assert Person.objects.get(pk=roots[0]).title == "Chief Executive Officer"
    for pk in manager_of:
        seen, current = set(), pk
        while manager_of[current] is not None:
            assert current not in seen, f"cycle through person {current}"
            seen.add(current)
            current = manager_of[current]
        assert current == roots[0]


def test_managers_are_mostly_in_their_reports_department(small_demo):
    pairs = Person.objects.filter(manager__isnull=False).values_list(
        "department_id", "manager__department_id"
    )
    same = sum(1 for mine, theirs in pairs if mine == theirs)
    assert same / len(pairs) > 0.85


def test_people_have_unique_well_formed_emails_and_ids(small_demo):
    emails = list(Person.objects.values_list("email", flat=True))
    ids = list(Person.objects.values_list("employee_id", flat=True))
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9-]+\.[a-z0-9-]+[0-9]*@northwind\.example", e) for e in emails)
    assert all(re.fullmatch(r"E\d{5}", i) for i in ids)


def test_a_dozen_it_teams_each_with_a_manager_and_agents(small_demo):
    teams = Team.objects.select_related("manager")
    assert teams.count() >= 12
    assert {t.tier for t in teams} == {"l1", "l2", "l3"}
    for team in teams:
        assert team.manager.role == "team_manager", team.name
        agents = TeamMembership.objects.filter(team=team).exclude(user=team.manager)
        assert 3 <= agents.count() <= 8, team.name
    assert set(small_demo["teams"]) >= {"service_desk_emea", "service_desk_americas"}


def test_team_members_are_it_employees_with_logins(small_demo):
    for membership in TeamMembership.objects.select_related("user__person__department"):
        assert membership.user.person.department.name == "IT"
    per_user = Counter(TeamMembership.objects.values_list("user_id", flat=True))
    assert any(count >= 2 for count in per_user.values()), "someone helps in a second team"


def test_every_role_has_a_login_linked_to_a_person(small_demo):
    users = User.objects.all()
    assert {u.role for u in users} == {
        "requester",
        "agent",
        "team_manager",
        "change_approver",
        "it_admin",
        "auditor",
    }
    assert all(u.person_id for u in users)
    roles = Counter(u.role for u in users)
    # The admin login plus one IT administrator who is an engineer.
    assert roles["it_admin"] == 2
    assert roles["auditor"] == 1
    assert roles["change_approver"] == 2
    admin = User.objects.get(email="admin@demo.stanchion.test")
    assert admin.role == "it_admin" and admin.person.title == "VP of IT"
    assert small_demo["admin"] == admin


def test_context_exposes_the_directory_to_later_steps(small_demo):
    ctx = small_demo
    assert len(ctx["people"]) == SMALL
    assert all(p.employment_status == "active" for p in ctx["active_people"])
    assert {u.role for u in ctx["requesters"]} == {"requester"}
    assert set(ctx["users_by_role"]) >= {"agent", "auditor"}
    agent_ids = {u.pk for u in ctx["agents"]}
    assert agent_ids == set(TeamMembership.objects.values_list("user_id", flat=True))
    assert len(ctx["teams"]) == len(ctx["team_members"]) == 12


def test_every_directory_write_is_audited_from_the_cli(small_demo):
    created = AuditEntry.objects.filter(action="create", model="accounts.person")
    assert created.count() == SMALL
    assert set(AuditEntry.objects.values_list("source", flat=True)) == {"cli"}
