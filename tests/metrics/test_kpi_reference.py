"""The second, deliberately simple implementation of the service-desk KPIs
that test_kpi_properties.py compares the engine with: plain Python over
generated rows, keeping the ones a period holds and applying each KPI's
formula as its text in stanchion.tickets.kpis reads. Tested here on its own.

Rows give times as minutes after BASE (or after the ticket's opening); the
periods are November 2026 and October 2026 (745 hours: summer time ends on
the 25th) in Berlin.
"""

from dataclasses import dataclass, field
from datetime import UTC, timedelta

from stanchion.metrics.engine import ALL

from .conftest import LATER, NOV, month, utc

OCT = month(2026, 10)  # 745 hours: summer time ends on the 25th
# Each period with a moment while it runs; "now" is that or long after.
RUNNING = {NOV: utc(2026, 11, 20, 12), OCT: utc(2026, 10, 28, 12)}
BASE = utc(2026, 9, 25)  # histories run from here ...
SPAN_MINUTES = 75 * 24 * 60  # ... for 75 days, past the end of November


def _minutes(moment):
    return int((moment - BASE).total_seconds() // 60)


# Instants worth landing on exactly: the periods' edges (and a minute
# before them), and the backlog's 7/14/30-day cut-offs for each "now".
EDGES = sorted(
    {_minutes(e) + d for p, now in RUNNING.items() for e in (p.start, p.end, now) for d in (-1, 0)}
    | {
        _minutes(moment - timedelta(days=n))
        for p, now in RUNNING.items()
        for moment in (p.end, now)
        for n in (7, 14, 30)
    }
)


@dataclass
class Clock:
    kind: str
    state: str
    stopped: int | None  # minutes after the ticket was opened
    team: str | None


@dataclass
class Survey:
    sent: int  # minutes after BASE
    rating: int | None
    answered: int | None  # minutes after sending


@dataclass
class Row:
    kind: str
    created: int
    first_response: int | None
    resolved: int | None
    closed: int | None
    state: str
    pending_reason: str
    resolution_code: str
    priority: str
    service: str | None
    team: str | None
    requester: str
    category: str | None
    catalog: bool
    reassignments: int
    reopens: int
    escalated: bool
    resolved_by_tier: str
    impact: tuple | None  # (start minutes after BASE, duration or None)
    clocks: list = field(default_factory=list)
    surveys: list = field(default_factory=list)


def row(**fields):
    """A generated-looking row with quiet defaults (for explicit examples)."""
    defaults = dict(
        kind="incident", created=0, first_response=None, resolved=None, closed=None,
        state="new", pending_reason="", resolution_code="", priority="p3", service=None,
        team=None, requester="person", category=None, catalog=False, reassignments=0,
        reopens=0, escalated=False, resolved_by_tier="", impact=None,
    )  # fmt: skip
    return Row(**{**defaults, **fields})


def edge_history(period, now):
    """Open tickets exactly at, and a minute inside, each backlog cut-off;
    and outages that touch, overlap, run on, or hit a retired service."""
    as_of = min(period.end, now)
    rows = []
    for days in (7, 14, 30):
        cutoff = _minutes(as_of - timedelta(days=days))
        rows += [row(created=cutoff), row(created=cutoff + 1, kind="request")]
    outage = _minutes(period.start) + 600
    rows += [
        row(service="mail", impact=(outage, 60), resolved=60),
        row(service="mail", impact=(outage + 60, 30), resolved=60),  # touches the first
        row(service="mail", impact=(outage + 70, 5), resolved=60),  # inside the second
        row(service="vpn", impact=(_minutes(period.start) - 30, None), resolved=60),  # still down
        row(service="fax", impact=(outage, 600), resolved=60),  # retired
    ]
    return rows


# -- the second implementation ---------------------------------------------


def at(minutes):
    return None if minutes is None else BASE + timedelta(minutes=minutes)


def after(moment, minutes):
    return None if minutes is None else moment + timedelta(minutes=minutes)


class Reference:
    """The KPIs from the generated rows, in plain Python."""

    def __init__(self, history, world, period, now):
        self.world = world
        # All in UTC, where subtracting two instants gives the time between.
        self.start, self.end = period.start.astimezone(UTC), period.end.astimezone(UTC)
        self.as_of = min(self.end, now.astimezone(UTC))
        self.tickets = []
        for row in history:
            created = at(row.created)
            self.tickets.append(
                {
                    "row": row,
                    "created": created,
                    "first_response": after(created, row.first_response),
                    "resolved": after(created, row.resolved),
                    "closed": after(created, row.closed),
                }
            )

    def held(self, moment):
        return moment is not None and self.start <= moment < self.end

    def key(self, row, segment, clock=None):
        w = self.world
        if segment == "service":
            return w[row.service].pk if row.service else None
        if segment == "service_tier":
            return w[row.service].tier if row.service else None
        if segment == "team":
            team = clock.team if clock is not None and clock.kind.startswith("ola") else row.team
            return w[team].pk if team else None
        if segment == "priority":
            return row.priority
        if segment == "location":
            return w["berlin"].pk if row.requester == "person" else None
        if segment == "category":
            return w[row.category].pk if row.category else None
        return ALL

    def expected(self, segment):
        """{kpi: {segment value: [numerator, denominator]}}"""
        out = {}

        def add(kpi, key, numerator, counted=True):
            if counted:
                part = out.setdefault(kpi, {}).setdefault(key, [0.0, 0])
                part[0] += numerator
                part[1] += 1

        as_of = self.as_of
        for t in self.tickets:
            row, key = t["row"], self.key(t["row"], segment)
            incident, request = row.kind == "incident", row.kind == "request"
            if self.held(t["created"]):
                add("incident_volume", key, 0, incident)
                add("request_volume", key, 0, request)
                add("escalated_volume", key, 0, row.escalated)
            if self.held(t["first_response"]) and incident:
                add("mtta", key, (t["first_response"] - t["created"]).total_seconds())
            if self.held(t["resolved"]):
                took = (t["resolved"] - t["created"]).total_seconds()
                add("mttr", key, took, incident and row.resolution_code != "duplicate")
                first_contact = (
                    row.reassignments == 0 and not row.escalated and row.resolved_by_tier == "l1"
                )
                add("fcr", key, int(first_contact))
                add("reassignment_rate", key, int(row.reassignments >= 2))
                add("reopen_rate", key, int(row.reopens > 0))
                add("fulfilment_time", key, took, request and row.resolution_code == "fulfilled")
            still_open = (
                t["created"] < as_of
                and (t["resolved"] is None or t["resolved"] >= as_of)
                and (t["closed"] is None or t["closed"] >= as_of)
            )
            planned = row.state == "pending" and row.pending_reason == "pending_change"
            if still_open and not planned:
                for days in (7, 14, 30):
                    older = t["created"] < as_of - timedelta(days=days)
                    add(f"backlog_over_{days}d", key, int(older))
            for clock in row.clocks:
                stopped = after(t["created"], clock.stopped)
                if not self.held(stopped) or clock.state not in ("met", "missed"):
                    continue
                met = int(clock.state == "met")
                ckey = self.key(row, segment, clock)
                if clock.kind in ("response", "resolution"):
                    what = "response" if clock.kind == "response" else "resolution"
                    noun = "incidents" if incident else "requests"
                    add(f"sla_{what}_{noun}", ckey, met)
                    catalog = request and row.catalog and clock.kind == "resolution"
                    add("fulfilment_on_promise", ckey, met, catalog)
                else:
                    add("ola_attainment", ckey, met)
                    senior = clock.kind == "ola_response" and clock.team in ("l2", "l3")
                    add("l2l3_first_response", ckey, met, senior)
            for survey in row.surveys:
                sent = at(survey.sent)
                answered = after(sent, survey.answered)
                if self.held(answered) and survey.rating is not None:
                    add("csat_average", key, survey.rating)
                    add("csat_positive", key, int(survey.rating >= 4))
                if self.held(sent):
                    add("csat_response_rate", key, int(answered is not None))
        return out

    def availability(self, segment):
        """{segment value: (downtime seconds, records, failures, services)}"""
        live = [name for name in ("mail", "vpn", "fax") if self.world[name].status == "live"]

        def group(name):
            if segment is None:
                return ALL
            service = self.world[name]
            return service.pk if segment == "service" else service.tier

        windows, records = {}, {}
        for t in self.tickets:
            row = t["row"]
            if row.kind != "incident" or row.impact is None or row.service not in live:
                continue
            start = at(row.impact[0])
            end = after(start, row.impact[1])
            if not (start < self.as_of and (end is None or end > self.start)):
                continue
            records[group(row.service)] = records.get(group(row.service), 0) + 1
            start, end = max(start, self.start), min(end or self.as_of, self.as_of)
            if end > start:
                windows.setdefault(row.service, []).append((start, end))
        result = {}
        for name in live:
            key = group(name)
            down, failures, covered_to = 0.0, 0, None
            for start, end in sorted(windows.get(name, [])):
                if covered_to is None or start > covered_to:
                    failures += 1
                    down += (end - start).total_seconds()
                    covered_to = end
                elif end > covered_to:
                    down += (end - covered_to).total_seconds()
                    covered_to = end
            old = result.get(key, (0.0, records.get(key, 0), 0, 0))
            result[key] = (old[0] + down, old[1], old[2] + failures, old[3] + 1)
        return result


def test_the_reference_on_one_row(world):
    # One November incident answered after 30 minutes counts once in MTTA.
    rows = [row(created=_minutes(utc(2026, 11, 2)), first_response=30, service="mail")]
    expected = Reference(rows, world, NOV, LATER).expected(None)
    assert expected["mtta"] == {ALL: [1800.0, 1]}
    assert expected["incident_volume"] == {ALL: [0.0, 1]}
    assert "mttr" not in expected
    assert Reference(rows, world, OCT, LATER).expected(None) == {}


def test_the_reference_on_the_edge_history(world):
    # 10 h into November Mail is down 10:00-11:30 (one failure: the windows
    # touch), VPN from the start until the end (720 h), Fax is retired.
    reference = Reference(edge_history(NOV, LATER), world, NOV, LATER)
    outages = reference.availability("service")
    assert set(outages) == {world["mail"].pk, world["vpn"].pk}
    assert outages[world["mail"].pk] == (90 * 60.0, 3, 1, 1)
    assert outages[world["vpn"].pk] == (720 * 3600.0, 1, 1, 1)
    # Six open tickets (the outages' were resolved in October), at each
    # cut-off and a minute after it. Over 7 days: the four at the 14 and
    # 30-day ones; exactly 7 days is not more than 7. Over 30: none.
    backlog = reference.expected(None)
    assert backlog["backlog_over_7d"] == {ALL: [4.0, 6]}
    assert backlog["backlog_over_30d"] == {ALL: [0.0, 6]}
    # October in Berlin is 745 hours: VPN down from its start.
    october = Reference(edge_history(OCT, LATER), world, OCT, LATER).availability(None)
    assert october[ALL] == (745 * 3600.0 + 90 * 60.0, 4, 2, 2)
