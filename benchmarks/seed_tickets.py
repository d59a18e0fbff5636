"""Fast seeder for the ticket benchmark: many incidents with timelines,
written with bulk inserts (executemany on SQLite, COPY on PostgreSQL).

Used by ``benchmarks/tickets.py``; importable once Django is set up against
the benchmark's own database. The reference data (teams, agents, services,
people, categories) goes through the ORM; the tickets, their timelines and
the SLA clocks of open tickets are written as rows, bypassing the service
layer and so the audit trail: a benchmark database needs no audit entries.
The search index triggers are dropped for the load and the index is rebuilt
in one statement afterwards (``tickets.search.rebuild``).

About 0.5 % of the tickets are open (new, assigned, in progress, pending),
held by one of 12 teams, the L1 team of the queue benchmark holding 30 % of
them (1,500 at 1M): a million tickets is about ten years of a 5,000-person
company, whose open backlog is a couple of weeks of intake. The rest are
resolved or closed. Each ticket has on
average about four and a half timeline events; one ticket (``big_ticket``)
has exactly 200.
"""

import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from stanchion.accounts.models import Person, Team, TeamMembership, User
from stanchion.catalog.models import BusinessCalendar, Service
from stanchion.core.models import Counter
from stanchion.tickets import search
from stanchion.tickets.models import Category, SlaClock, Ticket, TimelineEvent
from stanchion.tickets.priority import DEFAULT_MATRIX, priority_for

CHUNK = 20_000
BIG_TICKET_EVENTS = 200
OPEN_SHARE = 0.005
YEARS = 3

TEAMS = [
    ("Service Desk EMEA", "l1"),
    ("Service Desk Americas", "l1"),
    ("Endpoint", "l2"),
    ("Identity", "l2"),
    ("Network", "l2"),
    ("Collaboration", "l2"),
    ("Cloud Platform", "l3"),
    ("Security Operations", "l3"),
    ("Data Platform", "l3"),
    ("Enterprise Apps", "l2"),
    ("Internal Tools", "l3"),
    ("Asset Management", "l2"),
]
# L1 teams hold most tickets.
TEAM_WEIGHTS = [30, 22, 8, 7, 7, 5, 4, 3, 3, 4, 3, 4]
SERVICES = [
    "VPN",
    "Email",
    "Single sign-on",
    "Laptops",
    "Wi-Fi",
    "Printing",
    "Chat",
    "Video calls",
    "GitHub",
    "CRM",
]
CATEGORIES = {
    "Access": ["Password reset", "Account locked", "Permissions"],
    "Hardware": ["Laptop", "Monitor", "Peripherals"],
    "Software": ["Installation", "Crash", "Licence"],
    "Network": ["VPN", "Wi-Fi", "Office LAN"],
    "Email & calendar": ["Delivery", "Calendar", "Shared mailbox"],
}
SYMPTOMS = [
    "cannot connect to",
    "very slow",
    "keeps crashing",
    "error when opening",
    "password expired for",
    "no access to",
    "disconnects from",
    "certificate warning in",
    "sync fails in",
    "blank screen in",
    "login loop in",
    "missing permissions in",
]
OBJECTS = [
    "VPN client",
    "Outlook",
    "calendar invites",
    "shared drive",
    "printer on floor 3",
    "Zoom room",
    "Slack",
    "GitHub organisation",
    "Salesforce",
    "docking station",
    "external monitor",
    "Wi-Fi in Berlin office",
    "Okta dashboard",
    "password manager",
    "Jira board",
]
SENTENCES = [
    "It started this morning after the update.",
    "Restarting did not help.",
    "Colleagues in my team see the same.",
    "I need this for a customer call later today.",
    "The error message says access denied.",
    "It worked yesterday.",
    "I am working from home today.",
    "The laptop was reimaged last week.",
    "Only happens on the office network.",
    "Screenshot attached.",
]
REPLIES = [
    "Thanks, we are looking into it.",
    "Could you try signing out and in again?",
    "Please send the exact error message.",
    "We pushed a fix, can you check again?",
    "The certificate was renewed, please retry.",
    "Your access has been granted.",
]
NOTES = [
    "Known issue with the last client release, see problem record.",
    "Escalating to network team, logs show handshake timeout.",
    "Cache cleared on the proxy.",
    "Vendor ticket opened with the supplier.",
    "Group membership sync was delayed.",
]
RESOLUTIONS = [
    "Reinstalled the client.",
    "Reset the password and unlocked the account.",
    "Added the user to the right group.",
    "Replaced the docking station.",
    "Renewed the expired certificate.",
]
CITIES = ["ber", "muc", "nyc", "sfo"]


