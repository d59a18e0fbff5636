"""Daily roll-ups: a KPI source's numbers kept per day, so a quarter reads
about ninety days of sums instead of every record it holds.

A source with a ``rollup_field`` (tickets opened, first answered, resolved;
SLA and OLA clocks stopped; surveys sent and answered) puts each record in a
period by that one instant. For each day of the report time zone that is
over, ``build`` stores a *slice* (RollupSlice) and, for each of the source's
KPIs and each value of the service, team, priority and category segments,
the KPI's numerator and denominator over that day's records (RollupRow).
The engine (``source_rows``) then adds up the slices inside a period and
computes only the rest from the records (the running day, days not built
yet, days whose records changed): the same sums, so the numbers and the
drill-down lists behind them agree whichever way a day was counted. The
totals are the service rows added up; "by service tier" maps the service
rows to each service's current tier; "by location" always reads the records.

A slice is true only while none of its records changes. The apps that own
the records call ``invalidate`` from their model signals with the instants a
changed record had and has (the tickets app: tickets/kpi_rollups.py), which
deletes the slices holding them; the hourly job builds them again. Only
KPIs whose population and numerator are plain conditions on the record are
rolled up (a condition that depends on the period, like a backlog's age,
is always computed from the records), and each slice carries a
``signature`` of the definitions it was built with: a changed formula reads
no old rows, and the next build starts the source again.
"""

import hashlib
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Min, Q, Sum, Value, When
from django.utils import timezone

from .models import RollupRow, RollupSlice
from .periods import Period
from .registry import Mean, Share, kpis

# The segments kept in the rows: fields of the record itself (or of its
# ticket), never of a related record that can change on its own.
SEGMENTS = ("service", "team", "priority", "category")
# Read from the service rows: a service's tier is looked up when reading.
DERIVED = {"service_tier": "service"}
# A day is rolled up once it has been over this long, so that writes still
# in flight at midnight are in it. Hence a record changed at an instant more
# recent than this cannot be in any slice, and needs no invalidation.
SETTLE = timedelta(hours=1)
# PostgreSQL advisory lock: invalidations share it, a slice's build holds it
# alone, so a build never stores a day from before a change committed while
# it read. (SQLite's writers already queue: transactions begin IMMEDIATE.)
_LOCK_KEY = 7_510_331
# Slices the periodic job builds per run: a first roll-up of years of
# tickets is spread over many runs instead of holding up the other jobs.
JOB_LIMIT = 100
# Days read by one query when rolling up.
DAYS_PER_QUERY = 31


def enabled():
    return settings.KPI_ROLLUPS


_derived = {}


def _remembered(name, compute):
    """compute(), once per registry version (KPIs register at start-up; the
    engine asks for these on every computation and save)."""
    key = (name, kpis.version)
    if key not in _derived:
        _derived[key] = compute()
    return _derived[key]


def rolled_kpis(source):
    """The KPIs of ``source`` that roll up: plain conditions, no custom
    computation."""
    return _remembered(("rolled", source.key), lambda: _rolled_kpis(source))


def _rolled_kpis(source):
    found = []
    for kpi in kpis.all():
        if kpi.source is None or kpi.source.key != source.key or kpi.custom is not None:
            continue
        numerator = kpi.measure.numerator if isinstance(kpi.measure, Share) else None
        if callable(kpi.population) or callable(numerator):
            continue
        found.append(kpi)
    return found


def sources():
    """Every source that has KPIs to roll up, once each."""
    return _remembered("sources", _sources)


def _sources():
    found = {}
    for kpi in kpis.all():
        source = kpi.source
        fresh = kpi.custom is None and source is not None and source.key not in found
        fresh = fresh and bool(source.rollup_field)
        if fresh and rolled_kpis(source):
            found[source.key] = source
    return list(found.values())


def sources_over(model):
    return [source for source in sources() if source.model_class is model]


def signature(source):
    """Names the definitions behind a source's rows: its record filter, its
    segments and each rolled KPI's population and measure."""
    return _remembered(("signature", source.key), lambda: _signature(source))


