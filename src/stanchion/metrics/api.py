"""The KPI API: the registry (``/api/kpis/``), values by period and segment
(``/api/kpis/<key>/values/``), the records behind a value
(``/api/kpis/<key>/records/``) and the organisation's own targets
(``/api/kpi-targets/``).

Values and records read the same query parameters as the web pages
(``period``, ``at``, ``start``, ``end``, ``segment``, ``value``, ``part``), so
every value's ``records`` link opens the drill-down list whose length is its
denominator.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import pagination, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from stanchion.api.pagination import CursorPagination
from stanchion.core.api import StanchionSerializer, StanchionViewSet, crud_permissions
from stanchion.core.services import creator

from . import engine, periods
from .models import KpiTarget
from .registry import SEGMENTS, UNITS, Share, kpis

# Far enough either way for any report; beyond, the period arithmetic would
# run into the limits of datetime in the reporting zone.
EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
PARTS = ("denominator", "numerator")


def _day_field(help_text):
    return serializers.DateField(required=False, help_text=help_text)


class PeriodQuerySerializer(serializers.Serializer):
    """The period and segment of a request (query parameters)."""

    period = serializers.ChoiceField(
        choices=periods.KINDS,
        required=False,
        help_text="week, month (default), quarter, or custom with start and end.",
    )
    at = _day_field("A day inside the week, month or quarter (YYYY-MM-DD); default today.")
    start = _day_field("First day of a custom range (YYYY-MM-DD).")
    end = _day_field("Last day of a custom range, included (YYYY-MM-DD).")
    segment = serializers.ChoiceField(
        choices=list(SEGMENTS),
        required=False,
        help_text="Split by this segment; without it, one value for everything.",
    )

    def _in_range(self, value):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise serializers.ValidationError(
                f"Choose a date between {EARLIEST.year} and {LATEST.year}."
            )
        return value

    validate_at = validate_start = validate_end = _in_range


class RecordsQuerySerializer(PeriodQuerySerializer):
    value = serializers.CharField(
        required=False,
        max_length=64,
        help_text='One segment value (as in a value\'s segment_value), or "none" for records '
        "without one. Needs segment.",
    )
    part = serializers.ChoiceField(
        choices=PARTS,
        required=False,
        help_text="denominator (default): every record counted; numerator: the ones that met "
        "the condition of a percentage KPI.",
    )


def _period_from(query):
    """The period a validated query names; bad combinations are 400s naming
    the parameter."""
    data = query.validated_data
    zone = settings.REPORT_TIME_ZONE
    day = lambda name: data[name].isoformat() if data.get(name) else None  # noqa: E731
    try:
        return periods.parse(
            data.get("period"), at=day("at"), start=day("start"), end=day("end"), tz=zone
        )
    except periods.PeriodError as error:
        raise ValidationError({error.field: [error.message]}) from None


def _validated(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


def _check_segment(kpi, segment):
    if segment is not None and segment not in kpi.segments:
        allowed = ", ".join(kpi.segments) or "nothing"
        raise ValidationError(
            {"segment": [f"{kpi.name} cannot be split by {segment}; it can by: {allowed}."]}
        )


def _check_period(kpi, period):
    if period.kind not in kpi.periods:
        raise ValidationError({"period": [f"{kpi.name} is not reported by {period.kind}."]})


def period_params(period):
    """The query parameters that name ``period`` on the web pages and here."""
    if period.kind == "custom":
        last = (period.end - timedelta(days=1)).date()
        return {"period": "custom", "start": period.start.date().isoformat(), "end": str(last)}
    return {"period": period.kind, "at": period.start.date().isoformat()}


def records_query(period, segment=None, value=None, part="denominator"):
    """The drill-down's query string: the same parameter names on the web
    page (/kpis/<key>/records/) and the API."""
    params = period_params(period)
    if segment:
        params["segment"] = segment
        params["value"] = "none" if value is None else str(value)
    if part != "denominator":
        params["part"] = part
    return urlencode(params)


def web_records_path(kpi, period, segment=None, value=None, part="denominator"):
    return f"/kpis/{kpi.key}/records/?{records_query(period, segment, value, part)}"


def api_records_path(kpi, period, segment=None, value=None, part="denominator"):
    return f"/api/kpis/{kpi.key}/records/?{records_query(period, segment, value, part)}"


# -- segment labels --------------------------------------------------------------------------


def _names(model_label, ids):
    from django.apps import apps

    model = apps.get_model(model_label)
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


_SEGMENT_MODELS = {
    "service": "catalog.Service",
    "team": "accounts.Team",
    "location": "accounts.Location",
    "category": "tickets.Category",
}
_NONE_LABELS = {
    "service": "No service",
    "service_tier": "No service",
    "team": "No team",
    "priority": "No priority",
    "location": "No location",
    "category": "No category",
}


def segment_labels(segment, keys):
    """{segment value: label} for the values of one segment (one query for
    the FK segments)."""
    from stanchion.catalog.choices import Priority, ServiceTier

    keys = list(keys)
    if segment is None:
        return dict.fromkeys(keys, "All")
    labels = {None: _NONE_LABELS[segment]}
    if segment in _SEGMENT_MODELS:
        ids = [key for key in keys if key is not None]
        labels.update(_names(_SEGMENT_MODELS[segment], ids) if ids else {})
    elif segment == "priority":
        labels.update({key: Priority.label(key) for key in keys if key in Priority})
    elif segment == "service_tier":
        labels.update({key: ServiceTier.label(key) for key in keys if key in ServiceTier})
    return {key: labels.get(key, str(key)) for key in keys}


# -- serializers -----------------------------------------------------------------------------


class TargetPairSerializer(serializers.Serializer):
    target = serializers.FloatField()
    warning = serializers.FloatField(allow_null=True)


class SegmentSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class KpiSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    formula = serializers.CharField(help_text="How it is computed, in words.")
    notes = serializers.CharField()
    unit = serializers.ChoiceField(choices=list(UNITS))
    direction = serializers.ChoiceField(choices=["higher", "lower"], help_text="What is better.")
    target = serializers.FloatField(
        allow_null=True, help_text="The organisation's target (or the default)."
    )
    warning = serializers.FloatField(
        allow_null=True, help_text="The edge of the amber zone: off target but not yet red."
    )
    default_target = serializers.FloatField(allow_null=True)
    default_warning = serializers.FloatField(allow_null=True)
    priority_targets = serializers.DictField(
        child=TargetPairSerializer(), help_text="Targets per priority (p1-p4), where it has them."
    )
    segments = SegmentSerializer(many=True, help_text="What it can be split by.")
    periods = serializers.ListField(
        child=serializers.CharField(), help_text="Of week, month, quarter, custom."
    )
    url = serializers.CharField()
    values_url = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="week, month, quarter or custom.")
    key = serializers.CharField(
        help_text="2026-11, 2026-Q4, 2026-W47, or 2026-11-01..2026-11-15 (last day included)"
    )
    label = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="Exclusive.")


class KpiValueSerializer(serializers.Serializer):
    segment_value = serializers.CharField(
        allow_null=True,
        help_text='"all" without a segment; else the id or code split by, null for records '
        "without one.",
    )
    label = serializers.CharField()
    numerator = serializers.FloatField()
    denominator = serializers.IntegerField(help_text="The number of records behind the value.")
    value = serializers.FloatField(allow_null=True, help_text="Null when there are no records.")
    target = serializers.FloatField(allow_null=True)
    warning = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["on", "near", "off"], allow_null=True, help_text="Null without value or target."
    )
    records = serializers.CharField(help_text="The web page listing the records behind it.")
    records_api = serializers.CharField(help_text="The same list from the API.")
    numerator_records = serializers.CharField(
        allow_null=True, help_text="For percentages: the records that met the condition."
    )


class KpiValuesSerializer(serializers.Serializer):
    kpi = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.ChoiceField(choices=list(UNITS))
    direction = serializers.ChoiceField(choices=["higher", "lower"])
    period = PeriodSerializer()
    segment = serializers.CharField(allow_null=True)
    segment_label = serializers.CharField(allow_null=True)
    values = KpiValueSerializer(many=True)


class KpiRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(
        choices=["ticket", "slaclock", "csatsurvey", "change"], help_text="What the record is."
    )
    ticket = serializers.IntegerField(
        allow_null=True, help_text="The ticket's id (null for a change)."
    )
    number = serializers.CharField(
        help_text="The ticket's or change's number, e.g. INC-000123 or CHG-000045."
    )
    title = serializers.CharField()
    detail = serializers.CharField(
        allow_blank=True,
        help_text="For clocks and surveys: which clock, or the rating; for changes: the type "
        "and outcome.",
    )


class KpiRecordPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="All the records behind the value: its denominator.")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = KpiRecordSerializer(many=True)


def kpi_data(kpi, table, request):
    target, warning = table.target_for(kpi)
    priority_targets = {}
    for priority in kpi.priority_targets:
        pair = table.target_for(kpi, "priority", priority)
        priority_targets[priority] = {"target": pair[0], "warning": pair[1]}
    return {
        "key": kpi.key,
        "name": kpi.name,
        "group": kpi.group,
        "formula": kpi.formula,
        "notes": kpi.notes,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "target": target,
        "warning": warning,
        "default_target": kpi.target,
        "default_warning": kpi.warning,
        "priority_targets": priority_targets,
        "segments": [{"key": key, "label": SEGMENTS[key]} for key in kpi.segments],
        "periods": list(kpi.periods),
        "url": request.build_absolute_uri(f"/api/kpis/{kpi.key}/"),
        "values_url": request.build_absolute_uri(f"/api/kpis/{kpi.key}/values/"),
    }


def _json_key(value):
    return value if value is None else str(value)


def values_data(kpi, period, segment, request, targets=None):
    """The KPI's values for one period, overall or by segment, each with its
    drill-down links."""
    found = engine.compute([kpi], period, segment, targets=targets).get(kpi.key, {})
    labels = segment_labels(segment, found)
    share = isinstance(kpi.measure, Share)
    rows = []
    for key, item in found.items():
        value_key = None if segment is None else key
        rows.append(
            {
                "segment_value": _json_key(key),
                "label": labels[key],
                "numerator": item.numerator,
                "denominator": item.denominator,
                "value": item.value,
                "target": item.target,
                "warning": item.warning,
                "status": item.status,
                "records": request.build_absolute_uri(
                    web_records_path(kpi, period, segment, value_key)
                ),
                "records_api": request.build_absolute_uri(
                    api_records_path(kpi, period, segment, value_key)
                ),
                "numerator_records": request.build_absolute_uri(
                    web_records_path(kpi, period, segment, value_key, "numerator")
                )
                if share
                else None,
            }
        )
    # Biggest first, the way a reader scans a breakdown; "none" last.
    rows.sort(key=lambda row: (row["segment_value"] is None, -row["denominator"], row["label"]))
    return {
        "kpi": kpi.key,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "period": {
            "kind": period.kind,
            "key": period.key,
            "label": period.label,
            "start": period.start,
            "end": period.end,
        },
        "segment": segment,
        "segment_label": SEGMENTS.get(segment) if segment else None,
        "values": rows,
    }


def _record_row(record):
    name = type(record)._meta.model_name
    if name == "change":
        detail = record.get_change_type_display()
        if record.outcome:
            detail = f"{detail}: {record.get_outcome_display()}"
        return {"id": record.pk, "type": name, "ticket": None, "number": record.number,
                "title": record.title, "detail": detail}  # fmt: skip
    if name == "ticket":
        ticket, detail = record, ""
    elif name == "slaclock":
        ticket = record.ticket
        detail = f"{record.get_kind_display()}: {record.get_state_display()}"
    else:
        ticket = record.ticket
        detail = f"Rated {record.rating}" if record.rating is not None else "Not answered"
    return {
        "id": record.pk,
        "type": name,
        "ticket": ticket.pk,
        "number": ticket.number,
        "title": ticket.title,
        "detail": detail,
    }


def _segment_value(kpi, segment, value):
    """The ``value`` parameter, checked against the segment's field so a
    wrong type is a 400, never a database error."""
    if value is None:
        return None
    if segment is None:
        raise ValidationError({"value": ["A value needs a segment to belong to."]})
    if value == "none":
        return value
    model = kpi.source.model_class if hasattr(kpi.source, "model_class") else None
    if model is None:
        from stanchion.tickets.models import Ticket

        model = Ticket
    path = kpi.source.segments[segment].split("__")
    field = None
    for position, name in enumerate(path):
        field = model._meta.get_field(name)
        if position < len(path) - 1:
            model = field.related_model
    if field.is_relation:
        field = field.target_field
    try:
        return field.to_python(value)
    except DjangoValidationError:
        raise ValidationError(
            {"value": [f"{value!r} is not a {SEGMENTS[segment].lower()} value."]}
        ) from None


class RecordPagination(CursorPagination):
    """Cursor pages of the records behind a value, with their total count
    (the value's denominator)."""

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )


