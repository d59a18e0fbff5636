"""The demo's year of service desk history: deterministic, seasonal, and
every ticket consistent with its own timeline, clocks and audit trail."""

import random
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from stanchion.core.audit import verify
from stanchion.core.demo import run_demo
from stanchion.tickets import demo_plan
from stanchion.tickets.choices import DONE_STATES, OPEN_STATES
from stanchion.tickets.models import CsatSurvey, SlaClock, Ticket, TimelineEvent

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday afternoon
TICKETS = 80


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo company for the module, rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ctx = run_demo(seed=7, employees=50, tickets=TICKETS, now=NOW)
            yield ctx
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint():
    tickets = list(
        Ticket.objects.order_by("number").values_list(
            "number", "title", "state", "priority", "created_at", "resolved_at",
            "reassignment_count", "requester__email",
        )
    )  # fmt: skip
    timeline = list(
        TimelineEvent.objects.order_by("id").values_list("ticket__number", "kind", "at")
    )
    return tickets, timeline


@pytest.mark.django_db
def test_same_seed_same_history():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            run_demo(seed=3, employees=50, tickets=12, now=NOW)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0][0], "the demo made no tickets"
    assert runs[0] == runs[1]


def test_plan_is_seasonal():
    plan = demo_plan.arrivals(random.Random(1), 6000, end=NOW, outages=0, backlog=0)
    assert len(plan) == 6000
    assert all(a.at <= NOW for a in plan)
    by_month = Counter(a.at.month for a in plan)
    typical = sorted(by_month.values())[6]  # the median month
    assert by_month[8] < 0.75 * typical  # August: summer holidays
    assert by_month[12] < 0.8 * typical  # December: the holidays
    by_weekday = Counter(a.at.weekday() for a in plan)
    assert by_weekday[0] > by_weekday[2] > by_weekday[5] * 5  # Monday > Wednesday >> Saturday
    mornings = Counter((a.at.weekday(), 7 <= a.at.hour < 11) for a in plan)  # 08-12 Berlin
    # Monday mornings are the busiest stretch of the week.
    assert mornings[(0, True)] > max(mornings[(day, True)] for day in range(1, 5))


def test_plan_ends_with_this_weeks_intake():
    plan = demo_plan.arrivals(random.Random(4), 500, end=NOW, outages=0)
    assert len(plan) == 500 + 10
    assert sum(1 for a in plan if (NOW - a.at).total_seconds() <= 2 * 86_400) >= 10


def test_outage_reports_scale_with_the_year():
    assert demo_plan.outage_reports(300) == (5, 12)
    assert demo_plan.outage_reports(2000) == (12, 30)
    assert demo_plan.outage_reports(50) == (3, 6)


def test_plan_has_outage_bursts():
    plan = demo_plan.arrivals(random.Random(2), 2000, end=NOW, outages=3)
    bursts = Counter(a.outage for a in plan if a.outage is not None)
    assert sorted(bursts) == [0, 1, 2]
    for outage in bursts:
        times = [a.at for a in plan if a.outage == outage]
        assert 12 <= len(times) <= 30  # a busy year: the full range
        assert (max(times) - min(times)).total_seconds() <= 90 * 60


@pytest.mark.django_db
def test_history_covers_a_year_with_a_mix(demo):
    tickets = Ticket.objects.all()
    # Outage reports come on top of the planned tickets.
    assert tickets.count() >= TICKETS
    outage_reports = tickets.filter(links__kind="duplicate_of").count()
    assert outage_reports > 0
    assert 0.2 < tickets.filter(kind="request").count() / (tickets.count() - outage_reports) < 0.5
    first, last = (tickets.order_by(f).values_list("created_at", flat=True)[0]
                   for f in ("created_at", "-created_at"))  # fmt: skip
    assert (NOW - first).days > 330 and last <= NOW
    weekend = tickets.filter(created_at__week_day__in=(1, 7)).count()
    assert weekend < 0.1 * tickets.count()
    priorities = Counter(tickets.values_list("priority", flat=True))
    assert priorities["p3"] + priorities["p4"] > 0.6 * tickets.count()
    assert priorities["p1"] + priorities["p2"] > 0
    assert tickets.filter(is_major=True).exists()
    assert tickets.filter(reassignment_count__gte=2).exists()  # ping-pong
    assert tickets.filter(was_escalated=True).exists()
    assert tickets.filter(category__isnull=False, subcategory__isnull=False).exists()
    assert len(set(tickets.values_list("channel", flat=True))) >= 3


@pytest.mark.django_db
def test_todays_open_work_and_breaches(demo):
    open_tickets = Ticket.objects.filter(state__in=OPEN_STATES)
    assert open_tickets.exists()
    assert open_tickets.values("assignment_team").distinct().count() >= 2
    missed = SlaClock.objects.filter(kind="resolution", state="missed")
    assert missed.exists()  # some were resolved late
    assert SlaClock.objects.filter(kind="resolution", state="met").count() > missed.count()


@pytest.mark.django_db
def test_csat_answers(demo):
    surveys = CsatSurvey.objects.all()
    answered = surveys.filter(answered_at__isnull=False)
    assert 0.15 < answered.count() / surveys.count() < 0.45
    good = answered.filter(rating__gte=4).count()
    assert good > 0.6 * answered.count()


@pytest.mark.django_db
def test_every_ticket_agrees_with_its_timeline(demo):
    events = {}
    for event in TimelineEvent.objects.order_by("id"):
        events.setdefault(event.ticket_id, []).append(event)
    running = set(
        SlaClock.objects.filter(state__in=("running", "paused")).values_list("ticket_id", flat=True)
    )
    for ticket in Ticket.objects.all():
        history = events[ticket.pk]
        assert history[0].kind == "created" and history[0].at == ticket.created_at
        times = [e.at for e in history]
        assert times == sorted(times), ticket.number
        assert times[-1] <= NOW
        moves = [e for e in history if e.kind == "state"]
        expected = moves[-1].data["to"] if moves else "new"
        assert ticket.state == expected, ticket.number
        if ticket.state == "resolved":
            assert ticket.resolved_at == moves[-1].at and ticket.resolution_code
            assert ticket.closed_at is None
        if ticket.state == "closed":
            assert ticket.closed_at == moves[-1].at
        if ticket.state in OPEN_STATES:
            assert ticket.resolved_at is None and ticket.closed_at is None
        if ticket.state in DONE_STATES:
            assert ticket.pk not in running, ticket.number
        reopened = sum(1 for e in moves if e.data.get("from") == "resolved"
                       and e.data.get("to") == "in_progress")  # fmt: skip
        assert ticket.reopen_count == reopened


@pytest.mark.django_db
def test_audit_trail_verifies_after_the_demo(demo, capsys):
    assert verify() == []
    call_command("audit", "verify")
    assert "Audit trail intact" in capsys.readouterr().out
