"""What every KPI page shares: the period from the query string, bad
parameters answered with a 400 naming the parameter, value formatting,
segment value names and the links from a number to its records."""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from stanchion.core.views import PermissionRequiredMixin

from . import periods
from .charts import sparkline
from .engine import ALL
from .registry import HIGHER, SEGMENTS

PERIOD_LABELS = {"week": "Week", "month": "Month", "quarter": "Quarter", "custom": "Custom range"}
PRIORITY_LABELS = {"p1": "P1", "p2": "P2", "p3": "P3", "p4": "P4"}


class BadParameter(Exception):
    """A query parameter the page cannot use; answered with a 400 that
    names it."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class KpiView(PermissionRequiredMixin):
    permission = "kpi.view"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadParameter as error:
            return bad_parameter(request, error.field, error.message)


def bad_parameter(request, field, message):
    return render(
        request,
        "metrics/bad_parameter.html",
        {"title": "Bad parameter", "field": field, "message": message},
        status=400,
    )


def today():
    return timezone.now().astimezone(ZoneInfo(settings.REPORT_TIME_ZONE)).date()


def period_from(params):
    """The period the query string asks for (default: this month)."""
    try:
        return periods.parse(
            params.get("period") or "month",
            at=params.get("at") or None,
            start=params.get("start") or None,
            end=params.get("end") or None,
            tz=settings.REPORT_TIME_ZONE,
            today=today(),
        )
    except periods.PeriodError as error:
        raise BadParameter(error.field, error.message) from None


def period_params(period):
    """The query string that names ``period`` again."""
    if period.kind == "custom":
        last = (period.end - timedelta(days=1)).date()
        return {"period": "custom", "start": period.start.date().isoformat(), "end": str(last)}
    return {"period": period.kind, "at": period.start.date().isoformat()}


def with_period(url, period, **extra):
    params = {**period_params(period), **{k: v for k, v in extra.items() if v not in (None, "")}}
    return f"{url}?{urlencode(params)}"


def kpi_url(kpi, period):
    return with_period(reverse("metrics:kpi", args=[kpi.key]), period)


def records_url(kpi, period, segment=None, value=ALL, part="denominator"):
    """The drill-down behind one number (``value`` None: the records
    without a value for the segment)."""
    if segment is None or value == ALL:
        segment = value = None
    elif value is None:
        value = "none"
    return with_period(
        reverse("metrics:records", args=[kpi.key]),
        period,
        segment=segment,
        value=value,
        part=None if part == "denominator" else part,
    )


def period_nav(period, url, **extra):
    """The period picker's state: previous/next links and the kinds."""
    if period.kind == "custom":
        following = periods.Period("custom", period.end, period.end + (period.end - period.start))
    else:
        following = periods.containing(period.kind, period.end.date(), period.start.tzinfo)
    if following.start.date() > today():
        following = None  # nothing to report yet
    return {
        "period": period,
        "kinds": PERIOD_LABELS,
        "previous_url": with_period(url, period.previous(), **extra),
        "next_url": with_period(url, following, **extra) if following else "",
        "at": period.start.date().isoformat(),
        "start": period.start.date().isoformat(),
        "end": (period.end - timedelta(days=1)).date().isoformat(),
        "action": url,
        "running": period.start <= timezone.now() < period.end,
        "extra": {k: v for k, v in extra.items() if v},
    }


def format_value(value, unit):
    """A KPI value as a reader sees it, with its unit."""
    if value is None:
        return "—"
    if unit == "count":
        return f"{round(value):,}"
    if unit == "percent":
        digits = 2 if 99 <= value < 100 else 1
        return f"{value:.{digits}f}%"
    suffix = {"minutes": " min", "hours": " h", "days": " d", "score": " / 5"}[unit]
    digits = 2 if unit == "score" else 1
    return f"{value:,.{digits}f}{suffix}"


