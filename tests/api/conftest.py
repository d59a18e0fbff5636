"""A small directory that the API tests share: one user per role, each with
their own person record, a team the team manager manages and one they don't."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from stanchion.accounts import services
from stanchion.accounts.models import Department, Location, Person, Team
from stanchion.accounts.roles import Role
from stanchion.core.services import creator

# The helpers beside this file (api_racing, api_expectations_loader) are
# imported by name from the tests here.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User
    location: Location = None
    department: Department = None
    managed_team: Team = None  # managed by the team manager
    other_team: Team = None  # managed by nobody
    other_person: Person = None  # nobody's login

    def person_of(self, role):
        return self.users[role].person


@pytest.fixture
def world(make_user):
    w = World()
    w.location = creator(Location)(
        actor=None, name="Berlin", time_zone="Europe/Berlin", country="DE"
    )
    w.department = creator(Department)(actor=None, name="Finance")
    for n, role in enumerate(Role.values(), start=1):
        person = services.create_person(
            actor=None,
            name=f"{role} person",
            email=f"{role}.person@example.com",
            employee_id=f"E{n:04d}",
            location=w.location,
            department=w.department,
        )
        w.users[role] = make_user(role, person=person)
    w.other_person = services.create_person(
        actor=None, name="Olga Other", email="olga@example.com", employee_id="E9000"
    )
    w.managed_team = services.create_team(
        actor=None, name="Service Desk", manager=w.users[Role.TEAM_MANAGER]
    )
    w.other_team = services.create_team(actor=None, name="Network")
    return w
