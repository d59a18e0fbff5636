"""Service desk benchmark: queue page, ticket page, full-text search and
ticket creation over a million incidents.

    python benchmarks/tickets.py [--size N] [--database URL] [--requests N] [--keep]
    python benchmarks/tickets.py --reuse URL   # measure an earlier --keep database again

Bars (docs/benchmarks.md): the team queue page (50 rows, filtered by team,
open states, sorted by SLA due) and the ticket page with 200 timeline events
at p95 under 150 ms server time; full-text search p95 under 300 ms.

The database is the benchmark's own: a SQLite file in a new temporary
directory, or with ``--database postgres://user:pw@host:port/any`` a new
database ``stanchion_bench_<pid>`` on that server, dropped at the end (unless
``--keep``). It never touches the user's database. Seeding (see
``seed_tickets.py``) writes the tickets, timelines and clocks as bulk rows:
the benchmark database has no audit entries for them.

Measured in process with Django's test Client against the real URLs, signed
in as an agent of the queue's team, after warm-up requests (server time, no
network): the queue page ``tickets:queue-teams`` filtered by that team, the
ticket page ``tickets:ticket`` of the ticket with 200 events; search as
``tickets.search.ticket_ids`` plus loading the 50 tickets it names, over a
mix of common words, prefixes, rare device names and misses; creation as
``POST /api/incidents/`` with an API token. Where a page does not exist the
equivalent ORM queries are measured instead and the output says so. Beside
the wall-clock percentiles (the bars' server time) it prints the CPU time
each request took and the machine's load average: on a shared machine the
first grows with other people's work, the second much less. The last line
printed is one JSON object of figures.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

BAR_PAGE_P95_MS = 150.0
BAR_SEARCH_P95_MS = 300.0
SEARCHES = [
    "vpn",
    "outlook",
    "certificate warning",
    "password expired",
    "dock",
    "slack disconnects",
    "handshake timeout",
    "zoom room",
    "ws-ber-0042",
    "0x8007beef",
    "restarting did not help",
    "vendor ticket supplier",
    "github login loop",
    "nosuchwordanywhere",
]


class BenchDatabase:
    """Points Django at a database of the benchmark's own and removes it after."""

    def __init__(self, url, *, reuse=None, keep=False):
        self.keep = keep or bool(reuse)
        self.reuse = reuse
        self.tempdir = tempfile.mkdtemp(prefix="stanchion-bench-")
        self.admin_url = None
        self.name = None
        os.environ["STANCHION_VAR_DIR"] = self.tempdir
        os.environ["DJANGO_SETTINGS_MODULE"] = "stanchion.settings"
        target = reuse or url
        if target and target.startswith("postgres"):
            self.vendor = "postgresql"
            parsed = urlparse(target)
            if reuse:
                self.url = reuse
            else:
                self.name = f"stanchion_bench_{os.getpid()}"
                self.admin_url = target
                self._admin(f'CREATE DATABASE "{self.name}"')
                self.url = urlunparse(parsed._replace(path=f"/{self.name}"))
            os.environ["STANCHION_DATABASE_URL"] = self.url
        else:
            self.vendor = "sqlite"
            path = urlparse(reuse).path if reuse else str(Path(self.tempdir) / "bench.sqlite3")
            self.url = f"sqlite:///{path}"
            os.environ["STANCHION_DATABASE_URL"] = self.url
        self.where = self.url

    def _admin(self, statement):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def close(self):
        from django.db import connections

        connections.close_all()
        if self.keep:
            print(f"kept the benchmark database: --reuse {self.url}")
        elif self.name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
        holds_database = self.vendor == "sqlite" and self.keep and not self.reuse
        if not holds_database:
            shutil.rmtree(self.tempdir, ignore_errors=True)


def percentiles(samples_ms):
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def measure(fn, count, warm=5):
    """Wall-clock percentiles (the bar's server time), with the CPU time the
    process spent per request beside them as ``cpu_p50``/``cpu_p95``: on a
    machine shared with other work, waiting for a core inflates the wall
    time, not the CPU time. (With PostgreSQL the database server's own CPU
    is not in it; its queries' time is in "SQL ms".)"""
    for _ in range(warm):
        fn(0)
    samples, cpu = [], []
    for index in range(count):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn(index)
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    figures = percentiles(samples)
    cpu_figures = percentiles(cpu)
    figures.update(cpu_p50=cpu_figures["p50"], cpu_p95=cpu_figures["p95"])
    return figures


