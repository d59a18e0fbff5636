"""Problem management's KPIs, registered with the KPI engine (stanchion.metrics).

- Recurring incident rate: of the incidents opened in the period, the share
  whose cause had already been seen in an earlier incident (see the formula).
  Target from the Systems Engineering Manager's KPI table: under 10-15%
  recurring within a quarter.
- Problem backlog: problems open at the period's end (or now), split by
  priority, service and team; and the share of them older than 90 days.
- Incidents prevented: for problems whose permanent fix finished in the
  period, incidents in the 90 days before the fix minus those in the 90 days
  after (so far).
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q

from stanchion.metrics.engine import ALL, Value, segment_filter
from stanchion.metrics.registry import HIGHER, LOWER, Count, Kpi, Share, Source, kpis
from stanchion.tickets.kpis import OPENED

GROUP = "Problem management"
AGED_DAYS = 90
PREVENTION_DAYS = 90
_SEGMENTS = {"service": "services", "team": "assignment_team", "priority": "priority"}
_RECORDS = "problems/kpi_records.html"


def _open_at(period, as_of):
    """Raised before the moment, neither resolved nor closed by then."""
    return (
        Q(created_at__lt=as_of)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=as_of))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=as_of))
    )


OPEN_PROBLEMS = Source(
    "problems_open", "problems.Problem", "Problems open at the end of the period",
    _open_at, _SEGMENTS, ("root_cause_category", "assignment_team"), _RECORDS,
)  # fmt: skip


def recurring(period, as_of):
    """Linked to a problem that already had an incident opened before this
    one, or whose root-cause category a problem with an earlier incident
    shares. Earlier than the incident, not than the period: the second
    outage of a new cause in one quarter is a recurrence, and the rate over
    a year means the same as over a quarter. EXISTS, not joins: one incident
    counts once."""
    from .models import ProblemIncident

    before_this = OuterRef(OuterRef("created_at"))
    earlier = ProblemIncident.objects.filter(incident__created_at__lt=before_this).filter(
        Q(problem=OuterRef("problem"))
        | Q(problem__root_cause_category=OuterRef("problem__root_cause_category"))
    )
    linked = ProblemIncident.objects.filter(incident=OuterRef("pk")).filter(Exists(earlier))
    return Q(Exists(linked))


def _aged(period, as_of):
    return Q(created_at__lt=as_of - timedelta(days=AGED_DAYS))


class BacklogAge:
    """The mean age, in days, of the problems open at the period's end (or
    now): from each one's raising to that moment. Problems are few (a
    backlog of hundreds), so their ages are summed here rather than in SQL,
    where the moment differs per period."""

    def compute(self, kpi, period, as_of, segment):
        from .models import Problem

        field = None if segment is None else OPEN_PROBLEMS.segments[segment]
        rows = Problem.objects.filter(_open_at(period, as_of)).values_list(
            field or "pk", "created_at"
        )
        totals, counts = defaultdict(float), defaultdict(int)
        for key, raised in rows:
            key = ALL if field is None else key
            counts[key] += 1
            totals[key] += (as_of - raised).total_seconds() / 86400
        values = {key: Value(kpi, period, segment, key, totals[key], counts[key]) for key in counts}
        if segment is None and ALL not in values:
            values[ALL] = Value(kpi, period, None, ALL, 0.0, 0)
        return values

    def value(self, item):
        return item.numerator / item.denominator if item.denominator else None

    def records(self, kpi, period, as_of, segment, value):
        from .models import Problem

        rows = Problem.objects.filter(_open_at(period, as_of))
        if segment is not None and value not in (None, ALL):
            rows = rows.filter(segment_filter(kpi, segment, value))
        return rows.select_related("root_cause_category", "assignment_team")


class _FixedSource:
    """Just enough of a Source for the drill-down of incidents prevented:
    problems whose permanent fix finished in the period."""

    key = "problems_fixed"
    title = "Problems whose permanent fix (change) finished in the period"
    segments = {"priority": "priority", "team": "assignment_team"}
    records_template = _RECORDS


def _fixed(period, as_of):
    from .models import Problem

    return Problem.objects.filter(
        fix_change__actual_end__gte=period.start,
        fix_change__actual_end__lt=min(period.end, as_of),
    )


class IncidentsPrevented:
    """Per problem: B = its linked incidents opened in the 90 days before its
    fix change's actual end, A = those opened from then until 90 days after
    (as many as there are so far: the count of a past period grows until
    those days have run); the value is the sum of B - A over the problems
    (so it may be negative)."""

    def compute(self, kpi, period, as_of, segment):
        from .models import ProblemIncident

        window = timedelta(days=PREVENTION_DAYS)
        field = None if segment is None else kpi.source.segments[segment]
        problems = {
            pk: (fixed_at, ALL if field is None else key)
            for pk, fixed_at, key in _fixed(period, as_of).values_list(
                "pk", "fix_change__actual_end", field or "pk"
            )
        }
        totals, counts = defaultdict(float), defaultdict(int)
        for _fixed_at, key in problems.values():
            counts[key] += 1
            totals[key] += 0  # a problem with no incident around its fix counts 0
        links = ProblemIncident.objects.filter(problem_id__in=list(problems)).values_list(
            "problem_id", "incident__created_at"
        )
        for problem_id, opened in links:
            fixed_at, key = problems[problem_id]
            if fixed_at - window <= opened < fixed_at:
                totals[key] += 1
            elif fixed_at <= opened < fixed_at + window:
                totals[key] -= 1
        values = {key: Value(kpi, period, segment, key, totals[key], counts[key]) for key in counts}
        if segment is None and ALL not in values:
            values[ALL] = Value(kpi, period, None, ALL, 0.0, 0)
        return values

    def value(self, item):
        # A count: a period with no fixed problem prevented nothing.
        return item.numerator

    def records(self, kpi, period, as_of, segment, value):
        rows = _fixed(period, as_of)
        if segment is not None and value not in (None, ALL):
            rows = rows.filter(segment_filter(kpi, segment, value))
        return rows.select_related("root_cause_category", "assignment_team", "fix_change")


PROBLEM_KPIS = [
    Kpi(
        key="recurring_incident_rate",
        name="Recurring incident rate",
        group=GROUP,
        formula=(
            "Of the incidents opened in the period, the share linked to a problem whose cause "
            "had already been seen: the same problem has another incident opened before this "
            "one (in or before the period), or a problem with the same root-cause category "
            "has one."
        ),
        notes=(
            "An incident not linked to any problem does not count as recurring, so the rate "
            "rises as problem management links incidents; link incidents as they come to see "
            "the true rate. Incidents linked later change the period they were opened in."
        ),
        unit="percent",
        direction=LOWER,
        source=OPENED,
        measure=Share(recurring),
        population=Q(kind="incident"),
        target=10.0,
        warning=15.0,
        segments=("service", "service_tier", "team", "priority", "category"),
        order=10,
    ),
    Kpi(
        key="problem_backlog",
        name="Problem backlog",
        group=GROUP,
        formula=(
            "The number of problems open at the end of the period (or now, for the current "
            "period): raised before then and neither resolved nor closed by then."
        ),
        notes=(
            "Split by priority to see the backlog by priority. By service, a problem counts "
            "for each service it affects. A problem resolved and then re-opened counts as "
            "open again from the moment it was re-opened."
        ),
        unit="count",
        direction=LOWER,
        source=OPEN_PROBLEMS,
        measure=Count(),
        segments=("priority", "service", "team"),
        order=20,
    ),
    Kpi(
        key="problem_backlog_aged",
        name=f"Problems open over {AGED_DAYS} days",
        group=GROUP,
        formula=(
            "Of the problems open at the end of the period (or now), the share raised more "
            f"than {AGED_DAYS} days before that moment."
        ),
        notes="The age of the backlog: old open problems are causes nobody is fixing.",
        unit="percent",
        direction=LOWER,
        source=OPEN_PROBLEMS,
        measure=Share(_aged),
        target=25.0,
        warning=50.0,
        segments=("priority", "service", "team"),
        order=21,
    ),
    Kpi(
        key="problem_backlog_age",
        name="Problem backlog age",
        group=GROUP,
        formula=(
            "The average age, in days, of the problems open at the end of the period (or now): "
            "from when each was raised to that moment."
        ),
        notes="Split by priority to see how long each priority's problems wait.",
        unit="days",
        direction=LOWER,
        source=OPEN_PROBLEMS,
        measure=None,
        custom=BacklogAge(),
        target=60.0,
        warning=90.0,
        segments=("priority", "service", "team"),
        order=22,
    ),
    Kpi(
        key="incidents_prevented",
        name="Incidents prevented by problem fixes",
        group=GROUP,
        formula=(
            "For each problem whose permanent fix (its fix change) finished implementation in "
            f"the period: the incidents linked to it opened in the {PREVENTION_DAYS} days before "
            f"the change's actual end, minus those opened in the {PREVENTION_DAYS} days after "
            "it (so far, while those days run); summed over the problems."
        ),
        notes=(
            "Negative when incidents kept coming after the fix. Incidents count only once "
            "linked to the problem. The linked list is the problems fixed in the period."
        ),
        unit="count",
        direction=HIGHER,
        source=_FixedSource(),
        measure=None,
        custom=IncidentsPrevented(),
        segments=("priority", "team"),
        order=30,
    ),
]


def register():
    kpis.register(*PROBLEM_KPIS)


__all__ = ["PROBLEM_KPIS", "register"]