def _signature(source):
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    probe = Period("custom", epoch, epoch)
    parts = [
        source.rollup_field,
        repr(source.in_period(probe, epoch)),
        repr(sorted(source.segments.items())),
    ]
    for kpi in rolled_kpis(source):
        parts.append(repr((kpi.key, kpi.population, kpi.measure)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def serves(source, segment):
    """Whether a source's values for ``segment`` can come from roll-ups."""
    return (
        enabled()
        and bool(source.rollup_field)
        and (segment is None or segment in SEGMENTS or segment in DERIVED)
    )


def _lock(shared):
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [_LOCK_KEY])


# -- building ---------------------------------------------------------------


def _days(first, last_end, tz):
    """(start, end) of each day of ``tz`` from the one holding ``first`` to
    the last that ends by ``last_end``."""
    day = first.astimezone(tz).date()
    while True:
        start = datetime.combine(day, time(), tzinfo=tz)
        day += timedelta(days=1)
        end = datetime.combine(day, time(), tzinfo=tz)
        if end > last_end:
            return
        yield start, end


def _segment_paths(source):
    return {segment: source.segments[segment] for segment in SEGMENTS}


def _runs(days, longest):
    """Consecutive days in runs of at most ``longest``."""
    run = []
    for day in days:
        if run and (run[-1][1] != day[0] or len(run) == longest):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def _rows_of_days(source, group, days):
    """The rows of consecutive days: one query grouped by the day and all
    four segments at once (each day's records at most), summed here per
    segment."""
    from . import engine

    span = Period("custom", days[0][0], days[-1][1])
    paths = _segment_paths(source)
    field = source.rollup_field
    ends = [When(**{f"{field}__lt": end}, then=Value(i)) for i, (_, end) in enumerate(days)]
    day_of = Case(*ends, output_field=IntegerField())
    records = source.queryset().filter(source.in_period(span, span.end)).order_by()
    grouped = (
        records.annotate(rollup_day=day_of)
        .values("rollup_day", *paths.values())
        .annotate(**engine.annotations(group, span, span.end))
    )
    sums = defaultdict(lambda: [0.0, 0])
    for row in grouped:
        for position, kpi in enumerate(group):
            denominator = row[f"d{position}"] or 0
            if not denominator:
                continue
            numerator = row.get(f"n{position}") or 0
            for segment, path in paths.items():
                total = sums[(row["rollup_day"], segment, kpi.key, row[path])]
                total[0] += numerator
                total[1] += denominator
    return [
        RollupRow(
            source=source.key,
            segment=segment,
            start=days[day][0],
            end=days[day][1],
            kpi=key,
            value=None if value is None else str(value),
            numerator=numerator,
            denominator=denominator,
        )  # fmt: skip
        for (day, segment, key, value), (numerator, denominator) in sums.items()
    ]


def _build_days(source, group, sign, days, now):
    starts = [start for start, _ in days]
    with transaction.atomic():
        _lock(shared=False)
        RollupRow.objects.filter(source=source.key, start__in=starts).delete()
        RollupSlice.objects.filter(source=source.key, start__in=starts).delete()
        RollupRow.objects.bulk_create(_rows_of_days(source, group, days), batch_size=1000)
        RollupSlice.objects.bulk_create(
            RollupSlice(source=source.key, start=start, end=end, signature=sign, built_at=now)
            for start, end in days
        )


def build(now=None, *, only=None, limit=None):
    """Roll up the days that are over (by ``SETTLE``) and not rolled up yet,
    from each source's first record, at most ``limit`` of them; returns the
    number of slices built. Run by the scheduler (JOB_LIMIT at a time) and
    by ``stanchion kpis rollup`` (all). Consecutive days are read a month
    at a time."""
    if not enabled():
        return 0
    now = now or timezone.now()
    tz = ZoneInfo(settings.REPORT_TIME_ZONE)
    built = 0
    for source in sources():
        if only is not None and source.key not in only:
            continue
        group, sign = rolled_kpis(source), signature(source)
        slices = RollupSlice.objects.filter(source=source.key)
        if slices.exclude(signature=sign).exists():
            # A definition changed: none of the source's rows holds.
            with transaction.atomic():
                RollupRow.objects.filter(source=source.key).delete()
                slices.delete()
        first = source.queryset().aggregate(first=Min(source.rollup_field))["first"]
        if first is None:
            continue
        done = set(slices.values_list("start", flat=True))
        missing = [day for day in _days(first, now - SETTLE, tz) if day[0] not in done]
        if limit is not None:
            missing = missing[: max(limit - built, 0)]
        for days in _runs(missing, DAYS_PER_QUERY):
            _build_days(source, group, sign, days, now)
            built += len(days)
    return built


def run_job():
    built = build(limit=JOB_LIMIT)
    return f"{built} KPI day(s) rolled up"


# -- invalidating -----------------------------------------------------------


def invalidate(instants=(), related=(), *, now=None):
    """Forget the slices that hold a changed record: ``instants`` are
    (source key, instant) pairs, ``related`` (source keys, Q) pairs whose Q
    selects slices by their ``start``/``end`` (an Exists over the changed
    ticket's clocks, say). Instants too recent to be in a slice are skipped;
    nothing is run when none is left. Only the slices are deleted: the
    rows of a day are read only while its slice exists, and building the
    day again replaces them."""
    cutoff = (now or timezone.now()) - SETTLE
    where = Q()
    for key, instant in instants:
        if instant is not None and instant < cutoff:
            where |= Q(source=key, start__lte=instant, end__gt=instant)
    for keys, condition in related:
        where |= Q(source__in=list(keys)) & condition
    if not where:
        return
    _lock(shared=True)
    RollupSlice.objects.filter(where).delete()


def invalidate_sources(keys):
    """Forget every slice of these sources (a change that touches all their
    records, such as a team's tier)."""
    _lock(shared=True)
    RollupSlice.objects.filter(source__in=list(keys)).delete()


def follow(model, fields, *, related=None):
    """Keep the roll-ups of the sources over ``model`` true: a record saved
    or deleted with a change to any of ``fields`` (which must include the
    sources' ``rollup_field``) forgets the slices holding its old and new
    instants. ``related(record, cutoff)``, when given, returns more
    (source keys, Q) pairs for records of other sources that read this one
    (a ticket's clocks by the ticket's team)."""
    from django.db.models.signals import post_delete, post_init, post_save

    def snapshot(record):
        # __dict__: a deferred field (``only()``) is not loaded for this.
        values = record.__dict__
        return {name: values.get(name) for name in fields}

    def remember(sender, instance, **kwargs):
        instance._rollup_snapshot = snapshot(instance)

    def changed(instance, before, after, deleted=False):
        now = timezone.now()
        instants = []
        for source in sources_over(type(instance)):
            for state in (before, after):
                if state is not None:
                    instants.append((source.key, state.get(source.rollup_field)))
        more = related(instance, now - SETTLE) if related and not deleted and before else ()
        invalidate(instants, more, now=now)

    def saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
        after = snapshot(instance)
        before = None if created else getattr(instance, "_rollup_snapshot", None)
        if update_fields is not None and before is not None:
            # Fields left out of the save keep what the database has.
            written = {model._meta.get_field(name).attname for name in update_fields}
            after = {name: after[name] if name in written else before[name] for name in after}
        if not raw and enabled() and (created or before != after):
            changed(instance, before, after)
        instance._rollup_snapshot = after

    def deleted(sender, instance, **kwargs):
        if enabled():
            changed(instance, getattr(instance, "_rollup_snapshot", None), None, deleted=True)

    uid = f"rollups_{model._meta.label_lower}"
    post_init.connect(remember, sender=model, dispatch_uid=f"{uid}_init", weak=False)
    post_save.connect(saved, sender=model, dispatch_uid=f"{uid}_save", weak=False)
    post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}_delete", weak=False)