class RegistryPage(pagination.BasePagination):
    """The KPI list's envelope: the list shape of the API (``results`` with
    ``next``/``previous``) on one page, as the registry is small."""

    def get_paginated_response_schema(self, schema):
        nullable = {"type": "string", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": nullable,
                "previous": nullable,
                "results": schema,
            },
        }


KPI_KEY = OpenApiParameter(
    "key", str, OpenApiParameter.PATH, description="The KPI's key, e.g. mtta."
)


class KpiViewSet(viewsets.ViewSet):
    """The registered KPIs, their values and the records behind them."""

    lookup_field = "key"
    permissions = {
        "list": "kpi.view",
        "retrieve": "kpi.view",
        "values": "kpi.view",
        "records": "kpi.view",
    }
    http_method_names = ["get", "head", "options"]
    pagination_class = RegistryPage  # documents the list's envelope

    def _kpi(self, key):
        kpi = kpis.get(key)
        if kpi is None:
            raise NotFound(f"There is no KPI {key!r}.")
        return kpi

    @extend_schema(responses={200: KpiSerializer})
    def list(self, request):
        """Every registered KPI with its formula, unit, direction and the
        organisation's targets. The registry is small: one page."""
        table = engine.target_table()
        rows = [kpi_data(kpi, table, request) for kpi in kpis.all()]
        return Response({"count": len(rows), "next": None, "previous": None, "results": rows})

    @extend_schema(parameters=[KPI_KEY], responses={200: KpiSerializer})
    def retrieve(self, request, key=None):
        """One KPI's definition and targets."""
        return Response(kpi_data(self._kpi(key), engine.target_table(), request))

    @extend_schema(
        parameters=[KPI_KEY, PeriodQuerySerializer], responses={200: KpiValuesSerializer}
    )
    @action(detail=True, methods=["get"])
    def values(self, request, key=None):
        """The KPI for one period, overall or split by a segment, with target,
        status and a link to the records behind each value."""
        kpi = self._kpi(key)
        query = _validated(PeriodQuerySerializer, request)
        segment = query.validated_data.get("segment")
        _check_segment(kpi, segment)
        period = _period_from(query)
        _check_period(kpi, period)
        return Response(values_data(kpi, period, segment, request))

    @extend_schema(
        parameters=[KPI_KEY, RecordsQuerySerializer],
        responses={200: KpiRecordPageSerializer},
    )
    @action(detail=True, methods=["get"])
    def records(self, request, key=None):
        """The records a value was computed from (tickets, SLA clocks or
        surveys, each with its ticket, or changes): ``count`` equals the value's
        denominator, or its numerator with ``part=numerator``."""
        kpi = self._kpi(key)
        query = _validated(RecordsQuerySerializer, request)
        data = query.validated_data
        segment = data.get("segment")
        _check_segment(kpi, segment)
        value = _segment_value(kpi, segment, data.get("value"))
        part = data.get("part", "denominator")
        if part == "numerator" and not isinstance(kpi.measure, Share):
            raise ValidationError(
                {"part": [f"{kpi.name} is not a percentage: it has no numerator records."]}
            )
        period = _period_from(query)
        _check_period(kpi, period)
        rows = engine.records(kpi, period, segment, value, part=part)
        if rows.model._meta.model_name in ("slaclock", "csatsurvey"):
            rows = rows.select_related("ticket")
        paginator = RecordPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([_record_row(record) for record in page])


class KpiTargetSerializer(StanchionSerializer):
    kpi = serializers.CharField(max_length=64, help_text="The KPI's key (see /api/kpis/).")
    priority = serializers.CharField(
        max_length=2,
        default="",
        allow_blank=True,
        help_text="Blank for the KPI's overall target, p1-p4 for KPIs with targets per priority.",
    )
    target = serializers.FloatField(min_value=0, max_value=1e9)
    warning = serializers.FloatField(min_value=0, max_value=1e9, required=False, allow_null=True)

    class Meta:
        model = KpiTarget
        fields = ["id", "kpi", "priority", "target", "warning", "version", "created_at"]
        read_only_fields = ["created_at"]


class KpiTargetViewSet(StanchionViewSet):
    """The organisation's own KPI targets; without one, a KPI has its
    registry default. IT administrators set them."""

    queryset = KpiTarget.objects.all()
    serializer_class = KpiTargetSerializer
    permissions = crud_permissions("kpitarget")
    create_service = staticmethod(creator(KpiTarget))
    filterset_fields = ["kpi", "priority"]
    ordering_fields = ["id", "kpi"]
