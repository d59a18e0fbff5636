"""SLA clocks carry copies of their ticket's kind, service, priority and
catalog item (the SLA/OLA KPIs read them instead of joining every clock to
its ticket). The copies must always equal the ticket's own fields: when the
clock is created, when an agent changes the ticket's service or impact, when
a changed SLA policy is reapplied, and after the migration fills old rows."""

import importlib
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import SlaPolicy
from stanchion.core.services import update_fields
from stanchion.metrics import engine, periods
from stanchion.tickets import services
from stanchion.tickets.kpis import DESK_KPIS
from stanchion.tickets.models import SlaClock, Ticket
from stanchion.tickets.services.reapply import reapply_sla_policy

from .conftest import T0, open_p1

M = timedelta(minutes=1)
SLA_KPIS = [k for k in DESK_KPIS if k.source is not None and k.source.key == "sla_clocks"]


def copies(ticket):
    """Every clock of the ticket as (its copies), next to what the ticket
    itself says, read fresh from the database."""
    ticket = Ticket.objects.get(pk=ticket.pk)
    expected = (ticket.kind, ticket.service_id, ticket.priority, ticket.catalog_item_id)
    rows = SlaClock.objects.filter(ticket=ticket).values_list(
        "ticket_kind", "service_id", "priority", "catalog_item_id"
    )
    return list(rows), expected


def assert_copies_true(ticket, clocks=None):
    rows, expected = copies(ticket)
    assert rows, "the ticket has no clocks"
    if clocks is not None:
        assert len(rows) == clocks
    assert set(rows) == {expected}


def other_service(desk):
    return catalog.create_service(
        actor=None, name="Mail", tier="1", owner_team=desk.l2, support_team=desk.l2,
        calendar=desk.calendar,
    )  # fmt: skip


