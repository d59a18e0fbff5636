"""Change management's KPIs, registered with the KPI engine (stanchion.metrics).

Two sets of records carry them:

- changes whose implementation *finished* in the period (actual end in it,
  with an outcome recorded): failure rate and outcomes, since only a
  finished change has an outcome;
- changes whose implementation *started* in the period (actual start in
  it): emergency ratio, lead time, implemented without approval, breaches.

A change is *failed* when its outcome is failed or rolled back
(choices.FAILED_OUTCOMES), or when an incident is linked to it as caused by
the change, whatever outcome was recorded. Linking an incident later turns
the change into a failure in the period it finished in.

By service, a change counts for each service it affects; the parts of a
split by service therefore add up to more than the total when changes touch
several services (the engine computes the total on its own). Changes have no
single tier (their services may differ), so they are not split by tier.
Default targets come from the Systems Engineering Manager's and the IT
Operations Manager's KPI tables where those give one (failure rate under
10%, under 5-10% for standard changes; emergency ratio under 10-15%;
standard changes' lead time under 5 business days); the others are
Stanchion's defaults, editable on the targets page.
"""

from django.db.models import Exists, F, OuterRef, Q

from stanchion.metrics.registry import HIGHER, LOWER, Count, Kpi, Mean, Share, Source, kpis

from .choices import FAILED_OUTCOMES, ChangeOutcome, ChangeType, ConflictKind
from .kpi_sql import BusinessDaysBetween, HasConflictKind

GROUP = "Change management"
SEGMENTS = ("service", "team")
_SEGMENT_FIELDS = {"service": "services", "team": "implementer_team"}
_RELATED = ("implementer_team",)
_RECORDS = "changes/kpi_records.html"


def _between(field):
    def in_period(period, as_of):
        return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})

    return in_period


FINISHED = Source(
    "changes_finished", "changes.Change",
    "Changes whose implementation finished in the period (actual end in it, outcome recorded)",
    lambda period, as_of: _between("actual_end")(period, as_of) & ~Q(outcome=""),
    _SEGMENT_FIELDS, _RELATED, _RECORDS,
)  # fmt: skip
STARTED = Source(
    "changes_started", "changes.Change",
    "Changes whose implementation started in the period (actual start in it)",
    _between("actual_start"), _SEGMENT_FIELDS, _RELATED, _RECORDS,
)  # fmt: skip


def failed(period=None, as_of=None):
    """Failed outcome, or an incident linked as caused by the change. An
    EXISTS, not a join: a change with two incidents is one failure. (A
    callable, as the engine allows, so the models are loaded first.)"""
    from .models import ChangeIncident

    caused = Exists(ChangeIncident.objects.filter(change=OuterRef("pk")))
    return Q(outcome__in=FAILED_OUTCOMES) | Q(caused)


# Non-standard changes whose work started before an approval was recorded
# (none at all, or one given afterwards). Standard changes are pre-approved
# by their template.
WITHOUT_APPROVAL = ~Q(change_type=ChangeType.STANDARD) & (
    Q(approved_at__isnull=True) | Q(approved_at__gt=F("actual_start"))
)
BREACH_KINDS = (ConflictKind.OUTSIDE_WINDOW, ConflictKind.BLACKOUT)


def _failure_rate(key, name, change_type, target, warning, order):
    population = Q() if change_type is None else Q(change_type=change_type)
    which = "changes" if change_type is None else f"{ChangeType.label(change_type).lower()} changes"
    return Kpi(
        key=key,
        name=name,
        group=GROUP,
        formula=(
            f"Of the {which} whose implementation finished in the period, the share that "
            "failed: outcome failed or rolled back, or an incident linked to the change as "
            "caused by it."
        ),
        notes=(
            "A change that caused an incident counts as failed whatever outcome was recorded; "
            "linking the incident later changes the period the change finished in. Cancelled "
            "changes never finish and are not counted. By service, a change counts for each "
            "service it affects."
        ),
        unit="percent",
        direction=LOWER,
        source=FINISHED,
        measure=Share(failed),
        population=population,
        target=target,
        warning=warning,
        segments=SEGMENTS,
        order=order,
    )


def _lead_time(change_type, target, warning, order):
    label = ChangeType.label(change_type)
    return Kpi(
        key=f"change_lead_time_{change_type}",
        name=f"Change lead time: {label.lower()} changes",
        group=GROUP,
        formula=(
            f"For {label.lower()} changes whose implementation started in the period: the "
            "average time from submission (the change leaving draft) to the actual start of "
            "implementation, in business days."
        ),
        notes=(
            "Business days: the wall-clock time between the two moments in the reporting time "
            "zone, less every Saturday and Sunday, in days of 24 hours (Friday 16:00 to Monday "
            "10:00 is 0.75 business days; a change submitted and started on one weekday takes "
            "the hours between as a fraction of a day). Public holidays count as business days. "
            "Changes never submitted (raised and started without leaving draft) are left out."
        ),
        unit="days",
        direction=LOWER,
        source=STARTED,
        measure=Mean(BusinessDaysBetween("actual_start", "submitted_at")),
        population=Q(change_type=change_type, submitted_at__isnull=False),
        target=target,
        warning=warning,
        segments=SEGMENTS,
        order=order,
    )


