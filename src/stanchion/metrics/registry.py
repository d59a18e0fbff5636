"""The KPI registry: every KPI is defined once, in code, with its formula in
words, unit, direction, default targets, segments and the query that
computes it. Apps register their KPIs in their AppConfig.ready(); the engine
(metrics.engine) computes them, the pages and the API list them from here.

A KPI is a measure over a *source*: a set of records a period holds (tickets
opened in the period, SLA clocks stopped in it, ...). The KPI's *population*
narrows the source to the records it counts: its denominator, which is also
exactly the list a reader sees when they follow the number.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Q

from .periods import KINDS

HIGHER, LOWER = "higher", "lower"
UNITS = {
    "count": "",
    "percent": "%",
    "minutes": " min",
    "hours": " h",
    "days": " d",
    "score": " / 5",
}
# Every segment a KPI may be split by, with its label. Sources say which
# field of their records each segment reads.
SEGMENTS = {
    "service": "Service",
    "service_tier": "Service tier",
    "team": "Team",
    "priority": "Priority",
    "location": "Location",
    "category": "Category",
}


@dataclass(frozen=True)
class Source:
    """Records a period holds. ``in_period(period, as_of)`` returns the Q
    that selects them; ``as_of`` is the period's end, or now for the current
    period (a backlog is counted as it stands)."""

    key: str
    model: str
    title: str
    in_period: Callable[[Any, Any], Q]
    segments: dict[str, str]
    # Related rows the drill-down list shows next to each record.
    select_related: tuple[str, ...] = ()
    # The drill-down table's <thead> and <tbody> for records that are not
    # tickets, clocks or surveys (one ``record`` per row in ``page``).
    records_template: str = ""
    # The instant that puts a record in a period (``created_at`` for
    # tickets opened), for sources whose records a period holds by that
    # instant alone: their KPIs are kept by day in roll-ups
    # (stanchion.metrics.rollups). Empty: always computed from the records.
    rollup_field: str = ""

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def queryset(self):
        return self.model_class.objects.all()


@dataclass(frozen=True)
class Count:
    """The number of records in the population."""


@dataclass(frozen=True)
class Share:
    """The percentage of the population that meets ``numerator`` (a Q, or a
    callable of (period, as_of) for conditions relative to the period)."""

    numerator: Q | Callable


@dataclass(frozen=True)
class Mean:
    """The average of ``expression`` over the population, divided by
    ``scale`` (e.g. 60 for seconds shown as minutes). Records where the
    expression is null are left out of the population by ``population``."""

    expression: Any
    scale: float = 1.0


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    group: str
    formula: str
    unit: str
    direction: str
    source: Source | None
    measure: Any
    # Records of the source that count (the denominator); a callable gets
    # (period, as_of) for populations that depend on the period's end.
    population: Q | Callable = field(default_factory=Q)
    target: float | None = None
    # The edge of the amber zone: off target but not yet red.
    warning: float | None = None
    # Targets per priority (MTTA, MTTR): {"p1": (target, warning), ...}
    priority_targets: dict = field(default_factory=dict)
    segments: tuple[str, ...] = ("service", "service_tier", "team", "priority", "category")
    periods: tuple[str, ...] = KINDS
    notes: str = ""
    # For KPIs no single aggregate expresses (availability): an object with
    # compute(kpi, period, as_of, segment) and records(...); see availability.py.
    custom: Any = None
    order: int = 100

    def population_q(self, period, as_of):
        if callable(self.population):
            return self.population(period, as_of)
        return self.population

    def numerator_q(self, period, as_of):
        if not isinstance(self.measure, Share):
            return None
        numerator = self.measure.numerator
        return numerator(period, as_of) if callable(numerator) else numerator

    @property
    def unit_suffix(self):
        return UNITS[self.unit]

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"{self.key}: unknown unit {self.unit!r}")
        if self.direction not in (HIGHER, LOWER):
            raise ValueError(f"{self.key}: direction must be {HIGHER!r} or {LOWER!r}")
        if self.source is not None:
            missing = set(self.segments) - set(self.source.segments)
            if missing:
                raise ValueError(f"{self.key}: its source cannot be split by {sorted(missing)}")


class KpiRegistry:
    def __init__(self):
        self._kpis = {}
        # Groups show in the order their apps register them, which is the
        # order of INSTALLED_APPS: the service desk first, then changes, ...
        self._group_rank = {}
        # Bumped by every registration: what is derived from the registry
        # (metrics.rollups) is remembered per version.
        self.version = 0

    def register(self, *kpis):
        self.version += 1
        for kpi in kpis:
            if kpi.key in self._kpis and self._kpis[kpi.key] != kpi:
                raise ValueError(f"KPI {kpi.key!r} is registered twice")
            self._kpis[kpi.key] = kpi
            self._group_rank.setdefault(kpi.group, len(self._group_rank))

    def get(self, key):
        return self._kpis.get(key)

    def all(self):
        return sorted(
            self._kpis.values(),
            key=lambda kpi: (self._group_rank[kpi.group], kpi.order, kpi.name),
        )

    def groups(self):
        grouped = {}
        for kpi in self.all():
            grouped.setdefault(kpi.group, []).append(kpi)
        return grouped


kpis = KpiRegistry()
