"""Computes registered KPIs in the database: one aggregate query per source
for all the KPIs that read it, grouped by the chosen segment. Nothing loads
the records themselves; totals are sums of the per-segment parts, so "all"
and "by service" come from the same numbers.
"""

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count as CountAgg
from django.db.models import Q, Sum
from django.db.models import Value as Val
from django.utils import timezone

from . import rollups
from .registry import HIGHER, SEGMENTS, Count, Mean, Share, kpis

ALL = "all"  # the segment value of an unsplit KPI


class SegmentError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.field = "segment"
        self.message = message


@dataclass
class Value:
    """One KPI for one period and one segment value. ``denominator`` is the
    number of records behind it (the drill-down list's length); ``value`` is
    None when there were none."""

    kpi: object
    period: object
    segment: str | None
    segment_value: object
    numerator: float
    denominator: int
    target: float | None = None
    warning: float | None = None
    # What a custom KPI needs besides the two numbers (availability keeps
    # its downtime and the time span here).
    extra: dict = field(default_factory=dict)

    @property
    def value(self):
        kpi = self.kpi
        if kpi.custom is not None:
            return kpi.custom.value(self)
        if isinstance(kpi.measure, Count):
            return self.denominator
        if not self.denominator:
            return None
        if isinstance(kpi.measure, Share):
            return 100.0 * self.numerator / self.denominator
        return self.numerator / self.denominator / kpi.measure.scale

    @property
    def status(self):
        """on (meets the target), near (between target and warning), off;
        None when there is no value or no target."""
        value, target = self.value, self.target
        if value is None or target is None:
            return None
        better = (lambda a, b: a >= b) if self.kpi.direction == HIGHER else (lambda a, b: a <= b)
        if better(value, target):
            return "on"
        if self.warning is not None and better(value, self.warning):
            return "near"
        return "off"


def as_of(period, now=None):
    """A period's moment of truth: its end, or now while it is running."""
    now = now or timezone.now()
    return min(period.end, now)


def _segment_field(kpi, segment):
    if segment is None:
        return None
    if segment not in SEGMENTS:
        raise SegmentError(f"Unknown segment {segment!r}: choose one of {', '.join(SEGMENTS)}.")
    if segment not in kpi.segments:
        raise SegmentError(f"{kpi.name} cannot be split by {SEGMENTS[segment].lower()}.")
    return kpi.source.segments[segment] if kpi.source else segment


def _count(condition=None):
    # COUNT(1), not COUNT(id): every record counts, and SQLite need not
    # read the id of each (a fifth of an index-only clock query's time).
    return CountAgg(Val(1), filter=condition) if condition else CountAgg(Val(1))


def _aggregates(kpi, period, moment):
    population = kpi.population_q(period, moment)
    denominator = _count(population)
    measure = kpi.measure
    if isinstance(measure, Count):
        numerator = None
    elif isinstance(measure, Share):
        numerator = _count(population & kpi.numerator_q(period, moment))
    elif isinstance(measure, Mean):
        numerator = (
            Sum(measure.expression, filter=population) if population else Sum(measure.expression)
        )
    else:
        raise TypeError(f"{kpi.key}: unknown measure {measure!r}")
    return denominator, numerator


