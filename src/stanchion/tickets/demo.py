"""The demo company's service desk: a year of incidents and requests, ending
now, written through the real service functions with explicit ``now=``
times, so SLA clocks, timelines, CSAT and the audit trail are all real.

Each ticket is a story (a generator in ``demo_stories``) that does one step
(open, reply, escalate, pend, resolve, reopen, rate, approve, work a task)
and yields the time of its next step. A scheduler runs every story's steps
in time order across the year, and runs the SLA job (warnings, breaches,
auto-close) in between, on the hour when a clock has something due. Steps that fall after now
never run: the tickets they belong to are today's open work, in every
queue, some of them close to breaching.

Options: ``tickets`` (how many arrive over the year, default
``DEFAULT_TICKETS``; outage reports come on top) and ``now`` (for tests).
Deterministic for a seed and a ``now``. Events are muted while the history
is written: nobody is notified of last year.
"""

import heapq
from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from stanchion.core.services import create_record

from . import demo_plan, events
from .choices import ClockState
from .demo_stories import Desk, incident_story, outage_story, request_story
from .jobs import check_sla_clocks
from .models import Category, SlaClock, Ticket

DEFAULT_TICKETS = 400
SLA_TICK = timedelta(hours=1)
REQUEST_SHARE = 0.35

CATEGORIES = {
    "Access": ["Password and sign-in", "Multi-factor authentication", "Permissions"],
    "Hardware": ["Laptop", "Peripherals", "Printer"],
    "Software": ["Installation", "Crash or error", "Licence"],
    "Network": ["VPN", "Wi-Fi", "Office network"],
    "Email & calendar": ["Mail delivery", "Calendar", "Shared mailbox"],
    "Collaboration": ["Chat", "Video calls", "Wiki"],
    "Development tools": ["Source control", "CI", "Cloud accounts"],
    "Business applications": ["CRM", "Finance", "Data warehouse"],
    "Security": ["Phishing", "Lost or stolen device", "Malware alert"],
}


def create_categories():
    taxonomy = {}
    for name, subs in CATEGORIES.items():
        parent = create_record(Category, {"name": name})
        taxonomy[name] = (parent, {sub: create_record(Category, {"name": sub, "parent": parent})
                                   for sub in subs})  # fmt: skip
    return taxonomy


class Scheduler:
    """Story steps in time order, with the SLA job in between.

    The job runs at hourly ticks, but only when a running clock has reached
    its warning or due time since the last look (one indexed query, and only
    after some step changed clocks), and once a day for auto-close."""

    def __init__(self, now):
        self.now = now
        self.queue = []
        self.order = 0  # ties run in the order they were scheduled
        self.next_tick = None
        self.next_due = None  # earliest warn/due time of a running clock
        self.changed = True
        self.last_day = None

    def add(self, at, story):
        if at <= self.now:
            heapq.heappush(self.queue, (at, self.order, story))
            self.order += 1

    def run(self):
        while self.queue:
            at, _, story = heapq.heappop(self.queue)
            self._tick_until(at)
            try:
                # A story yields the time of its next step; it is resumed at
                # exactly that time, or never when that lies after now.
                following = next(story)
            except StopIteration:
                continue
            finally:
                self.changed = True
            self.add(following, story)
        self._tick_until(self.now)

    def _tick_until(self, at):
        if self.next_tick is None:
            self.next_tick = at.replace(minute=0, second=0, microsecond=0) + SLA_TICK
        while self.next_tick <= at:
            tick = self.next_tick
            self.next_tick += SLA_TICK
            if self.changed:
                self.next_due, self.changed = _next_clock_point(), False
            new_day = tick.date() != self.last_day
            if new_day or (self.next_due is not None and self.next_due <= tick):
                check_sla_clocks(now=tick)
                self.last_day, self.changed = tick.date(), True


def _next_clock_point():
    running = SlaClock.objects.filter(state=ClockState.RUNNING)
    warn = running.filter(warned_at__isnull=True).aggregate(at=Min("warn_at"))["at"]
    due = running.filter(breached_at__isnull=True).aggregate(at=Min("due_at"))["at"]
    return min((t for t in (warn, due) if t is not None), default=None)


def create_ticket_history(rng, ctx, options):
    count = options.get("tickets")
    count = DEFAULT_TICKETS if count is None else count
    now = options.get("now") or timezone.now()
    if count == 0:
        return
    with events.muted():
        taxonomy = create_categories()
        desk = Desk(ctx, taxonomy, rng, now)
        scheduler = Scheduler(now)
        outage_masters = {}
        for arrival in demo_plan.arrivals(rng, count, end=now):
            if arrival.outage is not None:
                story = outage_story(desk, arrival, outage_masters)
            elif rng.random() < REQUEST_SHARE:
                story = request_story(desk, arrival)
            else:
                story = incident_story(desk, arrival)
            scheduler.add(arrival.at, story)
        scheduler.run()
    ctx["categories"] = taxonomy
    tickets = Ticket.objects.all()
    ctx["summary"].extend(
        [
            ("Incidents", tickets.filter(kind="incident").count()),
            ("Service requests", tickets.filter(kind="request").count()),
            ("Open tickets", tickets.open().count()),
        ]
    )
