"""The review's tables that are KPI values: service health, SLA attainment,
the incident and request trends and CSAT, each from the KPI engine for the
month and the months before it."""

from django.db.models import Count

from . import engine
from .engine import ALL
from .registry import kpis
from .review import SLA_KPIS, Column, Drill, Table, change, measure_columns, measure_row, value_of

TREND_MONTHS = 6
OTHER_CLOCK_KPIS = ("fulfilment_on_promise", "ola_attainment", "l2l3_first_response")
PRIORITIES = ("p1", "p2", "p3", "p4")
INCIDENT_KPIS = ("incident_volume", "mtta", "mttr", *SLA_KPIS[:2])
REQUEST_KPIS = ("request_volume", "fulfilment_time", "fulfilment_on_promise", *SLA_KPIS[2:])
CSAT_KPIS = ("csat_average", "csat_positive", "csat_response_rate")


# -- service health ---------------------------------------------------------


def _sla_share(by_key, key):
    met = total = 0
    for values in by_key.values():
        found = values.get(key)
        if found is not None:
            met += found.numerator
            total += found.denominator
    return (100.0 * met / total if total else None), total


def health_table(period, now, targets):
    from stanchion.catalog.choices import ServiceTier
    from stanchion.catalog.models import Service

    previous = period.previous()
    figures = {}
    for each in (period, previous):
        overall = engine.compute(
            ["availability", "incident_volume", *SLA_KPIS], each, now=now, targets=targets
        )
        split = engine.compute(
            ["availability", "incident_volume", *SLA_KPIS],
            each,
            "service",
            now=now,
            targets=targets,
        )
        figures[each] = (overall, split)
    (overall, split), (overall_before, split_before) = figures[period], figures[previous]
    # Live services, and any other with incidents or SLA clocks in either month.
    ids = {key for values in (*split.values(), *split_before.values()) for key in values}
    services = Service.objects.filter(pk__in=[i for i in ids if i is not None]).order_by("name")
    sla_now = {name: split.get(name, {}) for name in SLA_KPIS}
    sla_before = {name: split_before.get(name, {}) for name in SLA_KPIS}

    def row(label, tier, key, now_values, before_values, sla, sla_prev):
        segment = None if key == ALL else "service"
        availability = now_values.get("availability", {}).get(key)
        before = value_of(before_values.get("availability", {}), key)
        incidents = value_of(now_values.get("incident_volume", {}), key) or 0
        incidents_before = value_of(before_values.get("incident_volume", {}), key) or 0
        sla_met, clocks = _sla_share(sla, key)
        sla_met_before, _ = _sla_share(sla_prev, key)
        return {
            "service": label,
            "tier": tier,
            "availability": availability.value if availability else None,
            "availability_previous": before,
            "availability_change": change(availability.value if availability else None, before),
            "status": availability.status if availability else None,
            "outages": availability.extra.get("failures", 0) if availability else 0,
            "downtime_minutes": availability.numerator / 60.0 if availability else 0.0,
            "incidents": incidents,
            "incidents_previous": incidents_before,
            "incidents_change": incidents - incidents_before,
            "sla_clocks": clocks,
            "sla_met": sla_met,
            "sla_met_previous": sla_met_before,
            "sla_change": change(sla_met, sla_met_before),
            "links": {
                "availability": Drill("availability", period, segment, key),
                "availability_previous": Drill("availability", previous, segment, key),
                "incidents": Drill("incident_volume", period, segment, key),
                "incidents_previous": Drill("incident_volume", previous, segment, key),
            },
        }

    overall_sla = {name: overall.get(name, {}) for name in SLA_KPIS}
    overall_sla_before = {name: overall_before.get(name, {}) for name in SLA_KPIS}
    rows = [row("All services", "", ALL, overall, overall_before, overall_sla, overall_sla_before)]
    for service in services:
        tier = ServiceTier.label(service.tier).split(" — ")[0]
        rows.append(row(service.name, tier, service.pk, split, split_before, sla_now, sla_before))
    return Table(
        "health",
        "Service health",
        "Per live service: availability from incident impact windows (overlaps counted "
        "once), outages and downtime, incidents opened, and the share of SLA clocks (response "
        "and resolution, incidents and requests) that stopped in the month on time.",
        [
            Column("service", "Service"),
            Column("tier", "Tier"),
            Column("availability", "Availability", "percent", 3),
            Column("availability_previous", "Previous", "percent", 3),
            Column("availability_change", "Change", "percent", 3, change=True),
            Column("status", "Status", "status"),
            Column("outages", "Outages", "count"),
            Column("downtime_minutes", "Downtime", "minutes", 0, style="duration"),
            Column("incidents", "Incidents", "count"),
            Column("incidents_previous", "Previous", "count"),
            Column("incidents_change", "Change", "count", change=True),
            Column("sla_clocks", "SLA clocks", "count"),
            Column("sla_met", "SLA met", "percent"),
            Column("sla_met_previous", "Previous", "percent"),
            Column("sla_change", "Change", "percent", change=True),
        ],
        rows,
    )


# -- SLA attainment ---------------------------------------------------------