@dataclass
class Seeded:
    tickets: int
    events: int
    queue_team: Team
    agent: User
    big_ticket: str  # its number
    requester: Person
    service: Service


def _reference_data(rng):
    """Teams, agents, services, categories and people through the ORM."""
    calendar = BusinessCalendar.objects.get(name="24x7")
    teams = [Team.objects.create(name=name, tier=tier) for name, tier in TEAMS]
    agents = {}
    for index, team in enumerate(teams):
        agents[team.pk] = []
        for n in range(5):
            user = User.objects.create(
                email=f"agent{index}-{n}@bench.example",
                full_name=f"Agent {index}-{n}",
                role="agent",
            )
            TeamMembership.objects.create(team=team, user=user)
            agents[team.pk].append(user)
    services = [
        Service.objects.create(
            name=name,
            tier=str(1 + index % 3),
            owner_team=teams[2 + index % 10],
            support_team=teams[2 + index % 10],
            calendar=calendar,
        )
        for index, name in enumerate(SERVICES)
    ]
    categories = []
    for name, subs in CATEGORIES.items():
        parent = Category.objects.create(name=name)
        categories += [(parent.pk, Category.objects.create(name=s, parent=parent).pk) for s in subs]
    Person.objects.bulk_create(
        Person(name=f"Employee {n}", email=f"e{n}@bench.example", employee_id=f"B{n:06d}")
        for n in range(5000)
    )
    people = list(Person.objects.values_list("pk", flat=True))
    return calendar, teams, agents, services, categories, people


def _text(rng):
    title = f"{rng.choice(OBJECTS).capitalize()} {rng.choice(SYMPTOMS)}"
    if rng.random() < 0.5:
        title = f"{rng.choice(SYMPTOMS).capitalize()} {rng.choice(OBJECTS)}"
    # A device name and an error code make rare words to search for.
    device = f"ws-{rng.choice(CITIES)}-{rng.randrange(10_000):04d}"
    code = f"0x8007{rng.randrange(65_536):04x}"
    description = " ".join(rng.sample(SENTENCES, 2)) + f" Device {device}, error {code}."
    return title, description


