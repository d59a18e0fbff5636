"""Service availability and MTBF from incident outage windows.

An incident's impact window (impact_start to impact_end, or to now while it
lasts) is an outage of its service. Overlapping outages of one service are
merged before they are counted, so two reports of one outage are not twice
the downtime. Only incidents with an impact window are read: a small set,
so merging happens in Python; the tickets themselves are never all loaded.
"""

from datetime import UTC

from django.db.models import Q

from stanchion.metrics.engine import ALL, Value, segment_filter
from stanchion.metrics.registry import HIGHER, Kpi, kpis

GROUP = "Service desk"
COUNTED_STATUSES = ("live", "retiring")


def merge(intervals):
    """Sorted, non-overlapping intervals covering the given ones."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _outages(period, as_of):
    from .models import Ticket

    return Ticket.objects.filter(
        Q(kind="incident", impact_start__isnull=False, service__status__in=COUNTED_STATUSES)
        & Q(impact_start__lt=as_of)
        & (Q(impact_end__isnull=True) | Q(impact_end__gt=period.start))
    )


class OutageWindows:
    """The custom computation shared by availability and MTBF."""

    def _group(self, segment):
        if segment in (None, "service"):
            return "service_id"
        return "service__tier"

    def compute(self, kpi, period, as_of, segment):
        from stanchion.catalog.models import Service

        # In UTC: subtracting two times of one zone ignores a DST change.
        begin, as_of = period.start.astimezone(UTC), as_of.astimezone(UTC)
        span = max((as_of - begin).total_seconds(), 0.0)
        services = Service.objects.filter(status__in=COUNTED_STATUSES)
        members = {}  # segment value -> number of services it covers
        for service_id, tier in services.values_list("id", "tier"):
            key = ALL if segment is None else (service_id if segment == "service" else tier)
            members[key] = members.get(key, 0) + 1
        windows, records = {}, {}
        rows = _outages(period, as_of).values_list(
            "service_id", "service__tier", "impact_start", "impact_end"
        )
        for service_id, tier, start, end in rows:
            start, end = max(start, begin), min(end or as_of, as_of)
            key = ALL if segment is None else (service_id if segment == "service" else tier)
            records[key] = records.get(key, 0) + 1
            if end > start:
                windows.setdefault((key, service_id), []).append((start, end))
        downtime, failures = {}, {}
        for (key, _service), intervals in windows.items():
            merged = merge(intervals)
            downtime[key] = downtime.get(key, 0.0) + sum(
                (end - start).total_seconds() for start, end in merged
            )
            failures[key] = failures.get(key, 0) + len(merged)
        values = {}
        for key in set(members) | set(records):
            values[key] = Value(
                kpi, period, segment, key, downtime.get(key, 0.0), records.get(key, 0),
                extra={"span": span * max(members.get(key, 0), 1),
                       "failures": failures.get(key, 0)},
            )  # fmt: skip
        if segment is None and ALL not in values:
            values[ALL] = Value(kpi, period, None, ALL, 0.0, 0, extra={"span": 0, "failures": 0})
        return values

    def records(self, kpi, period, as_of, segment, value):
        rows = _outages(period, as_of)
        if segment is not None and value not in (None, ALL):
            rows = rows.filter(segment_filter(kpi, segment, value))
        return rows.select_related("service", "assignment_team")


class Availability(OutageWindows):
    def value(self, item):
        span = item.extra.get("span") or 0
        if not span:
            return None
        return 100.0 * (1 - item.numerator / span)


class Mtbf(OutageWindows):
    def value(self, item):
        failures = item.extra.get("failures") or 0
        span = item.extra.get("span") or 0
        if not failures:
            return None
        return (span - item.numerator) / failures / 3600.0


# Segment fields for the drill-down filter (the records are incidents).
_SEGMENTS = {"service": "service", "service_tier": "service__tier"}


class _Source:
    """Just enough of a metrics Source for segment filters on outages."""

    key = "outages"
    title = "Incidents whose impact window overlaps the period"
    segments = _SEGMENTS


AVAILABILITY_KPIS = [
    Kpi(
        key="availability",
        name="Service availability",
        group=GROUP,
        formula=(
            "For each live service: 100% minus the share of the period (up to now, for the "
            "current period) covered by the impact windows of its incidents. Across several "
            "services: 100% minus their total downtime over their total time."
        ),
        notes=(
            "An outage is an incident's impact window (impact start to impact end, or to now "
            "while it lasts). Overlapping windows of one service count once. The linked list "
            "is the incidents whose windows make up the downtime."
        ),
        unit="percent",
        direction=HIGHER,
        source=_Source(),
        measure=None,
        custom=Availability(),
        target=99.9,
        warning=99.5,
        segments=("service", "service_tier"),
        order=5,
    ),
    Kpi(
        key="mtbf",
        name="Mean time between failures (MTBF)",
        group=GROUP,
        formula=(
            "For each live service: the time it was up in the period divided by the number of "
            "separate outages, in hours. No outage, no value."
        ),
        notes=(
            "Overlapping impact windows of one service are one failure. Across several services "
            "(a tier, or all): their total up time over their total failures, i.e. service-hours "
            "between failures, which grows with the number of services."
        ),
        unit="hours",
        direction=HIGHER,
        source=_Source(),
        measure=None,
        custom=Mtbf(),
        target=720.0,
        warning=168.0,
        segments=("service", "service_tier"),
        order=6,
    ),
]

__all__ = ["AVAILABILITY_KPIS", "kpis", "merge"]