def count_queries(fn):
    """Queries one request runs, and the milliseconds they took (the rest of
    the request is Python: views, templates, serialisers)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn(0)
    queries = captured.captured_queries
    return len(queries), sum(float(q["time"]) for q in queries) * 1000


def url_or_none(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def queue_measure(client, seeded):
    from stanchion.tickets.choices import OPEN_STATES
    from stanchion.tickets.models import Ticket

    url = url_or_none("tickets:queue-teams")
    if url:
        params = {"assignment_team": seeded.queue_team.pk, "sort": "sla"}

        def run(_):
            response = client.get(url, params)
            if response.status_code != 200:
                raise SystemExit(f"queue page answered {response.status_code}")
            return response

        page = run(0).content.decode()
        rows = page.count('href="/desk/tickets/INC-')
        return run, f"GET {url}?assignment_team=…&sort=sla ({rows} ticket links)"

    def run(_):
        return list(
            Ticket.objects.filter(assignment_team=seeded.queue_team, state__in=OPEN_STATES)
            .select_related("requester", "assignment_team", "assignee")
            .order_by("sla_due_at", "id")[:50]
        )

    return run, "ORM query (no queue page yet)"


def ticket_page_measure(client, seeded):
    from stanchion.tickets.models import Ticket

    url = url_or_none("tickets:ticket", seeded.big_ticket)
    if url:

        def run(_):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"ticket page answered {response.status_code}")
            return response

        return run, f"GET {url}"

    def run(_):
        ticket = Ticket.objects.select_related(
            "requester", "assignment_team", "assignee", "service", "category"
        ).get(number=seeded.big_ticket)
        return list(ticket.events.select_related("actor")), list(ticket.clocks.all())

    return run, "ORM queries (no ticket page yet)"


def search_measure():
    from stanchion.tickets import search
    from stanchion.tickets.models import Ticket

    def run(index):
        ids = search.ticket_ids(SEARCHES[index % len(SEARCHES)], limit=50)
        found = Ticket.objects.filter(pk__in=ids).select_related("requester", "assignment_team")
        return list(found)

    return run, "search.ticket_ids(q, limit=50) + loading the 50 tickets"


def create_measure(seeded, count):
    """Tickets per second through POST /api/incidents/, else the service."""
    from rest_framework.test import APIClient

    from stanchion.accounts import services as accounts
    from stanchion.tickets import services

    url = url_or_none("incident-list") or url_or_none("api:incident-list")
    body = {
        "title": "Benchmark: VPN drops every few minutes",
        "description": "Created by the benchmark.",
        "requester": seeded.requester.pk,
        "service": seeded.service.pk,
        "impact": "3",
        "urgency": "2",
        "assignment_team": seeded.queue_team.pk,
    }
    if url:
        _, raw = accounts.issue_token(
            actor=seeded.agent, user=seeded.agent, name="bench", scope="write"
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

        def create(_):
            response = api.post(url, body, format="json")
            if response.status_code != 201:
                raise SystemExit(f"POST {url} answered {response.status_code}: {response.content}")

        how = f"POST {url}"
    else:

        def create(_):
            services.open_incident(
                actor=seeded.agent,
                requester=seeded.requester,
                title=body["title"],
                description=body["description"],
                service=seeded.service,
                urgency="2",
                assignment_team=seeded.queue_team,
            )

        how = "services.open_incident (no API yet)"
    create(0)
    began = time.perf_counter()
    for index in range(count):
        create(index)
    return count / (time.perf_counter() - began), how


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="tickets (default 1000000)")
    parser.add_argument("--database", help="postgres://... server to create a database on")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--creates", type=int, default=200, help="tickets created for the rate")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()

    bench = BenchDatabase(args.database, reuse=args.reuse, keep=args.keep)
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

    import seed_tickets

    # The test Client's host. (Not setup_test_environment: its template
    # instrumentation copies every context rendered, which is test-only cost,
    # not server time.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Creating tickets notifies people: mail goes to memory, not to a server.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - began
    if args.reuse:
        seeded = seed_tickets.describe()
        seed_s = None
        print(f"Reusing {bench.where}: {seeded.tickets:,} tickets, {seeded.events:,} events")
    else:
        print(f"Seeding {args.size:,} incidents into {bench.vendor} ({bench.where})")
        began = time.perf_counter()
        seeded = seed_tickets.seed(args.size, seed=args.seed)
        seed_s = time.perf_counter() - began
        print(f"Seeded {seeded.tickets:,} tickets, {seeded.events:,} events in {seed_s:.1f} s")

    client = Client()
    client.force_login(seeded.agent)
    rows = []
    queue_run, queue_how = queue_measure(client, seeded)
    page_run, page_how = ticket_page_measure(client, seeded)
    search_run, search_how = search_measure()
    load_before = os.getloadavg()[0]
    for name, fn, how in (
        ("queue page", queue_run, queue_how),
        ("ticket page (200 events)", page_run, page_how),
        ("full-text search", search_run, search_how),
    ):
        figures = measure(fn, args.requests)
        rows.append((name, figures, *count_queries(fn), how))
    load_after = os.getloadavg()[0]
    create_per_s, create_how = create_measure(seeded, args.creates)

    print(
        f"{'what':<26}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p50':>9}{'cpu p95':>9}"
        f"{'queries':>9}{'SQL ms':>8}  how"
    )
    for name, figures, queries, sql_ms, how in rows:
        print(
            f"{name:<26}{figures['p50']:>9.1f}{figures['p95']:>9.1f}{figures['max']:>9.1f}"
            f"{figures['cpu_p50']:>9.1f}{figures['cpu_p95']:>9.1f}{queries:>9}{sql_ms:>8.1f}  {how}"
        )
    print(
        f"load average (1 min) on {os.cpu_count()} cores: {load_before:.1f} before the page "
        f"measurements, {load_after:.1f} after (above the core count, requests wait for a core)"
    )
    print(f"{'ticket creation':<26}{create_per_s:>9.1f} tickets/s  {create_how}")
    queue, page, found = (r[1] for r in rows)
    verdicts = [
        ("queue page p95", queue["p95"], BAR_PAGE_P95_MS),
        ("ticket page p95", page["p95"], BAR_PAGE_P95_MS),
        ("search p95", found["p95"], BAR_SEARCH_P95_MS),
    ]
    for label, value, bar in verdicts:
        verdict = "meets" if value < bar else "MISSES"
        print(f"bar: {label} under {bar:.0f} ms -> {verdict} ({value:.1f} ms)")
    print(
        json.dumps(
            {
                "tickets": seeded.tickets,
                "timeline_events": seeded.events,
                "database": bench.vendor,
                "queue_p50_ms": round(queue["p50"], 1),
                "queue_p95_ms": round(queue["p95"], 1),
                "queue_cpu_p50_ms": round(queue["cpu_p50"], 1),
                "queue_cpu_p95_ms": round(queue["cpu_p95"], 1),
                "queue_queries": rows[0][2],
                "queue_sql_ms": round(rows[0][3], 1),
                "ticket_page_p50_ms": round(page["p50"], 1),
                "ticket_page_p95_ms": round(page["p95"], 1),
                "ticket_page_cpu_p50_ms": round(page["cpu_p50"], 1),
                "ticket_page_cpu_p95_ms": round(page["cpu_p95"], 1),
                "ticket_page_queries": rows[1][2],
                "ticket_page_sql_ms": round(rows[1][3], 1),
                "search_p50_ms": round(found["p50"], 1),
                "search_p95_ms": round(found["p95"], 1),
                "create_per_s": round(create_per_s, 1),
                "seed_s": round(seed_s, 1) if seed_s is not None else None,
                "migrate_s": round(migrate_s, 1),
                "requests_per_measure": args.requests,
                "load_avg_1m": [round(load_before, 1), round(load_after, 1)],
                "cores": os.cpu_count(),
                "queue_measured": "page" if queue_how.startswith("GET") else "orm",
                "ticket_page_measured": "page" if page_how.startswith("GET") else "orm",
                "create_measured": "api" if create_how.startswith("POST") else "service",
            }
        )
    )


if __name__ == "__main__":
    main()
