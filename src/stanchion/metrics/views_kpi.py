"""A KPI's own page (formula, targets, trend, breakdown by every segment)
and its drill-down: the exact records behind one number, whose count is
that number's denominator."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from .charts import bar_chart, line_chart
from .engine import ALL, compute, records, target_table
from .registry import HIGHER, SEGMENTS, UNITS, Count, Mean, Share, kpis
from .views_common import (
    BadParameter,
    KpiView,
    format_value,
    history,
    kpi_url,
    parse_segment_value,
    period_from,
    period_nav,
    pick,
    records_url,
    segment_names,
    with_period,
)

TREND_PERIODS = 12
RECORDS_PER_PAGE = 50
DIRECTIONS = {HIGHER: "Higher is better", "lower": "Lower is better"}


def get_kpi(key):
    kpi = kpis.get(key)
    if kpi is None:
        raise Http404(f"There is no KPI {key!r}.")
    return kpi


def kpi_period(kpi, params):
    period = period_from(params)
    if period.kind not in kpi.periods:
        raise BadParameter(
            "period", f"{kpi.name} is reported by {', '.join(kpi.periods)}, not {period.kind}."
        )
    return period


def numerator_display(kpi, value):
    """What the number is made of, in words a reader can check."""
    if not value.denominator:
        return ""
    if kpi.custom is not None:
        minutes = value.numerator / 60
        return f"{minutes:,.0f} min down"
    if isinstance(kpi.measure, Count):
        return ""
    if isinstance(kpi.measure, Share):
        return f"{int(value.numerator):,} of {value.denominator:,}"
    if isinstance(kpi.measure, Mean):
        total = value.numerator / kpi.measure.scale
        return f"{total:,.1f}{UNITS[kpi.unit]} in total"
    return ""


def target_display(kpi, target, warning):
    if target is None:
        return "None", ""
    sign = "≥" if kpi.direction == HIGHER else "≤"
    warn = f"{sign} {format_value(warning, kpi.unit)}" if warning is not None else ""
    return f"{sign} {format_value(target, kpi.unit)}", warn


def breakdown(kpi, period, segment, targets):
    """One segment's table: a row per segment value with records in the
    period (availability lists every live service), largest share first
    for counts, by name otherwise."""
    values = compute([kpi], period, segment, targets=targets).get(kpi.key, {})
    names = segment_names(segment, values.keys())
    rows = []
    for key, value in values.items():
        rows.append(
            {
                "name": names.get(key, f"#{key}"),
                "key": key,
                "value": value,
                "display": format_value(value.value, kpi.unit),
                "numerator": numerator_display(kpi, value),
                "met": int(value.numerator) if isinstance(kpi.measure, Share) else None,
                "records_url": records_url(kpi, period, segment, key),
                "numerator_url": (
                    records_url(kpi, period, segment, key, part="numerator")
                    if isinstance(kpi.measure, Share) and value.denominator
                    else ""
                ),
            }
        )
    rows.sort(key=lambda row: (row["key"] is None, row["name"].lower()))
    chart = bar_chart(
        [
            (row["name"], row["value"].value, row["records_url"], row["value"].status)
            for row in rows
        ],
        unit=UNITS[kpi.unit],
        label=f"{kpi.name} by {SEGMENTS[segment].lower()}",
    )
    return {"segment": segment, "label": SEGMENTS[segment], "rows": rows, "chart": chart}


class KpiDetailView(KpiView, View):
    template_name = "metrics/kpi.html"

    def get(self, request, key):
        kpi = get_kpi(key)
        period = kpi_period(kpi, request.GET)
        targets = target_table()
        runs = history([kpi], period, count=TREND_PERIODS, targets=targets)
        series = [pick(kpi, each, results, targets) for each, results in runs]
        current = series[-1]
        target, warning = targets.target_for(kpi)
        chart = line_chart(
            [(value.period.key, value.value, kpi_url(kpi, value.period)) for value in series],
            target=target,
            warning=warning,
            unit=UNITS[kpi.unit],
            label=f"{kpi.name}, last {TREND_PERIODS} periods",
        )
        priority_targets = []
        for priority in sorted(kpi.priority_targets):
            shown = target_display(kpi, *targets.target_for(kpi, "priority", priority))
            priority_targets.append((priority.upper(), *shown))
        context = {
            "title": kpi.name,
            "kpi": kpi,
            "period": period,
            "value": current,
            "display": format_value(current.value, kpi.unit),
            "numerator": numerator_display(kpi, current),
            "records_url": records_url(kpi, period),
            "numerator_url": (
                records_url(kpi, period, part="numerator")
                if isinstance(kpi.measure, Share) and current.denominator
                else ""
            ),
            "unit_label": {
                "count": "Count",
                "percent": "Percent",
                "minutes": "Minutes",
                "hours": "Hours",
                "days": "Days",
                "score": "Score out of 5",
            }[kpi.unit],
            "direction": DIRECTIONS[kpi.direction],
            "target": target_display(kpi, target, warning),
            "priority_targets": priority_targets,
            "source_title": getattr(kpi.source, "title", ""),
            "chart": chart,
            "trend": [
                {
                    "period": value.period,
                    "display": format_value(value.value, kpi.unit),
                    "value": value,
                    "url": kpi_url(kpi, value.period),
                    "records_url": records_url(kpi, value.period),
                }
                for value in reversed(series)
            ],
            "breakdowns": [breakdown(kpi, period, segment, targets) for segment in kpi.segments],
            "picker": period_nav(period, reverse("metrics:kpi", args=[kpi.key])),
            "dashboard_url": with_period(reverse("metrics:dashboard"), period),
        }
        return render(request, self.template_name, context)


RECORD_KINDS = {
    "tickets.Ticket": "ticket",
    "tickets.SlaClock": "clock",
    "tickets.CsatSurvey": "survey",
}


class KpiRecordsView(KpiView, View):
    template_name = "metrics/records.html"

    def get(self, request, key):
        kpi = get_kpi(key)
        period = kpi_period(kpi, request.GET)
        segment, value = parse_segment_value(
            kpi, request.GET.get("segment", ""), request.GET.get("value", "")
        )
        part = request.GET.get("part") or "denominator"
        if part not in ("denominator", "numerator"):
            raise BadParameter("part", f"part is denominator or numerator, not {part!r}.")
        if part == "numerator" and not isinstance(kpi.measure, Share):
            raise BadParameter(
                "part", f"{kpi.name} is not a share of records: only its denominator is a list."
            )
        page_number = request.GET.get("page") or "1"
        if not page_number.isdigit() or int(page_number) < 1:
            raise BadParameter("page", f"page is a whole number from 1, not {page_number!r}.")
        targets = target_table()
        key_in_results = ALL if segment is None else (None if value == "none" else value)
        results = compute([kpi], period, segment, targets=targets)
        number = pick(kpi, period, results, targets, segment, key_in_results)
        rows = records(kpi, period, segment, value, part=part).order_by("-pk")
        paginator = Paginator(rows, RECORDS_PER_PAGE)
        if int(page_number) > paginator.num_pages:
            raise BadParameter("page", f"There are only {paginator.num_pages} pages.")
        page = paginator.page(int(page_number))
        segment_label = ""
        if segment is not None:
            name = segment_names(segment, [key_in_results]).get(key_in_results, f"#{value}")
            segment_label = f"{SEGMENTS[segment]}: {name}"
        base = records_url(kpi, period, segment, key_in_results, part)

        def page_url(n):
            return f"{base}&page={n}" if n > 1 else base

        context = {
            "title": f"Records behind {kpi.name}",
            "kpi": kpi,
            "period": period,
            "segment_label": segment_label,
            "part": part,
            "number": number,
            "display": format_value(number.value, kpi.unit),
            "numerator": numerator_display(kpi, number),
            "count": paginator.count,
            "page": page,
            "kind": RECORD_KINDS.get(rows.model._meta.label, "ticket"),
            "outages": kpi.custom is not None,
            "records_template": getattr(kpi.source, "records_template", ""),
            "source_title": getattr(kpi.source, "title", ""),
            "kpi_url": kpi_url(kpi, period),
            "other_part_url": (
                records_url(
                    kpi,
                    period,
                    segment,
                    key_in_results,
                    "denominator" if part == "numerator" else "numerator",
                )
                if isinstance(kpi.measure, Share)
                else ""
            ),
            "previous_url": page_url(page.number - 1) if page.has_previous() else "",
            "next_url": page_url(page.number + 1) if page.has_next() else "",
        }
        return render(request, self.template_name, context)