def sla_table(period, now, targets):
    previous = period.previous()
    keys = [*SLA_KPIS, *OTHER_CLOCK_KPIS]
    overall = engine.compute(keys, period, now=now, targets=targets)
    overall_before = engine.compute(keys, previous, now=now, targets=targets)
    split = engine.compute(SLA_KPIS, period, "priority", now=now, targets=targets)
    split_before = engine.compute(SLA_KPIS, previous, "priority", now=now, targets=targets)
    rows = []

    def add(key, segment_label, value, before, priority=ALL):
        segment = None if priority == ALL else "priority"
        clocks = value.denominator if value else 0
        met = int(value.numerator) if value else 0
        rows.append(
            {
                "measure": kpis.get(key).name,
                "priority": segment_label,
                "clocks": clocks,
                "met": met,
                "missed": clocks - met,
                "attainment": value.value if value else None,
                "previous": before.value if before else None,
                "change": change(value.value if value else None, before.value if before else None),
                "target": value.target if value else kpis.get(key).target,
                "status": value.status if value else None,
                "links": {
                    "clocks": Drill(key, period, segment, priority),
                    "met": Drill(key, period, segment, priority, "numerator"),
                    "attainment": Drill(key, period, segment, priority),
                    "previous": Drill(key, previous, segment, priority),
                },
            }
        )

    for key in keys:
        add(key, "All", overall[key][ALL], overall_before[key][ALL])
        if key in SLA_KPIS:
            for priority in PRIORITIES:
                value = split.get(key, {}).get(priority)
                before = split_before.get(key, {}).get(priority)
                if value or before:
                    add(key, priority.upper(), value, before, priority)
    return Table(
        "sla",
        "SLA attainment",
        "Of the clocks that stopped in the month (met or missed), the share that stopped "
        "before their due time; business time on the policy's calendar, pauses left out.",
        [
            Column("measure", "Measure"),
            Column("priority", "Priority"),
            Column("clocks", "Clocks", "count"),
            Column("met", "Met", "count"),
            Column("missed", "Missed", "count"),
            Column("attainment", "Attainment", "percent"),
            Column("previous", "Previous", "percent"),
            Column("change", "Change", "percent", change=True),
            Column("target", "Target", "percent"),
            Column("status", "Status", "status"),
        ],
        rows,
    )


# -- incident and request trends --------------------------------------------


def _trend_values(keys, months, now, targets, segment=None):
    return {m: engine.compute(keys, m, segment, now=now, targets=targets) for m in months}


def _kpi_rows(keys, values_by_month, months):
    """One trend row per KPI, this month's value linked to its records."""
    current = values_by_month[months[-1]]
    rows = []
    for key in keys:
        kpi = kpis.get(key)
        series = _series(values_by_month, key)
        rows.append(
            measure_row(kpi.name, kpi.unit, series, current[key][ALL], drill=(key,), months=months)
        )
    return rows


def _series(values_by_month, key, segment_value=ALL):
    return {m.key: value_of(v.get(key, {}), segment_value) for m, v in values_by_month.items()}


def incidents_table(period, now, targets):
    months = period.history(TREND_MONTHS)
    overall = _trend_values(INCIDENT_KPIS, months, now, targets)
    by_priority = _trend_values(["incident_volume"], months, now, targets, "priority")
    rows = [
        measure_row(
            "Incidents opened",
            "count",
            _series(overall, "incident_volume"),
            drill=("incident_volume",),
            months=months,
        )  # fmt: skip
    ]
    for priority in ("p1", "p2"):
        series = {k: v or 0 for k, v in _series(by_priority, "incident_volume", priority).items()}
        rows.append(
            measure_row(
                f"{priority.upper()} incidents opened",
                "count",
                series,
                drill=("incident_volume", "priority", priority),
                months=months,
            )  # fmt: skip
        )
    rows += _kpi_rows(INCIDENT_KPIS[1:], overall, months)
    return Table(
        "incidents",
        "Incident trend",
        f"The last {TREND_MONTHS} months, this month last; the change is against the previous "
        "month. MTTA and MTTR are wall-clock; SLA attainment is of clocks stopped in the month.",
        measure_columns(months),
        rows,
    )


def requests_table(period, now, targets):
    months = period.history(TREND_MONTHS)
    rows = _kpi_rows(REQUEST_KPIS, _trend_values(REQUEST_KPIS, months, now, targets), months)
    return Table(
        "requests",
        "Request trend",
        f"The last {TREND_MONTHS} months, this month last. Fulfilment time is wall-clock from "
        "request to fulfilment; the catalog promise is business time from the start of "
        "fulfilment.",
        measure_columns(months),
        rows,
    )


# -- CSAT -----------------------------------------------------------------------


def _ratings(period, now):
    answered = engine.records(kpis.get("csat_average"), period, now=now)
    counts = dict(answered.order_by().values_list("rating").annotate(n=Count("pk")))
    return {rating: counts.get(rating, 0) for rating in range(1, 6)}


def csat_table(period, now, targets):
    previous = period.previous()
    months = [previous, period]
    values = _trend_values(CSAT_KPIS, months, now, targets)
    current = values[period]
    rows = []
    for key in CSAT_KPIS:
        kpi = kpis.get(key)
        rows.append(
            measure_row(
                kpi.name,
                kpi.unit,
                _series(values, key),
                current[key][ALL],
                drill=(key,),
                months=months,
            )  # fmt: skip
        )
    answered = {m.key: values[m]["csat_average"][ALL].denominator for m in months}
    sent = {m.key: values[m]["csat_response_rate"][ALL].denominator for m in months}
    rows.append(
        measure_row("Surveys sent", "count", sent, drill=("csat_response_rate",), months=months)
    )
    rows.append(
        measure_row("Surveys answered", "count", answered, drill=("csat_average",), months=months)
    )
    ratings = {m.key: _ratings(m, now) for m in months}
    for rating in range(5, 0, -1):
        series = {m.key: ratings[m.key][rating] for m in months}
        rows.append(measure_row(f"Rated {rating}", "count", series))
    return Table(
        "csat",
        "Customer satisfaction",
        "Surveys answered in the month (average and share rated 4 or 5), and of the surveys "
        "sent in the month the share answered.",
        measure_columns(months),
        rows,
    )
