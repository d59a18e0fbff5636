"""The directory part of the demo company, Northwind Cloud: offices,
departments, about 800 people in a management hierarchy, a dozen IT teams and
the logins to try every role with.

``plan.py`` decides who is who (deterministic for a seed); this module writes
the plan through ``create_record`` inside one service function, so every
record is validated and lands in the audit trail.

What this step leaves in the shared demo context for later steps:

``ctx["locations"]``
    ``{office name: Location}`` — Berlin HQ, Munich, New York, San Francisco.
``ctx["departments"]``
    ``{name: Department}`` — Engineering, Product, Sales, ... (``company.DEPARTMENTS``).
``ctx["people"]``
    ``[Person]``, every employee, managers before their reports, the CEO first.
``ctx["active_people"]``
    ``[Person]`` whose employment status is active (who raise tickets today).
``ctx["teams"]``
    ``{key: Team}``, keys from ``company.TEAMS``: ``service_desk_emea``,
    ``service_desk_americas``, ``endpoint``, ``identity``, ``network``,
    ``collaboration``, ``cloud_platform``, ``security_operations``,
    ``data_platform``, ``enterprise_apps``, ``internal_tools``, ``asset_management``.
``ctx["team_members"]``
    ``{key: [User]}``, the team's manager first, then its agents.
``ctx["agents"]``
    ``[User]``, everyone who works tickets: members of at least one team.
``ctx["users_by_role"]``
    ``{role: [User]}`` for every role in ``accounts.roles.Role``.
``ctx["admin"]``
    the ``admin@demo.stanchion.test`` login (the VP of IT's).
``ctx["requesters"]``
    ``[User]`` with the requester role (ordinary employees, and the CEO).
``ctx["logins"]``
    ``[DemoLogin]`` (email, role, name, password) for the command to print.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from stanchion.core.services import create_record, service

from ..models import Department, Location, Person, Team, TeamMembership, User
from ..roles import Role
from . import company
from .plan import plan_company


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    name: str
    password: str


def create_directory(rng, ctx, options):
    plan = plan_company(rng, options["employees"])
    # Passwords are secrets, never derived from the seed.
    passwords = {
        "admin": options.get("admin_password") or secrets.token_urlsafe(12),
        "others": options.get("password") or secrets.token_urlsafe(12),
    }
    _write_company(plan, ctx, passwords, actor=None)


@service
def _write_company(plan, ctx, passwords, *, actor):
    locations = {
        office.name: create_record(
            Location,
            {
                "name": office.name,
                "time_zone": office.time_zone,
                "country": office.country,
                "subdivision": office.subdivision,
            },
        )
        for office in company.OFFICES
    }
    departments = {
        shape.name: create_record(Department, {"name": shape.name}) for shape in company.DEPARTMENTS
    }
    people = []
    for planned in plan.people:
        people.append(
            create_record(
                Person,
                {
                    "name": planned.name,
                    "email": planned.email,
                    "employee_id": planned.employee_id,
                    "title": planned.title,
                    "department": departments[planned.department],
                    "location": locations[planned.office],
                    "manager": people[planned.manager] if planned.manager is not None else None,
                    "employment_status": planned.status,
                },
            )
        )
    users, logins = _write_logins(plan, people, passwords)
    teams, team_members = _write_teams(plan, users)

    users_by_role = {role: [] for role in Role.values()}
    for user in users.values():
        users_by_role[user.role].append(user)
    agents = list({u.pk: u for members in team_members.values() for u in members}.values())
    ctx.update(
        locations=locations,
        departments=departments,
        people=people,
        active_people=[p for p in people if p.employment_status == "active"],
        teams=teams,
        team_members=team_members,
        agents=agents,
        users_by_role=users_by_role,
        admin=next(u for u in users.values() if u.email == company.ADMIN_EMAIL),
        requesters=users_by_role[Role.REQUESTER],
        logins=logins,
    )
    ctx.setdefault("summary", []).extend(
        [
            ("Locations", len(locations)),
            ("Departments", len(departments)),
            ("People", len(people)),
            ("IT teams", len(teams)),
            ("Team memberships", sum(len(m) for m in team_members.values())),
            ("Logins", len(users)),
        ]
    )


def _write_logins(plan, people, passwords):
    # Argon2 is deliberately slow: hash each demo password once, not per login.
    hashes = {kind: make_password(password) for kind, password in passwords.items()}
    users, logins = {}, []
    for login in plan.logins:
        person = people[login.person]
        kind = "admin" if login.email == company.ADMIN_EMAIL else "others"
        users[login.person] = create_record(
            User,
            {
                "email": login.email,
                "full_name": person.name,
                "role": login.role,
                "person": person,
                "password": hashes[kind],
            },
        )
        logins.append(DemoLogin(login.email, login.role, person.name, passwords[kind]))
    return users, logins


def _write_teams(plan, users):
    teams, team_members = {}, {}
    for planned in plan.teams:
        manager = users[planned.lead]
        team = create_record(
            Team,
            {
                "name": planned.name,
                "description": planned.description,
                "email": f"{planned.key.replace('_', '-')}@{company.EMAIL_DOMAIN}",
                "tier": planned.tier,
                "manager": manager,
            },
        )
        members = [manager] + [users[agent] for agent in planned.agents]
        for member in members:
            create_record(TeamMembership, {"team": team, "user": member})
        teams[planned.key] = team
        team_members[planned.key] = members
    return teams, team_members
