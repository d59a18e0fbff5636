"""The monthly service review as a page, a PDF and one CSV file per table.

All three read the same tables (metrics.review); the page and the PDF share
one template (``metrics/review.html``) on two bases, so what is printed is
what is on screen.
"""

import csv
import io
import logging
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View

from stanchion.core.views import PermissionRequiredMixin

from . import review, review_lists
from .engine import ALL
from .review import TABLES, MonthError

log = logging.getLogger(__name__)

PAGE_ROWS = 200  # rows of a table shown on the page and in the PDF; the CSV has all
STATUS_LABELS = {"on": "On target", "near": "Near target", "off": "Off target"}
SUFFIX = {"percent": "%", "minutes": " min", "hours": " h", "score": " / 5"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _error(request, status, message):
    return render(request, "web/error.html", {"status": status, "message": message}, status=status)


def display(column, row):
    """(text, css class) of one cell as people read it."""
    value = row.get(column.key)
    kind = row.get("unit", "count") if column.kind == "unit" else column.kind
    if column.kind == "status":
        return STATUS_LABELS.get(value, "—"), f"status status-{value or 'none'}"
    if value is None or value == "":
        return ("—" if kind != "text" else ""), "num muted" if kind != "text" else ""
    if kind == "datetime":
        return f"{value:%Y-%m-%d %H:%M}", "nowrap"
    if kind == "text" or not isinstance(value, int | float):
        return str(value), column.style
    decimals = column.decimals if column.kind != "unit" else (0 if kind == "count" else 1)
    if kind == "score":
        decimals = 2
    sign = "+" if column.change else ""
    if kind == "count":
        return f"{value:{sign},.0f}", "num"
    if column.style == "duration" and kind == "minutes" and not column.change:
        return review_lists.duration(value * 60), "num"
    if kind == "percent" and column.change:
        return f"{value:{sign},.{decimals}f} pp", "num"
    return f"{value:{sign},.{decimals}f}{SUFFIX.get(kind, '')}", "num"


def drill_url(drill):
    """The KPI drill-down page listing the records behind a number (none
    while the KPI pages are not installed)."""
    try:
        url = reverse("metrics:records", args=[drill.kpi])
    except NoReverseMatch:
        return ""
    params = {"period": "month", "at": drill.period.start.date().isoformat()}
    if drill.segment is not None and drill.value != ALL:
        params["segment"] = drill.segment
        params["value"] = "none" if drill.value is None else drill.value
    if drill.part != "denominator":
        params["part"] = drill.part
    return f"{url}?{urlencode(params)}"


def _url(row, column, position):
    if position == 0 and row.get("url"):
        name, *args = row["url"]
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return ""
    drill = row.get("links", {}).get(column.key)
    return drill_url(drill) if drill else ""


def presented(table, limit=None):
    limit = limit or PAGE_ROWS
    columns = [column for column in table.columns if column.page]
    rows = []
    for row in table.rows[:limit]:
        cells = []
        for position, column in enumerate(columns):
            text, css = display(column, row)
            url = _url(row, column, position) if text not in ("", "—") else ""
            cells.append({"text": text, "css": css, "url": url})
        rows.append(cells)
    hidden = max(table.count - min(len(table.rows), limit), 0)
    return {
        "table": table,
        "headers": [
            {"label": c.label, "css": "" if c.kind in ("text", "datetime", "status") else "num"}
            for c in columns
        ],
        "rows": rows,
        "hidden": hidden,
    }


def csv_cell(value):
    """A CSV cell: numbers as numbers, times in ISO 8601, text that a
    spreadsheet would run as a formula prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(table):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.key for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(row.get(column.key)) for column in table.columns])
    return out.getvalue()


class ReviewMixin(PermissionRequiredMixin):
    permission = "kpi.view"

    def month_or_error(self, request, text):
        try:
            return review.parse_month(text), None
        except MonthError as error:
            return None, _error(request, error.status, error.message)

    def context(self, period, *, printing=False):
        data = review.build_review(period, row_limit=PAGE_ROWS)
        previous_breaches = review_lists.breach_count(data.previous)
        following = period.end.date()
        newest = timezone.localtime(timezone.now(), review.report_zone()).date()
        return {
            "title": f"Monthly service review: {period.label}",
            "review": data,
            "period": period,
            "previous": data.previous,
            "first_day": period.start.date(),
            "last_day": (period.end - timedelta(days=1)).date(),
            "next_key": f"{following:%Y-%m}" if following <= newest else "",
            "tables": [presented(data.tables[key]) for key in TABLES],
            "breaches": data.tables["breaches"].count,
            "previous_breaches": previous_breaches,
            "zone": review.report_zone().key,
            "generated": timezone.localtime(data.now, review.report_zone()),
            "printing": printing,
            "base_template": "metrics/review_print.html" if printing else "web/base.html",
        }


class ReviewLatestView(ReviewMixin, View):
    """The last complete month, or the month chosen in the picker."""

    def get(self, request):
        chosen = request.GET.get("month")
        if chosen:
            period, error = self.month_or_error(request, chosen)
            if error:
                return error
        else:
            period = review.last_complete_month()
        return redirect("metrics-review:month", month=period.key)


class ReviewPageView(ReviewMixin, View):
    def get(self, request, month):
        period, error = self.month_or_error(request, month)
        if error:
            return error
        return render(request, "metrics/review.html", self.context(period))


class ReviewPdfView(ReviewMixin, View):
    def get(self, request, month):
        period, error = self.month_or_error(request, month)
        if error:
            return error
        try:
            from weasyprint import HTML  # loads Pango: import only when a PDF is asked for
        except (ImportError, OSError) as problem:
            log.warning("PDF export unavailable: %s", problem)
            return _error(
                request,
                503,
                "PDF export needs WeasyPrint and the Pango library on the server "
                "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0). "
                "The review page and its CSV files work without them.",
            )
        # WeasyPrint reports each layout step at INFO: not worth a log line each.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        html = render_to_string(
            "metrics/review.html", self.context(period, printing=True), request=request
        )
        pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="service-review-{period.key}.pdf"'
        return response


def _no_fetch(url, *args, **kwargs):
    """The PDF is self-contained: it never fetches a file or a URL."""
    raise ValueError(f"The service review PDF does not load external resources ({url}).")


class ReviewCsvView(ReviewMixin, View):
    def get(self, request, month, table):
        period, error = self.month_or_error(request, month)
        if error:
            return error
        if table not in TABLES:
            return _error(
                request,
                404,
                f"The review has no table “{table}”: choose one of {', '.join(TABLES)}.",
            )
        text = csv_text(review.build_table(table, period))
        response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="service-review-{period.key}-{table}.csv"'
        )
        return response
