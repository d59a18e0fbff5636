"""Change calendar benchmark: the conflict check and the month calendar
over a year of changes.

    python benchmarks/changes.py [--size N] [--services N] [--database URL] [--requests N]

Bars (docs/benchmarks.md): with 100k changes scheduled across a year on 500
services, the conflict check for a new or moved change answers in under
50 ms, and the month calendar page renders in under 200 ms server time.

The database is the benchmark's own (see benchmarks/tickets.py:
BenchDatabase): a SQLite file in a new temporary directory, or with
``--database postgres://...`` a new database on that server, dropped at the
end. Reference data (teams, 500 services on three calendars, a dependency
graph of about 1.5 links a service, weekly maintenance windows on 40% of the
services, ten blackouts) is written through the ORM; the changes (a year,
eleven months done and the coming month planned: past ones closed, coming
ones scheduled or still in
assessment and authorisation, a few drafts and cancellations; 1 to 3
services each, 30 minutes to 6 hours long, 2% with stored conflicts) as bulk
rows, so they have no audit entries.

Measured in process, after warm-up: ``changes.conflicts.find_conflicts`` for
a two-hour change on one to three random services at a random time in the
coming month (half of them moving an existing change, which is then
excluded), the same on the service with the most dependents, and
``GET /changes/calendar/`` with Django's test Client signed in as an agent:
a month unfiltered (the heaviest: every change of the month counted into its
days), a month filtered by a team, and a week. The last line printed is one
JSON object of figures.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tickets import BenchDatabase, count_queries, measure  # noqa: E402

BAR_CONFLICT_MS = 50.0
BAR_CALENDAR_MS = 200.0
CHUNK = 20_000
ZONES = ["Europe/Berlin", "America/New_York", "UTC"]
# A year of changes: eleven months done, the coming month planned.
PAST_DAYS, AHEAD_DAYS = 335, 30


def seed(size, services_count, *, rng, now):
    from django.db import connection, transaction

    from seed_tickets import _check_columns, _stamp, _Writer
    from stanchion.accounts.models import Team, TeamMembership, User
    from stanchion.catalog.models import BusinessCalendar, Service, ServiceDependency
    from stanchion.changes.models import Blackout, Change, MaintenanceWindow

    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        calendars = [
            BusinessCalendar.objects.create(name=f"Bench {zone}", time_zone=zone) for zone in ZONES
        ]
        teams = [Team.objects.create(name=f"Bench team {n}", tier="l2") for n in range(20)]
        users = []
        for n, team in enumerate(teams):
            user = User.objects.create(
                email=f"bench{n}@bench.example", full_name=f"Bench {n}", role="agent"
            )
            TeamMembership.objects.create(team=team, user=user)
            users.append(user)
        services = [
            Service.objects.create(
                name=f"Service {n:03d}",
                tier=str(1 + n % 3),
                owner_team=teams[n % len(teams)],
                support_team=teams[(n * 7) % len(teams)],
                calendar=calendars[n % len(calendars)],
            )
            for n in range(services_count)
        ]
        # A layered graph: services depend on lower-numbered ones, so it has
        # no cycles; a few platform services (0-9) carry most dependents.
        links = set()
        for n, svc in enumerate(services[1:], start=1):
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                target = rng.randrange(min(n, 10)) if rng.random() < 0.4 else rng.randrange(n)
                links.add((svc.pk, services[target].pk))
        for service_id, depends_on_id in links:
            ServiceDependency.objects.create(service_id=service_id, depends_on_id=depends_on_id)
        windows = 0
        for svc in services:
            if rng.random() < 0.4:
                MaintenanceWindow.objects.create(
                    service=svc,
                    name="Weekly",
                    weekdays=sorted(rng.sample(range(7), rng.choice([1, 2, 5]))),
                    start_time=clock(rng.choice([0, 1, 2, 20, 22])),
                    duration_minutes=rng.choice([120, 240, 360]),
                )
                windows += 1
        for n in range(10):
            start = now + timedelta(days=rng.randint(-180, 180))
            days = timedelta(days=rng.randint(1, 5))
            blackout = Blackout.objects.create(
                name=f"Freeze {n}", starts_at=start, ends_at=start + days
            )
            if n >= 2:
                blackout.services.set(rng.sample(services, 5))

    if not postgres:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
    columns = [
        "id", "created_at", "updated_at", "version", "number", "change_type", "title",
        "description", "justification", "implementation_plan", "backout_plan", "test_plan",
        "validation_checklist", "planned_start", "planned_end", "requested_by_id",
        "implementer_team_id", "state", "outcome", "outcome_notes", "risk_answers", "risk_score",
        "risk_level", "risk_factors", "conflicts", "conflict_override_reason",
        "cancelled_reason", "retrospective", "submitted_at",
    ]  # fmt: skip
    _check_columns(Change, columns)
    changes_out = _Writer(Change, columns)
    through = Change.services.through
    links_out = _Writer(through, ["change_id", "service_id"])
    s = lambda moment: _stamp(moment, postgres)  # noqa: E731
    naive_now = now.replace(tzinfo=None)
    service_ids = [svc.pk for svc in services]
    rows, link_rows = [], []
    with transaction.atomic():
        for pk in range(1, size + 1):
            start = naive_now + timedelta(
                minutes=rng.randrange(-PAST_DAYS * 1440, AHEAD_DAYS * 1440)
            )
            start = start.replace(minute=start.minute - start.minute % 15, second=0)
            end = start + timedelta(minutes=rng.choice([30, 60, 60, 120, 120, 240, 360]))
            draw = rng.random()
            if start < naive_now:
                state = "cancelled" if draw < 0.03 else "closed"
            else:
                state = (
                    "draft"
                    if draw < 0.05
                    else "cancelled"
                    if draw < 0.07
                    else "assessment"
                    if draw < 0.15
                    else "authorisation"
                    if draw < 0.25
                    else "scheduled"
                )
            outcome = ("failed" if draw < 0.1 else "successful") if state == "closed" else ""
            chosen = rng.sample(service_ids, rng.choice([1, 1, 1, 2, 3]))
            conflicts = "[]"
            if state in ("assessment", "authorisation", "scheduled") and draw > 0.98:
                conflicts = json.dumps(
                    [
                        {
                            "kind": "outside_window",
                            "message": "Outside the maintenance windows of the service.",
                            "service": chosen[0],
                            "service_name": f"Service {chosen[0]}",
                            "start": start.isoformat() + "+00:00",
                            "end": end.isoformat() + "+00:00",
                        }
                    ]
                )
            team = rng.randrange(len(teams))
            rows.append(
                (
                    pk, s(naive_now), s(naive_now), 1, f"CHG-{pk:06d}",
                    "standard" if draw < 0.7 else "normal", f"Benchmark change {pk}",
                    "", "", "", "", "", "[]", s(start), s(end), users[team].pk, teams[team].pk,
                    state, outcome, "", "{}", 20, "low", "[]", conflicts, "", "", "",
                    s(start - timedelta(days=3)),
                )
            )  # fmt: skip
            link_rows.extend((pk, sid) for sid in chosen)
            if len(rows) >= CHUNK:
                changes_out.write(rows)
                links_out.write(link_rows)
                rows, link_rows = [], []
        changes_out.write(rows)
        links_out.write(link_rows)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('changes_change', 'id'), %s)", [size]
            )
            # As autovacuum soon would after a bulk load: the visibility map
            # lets the calendar's and the conflict check's index-only scans
            # skip the table.
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return services, teams, users, len(links), windows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="changes (default 100000)")
    parser.add_argument("--services", type=int, default=500, help="services (default 500)")
    parser.add_argument("--database", help="postgres://... server to create a database on")
    parser.add_argument("--requests", type=int, default=100, help="timed runs per measure")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    bench = BenchDatabase(args.database)
    try:
        run(args, bench)
    finally:
        bench.close()


def run(args, bench):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from stanchion.catalog.models import ServiceDependency
    from stanchion.changes.conflicts import find_conflicts
    from stanchion.changes.models import Change

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    print(f"Seeding {args.size:,} changes on {args.services} services into {bench.vendor}")
    began = time.perf_counter()
    services, teams, users, links, windows = seed(args.size, args.services, rng=rng, now=now)
    seed_s = time.perf_counter() - began
    print(
        f"Seeded in {seed_s:.1f} s: {links} dependencies, {windows} services with a window, "
        "10 blackouts"
    )

    service_ids = [svc.pk for svc in services]
    dependents = {}
    for service_id, depends_on_id in ServiceDependency.objects.values_list(
        "service_id", "depends_on_id"
    ):
        dependents.setdefault(depends_on_id, []).append(service_id)
    hub = max(service_ids, key=lambda sid: len(dependents.get(sid, ())))
    movable = list(
        Change.objects.filter(state="scheduled").values_list("pk", flat=True).order_by("?")[:500]
    )
    planned = {
        pk: [sid]
        for pk, sid in Change.services.through.objects.filter(change_id__in=movable).values_list(
            "change_id", "service_id"
        )
    }
    cases = []
    for index in range(max(args.requests, 1) + 10):
        start = now + timedelta(minutes=15 * rng.randrange(0, 4 * 24 * AHEAD_DAYS))
        if index % 2 and movable:
            pk = movable[index % len(movable)]
            cases.append((planned[pk], start, pk))
        else:
            cases.append((rng.sample(service_ids, rng.choice([1, 2, 3])), start, None))
    found_counts = []

    def conflict_check(index):
        chosen, start, exclude = cases[index % len(cases)]
        found = find_conflicts(
            services=chosen, start=start, end=start + timedelta(hours=2), exclude=exclude
        )
        found_counts.append(len(found))
        return found

    def hub_check(index):
        start = cases[index % len(cases)][1]
        return find_conflicts(services=[hub], start=start, end=start + timedelta(hours=2))

    client = Client()
    client.force_login(users[0])
    month = now.date().isoformat()

    def page(params):
        def get(_):
            response = client.get("/changes/calendar/", params)
            if response.status_code != 200:
                raise SystemExit(f"calendar answered {response.status_code}")
            return response

        return get

    month_page = page({"date": month})
    html = month_page(0).content.decode()
    shown = html.count('<li class="change')
    rows = []
    for name, fn, how in (
        ("conflict check", conflict_check, "find_conflicts, 1-3 services, 2 h, new or moved"),
        (
            "conflict check (hub)",
            hub_check,
            f"find_conflicts on the service with {len(dependents.get(hub, ()))} direct dependents",
        ),
        ("month calendar", month_page, f"GET /changes/calendar/?date={month} ({shown} shown)"),
        (
            "month calendar (team)",
            page({"date": month, "team": teams[3].pk}),
            "GET /changes/calendar/?team=…",
        ),
        ("week calendar", page({"date": month, "view": "week"}), "GET …?view=week"),
    ):
        figures = measure(fn, args.requests)
        rows.append((name, figures, *count_queries(fn), how))
    in_month = Change.objects.filter(
        planned_start__lt=now + timedelta(days=37), planned_end__gt=now - timedelta(days=37)
    ).count()
    print(
        f"{'what':<24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p95':>9}"
        f"{'queries':>9}{'SQL ms':>8}  how"
    )
    for name, figures, queries, sql_ms, how in rows:
        print(
            f"{name:<24}{figures['p50']:>9.1f}{figures['p95']:>9.1f}{figures['max']:>9.1f}"
            f"{figures['cpu_p95']:>9.1f}{queries:>9}{sql_ms:>8.1f}  {how}"
        )
    print(
        f"conflicts found per check: mean {sum(found_counts) / len(found_counts):.1f}, "
        f"max {max(found_counts)}; about {in_month:,} changes in the calendar's period"
    )
    check, hub_fig, month_fig, team_fig, week_fig = (r[1] for r in rows)
    for label, value, bar in (
        ("conflict check p95", check["p95"], BAR_CONFLICT_MS),
        ("conflict check (hub) p95", hub_fig["p95"], BAR_CONFLICT_MS),
        ("month calendar p95", month_fig["p95"], BAR_CALENDAR_MS),
    ):
        print(f"bar: {label} under {bar:.0f} ms -> {'meets' if value < bar else 'MISSES'}")
    load = os.getloadavg()[0]
    print(
        json.dumps(
            {
                "changes": args.size,
                "services": args.services,
                "database": bench.vendor,
                "conflict_check_ms": round(check["p95"], 1),
                "conflict_check_p50_ms": round(check["p50"], 1),
                "conflict_check_hub_ms": round(hub_fig["p95"], 1),
                "conflict_check_queries": rows[0][2],
                "calendar_month_ms": round(month_fig["p95"], 1),
                "calendar_month_p50_ms": round(month_fig["p50"], 1),
                "calendar_month_queries": rows[2][2],
                "calendar_month_team_ms": round(team_fig["p95"], 1),
                "calendar_week_ms": round(week_fig["p95"], 1),
                "seed_s": round(seed_s, 1),
                "requests_per_measure": args.requests,
                "load_avg_1m": round(load, 1),
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