# -- reading ----------------------------------------------------------------


class Coverage:
    """The slices inside one period, for every rolled-up source, looked up
    on first use (one query)."""

    def __init__(self, period, moment):
        self.period, self.moment = period, moment
        self._starts = None

    def starts(self, source):
        """The sorted (start, end) of the source's slices in the period."""
        if self._starts is None:
            self._starts = defaultdict(list)
            wanted = Q()
            for each in sources():
                wanted |= Q(source=each.key, signature=signature(each))
            rows = RollupSlice.objects.filter(
                wanted,
                start__gte=self.period.start,
                end__lte=min(self.period.end, self.moment),
            ).order_by("start")
            for key, start, end in rows.values_list("source", "start", "end"):
                self._starts[key].append((start, end))
        return self._starts.get(source.key, [])


def _gaps(period, slices):
    """The parts of the period no slice covers."""
    gaps, cursor = [], period.start
    for start, end in slices:
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < period.end:
        gaps.append((cursor, period.end))
    return gaps


def _decode(segment, text):
    if text is None or segment == "priority":
        return text
    return int(text)


def _rolled(source, group, segment, slices, positions):
    """{segment value: {position: [numerator, denominator]}} from the rows
    of the slices (overall: under None)."""
    stored = DERIVED.get(segment, segment) or "service"
    rows = (
        RollupRow.objects.filter(
            source=source.key,
            segment=stored,
            start__in=[start for start, _ in slices],
            kpi__in=list(positions),
        )
        .order_by()
        .values("kpi", "value")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    tiers = None
    if segment in DERIVED:
        from stanchion.catalog.models import Service

        tiers = {str(pk): tier for pk, tier in Service.objects.values_list("pk", "tier")}
    found = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for row in rows:
        if segment is None:
            key = None
        elif tiers is not None:
            key = tiers.get(row["value"]) if row["value"] is not None else None
        else:
            key = _decode(segment, row["value"])
        total = found[key][positions[row["kpi"]]]
        total[0] += row["numerator"] or 0
        total[1] += row["denominator"] or 0
    return found


def source_rows(group, period, moment, segment, field_name, coverage):
    """engine._source_rows' answer, from the slices inside the period plus
    the records of the rest of it. KPIs of the group that do not roll up
    are computed from all the period's records."""
    from . import engine

    source = group[0].source
    rolled = {kpi.key for kpi in rolled_kpis(source)}
    slices = coverage.starts(source)
    if not slices or not any(kpi.key in rolled for kpi in group):
        return engine._source_rows(group, period, moment, field_name)
    positions = {kpi.key: i for i, kpi in enumerate(group) if kpi.key in rolled}
    merged = _rolled(source, group, segment, slices, positions)
    gaps = _gaps(period, slices)
    if gaps:
        where = Q()
        for start, end in gaps:
            where |= source.in_period(Period("custom", start, end), moment)
        for row in engine._source_rows(group, period, moment, field_name, where):
            key = row[field_name] if field_name else None
            for key_position in positions.values():
                total = merged[key][key_position]
                total[0] += row.get(f"n{key_position}") or 0
                total[1] += row[f"d{key_position}"] or 0
    rest = [i for i, kpi in enumerate(group) if kpi.key not in rolled]
    unrolled = {}
    if rest:
        for row in engine._source_rows(group, period, moment, field_name):
            unrolled[row[field_name] if field_name else None] = row
    answer = []
    for key in set(merged) | set(unrolled) if field_name else [None]:
        row = {field_name: key} if field_name else {}
        for position in positions.values():
            numerator, denominator = merged.get(key, {}).get(position, (0.0, 0))
            row[f"d{position}"] = denominator
            if _has_numerator(group[position]):
                row[f"n{position}"] = numerator
        for position in rest:
            row[f"d{position}"] = unrolled.get(key, {}).get(f"d{position}") or 0
            if _has_numerator(group[position]):
                row[f"n{position}"] = unrolled.get(key, {}).get(f"n{position}")
        answer.append(row)
    return answer


def _has_numerator(kpi):
    return isinstance(kpi.measure, (Share, Mean))