def _remember(parts, period, moment, build):
    """``build()``, kept for ``KPI_CACHE_SECONDS`` when the period is over.

    A closed period's numbers change only when old tickets do (a late
    survey answer, a reopened ticket), so trends over twelve periods need
    not re-aggregate a year of tickets on every page view; the running
    period is always computed afresh."""
    seconds = settings.KPI_CACHE_SECONDS
    if not seconds or moment < period.end:
        return build()
    database = connection.settings_dict["NAME"]
    text = repr((database, parts, period.start.isoformat(), period.end.isoformat()))
    key = "kpi:" + hashlib.sha256(text.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found


def annotations(group, period, moment):
    """The aggregates of a group of KPIs over one source: ``d<i>`` (the
    denominator) and ``n<i>`` (the numerator, for shares and means) for the
    i-th KPI."""
    found = {}
    for position, kpi in enumerate(group):
        denominator, numerator = _aggregates(kpi, period, moment)
        found[f"d{position}"] = denominator
        if numerator is not None:
            found[f"n{position}"] = numerator
    return found


def _source_rows(group, period, moment, field_name, where=None):
    """The group's aggregates over the period's records (or those ``where``
    selects), one row per value of ``field_name`` or one row in all."""
    source = group[0].source
    rows = source.queryset().filter(source.in_period(period, moment) if where is None else where)
    if field_name is None:
        return [rows.aggregate(**annotations(group, period, moment))]
    return list(rows.order_by().values(field_name).annotate(**annotations(group, period, moment)))


def _custom_values(kpi, period, moment, segment):
    parts = ("custom", kpi.key, segment)
    raw = _remember(
        parts,
        period,
        moment,
        lambda: {
            key: (value.numerator, value.denominator, value.extra)
            for key, value in kpi.custom.compute(kpi, period, moment, segment).items()
        },
    )
    return {
        key: Value(kpi, period, segment, key, numerator, denominator, extra=dict(extra))
        for key, (numerator, denominator, extra) in raw.items()
    }


def compute(selected, period, segment=None, *, now=None, targets=None):
    """{kpi key: {segment value: Value}} for the selected KPIs (keys or Kpi
    objects). Without a segment each KPI has one value under ``ALL``."""
    moment = as_of(period, now)
    if segment is not None and segment not in SEGMENTS:
        raise SegmentError(f"Unknown segment {segment!r}: choose one of {', '.join(SEGMENTS)}.")
    chosen = [kpis.get(k) if isinstance(k, str) else k for k in selected]
    targets = targets if targets is not None else target_table()
    by_source = defaultdict(list)
    results = {}
    for kpi in chosen:
        if segment is not None and segment not in kpi.segments:
            continue
        if kpi.custom is not None:
            results[kpi.key] = _custom_values(kpi, period, moment, segment)
        else:
            by_source[kpi.source.key].append(kpi)
    # The days already rolled up (metrics.rollups), looked up once for every
    # source and only when some source is not in the cache.
    coverage = rollups.Coverage(period, moment)
    for group in by_source.values():
        field_name = _segment_field(group[0], segment)
        parts = ("source", group[0].source.key, tuple(kpi.key for kpi in group), segment)
        if rollups.serves(group[0].source, segment):
            build = functools.partial(
                rollups.source_rows, group, period, moment, segment, field_name, coverage
            )
        else:
            build = functools.partial(_source_rows, group, period, moment, field_name)
        rows = _remember(parts, period, moment, build)
        for position, kpi in enumerate(group):
            values = results.setdefault(kpi.key, {})
            for row in rows:
                key = row[field_name] if field_name else ALL
                denominator = row[f"d{position}"] or 0
                if segment and not denominator:
                    continue
                values[key] = Value(
                    kpi, period, segment, key, row.get(f"n{position}") or 0, denominator
                )
            if not segment and ALL not in values:
                values[ALL] = Value(kpi, period, None, ALL, 0, 0)
    for values in results.values():
        for value in values.values():
            value.target, value.warning = targets.target_for(
                value.kpi, segment, value.segment_value
            )
    return results


def compute_split(selected, period, segment, *, now=None, targets=None):
    """(totals, split): the KPIs overall and split by ``segment``, from one
    pass over the records where the parts add up to the whole (counts,
    shares and means are sums of numerators over sums of denominators).
    Custom KPIs, KPIs that cannot be split and those whose parts overlap
    (parts_overlap) are computed overall on their own. Both have compute()'s
    shape."""
    targets = targets if targets is not None else target_table()
    chosen = [kpis.get(k) if isinstance(k, str) else k for k in selected]
    split = compute(chosen, period, segment, now=now, targets=targets)
    summable = [
        k for k in chosen if k.custom is None and k.key in split and not parts_overlap(k, segment)
    ]
    rest = [k for k in chosen if k not in summable]
    totals = compute(rest, period, now=now, targets=targets) if rest else {}
    for kpi in summable:
        parts = split[kpi.key].values()
        total = Value(
            kpi, period, None, ALL,
            sum(part.numerator for part in parts), sum(part.denominator for part in parts),
        )  # fmt: skip
        total.target, total.warning = targets.target_for(kpi)
        totals[kpi.key] = {ALL: total}
    return totals, split


def parts_overlap(kpi, segment):
    """Whether one record can count under several values of ``segment`` (a
    change on two services counts for each): then the parts add up to more
    than the whole, and the total is computed on its own."""
    model = kpi.source.model_class
    for name in kpi.source.segments[segment].split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def compute_one(kpi, period, segment=None, **options):
    key = kpi if isinstance(kpi, str) else kpi.key
    return compute([kpi], period, segment, **options).get(key, {})


def overall(kpi, period, **options):
    return compute_one(kpi, period, **options)[ALL]


def segment_filter(kpi, segment, value):
    """The Q that keeps one segment value's records (``none`` for records
    without one)."""
    if segment is None or value in (None, ALL):
        return Q()
    path = _segment_field(kpi, segment)
    if value == "none":
        return Q(**{f"{path}__isnull": True})
    return Q(**{path: value})


def records(kpi, period, segment=None, value=None, *, part="denominator", now=None):
    """The records behind a value: the population (whose count is the
    denominator) or, with ``part="numerator"``, the ones that met it."""
    moment = as_of(period, now)
    if kpi.custom is not None:
        return kpi.custom.records(kpi, period, moment, segment, value)
    source = kpi.source
    rows = source.queryset().filter(source.in_period(period, moment))
    rows = rows.filter(kpi.population_q(period, moment) & segment_filter(kpi, segment, value))
    if part == "numerator" and kpi.numerator_q(period, moment) is not None:
        rows = rows.filter(kpi.numerator_q(period, moment))
    if source.select_related:
        rows = rows.select_related(*source.select_related)
    return rows


def trend(kpi, period, count=12, *, now=None, segment=None, value=None, targets=None):
    """The KPI over this period and the ``count - 1`` before it (oldest
    first), overall or for one segment value."""
    targets = targets if targets is not None else target_table()
    series = []
    for each in period.history(count):
        values = compute([kpi], each, segment, now=now, targets=targets).get(kpi.key, {})
        key = ALL if segment is None else value
        found = values.get(key) or Value(kpi, each, segment, key, 0, 0)
        found.target, found.warning = targets.target_for(kpi, segment, key)
        series.append(found)
    return series


class TargetTable:
    """Defaults from the registry, overridden by the organisation's own
    targets (metrics.models.KpiTarget)."""

    def __init__(self, overrides=None):
        self.overrides = overrides or {}

    def target_for(self, kpi, segment=None, value=None):
        if segment == "priority" and value in kpi.priority_targets:
            key = (kpi.key, value)
            if key in self.overrides:
                return self.overrides[key]
            return kpi.priority_targets[value]
        if (kpi.key, "") in self.overrides:
            return self.overrides[(kpi.key, "")]
        return kpi.target, kpi.warning


def target_table():
    from .models import KpiTarget

    return TargetTable(
        {(t.kpi, t.priority): (t.target, t.warning) for t in KpiTarget.objects.all()}
    )
