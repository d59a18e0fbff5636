"""The SLA job: warnings at 75%, breaches at 100%, once each, on the
timeline and notified; closing resolved tickets after the quiet period.

Times by hand on the 24x7 calendar: tier 2 P1 is 10 minutes to respond
(warning at 7.5 min) and 120 minutes to resolve (warning at 90 min); the
L1 OLA is 15 min (warning 11.25 min) / 240 min.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command

from stanchion.core.services import update_fields
from stanchion.notifications.models import Notification
from stanchion.tickets import services
from stanchion.tickets.jobs import check_sla_clocks
from stanchion.tickets.models import SlaClock, TimelineEvent

from .conftest import T0, open_p1

M = timedelta(minutes=1)
S = timedelta(seconds=1)


def clock(ticket, kind, team=None):
    return SlaClock.objects.get(ticket=ticket, kind=kind, team=team)


def sla_events(ticket):
    return list(
        TimelineEvent.objects.filter(ticket=ticket, kind="sla")
        .order_by("id")
        .values_list("data__clock", "data__sla", "public")
    )


def counts(result):
    return (result.warned, result.breached, result.closed)


def test_warning_at_exactly_75_percent_and_breach_at_100(desk):
    ticket = open_p1(desk)
    assert counts(check_sla_clocks(T0 + 7 * M + 29 * S)) == (0, 0, 0)
    assert counts(check_sla_clocks(T0 + 7 * M + 30 * S)) == (1, 0, 0)
    response = clock(ticket, "response")
    assert response.warned_at == T0 + 7.5 * M and response.breached_at is None
    assert clock(ticket, "resolution").warned_at is None  # its 75% is at 90 min
    # Running again at the same moment, or a little later, does nothing more.
    assert counts(check_sla_clocks(T0 + 7 * M + 30 * S)) == (0, 0, 0)
    assert counts(check_sla_clocks(T0 + 9 * M)) == (0, 0, 0)
    assert counts(check_sla_clocks(T0 + 10 * M)) == (0, 1, 0)
    response.refresh_from_db()
    assert response.breached_at == T0 + 10 * M
    assert response.state == "running"  # the clock runs on until the response
    assert counts(check_sla_clocks(T0 + 11 * M)) == (0, 0, 0)
    assert counts(check_sla_clocks(T0 + 90 * M)) == (1, 0, 0)  # resolution at 75%
    assert sla_events(ticket) == [
        ("response", "warning", False),
        ("response", "breached", False),
        ("resolution", "warning", False),
    ]


def test_a_clock_first_seen_past_due_is_breached_without_a_separate_warning(desk):
    ticket = open_p1(desk)
    assert counts(check_sla_clocks(T0 + 12 * M)) == (0, 1, 0)
    response = clock(ticket, "response")
    assert response.breached_at == T0 + 12 * M and response.warned_at == T0 + 12 * M
    assert sla_events(ticket) == [("response", "breached", False)]


def test_met_and_paused_clocks_are_left_alone(desk):
    from stanchion.catalog.models import SlaPolicy

    # Tier 2 P3 (4 h response, 24 h resolution) made to pause while waiting
    # for the customer; the P3 policy runs on the 24x7 calendar here.
    SlaPolicy.objects.filter(tier="2", priority="p3").update(
        pause_states=["pending_customer"], calendar=desk.calendar
    )
    ticket = services.open_incident(
        actor=desk.agent,
        requester=desk.requester,
        title="Slow VPN",
        service=desk.service,
        impact="2",
        urgency="2",
        now=T0,
    )
    services.add_comment(ticket, actor=desk.agent, body="On it", now=T0 + 5 * M)  # response met
    services.change_state(
        ticket, "pending", actor=desk.agent, pending_reason="pending_customer", now=T0 + 6 * M
    )
    # Days later, with the resolution clock paused since minute 6: nothing.
    assert counts(check_sla_clocks(T0 + timedelta(days=3))) == (0, 0, 0)
    assert sla_events(ticket) == []


def test_ola_clocks_warn_too(desk):
    ticket = open_p1(desk, assignment_team=desk.l1, assignee=desk.agent)
    services.add_comment(ticket, actor=desk.agent, body="On it", now=T0 + 2 * M)
    # Response clocks are met. The SLA resolution clock (120 min) warned at
    # 90 and breached at 120; the L1 OLA resolution warns at 75% of 240 min.
    assert counts(check_sla_clocks(T0 + 179 * M)) == (0, 1, 0)
    assert counts(check_sla_clocks(T0 + 180 * M)) == (1, 0, 0)
    assert clock(ticket, "ola_resolution", desk.l1).warned_at == T0 + 180 * M


def test_batches_are_limited_and_the_next_run_takes_the_rest(desk):
    first, second = open_p1(desk), open_p1(desk)
    assert counts(check_sla_clocks(T0 + 8 * M, batch=1)) == (1, 0, 0)
    assert counts(check_sla_clocks(T0 + 8 * M, batch=1)) == (1, 0, 0)
    assert counts(check_sla_clocks(T0 + 8 * M, batch=1)) == (0, 0, 0)
    assert clock(first, "response").warned_at and clock(second, "response").warned_at


def test_warning_goes_to_the_assignee_and_breach_also_to_the_team_manager(
    desk, make_user, django_capture_on_commit_callbacks
):
    boss = make_user("team_manager")
    update_fields(desk.l1, {"manager": boss}, actor=None, expected_version=None)
    ticket = open_p1(desk, assignment_team=desk.l1, assignee=desk.agent)
    with django_capture_on_commit_callbacks(execute=True):
        check_sla_clocks(T0 + 8 * M)
    assert list(Notification.objects.values_list("user", "kind")) == [
        (desk.agent.pk, "sla_warning")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        check_sla_clocks(T0 + 10 * M)
    breached = Notification.objects.filter(kind="sla_breached")
    assert sorted(breached.values_list("user", flat=True)) == sorted([desk.agent.pk, boss.pk])
    assert breached.first().title == f"{ticket.number} SLA breached: VPN down for everyone"


def test_unassigned_ticket_warns_the_team_manager(
    desk, make_user, django_capture_on_commit_callbacks
):
    boss = make_user("team_manager")
    update_fields(desk.l1, {"manager": boss}, actor=None, expected_version=None)
    open_p1(desk, assignment_team=desk.l1)
    with django_capture_on_commit_callbacks(execute=True):
        check_sla_clocks(T0 + 8 * M)
    assert list(Notification.objects.values_list("user", "kind")) == [(boss.pk, "sla_warning")]


def test_resolved_tickets_close_after_the_quiet_period(desk, settings):
    settings.TICKET_AUTO_CLOSE_DAYS = 5
    ticket = open_p1(desk)
    services.resolve(ticket, actor=desk.agent, code="solved", notes="Fixed", now=T0 + 20 * M)
    resolved_at = T0 + 20 * M
    # Nothing else is due: warnings/breaches were not reached before resolving.
    assert check_sla_clocks(resolved_at + timedelta(days=5) - S).closed == 0
    assert check_sla_clocks(resolved_at + timedelta(days=5)).closed == 1
    ticket.refresh_from_db()
    assert ticket.state == "closed" and ticket.closed_at == resolved_at + timedelta(days=5)
    closing = TimelineEvent.objects.filter(ticket=ticket, kind="state").latest("id")
    assert closing.actor is None and closing.data["to"] == "closed"
    assert check_sla_clocks(resolved_at + timedelta(days=6)).closed == 0


def test_reopened_tickets_are_not_closed(desk):
    ticket = open_p1(desk)
    services.resolve(ticket, actor=desk.agent, code="solved", notes="Fixed", now=T0 + 20 * M)
    services.reopen(ticket, actor=desk.requester_login, reason="Still down", now=T0 + 30 * M)
    result = check_sla_clocks(T0 + timedelta(days=10))
    assert result.closed == 0
    ticket.refresh_from_db()
    assert ticket.state == "in_progress"


@pytest.mark.django_db
def test_command_runs_the_job_once(desk, capsys):
    open_p1(desk)
    # T0 is in the past: both clocks are past due when the command runs now.
    call_command("sla", "check")
    out = capsys.readouterr().out
    assert out.strip() == "SLA check: 0 SLA warning(s), 2 breach(es), 0 resolved ticket(s) closed."
