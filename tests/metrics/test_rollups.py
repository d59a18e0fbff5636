"""Daily roll-ups (stanchion.metrics.rollups): the KPIs read from rolled-up
days plus the records of the rest of the period must agree with the second,
simple implementation (test_kpi_reference.py) exactly as the records alone
do, whatever part of the period is rolled up, and after tickets, clocks and
surveys change through the ORM (which must forget the days that counted
them).
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stanchion.metrics import engine, rollups
from stanchion.metrics.engine import TargetTable
from stanchion.metrics.models import RollupSlice
from stanchion.metrics.registry import kpis
from stanchion.tickets.models import SlaClock, Ticket

from .conftest import LATER, NOV, utc
from .test_kpi_properties import compare, histories, insert
from .test_kpi_reference import BASE, OCT, RUNNING, SPAN_MINUTES, after, at
from .test_kpi_reference import row as quiet_row

DESK_SOURCES = {
    "tickets_opened", "tickets_responded", "tickets_resolved", "sla_clocks", "ola_clocks",
    "surveys_sent", "surveys_answered",
}  # fmt: skip
PROPERTY = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _days_built(source):
    return RollupSlice.objects.filter(source=source).count()


def test_the_desk_sources_roll_up():
    assert {source.key for source in rollups.sources()} == DESK_SOURCES
    # The backlog's age depends on the period's end: never rolled up.
    rolled = {kpi.key for source in rollups.sources() for kpi in rollups.rolled_kpis(source)}
    assert "backlog_over_7d" not in rolled
    assert "mttr" in {k.key for k in rollups.rolled_kpis(kpis.get("mttr").source)}


# -- whatever is rolled up, the numbers are the records' ----------------------


@PROPERTY
@given(
    history=histories,
    period=st.sampled_from([NOV, OCT]),
    running=st.booleans(),
    built_until=st.integers(0, SPAN_MINUTES),
)
def test_rolled_up_days_agree_with_a_simple_implementation(
    org, world, history, period, running, built_until
):
    now = RUNNING[period] if running else LATER
    with transaction.atomic():
        insert(org, history, world)
        rollups.build(now=BASE + timedelta(minutes=built_until))
        compare(history, world, period, now)
        transaction.set_rollback(True)


TEAMS, SERVICES = [None, "l1", "l2", "l3"], [None, "mail", "vpn", "fax"]
CATEGORIES = [None, "hardware", "software"]
changes = st.lists(
    st.tuples(
        st.integers(0, 7),
        st.sampled_from(
            [
                "team",
                "service",
                "priority",
                "category",
                "kind",
                "resolve",
                "clock",
                "answer",
                "delete",
            ]
        ),  # fmt: skip
        st.integers(0, 40 * 24 * 60),
    ),
    max_size=6,
)


def _change(world, row, written, what, number):
    """Applies one change to a row and, through the ORM, to its records."""
    ticket, clocks, surveys = written
    if what == "team":
        row.team = TEAMS[number % 4]
        ticket.assignment_team = world[row.team] if row.team else None
    elif what == "service":
        row.service = SERVICES[number % 4]
        ticket.service = world[row.service] if row.service else None
    elif what == "priority":
        row.priority = f"p{number % 4 + 1}"
        ticket.priority = row.priority
    elif what == "category":
        row.category = CATEGORIES[number % 3]
        ticket.category = world[row.category] if row.category else None
    elif what == "kind":
        row.kind = "request" if row.kind == "incident" else "incident"
        ticket.kind = row.kind
    elif what == "resolve":
        row.resolved, row.reopens = number, row.reopens + 1
        ticket.resolved_at = after(at(row.created), number)
        ticket.reopen_count = row.reopens
    elif what == "clock" and clocks:
        clock = row.clocks[0]
        clock.state = {"met": "missed", "missed": "met"}.get(clock.state, clock.state)
        clock.stopped = number if clock.state in ("met", "missed") else clock.stopped
        clocks[0].state = clock.state
        clocks[0].stopped_at = after(at(row.created), clock.stopped)
        clocks[0].save()
    elif what == "answer" and surveys:
        survey = row.surveys[0]
        survey.rating, survey.answered = number % 5 + 1, number
        surveys[0].rating = survey.rating
        surveys[0].answered_at = after(at(survey.sent), number)
        surveys[0].save()
    ticket.save()


@PROPERTY
@given(history=histories, period=st.sampled_from([NOV, OCT]), edits=changes)
def test_changed_records_forget_the_days_that_counted_them(org, world, history, period, edits):
    # Built as the job would be now: every day over by an hour, so the
    # changes below are to records of rolled-up days (and of days to come).
    with transaction.atomic():
        written = insert(org, history, world)
        rollups.build()
        kept = list(zip(history, written, strict=True))
        for index, what, number in edits:
            if index >= len(kept):
                continue
            if what == "delete":
                kept.pop(index)[1][0].delete()
                continue
            row, records = kept[index]
            _change(world, row, records, what, number)
        compare([row for row, _ in kept], world, period, LATER)
        transaction.set_rollback(True)


# -- the rows are what the engine reads -------------------------------------


@pytest.fixture
def october(org):
    """Three incidents in October 2026, each answered within the hour."""
    made = []
    for day, team in ((3, org.l1), (10, org.l2), (17, org.l2)):
        created = utc(2026, 10, day, 9)
        made.append(
            org.ticket(
                created_at=created,
                first_response_at=created + timedelta(minutes=30),
                resolved_at=created + timedelta(hours=2),
                assignment_team=team,
                service=org.mail,
            )
        )
    return made


def _by_team(key, period=OCT):
    got = engine.compute_one(kpis.get(key), period, "team", now=LATER, targets=TargetTable())
    return {team: value.denominator for team, value in got.items()}


def test_the_engine_reads_the_rolled_up_days(org, october, settings, django_assert_num_queries):
    built = rollups.build(now=utc(2026, 11, 1, 12))
    # The three ticket sources (no clocks or surveys here), each from its
    # first record (3 October) to 31 October.
    assert built == 29 * 3
    assert rollups.build(now=utc(2026, 11, 1, 12)) == 0
    # A queryset update skips the signals: the rolled-up days still count
    # the ticket under its old team, which shows they are what is read.
    Ticket.objects.filter(pk=october[0].pk).update(assignment_team=org.l2)
    assert _by_team("incident_volume") == {org.l1.pk: 1, org.l2.pk: 2}
    settings.KPI_ROLLUPS = False
    assert _by_team("incident_volume") == {org.l2.pk: 3}
    settings.KPI_ROLLUPS = True
    # One source, one segment: the days looked up, their rows, and the
    # records of 1 and 2 October (before the first record: no day built).
    with django_assert_num_queries(3):
        engine.compute_one(
            kpis.get("incident_volume"), OCT, "team", now=LATER, targets=TargetTable()
        )


def test_a_saved_change_forgets_only_the_days_of_the_record(org, october):
    rollups.build(now=utc(2026, 11, 1, 12))
    before = RollupSlice.objects.count()
    ticket = Ticket.objects.get(pk=october[0].pk)
    ticket.assignment_team = org.l2
    ticket.save()
    # Its opening, first response and resolution fall on 3 October: those
    # three days; it has no clocks or surveys.
    assert RollupSlice.objects.count() == before - 3
    forgotten = RollupSlice.objects.filter(start__lte=ticket.created_at, end__gt=ticket.created_at)
    assert not forgotten.exists()
    assert _by_team("incident_volume") == {org.l2.pk: 3}
    assert rollups.build(now=utc(2026, 11, 1, 12)) == 3
    assert _by_team("incident_volume") == {org.l2.pk: 3}


def test_a_ticket_of_today_touches_no_rolled_up_day(org, october):
    rollups.build()
    ticket = org.ticket(created_at=timezone.now(), assignment_team=org.l1)
    with CaptureQueriesContext(connection) as queries:
        ticket.resolved_at = timezone.now()
        ticket.resolution_code = "solved"
        ticket.save()
    assert not [q for q in queries if "metrics_rollup" in q["sql"]]
    # Its team is its clocks' and surveys' too, whose times may be older
    # (an imported ticket): those days are looked for.
    with CaptureQueriesContext(connection) as queries:
        ticket.assignment_team = org.l2
        ticket.save()
    assert [q for q in queries if "metrics_rollup" in q["sql"]]


def test_a_teams_tier_forgets_every_ola_day(org, october):
    for ticket in october:
        org.clock(ticket, "ola_response", "met", ticket.first_response_at, team=org.l2)
    rollups.build(now=utc(2026, 11, 1, 12))
    org.l2.tier = "l1"
    org.l2.save()
    assert _days_built("ola_clocks") == 0
    assert _days_built("tickets_opened") == 29
    rollups.build(now=utc(2026, 11, 1, 12))
    # No L2/L3 team holds an OLA clock any more.
    value = engine.overall(kpis.get("l2l3_first_response"), OCT, now=LATER, targets=TargetTable())
    assert value.denominator == 0


def test_a_changed_definition_reads_no_old_rows(org, october):
    rollups.build(now=utc(2026, 11, 1, 12))
    RollupSlice.objects.filter(source="tickets_opened").update(signature="0" * 16)
    # Rows of an older formula: the period is computed from the records.
    Ticket.objects.filter(pk=october[0].pk).update(assignment_team=org.l2)
    assert _by_team("incident_volume") == {org.l2.pk: 3}
    assert rollups.build(now=utc(2026, 11, 1, 12)) == 29
    current = {source.key: rollups.signature(source) for source in rollups.sources()}
    for source, sign in RollupSlice.objects.values_list("source", "signature"):
        assert sign == current[source]


def test_the_job_builds_a_hundred_days_at_a_time(org):
    org.ticket(created_at=timezone.now() - timedelta(days=400))
    assert rollups.run_job() == f"{rollups.JOB_LIMIT} KPI day(s) rolled up"
    assert RollupSlice.objects.count() == rollups.JOB_LIMIT


def test_the_command_rolls_up_every_day(org, october, capsys):
    call_command("kpis", "rollup")
    out = capsys.readouterr().out
    days = RollupSlice.objects.filter(source="tickets_opened").count()
    assert days >= 29 + 26  # 3 October to at least 27 November 2026
    # The three ticket sources: there are no clocks or surveys.
    assert out.strip() == f"{days * 3} day(s) of KPI sources rolled up"


def test_one_row_rolled_up_through_both_implementations(org, world):
    rows = [quiet_row(created=60 * 24 * 38, first_response=30, service="mail")]  # 2 November
    insert(org, rows, world)
    rollups.build(now=LATER)
    compare(rows, world, NOV, LATER)
    value = engine.overall(kpis.get("mtta"), NOV, now=LATER, targets=TargetTable())
    assert value.value == pytest.approx(30.0)


def test_clock_rows_follow_their_tickets_copies(org, october):
    clock = org.clock(october[1], "resolution", "met", october[1].resolved_at)
    rollups.build(now=utc(2026, 11, 1, 12))
    ticket = Ticket.objects.get(pk=october[1].pk)
    ticket.service = org.vpn
    ticket.save()
    assert SlaClock.objects.get(pk=clock.pk).service_id == org.vpn.pk
    got = engine.compute_one(
        kpis.get("sla_resolution_incidents"), OCT, "service", now=LATER, targets=TargetTable()
    )
    assert {service: value.denominator for service, value in got.items()} == {org.vpn.pk: 1}


def test_a_partial_save_compares_only_what_it_wrote(org, october):
    rollups.build(now=utc(2026, 11, 1, 12))
    ticket = Ticket.objects.get(pk=october[0].pk)
    ticket.assignment_team = org.l2  # changed in memory, not written
    ticket.save(update_fields=["title"])
    assert RollupSlice.objects.count() == 29 * 3
    ticket.save()  # now it is: the days of 3 October are forgotten
    assert RollupSlice.objects.count() == 29 * 3 - 3


def _fields_named(node):
    """The field paths a Q, expression or measure names."""
    from django.db.models import F, Q

    found = set()
    if isinstance(node, Q):
        for child in node.children:
            if isinstance(child, tuple):
                found.add(child[0])  # "kind__in": its first part is the field
            else:
                found |= _fields_named(child)
    elif isinstance(node, F):
        found.add(node.name)
    elif hasattr(node, "get_source_expressions"):
        for each in node.get_source_expressions():
            found |= _fields_named(each)
    for name in ("numerator", "expression"):
        if hasattr(node, name) and not isinstance(node, Q):
            found |= _fields_named(getattr(node, name))
    return found


def _attname(model, path):
    field = model._meta.get_field(path.split("__")[0])
    return field.attname


def test_the_watched_fields_cover_everything_the_rolled_up_kpis_read():
    """A field a rolled-up KPI filters, splits or measures by that is not
    watched would leave days uncorrected when it changes."""
    from stanchion.tickets.kpi_rollups import (
        CLOCK_FIELDS,
        SHARED_FIELDS,
        SURVEY_FIELDS,
        TICKET_FIELDS,
    )
    from stanchion.tickets.models import CsatSurvey

    watched = {
        Ticket: set(TICKET_FIELDS),
        SlaClock: set(CLOCK_FIELDS),
        CsatSurvey: set(SURVEY_FIELDS),
    }
    # The clocks' copies of their ticket's fields change with the ticket.
    copies = set(SlaClock.TICKET_COPIES)
    probe = NOV
    for source in rollups.sources():
        model = source.model_class
        paths = {source.rollup_field} | set(rollups._segment_paths(source).values())
        paths |= _fields_named(source.in_period(probe, probe.end))
        for kpi in rollups.rolled_kpis(source):
            paths |= _fields_named(kpi.population) | _fields_named(kpi.measure)
        for path in paths:
            if path.startswith("ticket__"):
                # Read through the ticket: its change must reach these days.
                name = _attname(Ticket, path.removeprefix("ticket__"))
                assert name in SHARED_FIELDS, (source.key, path)
            elif model is SlaClock and path.startswith("team__"):
                continue  # a team's tier: test_a_teams_tier_forgets_every_ola_day
            else:
                name = _attname(model, path)
                assert name in watched[model] | copies, (source.key, path)