def segment_names(segment, values):
    """{segment value: name} for the values a breakdown shows. Records
    without one are "None"."""
    from stanchion.accounts.models import Location, Team
    from stanchion.catalog.choices import ServiceTier
    from stanchion.catalog.models import Service
    from stanchion.tickets.models import Category

    names = {None: "None", ALL: "All"}
    ids = [v for v in values if v not in (None, ALL)]
    if segment == "priority":
        names.update({v: PRIORITY_LABELS.get(v, str(v).upper()) for v in ids})
    elif segment == "service_tier":
        names.update({v: ServiceTier.label(v) for v in ids})
    elif segment in ("service", "team", "location") and ids:
        model = {"service": Service, "team": Team, "location": Location}[segment]
        names.update(dict(model.objects.filter(pk__in=ids).values_list("pk", "name")))
    elif segment == "category" and ids:
        for category in Category.objects.filter(pk__in=ids).select_related("parent"):
            names[category.pk] = str(category)
    return names


def parse_segment_value(kpi, segment, raw):
    """A drill-down's ``segment`` and ``value`` parameters, checked against
    what the KPI can be split by; "none" selects records without one."""
    if not segment:
        if raw:
            raise BadParameter("segment", "A value needs a segment (e.g. segment=service).")
        return None, None
    if segment not in SEGMENTS:
        raise BadParameter(
            "segment", f"Unknown segment {segment!r}: choose one of {', '.join(SEGMENTS)}."
        )
    if segment not in kpi.segments:
        raise BadParameter("segment", f"{kpi.name} cannot be split by {SEGMENTS[segment].lower()}.")
    if not raw:
        raise BadParameter("value", f"Say which {SEGMENTS[segment].lower()} (value=…).")
    if raw == "none":
        return segment, "none"
    if segment == "priority":
        if raw not in PRIORITY_LABELS:
            raise BadParameter(
                "value", f"A priority is one of p1, p2, p3, p4 or none, not {raw!r}."
            )
        return segment, raw
    if segment == "service_tier":
        from stanchion.catalog.choices import ServiceTier

        if raw not in ServiceTier.values():
            raise BadParameter("value", f"A service tier is 1, 2, 3 or none, not {raw!r}.")
        return segment, raw
    try:
        number = int(raw)
    except ValueError:
        raise BadParameter(
            "value", f"A {SEGMENTS[segment].lower()} is given by its id or none, not {raw!r}."
        ) from None
    if number < 1 or number > 2**63 - 1:
        raise BadParameter("value", f"There is no {SEGMENTS[segment].lower()} {raw!r}.")
    return segment, number


def history(selected, period, segment=None, *, count=12, targets=None):
    """[(period, compute results)] for this period and the ones before it,
    oldest first: one compute() per period for every KPI shown, so a page's
    query count depends on the number of periods, not of KPIs."""
    from .engine import compute

    return [
        (each, compute(selected, each, segment, targets=targets)) for each in period.history(count)
    ]


@dataclass
class Tile:
    kpi: object
    value: object  # engine.Value for the chosen period
    series: list  # values of the last periods, oldest first (None: no data)
    label: str
    kpi_url: str
    records_url: str

    @property
    def display(self):
        return format_value(self.value.value, self.kpi.unit)

    @property
    def target_display(self):
        target = self.value.target
        if target is None:
            return ""
        sign = "≥" if self.kpi.direction == HIGHER else "≤"
        return f"Target {sign} {format_value(target, self.kpi.unit)}"

    @property
    def chart(self):
        return sparkline(
            self.series,
            label=f"{self.label}, last {len(self.series)} periods",
            status=self.value.status,
        )


def make_tile(kpi, runs, targets, segment=None, segment_value=ALL, label="", page_url=""):
    """A tile from ``history()`` results: the last period's value, the
    series behind the sparkline, and the links to the KPI page and the
    records."""
    values = [
        pick(kpi, period, results, targets, segment, segment_value) for period, results in runs
    ]
    period = runs[-1][0]
    return Tile(
        kpi=kpi,
        value=values[-1],
        series=[v.value for v in values],
        label=label or kpi.name,
        kpi_url=page_url or kpi_url(kpi, period),
        records_url=records_url(kpi, period, segment, segment_value),
    )


def pick(kpi, period, results, targets, segment=None, segment_value=ALL):
    """One value out of compute() results; a segment value without records
    in the period is an empty value that still carries its target."""
    from .engine import Value

    found = results.get(kpi.key, {}).get(segment_value)
    if found is None:
        found = Value(kpi, period, segment, segment_value, 0, 0)
        found.target, found.warning = targets.target_for(kpi, segment, segment_value)
    return found
