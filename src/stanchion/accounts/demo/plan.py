"""Plans the demo company for a given size and random generator: who works
where, for whom, in which IT team, and who gets a login.

Pure Python (no Django), so the plan can be checked without a database and
the same seed always yields the same plan. People are listed managers first:
each person's ``manager`` is the index of someone earlier in the list.
"""

import math
from dataclasses import dataclass, field

from . import company
from .company import DEPARTMENTS, IT_DEPARTMENT, OFFICES, TEAMS
from .names import email_part, random_name

OFFICES_BY_NAME = {office.name: office for office in OFFICES}
MAX_NAME_DRAWS = 20


@dataclass
class PlannedPerson:
    index: int
    name: str
    email: str
    employee_id: str
    department: str
    office: str
    title: str
    manager: int | None
    kind: str  # ceo, head, director, manager, ic, it_lead, it_agent
    status: str = "active"


@dataclass
class PlannedTeam:
    key: str
    name: str
    tier: str
    description: str
    lead: int
    agents: list = field(default_factory=list)  # person indices, main team first


@dataclass
class PlannedLogin:
    person: int
    email: str
    role: str


@dataclass
class CompanyPlan:
    people: list
    teams: list
    logins: list


def allocate(total, weights, *, caps=None):
    """Split ``total`` in proportion to ``weights`` (largest remainder), never
    giving an entry more than its cap; what a capped entry cannot take goes to
    the others. The result may sum to less than ``total`` if every entry is full."""
    caps = caps or [math.inf] * len(weights)
    counts = [0] * len(weights)
    remaining = total
    while remaining > 0:
        open_ = [i for i in range(len(weights)) if counts[i] < caps[i] and weights[i] > 0]
        if not open_:
            break
        weight_sum = sum(weights[i] for i in open_)
        exact = {i: remaining * weights[i] / weight_sum for i in open_}
        given = {i: min(math.floor(exact[i]), caps[i] - counts[i]) for i in open_}
        leftover = remaining - sum(given.values())
        by_remainder = sorted(open_, key=lambda i: (exact[i] - math.floor(exact[i]), -i))
        for i in reversed(by_remainder):
            if leftover == 0:
                break
            if counts[i] + given[i] < caps[i]:
                given[i] += 1
                leftover -= 1
        for i, n in given.items():
            counts[i] += n
        if sum(given.values()) == 0:
            break
        remaining = total - sum(counts)
    return counts


def department_sizes(employees):
    """Headcount per department (the CEO not included), each at least its minimum."""
    below_ceo = employees - 1
    sizes = allocate(below_ceo, [d.share for d in DEPARTMENTS])
    for i, shape in enumerate(DEPARTMENTS):
        while sizes[i] < shape.minimum:
            largest = max(range(len(sizes)), key=lambda j: sizes[j] - DEPARTMENTS[j].minimum)
            sizes[largest] -= 1
            sizes[i] += 1
    return {shape.name: size for shape, size in zip(DEPARTMENTS, sizes, strict=True)}


