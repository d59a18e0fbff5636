"""KPI benchmark: every registered KPI for one quarter, overall and by
service, over a million incidents and requests.

    python benchmarks/kpis.py [--size N] [--database URL] [--repeat N] [--keep]
    python benchmarks/kpis.py --reuse URL   # measure an earlier --keep database again

Bar (docs/benchmarks.md, issue #5): computing every KPI for one quarter,
overall and by service, under 1 second on SQLite and on PostgreSQL, with the
process's peak resident memory under 300 MB (the engine aggregates in the
database and never loads the records).

The database is the benchmark's own (``BenchDatabase`` from
``benchmarks/tickets.py``): a SQLite file in a new temporary directory, or
with ``--database postgres://...`` a new database on that server, dropped at
the end unless ``--keep``. The reference data (teams, agents, services,
categories, people) comes from ``seed_tickets._reference_data``; the tickets,
their SLA and OLA clocks and satisfaction surveys are written here as bulk
rows (executemany on SQLite, COPY on PostgreSQL), with no timelines, search
index or audit entries: the KPIs read none of them.

The tickets are spread evenly over the two years before now, 70 % incidents
and 30 % requests. Each resolved ticket has its SLA response and resolution
clocks stopped (met or missed), an OLA response and resolution clock for the
team that held it, and, for a third of them, a satisfaction survey of which
a quarter are answered. About 0.5 % are open at the end; 0.2 % of incidents
carry an impact window (the outages availability and MTBF read).

Measured: ``engine.compute_split(desk_kpis(), quarter, "service")``, every
service-desk KPI (the tickets app's, group "Service desk"; other apps'
KPIs read other tables) overall and by service from one pass over the records (the totals are
summed from the by-service parts, as the dashboard, KPI pages and /metrics
compute them), for the last complete quarter, ``--repeat`` times after one
warm-up run (which the figures leave out), in a fresh process started after
the seeding (so the loader's rows and page cache do not count); the peak
RSS is that process's own (VmHWM on Linux, else ``resource.getrusage``):
Django, the app and computing the KPIs. The engine's cache of closed
periods (``KPI_CACHE_SECONDS``) is off for the timed runs, which measure
computing the numbers; ``all_kpis_quarter_cached_s`` is the same call with
the cache warm, and ``all_kpis_quarter_two_pass_s`` overall and by service
as two separate ``engine.compute`` calls.
The last line printed is one JSON object of figures.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tickets import BenchDatabase  # noqa: E402

BAR_SECONDS = 1.0
BAR_RSS_MB = 300.0
YEARS = 2
CHUNK = 20_000
OPEN_SHARE = 0.005
OUTAGE_SHARE = 0.002
REQUEST_SHARE = 0.3
SURVEY_SHARE = 1 / 3
ANSWER_SHARE = 0.25
CATALOG_ITEMS = ["New laptop", "Software licence", "Access to a shared drive", "Monitor"]


def peak_rss_mb():
    """The process's peak resident memory. On Linux the high-water mark of
    its own memory (VmHWM): ``getrusage``'s ru_maxrss keeps the parent's
    peak across fork and exec, which would charge the seeding's memory to
    the measuring process."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _catalog_items(services):
    from stanchion.catalog.models import CatalogItem

    return [
        CatalogItem.objects.create(
            service=services[index % len(services)],
            name=name,
            delivery_target=timedelta(days=3),
        ).pk
        for index, name in enumerate(CATALOG_ITEMS)
    ]


