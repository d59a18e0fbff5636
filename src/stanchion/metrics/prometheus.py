"""``GET /metrics``: the current KPI values in the Prometheus text exposition
format (version 0.0.4), so existing Prometheus and Grafana set-ups can scrape
them.

Every registered KPI for the current month in the reporting time zone,
overall (``segment="all"``) and split by service (``?segment=`` another
segment, or ``none`` for the overall values only). Authenticated like the
API: an API token (``Authorization: Bearer <token>``) or a signed-in
session, of someone whose role has ``kpi.view``.
"""

import math
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from . import engine, periods
from .api import segment_labels
from .registry import SEGMENTS, kpis

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DEFAULT_SEGMENT = "service"

FAMILIES = (
    (
        "stanchion_kpi_value",
        "Current value of each KPI for the period, in its unit (see the unit label).",
    ),
    ("stanchion_kpi_target", "The organisation's target for the KPI (or the default)."),
    ("stanchion_kpi_warning", "The edge of the KPI's amber zone: off target but not yet red."),
    (
        "stanchion_kpi_records",
        "The number of records behind the value (its denominator).",
    ),
)


def escape_label(value):
    """A label value as the text format wants it: backslash, double quote
    and line feed escaped."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text):
    return str(text).replace("\\", "\\\\").replace("\n", "\\n")


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _labels(pairs):
    return ",".join(f'{name}="{escape_label(value)}"' for name, value in pairs)


def reporting_moment():
    """The period /metrics reports (this month in the reporting zone) and
    the moment it is computed at (now)."""
    now = timezone.now()
    today = now.astimezone(ZoneInfo(settings.REPORT_TIME_ZONE)).date()
    return periods.parse("month", tz=settings.REPORT_TIME_ZONE, today=today), now


def samples(period, segments, now=None):
    """(family, labels, number) for every KPI value of ``period``, overall
    and by each of ``segments``."""
    targets = engine.target_table()
    every = kpis.all()
    rows = []
    if segments:
        # One pass over the records for the totals and the split.
        totals, split = engine.compute_split(every, period, segments[0], now=now, targets=targets)
        passes = [(None, totals), (segments[0], split)]
    else:
        passes = [(None, engine.compute(every, period, None, now=now, targets=targets))]
    for segment, computed in passes:
        for kpi in every:
            found = computed.get(kpi.key)
            if not found:
                continue
            labels = segment_labels(segment, found)
            for key, value in sorted(found.items(), key=lambda item: str(item[0])):
                pairs = [
                    ("kpi", kpi.key),
                    ("unit", kpi.unit),
                    ("period", period.key),
                    ("segment", segment or engine.ALL),
                    ("segment_value", "none" if key is None else key),
                    ("segment_label", labels[key]),
                ]
                if value.value is not None:
                    rows.append(("stanchion_kpi_value", pairs, value.value))
                if value.target is not None:
                    rows.append(("stanchion_kpi_target", pairs, value.target))
                if value.warning is not None:
                    rows.append(("stanchion_kpi_warning", pairs, value.warning))
                rows.append(("stanchion_kpi_records", pairs, value.denominator))
    return rows


def exposition(period, segments=(DEFAULT_SEGMENT,), now=None):
    """The whole text: each family's HELP and TYPE, then its samples."""
    by_family = {name: [] for name, _ in FAMILIES}
    for family, pairs, value in samples(period, segments, now):
        by_family[family].append(f"{family}{{{_labels(pairs)}}} {number(value)}")
    lines = []
    for name, help_text in FAMILIES:
        lines.append(f"# HELP {name} {escape_help(help_text)}")
        lines.append(f"# TYPE {name} gauge")
        lines.extend(by_family[name])
    return "\n".join(lines) + "\n"


def _segments(request):
    chosen = request.query_params.get("segment", DEFAULT_SEGMENT)
    if chosen == "none":
        return ()
    if chosen not in SEGMENTS:
        choices = ", ".join([*SEGMENTS, "none"])
        raise ValidationError(
            {"segment": [f"Unknown segment {chosen!r}: choose one of {choices}."]}
        )
    return (chosen,)


class MetricsView(APIView):
    """Prometheus scrape target. Errors (401, 403, 400) are the API's JSON
    error shape."""

    permissions = {"get": "kpi.view", "head": "kpi.view", "options": "kpi.view"}
    http_method_names = ["get", "head", "options"]
    schema = None  # text, not JSON: documented in docs/kpis.md, not in the OpenAPI schema

    def get(self, request):
        segments = _segments(request)
        period, now = reporting_moment()
        return HttpResponse(exposition(period, segments, now), content_type=CONTENT_TYPE)