class _Planner:
    def __init__(self, rng, employees):
        self.rng = rng
        self.people = []
        self.used_emails = set()
        self.used_names = set()
        # Employee ids are not in org-chart order in a real company.
        self.employee_numbers = rng.sample(range(100, 100 + 3 * employees), employees)

    def office_for(self, shape_offices, manager=None, region=None):
        """Where someone works. Only individual contributors pass their
        ``manager``: they often sit with them. Managers are spread by the
        department's weights, so one far-away head does not pull a whole
        department to their office."""
        if region is not None:
            names = [o.name for o in OFFICES if o.region == region]
        elif manager is not None and self.rng.random() < company.SAME_OFFICE_AS_MANAGER:
            return self.people[manager].office
        else:
            names = [o.name for o in OFFICES]
        weights = [shape_offices.get(n, 1) for n in names]
        return self.rng.choices(names, weights)[0]

    def unique_name(self, office):
        """Two people with one name happen, but rarely: redraw a few times."""
        mix = OFFICES_BY_NAME[office].name_mix
        for _ in range(MAX_NAME_DRAWS):
            first, last = random_name(self.rng, mix)
            if (first, last) not in self.used_names:
                break
        self.used_names.add((first, last))
        return first, last

    def email_for(self, first, last):
        local = f"{email_part(first)}.{email_part(last)}"
        candidate, n = local, 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}"
        self.used_emails.add(candidate)
        return f"{candidate}@{company.EMAIL_DOMAIN}"

    def add(self, *, department, title, manager, office, kind):
        first, last = self.unique_name(office)
        index = len(self.people)
        self.people.append(
            PlannedPerson(
                index=index,
                name=f"{first} {last}",
                email=self.email_for(first, last),
                employee_id=f"E{self.employee_numbers[index]:05d}",
                department=department,
                office=office,
                title=title,
                manager=manager,
                kind=kind,
            )
        )
        return index

    def department(self, shape, size, ceo):
        """A head, then (for larger departments) directors and managers with
        about ``SPAN`` reports each, then the individual contributors."""
        offices = shape.office_weights
        head = self.add(
            department=shape.name,
            title=shape.head_title,
            manager=ceo,
            office=self.office_for(company.HEAD_OFFICE_WEIGHTS),
            kind="head",
        )
        below_head = size - 1
        managers_needed = (
            0 if below_head <= company.SPAN + 1 else math.ceil(below_head / (company.SPAN + 1))
        )
        directors_needed = (
            math.ceil(managers_needed / 5)
            if managers_needed > company.MAX_MANAGERS_UNDER_HEAD
            else 0
        )
        directors = [
            self.add(
                department=shape.name,
                title=shape.director_title,
                manager=head,
                office=self.office_for(offices),
                kind="director",
            )
            for _ in range(directors_needed)
        ]
        managers = []
        for i in range(managers_needed):
            boss = directors[i % len(directors)] if directors else head
            managers.append(
                self.add(
                    department=shape.name,
                    title=shape.manager_title,
                    manager=boss,
                    office=self.office_for(offices),
                    kind="manager",
                )
            )
        ic_bosses = managers or [head]
        titles, weights = zip(*shape.ic_titles, strict=True)
        for i in range(below_head - directors_needed - managers_needed):
            boss = ic_bosses[i % len(ic_bosses)]
            self.add(
                department=shape.name,
                title=self.rng.choices(titles, weights)[0],
                manager=boss,
                office=self.office_for(offices, boss),
                kind="ic",
            )
        return head

    def it_department(self, shape, size, ceo):
        """IT is shaped by its teams: a lead per team (or per few teams in a
        small company), agents whose main team decides their title, office and
        manager, then extra memberships so every team has enough agents."""
        offices = shape.office_weights
        head = self.add(
            department=shape.name,
            title=shape.head_title,
            manager=ceo,
            office=company.HQ,
            kind="head",
        )
        lead_count = min(len(TEAMS), max(3, round((size - 1) / 4.6)))
        leads = []
        for j in range(lead_count):
            team = TEAMS[j]
            leads.append(
                self.add(
                    department=shape.name,
                    title=team.lead_title,
                    manager=head,
                    office=self.office_for(offices, region=team.region),
                    kind="it_lead",
                )
            )
        teams = [
            PlannedTeam(t.key, t.name, t.tier, t.description, lead=leads[i % lead_count])
            for i, t in enumerate(TEAMS)
        ]
        # Main teams hold at most MAX-1 agents so a second-team member still fits.
        agent_count = size - 1 - lead_count
        main_counts = allocate(
            agent_count,
            [t.weight for t in TEAMS],
            caps=[company.MAX_TEAM_AGENTS - 1] * len(TEAMS),
        )
        for team, shape_, count in zip(teams, TEAMS, main_counts, strict=True):
            for _ in range(count):
                team.agents.append(
                    self.add(
                        department=shape.name,
                        title=self.rng.choice(shape_.agent_titles),
                        manager=team.lead,
                        office=self.office_for(offices, team.lead, shape_.region),
                        kind="it_agent",
                    )
                )
        # A large company's IT has more people than twelve teams of agents:
        # the rest work on projects under the leads, without a team login.
        for _ in range(agent_count - sum(main_counts)):
            lead = self.rng.choice(leads)
            self.add(
                department=shape.name,
                title=self.rng.choice(("IT Systems Engineer", "IT Project Manager")),
                manager=lead,
                office=self.office_for(offices, lead),
                kind="ic",
            )
        self.second_teams(teams)
        return head, teams

    def second_teams(self, teams):
        agents = [a for t in teams for a in t.agents]
        memberships = {a: 1 for a in agents}

        def join(team, candidates):
            least_busy = min(memberships[a] for a in candidates)
            agent = self.rng.choice([a for a in candidates if memberships[a] == least_busy])
            team.agents.append(agent)
            memberships[agent] += 1

        # Every team needs a minimum crew, borrowed from the least busy agents.
        for team in teams:
            while len(team.agents) < company.MIN_TEAM_AGENTS:
                join(team, [a for a in agents if a not in team.agents])
        # And some specialists help out in a second team even when not needed.
        for _ in range(max(2, len(agents) // 8)):
            open_teams = [t for t in teams if len(t.agents) < company.MAX_TEAM_AGENTS]
            if not open_teams:
                break
            team = self.rng.choice(open_teams)
            candidates = [a for a in agents if a not in team.agents and memberships[a] == 1]
            if candidates:
                join(team, candidates)


def _logins(rng, people, teams, it_head):
    logins = [PlannedLogin(it_head, company.ADMIN_EMAIL, "it_admin")]
    taken = {it_head}

    def grant(index, role):
        logins.append(PlannedLogin(index, people[index].email, role))
        taken.add(index)

    for team in teams:
        if team.lead not in taken:
            grant(team.lead, "team_manager")
    # The IT administrator is a platform engineer, not the head of IT.
    platform = next(t for t in teams if t.key == "cloud_platform")
    grant(platform.agents[0], "it_admin")
    for team in teams:
        for agent in team.agents:
            if agent not in taken:
                grant(agent, "agent")
    heads = {p.department: p.index for p in people if p.kind == "head"}
    # The change advisory board: security and engineering leadership.
    grant(heads["Security"], "change_approver")
    grant(heads["Engineering"], "change_approver")
    auditor = next(p for p in people if p.department == "Finance" and p.kind == "ic")
    auditor.title = "Internal Auditor"
    grant(auditor.index, "auditor")
    # Requesters: the CEO (everyone's favourite VIP ticket) and one ordinary
    # employee from each of a few departments.
    grant(0, "requester")
    for department in company.REQUESTER_DEPARTMENTS:
        ics = [
            p.index
            for p in people
            if p.department == department and p.kind == "ic" and p.index not in taken
        ]
        if ics:  # a very small company may have no one left to pick
            grant(rng.choice(ics), "requester")
    return logins, taken


def _employment_statuses(rng, people, with_login):
    """Most people are active; some individual contributors are on leave,
    about to start, or have left. Managers and login holders stay active."""
    rates = company.EMPLOYMENT_STATUS_RATES
    for person in people:
        if person.kind != "ic" or person.index in with_login:
            continue
        roll = rng.random()
        for status, rate in rates.items():
            if roll < rate:
                person.status = status
                break
            roll -= rate


def plan_company(rng, employees):
    planner = _Planner(rng, employees)
    ceo = planner.add(
        department=company.CEO_DEPARTMENT,
        title=company.CEO_TITLE,
        manager=None,
        office=company.HQ,
        kind="ceo",
    )
    sizes = department_sizes(employees)
    teams, it_head = [], None
    for shape in DEPARTMENTS:
        if shape.name == IT_DEPARTMENT:
            it_head, teams = planner.it_department(shape, sizes[shape.name], ceo)
        else:
            planner.department(shape, sizes[shape.name], ceo)
    logins, with_login = _logins(rng, planner.people, teams, it_head)
    _employment_statuses(rng, planner.people, with_login)
    return CompanyPlan(planner.people, teams, logins)
