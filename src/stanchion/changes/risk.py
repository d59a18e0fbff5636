"""Explainable change risk: a score from 0 to 100 that is the sum of named
factors, each with the points it contributed and why.

| factor | points |
|---|---|
| tier of the most critical affected service | tier 1: 20, tier 2: 10, tier 3: 0 |
| services depending on them (transitively) | none: 0, 1-2: 4, 3-9: 7, 10 or more: 10 |
| failure rate of changes on the same services (last 365 days, at least 3) | rate x 10 |
| failure rate of changes from the same template (last 365 days, at least 3) | rate x 5 |
| outside the maintenance windows of a service that has some | 10 |
| inside a blackout | 10 |
| lead time from now to the planned start | under 1 day: 10, under 3 days: 5 |
| no backout plan | 5 |
| no test plan | 5 |
| the questionnaire (four questions) | up to 15 |

Rates round half up to whole points. A change counts as failed when its
outcome is failed or rolled back, or an incident is linked to it as caused by
it. An unanswered question counts as its riskiest answer, so that skipping the
questionnaire never lowers the score. The level is low below 30, high from 60,
medium between; it selects the approval policy (changes.policies).

The factor arithmetic (``score``) is plain Python; ``assess`` gathers its
inputs from the database and only reads.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError

LOW_BELOW = 30
HIGH_FROM = 60
HISTORY_DAYS = 365
HISTORY_MINIMUM = 3

QUESTIONS = [
    {
        "key": "user_impact",
        "question": "What do users notice while the change is made?",
        "choices": [
            ("none", "Nothing", 0),
            ("degraded", "Slowness or a degraded service", 2),
            ("outage", "An outage of the service", 5),
        ],
    },
    {
        "key": "reversibility",
        "question": "How quickly can the change be undone?",
        "choices": [
            ("minutes", "Within minutes", 0),
            ("hours", "Within hours", 2),
            ("irreversible", "It cannot be undone", 4),
        ],
    },
    {
        "key": "experience",
        "question": "Has the team made this change before?",
        "choices": [
            ("routine", "Routinely", 0),
            ("similar", "Something similar", 1),
            ("first_time", "Never", 3),
        ],
    },
    {
        "key": "teams_involved",
        "question": "How many teams take part in the change?",
        "choices": [
            ("one", "One", 0),
            ("two", "Two", 1),
            ("several", "Three or more", 3),
        ],
    },
]
_BY_KEY = {q["key"]: q for q in QUESTIONS}


def validate_answers(answers) -> dict:
    """The answers as a clean {question key: choice value} dict. Questions may
    be left unanswered (a draft fills them in over time); an unknown question
    or choice is an error naming the question."""
    if answers in (None, ""):
        return {}
    if not isinstance(answers, dict):
        raise ValidationError(
            {"risk_answers": "The risk answers must be an object of question: answer."}
        )
    clean = {}
    for key, value in answers.items():
        question = _BY_KEY.get(key)
        if question is None:
            known = ", ".join(_BY_KEY)
            raise ValidationError(
                {"risk_answers": f"Unknown risk question “{key}” (known: {known})."}
            )
        if value in (None, ""):
            continue
        allowed = [choice[0] for choice in question["choices"]]
        if value not in allowed:
            raise ValidationError(
                {
                    "risk_answers": f"“{question['question']}” ({key}): choose one of "
                    f"{', '.join(allowed)}; “{value}” is not an answer."
                }
            )
        clean[key] = value
    return clean


@dataclass
class RiskInputs:
    """Everything the score depends on, gathered by ``assess``."""

    tiers: list = field(default_factory=list)  # the affected services' tiers, "1".."3"
    dependents: int = 0
    service_history: tuple[int, int] = (0, 0)  # (failed, finished)
    template_history: tuple[int, int] | None = None  # None: not from a template
    has_windows: bool = False
    outside_window: bool = False
    blackouts: list = field(default_factory=list)  # names
    lead_hours: float | None = None  # None: not planned yet
    has_backout_plan: bool = False
    has_test_plan: bool = False
    answers: dict = field(default_factory=dict)


@dataclass
class Assessment:
    score: int
    level: str
    factors: list


def level_for(score: int) -> str:
    if score >= HIGH_FROM:
        return "high"
    return "low" if score < LOW_BELOW else "medium"


def _half_up(value: float) -> int:
    return int(value + 0.5)


def _history(key, label, counts, maximum, subject):
    failed, finished = counts
    if finished < HISTORY_MINIMUM:
        detail = f"{finished} finished change(s) {subject} in the last year: too few to judge"
        return _factor(key, label, detail, 0)
    points = _half_up(failed / finished * maximum)
    detail = f"{failed} of {finished} changes {subject} in the last year failed"
    return _factor(key, label, detail, points)


def _factor(key, label, detail, points):
    return {"key": key, "label": label, "detail": detail, "points": points}


def score(inputs: RiskInputs) -> Assessment:
    factors = []
    tier = min(inputs.tiers) if inputs.tiers else None
    tier_points = {"1": 20, "2": 10}.get(tier, 0)
    detail = f"Most critical affected service is tier {tier}" if tier else "No affected service"
    factors.append(_factor("tier", "Service tier", detail, tier_points))

    n = inputs.dependents
    points = 0 if n == 0 else 4 if n <= 2 else 7 if n <= 9 else 10
    factors.append(
        _factor("dependents", "Dependent services", f"{n} service(s) depend on them", points)
    )
    factors.append(
        _history(
            "service_history",
            "Failure rate on these services",
            inputs.service_history,
            10,
            "on these services",
        )
    )
    if inputs.template_history is None:
        factors.append(
            _factor("template_history", "Failure rate of the template", "Not from a template", 0)
        )
    else:
        factors.append(
            _history(
                "template_history",
                "Failure rate of the template",
                inputs.template_history,
                5,
                "from this template",
            )
        )

    if inputs.lead_hours is None:
        window = (0, "Not planned yet")
    elif not inputs.has_windows:
        window = (0, "No maintenance windows defined for these services")
    elif inputs.outside_window:
        window = (10, "Outside a maintenance window")
    else:
        window = (0, "Inside the maintenance windows")
    factors.append(_factor("window", "Maintenance window", window[1], window[0]))

    if inputs.blackouts:
        blackout = (10, "Inside " + ", ".join(inputs.blackouts))
    else:
        blackout = (0, "No blackout" if inputs.lead_hours is not None else "Not planned yet")
    factors.append(_factor("blackout", "Blackout", blackout[1], blackout[0]))

    hours = inputs.lead_hours
    if hours is None:
        lead = (0, "Not planned yet")
    else:
        points = 10 if hours < 24 else 5 if hours < 72 else 0
        lead = (points, f"Planned start is {hours:.0f} hour(s) away")
    factors.append(_factor("lead_time", "Lead time", lead[1], lead[0]))

    factors.append(
        _factor(
            "backout_plan",
            "Backout plan",
            "Present" if inputs.has_backout_plan else "Missing",
            0 if inputs.has_backout_plan else 5,
        )
    )
    factors.append(
        _factor(
            "test_plan",
            "Test plan",
            "Present" if inputs.has_test_plan else "Missing",
            0 if inputs.has_test_plan else 5,
        )
    )
    for question in QUESTIONS:
        answer = inputs.answers.get(question["key"])
        choices = {value: (label, pts) for value, label, pts in question["choices"]}
        if answer in choices:
            label, points = choices[answer]
            detail = label
        else:
            points = max(pts for _, _, pts in question["choices"])
            detail = "Not answered: counted as the riskiest answer"
        factors.append(_factor(f"answer:{question['key']}", question["question"], detail, points))

    total = sum(f["points"] for f in factors)
    return Assessment(score=total, level=level_for(total), factors=factors)


def _failure_counts(queryset):
    from django.db.models import Count, Q

    from .choices import FAILED_OUTCOMES

    row = queryset.aggregate(
        finished=Count("pk", distinct=True),
        failed=Count(
            "pk",
            distinct=True,
            filter=Q(outcome__in=FAILED_OUTCOMES) | Q(incident_links__isnull=False),
        ),
    )
    return row["failed"], row["finished"]


def gather(change, *, now) -> RiskInputs:
    """The risk inputs of a saved change, read from the database."""
    from django.db.models import Q

    from .conflicts import dependents_of
    from .models import Blackout, Change, MaintenanceWindow
    from .windows import covers, occurrences

    services = list(change.services.all().values_list("pk", "tier"))
    ids = [pk for pk, _ in services]
    since = now - timedelta(days=HISTORY_DAYS)
    finished = (
        Change.objects.exclude(pk=change.pk)
        .filter(actual_end__gte=since, actual_end__lte=now)
        .exclude(outcome="")
    )
    inputs = RiskInputs(
        tiers=[tier for _, tier in services],
        dependents=len(dependents_of(ids)) if ids else 0,
        service_history=_failure_counts(finished.filter(services__in=ids)) if ids else (0, 0),
        template_history=(
            _failure_counts(finished.filter(template_id=change.template_id))
            if change.template_id
            else None
        ),
        has_backout_plan=bool((change.backout_plan or "").strip()),
        has_test_plan=bool((change.test_plan or "").strip()),
        answers=validate_answers(change.risk_answers),
    )
    start, end = change.planned_start, change.planned_end
    if start and end and end > start:
        inputs.lead_hours = max((start - now).total_seconds() / 3600, 0.0)
        by_service = {}
        for window in MaintenanceWindow.objects.filter(service_id__in=ids).select_related(
            "service__calendar"
        ):
            by_service.setdefault(window.service_id, []).extend(occurrences(window, start, end))
        inputs.has_windows = bool(by_service)
        inputs.outside_window = any(not covers(spans, start, end) for spans in by_service.values())
        blackouts = Blackout.objects.filter(starts_at__lt=end, ends_at__gt=start)
        scope = Q(services__isnull=True)
        blackouts = blackouts.filter(scope | Q(services__in=ids) if ids else scope)
        inputs.blackouts = sorted(set(blackouts.values_list("name", flat=True)))
    return inputs


def assess(change, *, now) -> Assessment:
    """Score a saved change as of ``now``: score, level and factors."""
    return score(gather(change, now=now))