class _Writer:
    """Rows into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, model, columns):
        self.table = model._meta.db_table
        self.columns = columns
        self.postgres = connection.vendor == "postgresql"

    def write(self, rows):
        if not rows:
            return
        names = ", ".join(self.columns)
        raw = connection.connection
        if self.postgres:
            statement = f"COPY {self.table} ({names}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            raw.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", rows)


def _stamp(moment, postgres):
    # Times are naive UTC here: SQLite keeps Django datetimes as naive UTC
    # text, and PostgreSQL reads them in the connection's time zone, UTC.
    if moment is None or postgres:
        return moment
    return moment.isoformat(" ")


def seed(size, *, seed=2026, now=None, progress=print):
    """Seed ``size`` incidents; returns a ``Seeded`` summary."""
    began = time.perf_counter()
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0, tzinfo=None)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        calendar, teams, agents, services, categories, people = _reference_data(rng)
    search.drop_triggers()
    if not postgres:
        with connection.cursor() as cursor:
            # A loader's settings: no fsync, and a cache big enough to hold
            # the indexes being built (256 MB).
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
    ticket_columns = [
        "id", "created_at", "updated_at", "version", "number", "kind", "title", "description",
        "requester_id", "reported_by_id", "channel", "service_id", "catalog_item_id", "answers",
        "category_id", "subcategory_id", "impact", "urgency", "priority", "state",
        "pending_reason", "assignment_team_id", "assignee_id", "resolution_code",
        "resolution_notes", "is_major", "first_response_at", "resolved_at", "closed_at",
        "reopen_count", "reassignment_count", "was_escalated", "resolved_by_tier",
        "resolved_by_team_id", "sla_due_at",
    ]  # fmt: skip
    event_columns = [
        "created_at", "updated_at", "version", "ticket_id", "at", "actor_id", "kind", "public",
        "body", "data",
    ]  # fmt: skip
    clock_columns = [
        "created_at", "updated_at", "version", "ticket_id", "kind", "policy_name",
        "target_seconds", "calendar_id", "started_at", "pauses", "due_at", "warn_at", "state",
        "ticket_kind", "service_id", "priority",  # copies of the ticket's (SlaClock.save)
    ]  # fmt: skip
    _check_columns(Ticket, ticket_columns)
    _check_columns(TimelineEvent, event_columns)
    _check_columns(SlaClock, [c for c in clock_columns if c != "id"])
    tickets_out = _Writer(Ticket, ticket_columns)
    events_out = _Writer(TimelineEvent, event_columns)
    clocks_out = _Writer(SlaClock, clock_columns)
    s = lambda moment: _stamp(moment, postgres)  # noqa: E731
    empty_json = "{}"
    no_pauses = "[]"
    true, false = (True, False) if postgres else (1, 0)
    span = timedelta(days=365 * YEARS).total_seconds()
    start = now - timedelta(days=365 * YEARS)
    team_ids = [t.pk for t in teams]
    tiers = {t.pk: t.tier for t in teams}
    resolve_hours = {"p1": 4, "p2": 8, "p3": 24, "p4": 72}
    impacts = ["1", "2", "3"]
    urgencies = ["1", "2", "3"]
    channels = ["portal", "email", "phone", "chat", "monitoring", "api"]
    channel_weights = [45, 25, 12, 12, 4, 2]
    total_events = 0
    tickets, events, clocks = [], [], []
    open_count = int(size * OPEN_SHARE)
    # The most recent tickets are the open ones, mostly: their ids come last.
    first_open = size - open_count * 3
    queue_team = teams[0]
    for ticket_id in range(1, size + 1):
        created = start + timedelta(seconds=span * (ticket_id - 1) / size + rng.random() * 60)
        if ticket_id == size:
            created = now - timedelta(days=2)
        title, description = _text(rng)
        impact = rng.choices(impacts, (5, 20, 75))[0]
        urgency = rng.choices(urgencies, (10, 30, 60))[0]
        priority = priority_for(impact, urgency, DEFAULT_MATRIX)
        team = rng.choices(team_ids, TEAM_WEIGHTS)[0]
        assignee = rng.choice(agents[team])
        category, subcategory = rng.choice(categories)
        service = rng.choice(services).pk
        is_open = ticket_id == size or (ticket_id > first_open and rng.random() < 1 / 3)
        requester = rng.choice(people)
        channel = rng.choices(channels, channel_weights)[0]
        t = created
        ev = [(t, None, "created", true, description, json.dumps({"channel": channel}))]
        ev.append((t + timedelta(minutes=1), None, "assignment", false, "", empty_json))
        first_response = None
        if rng.random() < 0.7:
            t += timedelta(minutes=rng.randrange(5, 240))
            first_response = t
            ev.append((t, assignee.pk, "comment", true, rng.choice(REPLIES), empty_json))
        if rng.random() < 0.4:
            t += timedelta(minutes=rng.randrange(5, 600))
            ev.append((t, assignee.pk, "note", false, rng.choice(NOTES), empty_json))
        reassigned = 1 if rng.random() < 0.15 else 0
        if reassigned:
            t += timedelta(minutes=rng.randrange(5, 300))
            ev.append((t, assignee.pk, "assignment", false, "", empty_json))
        if is_open:
            state = rng.choices(["new", "assigned", "in_progress", "pending"], (10, 35, 40, 15))[0]
            if ticket_id == size:
                state = "in_progress"
                team, assignee = queue_team.pk, agents[queue_team.pk][0]
            held_by = None if state == "new" else team
            due = created + timedelta(hours=resolve_hours[priority])
            ticket = (
                ticket_id, s(created), s(t), 1, f"INC-{ticket_id:07d}", "incident", title,
                description, requester, None, channel, service, None, empty_json, category,
                subcategory, impact, urgency, priority, state,
                "pending_customer" if state == "pending" else "", held_by,
                assignee.pk if state in ("in_progress", "pending") else None, "", "", false,
                s(first_response), None, None, 0, reassigned, false, "", None, s(due),
            )  # fmt: skip
            for kind, target in (("response", 3600), ("resolution", resolve_hours[priority])):
                seconds = target if kind == "response" else target * 3600
                clocks.append(
                    (
                        s(created), s(created), 1, ticket_id, kind, f"Tier 2 {priority.upper()}",
                        seconds, calendar.pk, s(created), no_pauses,
                        s(created + timedelta(seconds=seconds)),
                        s(created + timedelta(seconds=seconds * 0.75)), "running",
                        "incident", service, priority,
                    )
                )  # fmt: skip
        else:
            t += timedelta(minutes=rng.randrange(10, 60 * resolve_hours[priority] * 2))
            resolution = rng.choice(RESOLUTIONS)
            ev.append((t, assignee.pk, "state", true, resolution, empty_json))
            closed = t + timedelta(days=7) if t + timedelta(days=7) < now else None
            if closed:
                ev.append((closed, None, "state", false, "", empty_json))
            ticket = (
                ticket_id, s(created), s(closed or t), 1, f"INC-{ticket_id:07d}", "incident",
                title, description, requester, None, channel, service, None, empty_json,
                category, subcategory, impact, urgency, priority,
                "closed" if closed else "resolved", "", team, assignee.pk, "solved", resolution,
                false, s(first_response or t), s(t), s(closed), 0, reassigned,
                true if reassigned and tiers[team] != "l1" else false, tiers[team], team, None,
            )  # fmt: skip
        if ticket_id == size:
            # The ticket page benchmark: exactly BIG_TICKET_EVENTS events.
            while len(ev) < BIG_TICKET_EVENTS:
                t += timedelta(minutes=7)
                public = len(ev) % 3 != 0
                body = rng.choice(REPLIES if public else NOTES)
                ev.append((t, assignee.pk, "comment" if public else "note", public, body, "{}"))
            ev = ev[:BIG_TICKET_EVENTS]
            big_ticket = f"INC-{ticket_id:07d}"
        tickets.append(ticket)
        for at, actor, kind, public, body, data in ev:
            events.append((s(at), s(at), 1, ticket_id, s(at), actor, kind, public, body, data))
        total_events += len(ev)
        if len(tickets) >= CHUNK or ticket_id == size:
            with transaction.atomic():
                tickets_out.write(tickets)
                events_out.write(events)
                clocks_out.write(clocks)
            tickets, events, clocks = [], [], []
            if ticket_id % (CHUNK * 10) == 0 or ticket_id == size:
                progress(f"  {ticket_id:>9,} tickets, {total_events:>10,} events written")
    with transaction.atomic():
        Counter.objects.update_or_create(prefix="INC", defaults={"value": size})
        if postgres:
            with connection.cursor() as cursor:
                for table in ("tickets_ticket", "tickets_timelineevent", "tickets_slaclock"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
    progress(f"  rows written in {time.perf_counter() - began:.0f} s; rebuilding the search index")
    with transaction.atomic():
        search.rebuild()
        search.create_triggers()
    progress(f"  search index rebuilt, {time.perf_counter() - began:.0f} s in all")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Seeded(
        tickets=size,
        events=total_events,
        queue_team=queue_team,
        agent=agents[queue_team.pk][0],
        big_ticket=big_ticket,
        requester=Person.objects.first(),
        service=services[0],
    )


def _check_columns(model, columns):
    """Fail loudly when the model gained a required column the seeder
    does not write (rather than seeding rows the app cannot read)."""
    known = {f.column for f in model._meta.concrete_fields}
    unknown = set(columns) - known
    if unknown:
        raise SystemExit(f"{model.__name__} has no columns {sorted(unknown)}")
    missing = {
        f.column
        for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and not f.primary_key
    }
    if missing:
        raise SystemExit(f"the seeder does not write {model.__name__} columns {sorted(missing)}")


def describe():
    """The ``Seeded`` summary of a database seeded earlier (``--reuse``)."""
    queue_team = Team.objects.get(name=TEAMS[0][0])
    # Seeded rows have no reporter; tickets created since through the API do.
    big = Ticket.objects.filter(reported_by__isnull=True).order_by("-id").first()
    return Seeded(
        tickets=big.pk,
        events=TimelineEvent.objects.count(),
        queue_team=queue_team,
        agent=User.objects.filter(memberships__team=queue_team).order_by("pk").first(),
        big_ticket=big.number,
        requester=Person.objects.order_by("pk").first(),
        service=Service.objects.get(name=SERVICES[0]),
    )
