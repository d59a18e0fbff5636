"""The directory's service functions: the rules every write path shares."""

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError

from stanchion.accounts import services
from stanchion.accounts.models import Person, TeamMembership, User
from stanchion.accounts.roles import Role
from stanchion.core.errors import ConflictError
from stanchion.core.models import AuditEntry
from stanchion.core.services import update_fields


def test_create_user_normalises_email_and_refuses_duplicates(db):
    user = services.create_user(
        actor=None, email="Ada.Lovelace@Example.COM", full_name="Ada", role=Role.AGENT
    )
    assert user.email == "ada.lovelace@example.com"
    assert not user.has_usable_password()
    with pytest.raises(ValidationError) as caught:
        services.create_user(
            actor=None, email="ADA.LOVELACE@example.com", full_name="Ada 2", role=Role.AGENT
        )
    assert "email" in caught.value.message_dict
    assert User.objects.count() == 1


def test_create_user_checks_the_password_and_hashes_it_with_argon2(db):
    with pytest.raises(ValidationError) as caught:
        services.create_user(
            actor=None, email="a@example.com", full_name="A", role=Role.AGENT, password="short"
        )
    assert "password" in caught.value.message_dict
    assert not User.objects.exists()
    user = services.create_user(
        actor=None,
        email="a@example.com",
        full_name="A",
        role=Role.AGENT,
        password="Correct-Horse-42",
    )
    assert user.password.startswith("argon2$")
    assert check_password("Correct-Horse-42", user.password)


def test_create_user_refuses_an_unknown_role(db):
    with pytest.raises(ValidationError) as caught:
        services.create_user(actor=None, email="a@example.com", full_name="A", role="wizard")
    assert "role" in caught.value.message_dict


def test_set_password_validates_and_bumps_the_version(make_user):
    user = make_user(Role.AGENT)
    with pytest.raises(ValidationError):
        services.set_password(user, "123", actor=None)
    changed = services.set_password(user, "Another-Good-Pass-7", actor=None)
    assert changed.version == user.version + 1
    assert check_password("Another-Good-Pass-7", User.objects.get(pk=user.pk).password)


@pytest.fixture
def teams(make_user):
    manager = make_user(Role.TEAM_MANAGER)
    mine = services.create_team(actor=None, name="Desk", manager=manager)
    theirs = services.create_team(actor=None, name="Network")
    return manager, mine, theirs


def test_team_managers_change_only_their_own_teams(teams, make_user):
    manager, mine, theirs = teams
    member = make_user(Role.AGENT)
    membership = services.add_team_member(mine, member, actor=manager)
    assert membership.team == mine
    with pytest.raises(PermissionDenied, match="Network"):
        services.add_team_member(theirs, member, actor=manager)
    other = services.add_team_member(theirs, member, actor=None)
    with pytest.raises(PermissionDenied):
        services.remove_team_member(other, actor=manager)
    services.remove_team_member(membership, actor=manager)
    assert list(TeamMembership.objects.values_list("team__name", flat=True)) == ["Network"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.AUDITOR, Role.REQUESTER, Role.CHANGE_APPROVER])
def test_other_roles_cannot_change_members(role, teams, make_user):
    _, mine, _ = teams
    with pytest.raises(PermissionDenied):
        services.add_team_member(mine, make_user(Role.AGENT), actor=make_user(role))
    assert not TeamMembership.objects.exists()


def test_administrators_change_every_team(teams, make_user):
    _, mine, theirs = teams
    admin = make_user(Role.IT_ADMIN)
    member = make_user(Role.AGENT)
    services.add_team_member(mine, member, actor=admin)
    services.add_team_member(theirs, member, actor=admin)
    assert TeamMembership.objects.filter(user=member).count() == 2


def test_members_join_once_and_only_while_active(teams, make_user):
    _, mine, _ = teams
    member = make_user(Role.AGENT)
    services.add_team_member(mine, member, actor=None)
    with pytest.raises(ValidationError, match="already a member"):
        services.add_team_member(mine, member, actor=None)
    leaver = make_user(Role.AGENT)
    update_fields(leaver, {"is_active": False}, actor=None, expected_version=leaver.version)
    leaver.refresh_from_db()
    with pytest.raises(ValidationError, match="deactivated"):
        services.add_team_member(mine, leaver, actor=None)
    assert TeamMembership.objects.filter(team=mine).count() == 1


def test_a_person_cannot_manage_themselves_or_close_a_cycle(db):
    a = services.create_person(actor=None, name="A", email="a@example.com", employee_id="1")
    b = services.create_person(
        actor=None, name="B", email="b@example.com", employee_id="2", manager=a
    )
    c = services.create_person(
        actor=None, name="C", email="c@example.com", employee_id="3", manager=b
    )
    with pytest.raises(ValidationError) as own:
        update_fields(a, {"manager": a}, actor=None, expected_version=1)
    assert "own manager" in own.value.message_dict["manager"][0]
    with pytest.raises(ValidationError) as cycle:
        update_fields(a, {"manager": c}, actor=None, expected_version=1)
    assert "cycle" in cycle.value.message_dict["manager"][0]
    a.refresh_from_db()
    assert a.manager_id is None and a.version == 1


def test_update_fields_is_versioned_and_audited(db):
    person = services.create_person(actor=None, name="A", email="a@example.com", employee_id="1")
    updated = update_fields(person, {"title": "Engineer"}, actor=None, expected_version=1)
    assert updated.version == 2
    entry = AuditEntry.objects.filter(model="accounts.person").order_by("-seq").first()
    assert entry.changes == {"title": ["", "Engineer"], "version": [1, 2]}
    with pytest.raises(ConflictError):
        update_fields(person, {"title": "Manager"}, actor=None, expected_version=1)
    with pytest.raises(ValidationError) as unknown:
        update_fields(person, {"nickname": "x"}, actor=None, expected_version=2)
    assert "nickname" in unknown.value.message_dict
    assert Person.objects.get(pk=person.pk).title == "Engineer"


def test_a_failed_service_call_writes_nothing(db):
    """An invalid record is neither saved nor audited."""
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.create_person(actor=None, name="", email="bad", employee_id="")
    assert AuditEntry.objects.count() == count
    assert not Person.objects.exists()