def _outcome(outcome, direction, order):
    label = ChangeOutcome.label(outcome)
    return Kpi(
        key=f"changes_{outcome}",
        name=f"Changes by outcome: {label.lower()}",
        group=GROUP,
        formula=(
            f"The number of changes whose implementation finished in the period with the "
            f"outcome '{label.lower()}'."
        ),
        notes=(
            "The four outcomes (successful, successful with issues, failed, rolled back) add "
            "up to the changes finished in the period. The outcome is the one recorded when "
            "implementation finished; a linked incident does not change it (it does count "
            "the change as failed for the failure rate)."
        ),
        unit="count",
        direction=direction,
        source=FINISHED,
        measure=Count(),
        population=Q(outcome=outcome),
        segments=SEGMENTS,
        order=order,
    )


CHANGE_KPIS = [
    _failure_rate("change_failure_rate", "Change failure rate", None, 10.0, 15.0, 10),
    _failure_rate(
        "change_failure_rate_standard",
        "Change failure rate: standard changes",
        ChangeType.STANDARD,
        5.0,
        10.0,
        11,
    ),  # fmt: skip
    _failure_rate(
        "change_failure_rate_normal",
        "Change failure rate: normal changes",
        ChangeType.NORMAL,
        10.0,
        15.0,
        12,
    ),  # fmt: skip
    _failure_rate(
        "change_failure_rate_emergency",
        "Change failure rate: emergency changes",
        ChangeType.EMERGENCY,
        15.0,
        25.0,
        13,
    ),  # fmt: skip
    Kpi(
        key="emergency_change_ratio",
        name="Emergency change ratio",
        group=GROUP,
        formula=(
            "Of the changes whose implementation started in the period, the share that were "
            "emergency changes."
        ),
        notes=(
            "A high ratio signals unplanned work or a change process so slow that teams route "
            "around it. Changes cancelled before they started are not counted."
        ),
        unit="percent",
        direction=LOWER,
        source=STARTED,
        measure=Share(Q(change_type=ChangeType.EMERGENCY)),
        target=10.0,
        warning=15.0,
        segments=SEGMENTS,
        order=20,
    ),
    _lead_time(ChangeType.STANDARD, 5.0, 7.0, 30),
    _lead_time(ChangeType.NORMAL, 10.0, 15.0, 31),
    _lead_time(ChangeType.EMERGENCY, 1.0, 2.0, 32),
    _outcome(ChangeOutcome.SUCCESSFUL, HIGHER, 40),
    _outcome(ChangeOutcome.SUCCESSFUL_WITH_ISSUES, LOWER, 41),
    _outcome(ChangeOutcome.FAILED, LOWER, 42),
    _outcome(ChangeOutcome.ROLLED_BACK, LOWER, 43),
    Kpi(
        key="changes_without_approval",
        name="Changes implemented without approval",
        group=GROUP,
        formula=(
            "The number of normal and emergency changes whose implementation started in the "
            "period without an approval recorded before the start (no approval, or one "
            "recorded after the work began)."
        ),
        notes=(
            "Standard changes are pre-approved by their template and never count. Stanchion "
            "refuses to start a change that is not approved, so anything here was recorded "
            "around the process (an import, a data fix) and deserves a look."
        ),
        unit="count",
        direction=LOWER,
        source=STARTED,
        measure=Count(),
        population=WITHOUT_APPROVAL,
        target=0.0,
        segments=SEGMENTS,
        order=50,
    ),
    Kpi(
        key="changes_in_breach",
        name="Changes in breach of a window or blackout",
        group=GROUP,
        formula=(
            "The number of changes whose implementation started in the period while planned "
            "outside a maintenance window of an affected service or inside a blackout: the "
            "conflicts stored when the change was last planned include 'outside the service's "
            "maintenance window' or 'inside a blackout period'."
        ),
        notes=(
            "Overridden conflicts count: the override is a recorded reason, not the absence of "
            "a breach (the drill-down shows each change; its page shows the reason). The "
            "check reads the planned times, as approved; overlaps with other changes are not "
            "breaches. Changes in breach without a recorded override have their own KPI."
        ),
        unit="count",
        direction=LOWER,
        source=STARTED,
        measure=Count(),
        population=Q(HasConflictKind(*BREACH_KINDS)),
        segments=SEGMENTS,
        order=60,
    ),
    Kpi(
        key="changes_in_breach_unexcused",
        name="Changes in breach without an override",
        group=GROUP,
        formula=(
            "The number of changes whose implementation started in the period while planned "
            "outside a maintenance window or inside a blackout (as for the previous KPI) with "
            "no override reason recorded."
        ),
        notes=(
            "Every breach should carry a reason recorded by someone allowed to override "
            "conflicts; anything here went ahead without one."
        ),
        unit="count",
        direction=LOWER,
        source=STARTED,
        measure=Count(),
        population=Q(HasConflictKind(*BREACH_KINDS)) & Q(conflict_override_reason=""),
        target=0.0,
        segments=SEGMENTS,
        order=61,
    ),
]


def register():
    kpis.register(*CHANGE_KPIS)