def test_an_incidents_clocks_copy_its_fields(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    rows, _ = copies(ticket)
    # SLA response and resolution, and the L1 team's OLA pair.
    assert sorted(rows) == [("incident", desk.service.pk, "p1", None)] * 4


def test_a_requests_clocks_copy_its_catalog_item(desk):
    item = catalog.create_catalog_item(
        actor=None, service=desk.service, name="Headset", approval="none",
        delivery_target=timedelta(hours=8), tasks=[(1, "Ship headset", desk.l1)],
    )  # fmt: skip
    ticket = services.open_request(
        actor=desk.requester_login, requester=desk.requester, item=item, answers={}, now=T0
    )
    rows, _ = copies(ticket)
    assert rows
    assert set(rows) == {("request", desk.service.pk, ticket.priority, item.pk)}


def test_a_new_team_opens_its_ola_clocks_with_the_copies(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.assign(ticket, actor=desk.agent, team=desk.l2, assignee=desk.specialist, now=T0 + M)
    assert_copies_true(ticket, clocks=6)


def test_changing_the_service_moves_every_clock_including_stopped_ones(desk):
    mail = other_service(desk)
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.change_state(ticket, "in_progress", actor=desk.agent, now=T0 + M)
    ticket.refresh_from_db()
    services.update_ticket(ticket, {"service": mail}, actor=desk.agent)
    rows, _ = copies(ticket)
    assert len(rows) == 4
    assert {service for _kind, service, _priority, _item in rows} == {mail.pk}
    assert_copies_true(ticket)


def test_a_new_impact_changes_the_priority_on_the_clocks(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.update_ticket(ticket, {"impact": "3", "urgency": "3"}, actor=desk.agent)
    ticket.refresh_from_db()
    assert ticket.priority == "p4"  # the default matrix: low impact, low urgency
    rows, _ = copies(ticket)
    assert {priority for _kind, _service, priority, _item in rows} == {"p4"}
    assert_copies_true(ticket)


def test_a_resolved_and_reopened_ticket_keeps_true_copies(desk):
    mail = other_service(desk)
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.resolve(ticket, actor=desk.agent, code="solved", notes="ok", now=T0 + 30 * M)
    services.update_ticket(ticket, {"service": mail}, actor=desk.agent)
    services.reopen(ticket, actor=desk.requester_login, reason="Still down", now=T0 + 60 * M)
    assert_copies_true(ticket)


def clock_updates(captured):
    return [q["sql"] for q in captured if q["sql"].startswith('UPDATE "tickets_slaclock"')]


def test_only_a_change_of_a_copied_field_writes_the_clocks(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    with CaptureQueriesContext(connection) as edit:
        services.update_ticket(ticket, {"title": "VPN down in Berlin"}, actor=desk.agent)
    assert clock_updates(edit.captured_queries) == []
    mail = other_service(desk)
    with CaptureQueriesContext(connection) as move:
        services.update_ticket(ticket, {"service": mail}, actor=desk.agent)
    # One statement for all four of the ticket's clocks.
    assert len(clock_updates(move.captured_queries)) == 1
    assert_copies_true(ticket, clocks=4)


def test_saving_the_ticket_directly_also_moves_its_clocks(desk):
    mail = other_service(desk)
    ticket = open_p1(desk)
    ticket = Ticket.objects.get(pk=ticket.pk)
    ticket.service = mail
    ticket.save()
    assert_copies_true(ticket)
    # Loaded without the copied fields, saving the others changes nothing.
    partial = Ticket.objects.only("id", "title").get(pk=ticket.pk)
    partial.title = "Renamed"
    partial.save(update_fields=["title"])
    assert_copies_true(ticket)


def test_reapplying_a_policy_keeps_the_copies(desk, make_user):
    admin = make_user(Role.IT_ADMIN)
    ticket = open_p1(desk, assignment_team=desk.l1)
    policy = SlaPolicy.objects.get(tier="2", priority="p1")
    update_fields(
        policy, {"resolution_target": timedelta(hours=3)}, actor=admin,
        expected_version=policy.version,
    )  # fmt: skip
    assert reapply_sla_policy(policy, actor=admin, now=T0 + M) == 1
    assert SlaClock.objects.get(ticket=ticket, kind="resolution").target_seconds == 3 * 3600
    assert_copies_true(ticket, clocks=4)


def test_the_migration_fills_the_copies_of_existing_clocks(desk):
    item = catalog.create_catalog_item(
        actor=None, service=desk.service, name="Headset", approval="none",
        delivery_target=timedelta(hours=8), tasks=[(1, "Ship headset", desk.l1)],
    )  # fmt: skip
    incident = open_p1(desk, assignment_team=desk.l1)
    request = services.open_request(
        actor=desk.requester_login, requester=desk.requester, item=item, answers={}, now=T0
    )
    # As before the migration: no copies.
    SlaClock.objects.update(ticket_kind=None, service=None, priority=None, catalog_item=None)
    migration = importlib.import_module("stanchion.tickets.migrations.0006_clock_ticket_copies")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert_copies_true(incident, clocks=4)
    assert_copies_true(request)
    assert copies(request)[1] == ("request", desk.service.pk, request.priority, item.pk)


def test_attainment_by_service_follows_a_moved_ticket(desk):
    """The KPI reads the copies: a ticket moved to another service after its
    clocks stopped counts for the new one, and its records are listed there."""
    mail = other_service(desk)
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.resolve(ticket, actor=desk.agent, code="solved", notes="ok", now=T0 + 5 * M)
    services.update_ticket(ticket, {"service": mail}, actor=desk.agent)
    month = periods.containing("month", T0.date(), T0.tzinfo)
    kpi = next(k for k in SLA_KPIS if k.key == "sla_response_incidents")
    split = engine.compute([kpi], month, "service", now=T0 + 60 * M)[kpi.key]
    assert set(split) == {mail.pk}
    assert (split[mail.pk].numerator, split[mail.pk].denominator) == (1, 1)
    listed = engine.records(kpi, month, "service", str(mail.pk), now=T0 + 60 * M)
    assert [c.ticket_id for c in listed] == [ticket.pk]
    assert not engine.records(kpi, month, "service", str(desk.service.pk), now=T0 + 60 * M)