def seed(size, *, seed=2026, now=None, progress=print):
    """``size`` incidents and requests with their clocks and surveys."""
    from django.db import connection, transaction

    import seed_tickets
    from seed_tickets import _check_columns, _stamp, _Writer
    from stanchion.core.models import Counter
    from stanchion.tickets.models import CsatSurvey, SlaClock, Ticket
    from stanchion.tickets.priority import DEFAULT_MATRIX, priority_for

    began = time.perf_counter()
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0, tzinfo=None)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        calendar, teams, agents, services, categories, people = seed_tickets._reference_data(rng)
        items = _catalog_items(services)
    if not postgres:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
    ticket_columns = [
        "id", "created_at", "updated_at", "version", "number", "kind", "title", "description",
        "requester_id", "channel", "service_id", "catalog_item_id", "answers", "category_id",
        "subcategory_id", "impact", "urgency", "priority", "state", "pending_reason",
        "assignment_team_id", "assignee_id", "resolution_code", "resolution_notes", "is_major",
        "impact_start", "impact_end", "first_response_at", "resolved_at", "closed_at",
        "reopen_count", "reassignment_count", "was_escalated", "resolved_by_tier",
        "resolved_by_team_id", "sla_due_at",
    ]  # fmt: skip
    clock_columns = [
        "created_at", "updated_at", "version", "ticket_id", "kind", "team_id", "policy_name",
        "target_seconds", "calendar_id", "started_at", "pauses", "stopped_at", "due_at",
        "warn_at", "state", "breached_at", "ticket_kind", "service_id", "priority",
        "catalog_item_id",
    ]  # fmt: skip
    survey_columns = [
        "created_at", "updated_at", "version", "ticket_id", "sent_at", "rating", "comment",
        "answered_at",
    ]  # fmt: skip
    _check_columns(Ticket, ticket_columns)
    copied = [
        ticket_columns.index(c) for c in ("kind", "service_id", "priority", "catalog_item_id")
    ]
    _check_columns(SlaClock, clock_columns)
    _check_columns(CsatSurvey, survey_columns)
    tickets_out = _Writer(Ticket, ticket_columns)
    clocks_out = _Writer(SlaClock, clock_columns)
    surveys_out = _Writer(CsatSurvey, survey_columns)
    s = lambda moment: _stamp(moment, postgres)  # noqa: E731
    true, false = (True, False) if postgres else (1, 0)
    span = timedelta(days=365 * YEARS).total_seconds()
    start = now - timedelta(days=365 * YEARS)
    team_ids = [t.pk for t in teams]
    tiers = {t.pk: t.tier for t in teams}
    l1_teams = [t.pk for t in teams if t.tier == "l1"]
    service_ids = [service.pk for service in services]
    respond_minutes = {"p1": 15, "p2": 30, "p3": 240, "p4": 480}
    resolve_hours = {"p1": 4, "p2": 8, "p3": 24, "p4": 72}
    open_from = size - int(size * OPEN_SHARE) * 3
    tickets, clocks, surveys = [], [], []
    counts = {"clocks": 0, "surveys": 0}

    def clock(ticket, kind, team, target, started, stopped):
        # ``ticket`` is the ticket's row: the clock copies its kind,
        # service, priority and catalog item, as SlaClock.save() does.
        state = "met" if stopped - started <= timedelta(seconds=target) else "missed"
        due = started + timedelta(seconds=target)
        clocks.append(
            (
                s(started), s(stopped), 1, ticket[0], kind, team, "Bench policy", target,
                calendar.pk, s(started), "[]", s(stopped), s(due),
                s(started + timedelta(seconds=target * 0.75)), state,
                s(due) if state == "missed" else None, *(ticket[i] for i in copied),
            )
        )  # fmt: skip

    for ticket_id in range(1, size + 1):
        created = start + timedelta(seconds=span * (ticket_id - 1) / size + rng.random() * 60)
        request = rng.random() < REQUEST_SHARE
        kind = "request" if request else "incident"
        impact = rng.choices("123", (5, 20, 75))[0]
        urgency = rng.choices("123", (10, 30, 60))[0]
        priority = priority_for(impact, urgency, DEFAULT_MATRIX)
        team = rng.choices(team_ids, seed_tickets.TEAM_WEIGHTS)[0]
        assignee = rng.choice(agents[team]).pk
        category, subcategory = rng.choice(categories)
        item = rng.choice(items) if request and rng.random() < 0.6 else None
        is_open = ticket_id > open_from and rng.random() < 1 / 3
        responded = None
        if rng.random() < 0.9:
            responded = created + timedelta(minutes=rng.expovariate(1 / respond_minutes[priority]))
        reassigned = rng.choices((0, 1, 2), (80, 15, 5))[0]
        escalated = reassigned > 0 and tiers[team] != "l1"
        impact_start = impact_end = None
        if not request and rng.random() < OUTAGE_SHARE:
            impact_start = created
            impact_end = created + timedelta(minutes=rng.randrange(5, 600))
        if is_open:
            state = rng.choice(["new", "assigned", "in_progress", "pending"])
            resolved = closed = None
            code, tier, resolved_by = "", "", None
        else:
            hours = resolve_hours[priority] * (4 if request else 1)
            resolved = created + timedelta(hours=rng.expovariate(1 / hours))
            if responded is None or responded > resolved:
                responded = resolved
            closed = resolved + timedelta(days=7)
            closed = closed if closed < now else None
            state = "closed" if closed else "resolved"
            if request:
                code = rng.choices(["fulfilled", "rejected"], (95, 5))[0]
            else:
                code = rng.choices(["solved", "workaround", "duplicate"], (80, 15, 5))[0]
            tier = tiers[team]
            if not escalated and not reassigned and rng.random() < 0.6:
                team = rng.choice(l1_teams)
                tier = "l1"
            resolved_by = team
        number = f"{'REQ' if request else 'INC'}-{ticket_id:07d}"
        tickets.append(
            (
                ticket_id, s(created), s(closed or resolved or created), 1, number, kind,
                "Benchmark ticket", "", rng.choice(people), "portal", rng.choice(service_ids),
                item, "{}", category, subcategory, impact, urgency, priority, state,
                "pending_customer" if state == "pending" else "", team, assignee, code, "",
                false, s(impact_start), s(impact_end), s(responded), s(resolved), s(closed),
                1 if rng.random() < 0.04 else 0, reassigned, true if escalated else false, tier,
                resolved_by, None,
            )
        )  # fmt: skip
        if resolved is not None:
            response_target = respond_minutes[priority] * 60
            resolution_target = resolve_hours[priority] * 3600 * (4 if request else 1)
            row = tickets[-1]
            clock(row, "response", None, response_target, created, responded)
            clock(row, "resolution", None, resolution_target, created, resolved)
            clock(row, "ola_response", team, 4 * 3600, created, responded)
            clock(row, "ola_resolution", team, 24 * 3600, created, resolved)
            if rng.random() < SURVEY_SHARE:
                answered = rating = None
                if rng.random() < ANSWER_SHARE:
                    answered = resolved + timedelta(hours=rng.randrange(1, 96))
                    rating = rng.choices((1, 2, 3, 4, 5), (3, 4, 8, 30, 55))[0]
                surveys.append(
                    (s(resolved), s(answered or resolved), 1, ticket_id, s(resolved), rating, "",
                     s(answered))
                )  # fmt: skip
        if len(tickets) >= CHUNK or ticket_id == size:
            with transaction.atomic():
                tickets_out.write(tickets)
                clocks_out.write(clocks)
                surveys_out.write(surveys)
            counts["clocks"] += len(clocks)
            counts["surveys"] += len(surveys)
            tickets, clocks, surveys = [], [], []
            if ticket_id % (CHUNK * 10) == 0 or ticket_id == size:
                progress(
                    f"  {ticket_id:>9,} tickets, {counts['clocks']:>10,} clocks, "
                    f"{counts['surveys']:>9,} surveys written"
                )
    with transaction.atomic():
        Counter.objects.update_or_create(prefix="INC", defaults={"value": size})
        Counter.objects.update_or_create(prefix="REQ", defaults={"value": size})
        if postgres:
            with connection.cursor() as cursor:
                for table in ("tickets_ticket", "tickets_slaclock", "tickets_csatsurvey"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
    with connection.cursor() as cursor:
        # Fresh statistics for the planner (and on PostgreSQL a visibility
        # map, so index-only scans need not visit the table).
        cursor.execute("VACUUM ANALYZE" if postgres else "ANALYZE")
    progress(f"  seeded in {time.perf_counter() - began:.0f} s")
    return counts


def last_complete_quarter(now=None):
    from django.conf import settings

    from stanchion.metrics import periods

    zone = ZoneInfo(settings.REPORT_TIME_ZONE)
    today = (now or datetime.now(zone)).date()
    current = periods.containing("quarter", today, zone)
    return current.previous()


def desk_kpis():
    """The service-desk KPIs (issue #5's bar), in the registry's order."""
    from stanchion.metrics.registry import kpis
    from stanchion.tickets.kpis import GROUP

    return kpis.groups()[GROUP]


def measure(period, repeat):
    """Seconds for every KPI overall and by service, per run: one pass
    (``engine.compute_split``: the by-service parts, the totals summed
    from them), as the dashboard, the KPI pages and /metrics compute
    them."""
    from stanchion.metrics import engine

    every = desk_kpis()

    def once():
        began, cpu = time.perf_counter(), time.process_time()
        overall, by_service = engine.compute_split(every, period, "service")
        return time.perf_counter() - began, time.process_time() - cpu, overall, by_service

    _, _, overall, by_service = once()  # warm-up: connection, caches, imports
    runs = [once()[:2] for _ in range(repeat)]
    return [wall for wall, _ in runs], [cpu for _, cpu in runs], overall, by_service


def measure_cached(period, repeat):
    """The same with the engine's cache of closed periods on (what a page
    view costs once someone has computed the quarter)."""
    from django.conf import settings

    settings.KPI_CACHE_SECONDS = 300
    try:
        return measure(period, repeat)[0]
    finally:
        settings.KPI_CACHE_SECONDS = 0


def measure_two_pass(period, repeat):
    """Overall and by service as two separate computations
    (``engine.compute`` without and with the segment): twice the reading."""
    from stanchion.metrics import engine

    every = desk_kpis()
    engine.compute(every, period)
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        engine.compute(every, period)
        engine.compute(every, period, "service")
        samples.append(time.perf_counter() - began)
    return samples


def measure_records(period, repeat):
    """The same computed from the records alone, with the daily roll-ups
    off (what every number cost before them, and still costs for a
    segment the roll-ups do not keep, such as location)."""
    from django.conf import settings

    settings.KPI_ROLLUPS = False
    try:
        return measure(period, repeat)
    finally:
        settings.KPI_ROLLUPS = True


def agree(first, second):
    """Whether two (overall, by service) answers hold the same numerators
    and denominators for every KPI and service."""
    for mine, theirs in zip(first, second, strict=True):
        if set(mine) != set(theirs):
            return False
        for key, values in mine.items():
            if set(values) != set(theirs[key]):
                return False
            for segment, value in values.items():
                other = theirs[key][segment]
                if value.denominator != other.denominator:
                    return False
                if abs(value.numerator - other.numerator) > 1e-6 * max(1.0, abs(other.numerator)):
                    return False
    return True


def roll_up():
    """Every day that is over rolled up, as the periodic job keeps them
    (``stanchion kpis rollup``): seconds and days built."""
    from stanchion.metrics import rollups

    began = time.perf_counter()
    built = rollups.build()
    return time.perf_counter() - began, built


def count_queries(period):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stanchion.metrics import engine

    with CaptureQueriesContext(connection) as captured:
        engine.compute_split(desk_kpis(), period, "service")
    queries = captured.captured_queries
    return len(queries), sum(float(q["time"]) for q in queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="tickets (default 1000000)")
    parser.add_argument("--database", help="postgres://... server to create a database on")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", help="measure a database kept by an earlier --keep run")
    parser.add_argument("--seeded-in", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--rolled-up-in", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.size < 1 or args.repeat < 1:
        parser.error("--size and --repeat must be at least 1")

    bench = BenchDatabase(args.database, reuse=args.reuse, keep=args.keep)
    if args.seeded_in is not None:
        # The measuring child of a seeding run: the parent keeps or drops
        # the database (and says which); this process only lets go of it.
        bench.keep = False
    try:
        run(args, bench)
    finally:
        bench.close()


def run(args, bench):
    import django

    # The engine caches closed periods' numbers (KPI_CACHE_SECONDS): the
    # bar is about computing them, so the cache is off except where noted.
    os.environ["STANCHION_KPI_CACHE_SECONDS"] = "0"
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from stanchion.tickets.models import CsatSurvey, SlaClock, Ticket

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - began
    seed_s = args.seeded_in
    if args.reuse:
        print(f"Reusing {bench.where}", flush=True)
    else:
        print(f"Seeding {args.size:,} incidents and requests into {bench.vendor} ({bench.where})")
        began = time.perf_counter()
        seed(args.size, seed=args.seed, progress=lambda line: print(line, flush=True))
        seed_s = time.perf_counter() - began
        rollup_s, days = roll_up()
        print(f"Rolled up {days:,} days of KPI sources in {rollup_s:.1f} s", flush=True)
        # Measured in a fresh process: the loader's page cache and rows
        # would otherwise count in the peak memory of computing the KPIs.
        connections.close_all()
        command = [sys.executable, __file__, "--reuse", bench.url, "--repeat", str(args.repeat)]
        command += ["--seeded-in", f"{seed_s:.1f}", "--rolled-up-in", f"{rollup_s:.1f}"]
        subprocess.run(command, check=True)
        return
    if args.seeded_in is None:
        # A kept database: roll up what its last run did not (a fresh
        # process measures, as after a seeding).
        rollup_s, days = roll_up()
        print(f"Rolled up {days:,} more days of KPI sources in {rollup_s:.1f} s", flush=True)
        connections.close_all()
        command = [sys.executable, __file__, "--reuse", bench.url, "--repeat", str(args.repeat)]
        command += ["--seeded-in", "0", "--rolled-up-in", f"{rollup_s:.1f}"]
        subprocess.run(command, check=True)
        return
    tickets = Ticket.objects.count()
    clocks = SlaClock.objects.count()
    surveys = CsatSurvey.objects.count()
    rss_before = peak_rss_mb()
    period = last_complete_quarter()
    every = desk_kpis()
    print(f"{tickets:,} tickets, {clocks:,} clocks, {surveys:,} surveys; {len(every)} KPIs")
    print(f"Computing every KPI for {period.label}, overall and by service, x{args.repeat}")
    samples, cpu_samples, overall, by_service = measure(period, args.repeat)
    queries, sql_s = count_queries(period)
    cached = measure_cached(period, args.repeat)
    two_pass_samples = measure_two_pass(period, args.repeat)
    records_samples, records_cpu, *from_records = measure_records(period, args.repeat)
    agreed = agree((overall, by_service), from_records)
    median = statistics.median(samples)
    print(f"{'KPI':<28}{'value':>12}{'records':>10}{'services':>10}")
    for kpi in every:
        value = overall[kpi.key]["all"]
        shown = "-" if value.value is None else f"{value.value:.1f}{kpi.unit_suffix}"
        split = len(by_service.get(kpi.key, {}))
        print(f"{kpi.key:<28}{shown:>12}{value.denominator:>10,}{split:>10}")
    rss = peak_rss_mb()
    runs = ", ".join(f"{sample:.3f}" for sample in samples)
    print(f"runs (s): {runs}; median {median:.3f} s, {queries} queries ({sql_s:.3f} s of SQL)")
    cpu = statistics.median(cpu_samples)
    print(
        f"CPU time of this process per run: {cpu:.3f} s (on SQLite the database's work "
        "too: the time on an idle machine; on PostgreSQL the server's is not in it)"
    )
    print(f"with the engine's cache of closed periods warm: {statistics.median(cached):.4f} s")
    two_pass = statistics.median(two_pass_samples)
    print(f"overall and by service as two separate computations: {two_pass:.3f} s")
    records = statistics.median(records_samples)
    print(
        f"from the records alone (roll-ups off): {records:.3f} s, "
        f"CPU {statistics.median(records_cpu):.3f} s; the same numbers: {'yes' if agreed else 'NO'}"
    )
    for label, value, bar, unit in (
        ("every KPI, one quarter, overall and by service", median, BAR_SECONDS, "s"),
        ("peak RSS", rss, BAR_RSS_MB, "MB"),
    ):
        verdict = "meets" if value < bar else "MISSES"
        print(f"bar: {label} under {bar:g} {unit} -> {verdict} ({value:.3f} {unit})")
    print(
        json.dumps(
            {
                "tickets": tickets,
                "clocks": clocks,
                "surveys": surveys,
                "database": bench.vendor,
                "kpis": len(every),
                "quarter": period.key,
                "all_kpis_quarter_s": round(median, 3),
                "all_kpis_quarter_min_s": round(min(samples), 3),
                "all_kpis_quarter_max_s": round(max(samples), 3),
                "all_kpis_quarter_cpu_s": round(cpu, 3),
                "repeat": args.repeat,
                "all_kpis_quarter_cached_s": round(statistics.median(cached), 4),
                "all_kpis_quarter_two_pass_s": round(two_pass, 3),
                "all_kpis_quarter_records_s": round(records, 3),
                "all_kpis_quarter_records_cpu_s": round(statistics.median(records_cpu), 3),
                "rollup_build_s": args.rolled_up_in,
                "rollups_agree_with_records": agreed,
                "queries": queries,
                "sql_s": round(sql_s, 3),
                "peak_rss_mb": round(rss, 1),
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "peak_rss_before_kpis_mb": round(rss_before, 1),
                "seed_s": round(seed_s, 1) if seed_s else None,  # None: a kept database
                "migrate_s": round(migrate_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
