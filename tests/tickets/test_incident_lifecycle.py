"""Incidents from open to close: workflow, SLA/OLA clocks, FCR and ping-pong.

Every time below is computed by hand on the 24x7 calendar: tier 2 P1 is
10 minutes to respond and 2 hours to resolve; the L1 OLA is 15 min / 4 h,
the L2 OLA 60 min / 8 h.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from stanchion.tickets import services
from stanchion.tickets.models import SlaClock, TimelineEvent

from .conftest import T0, open_p1

M = timedelta(minutes=1)


def clocks(ticket):
    return {
        (c.kind, c.team.name if c.team else None): c for c in SlaClock.objects.filter(ticket=ticket)
    }


def test_open_freezes_targets_and_starts_sla_clocks(desk):
    ticket = open_p1(desk)
    assert ticket.number == "INC-000001"
    assert ticket.priority == "p1"
    assert ticket.state == "new"
    assert ticket.sla_targets["policy_name"] == "Tier 2 P1"
    c = clocks(ticket)
    assert c[("response", None)].due_at == T0 + 10 * M
    assert c[("resolution", None)].due_at == T0 + 120 * M
    assert c[("response", None)].warn_at == T0 + 7.5 * M
    assert ticket.sla_due_at == T0 + 10 * M


def test_first_public_reply_stops_response_clocks(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.add_comment(ticket, actor=desk.agent, body="Looking at it", now=T0 + 5 * M)
    ticket.refresh_from_db()
    c = clocks(ticket)
    assert ticket.first_response_at == T0 + 5 * M
    assert c[("response", None)].state == "met"
    assert c[("ola_response", "Service Desk")].state == "met"
    assert c[("resolution", None)].state == "running"
    assert ticket.sla_due_at == T0 + 120 * M


def test_internal_note_is_not_a_response_and_requesters_cannot_write_one(desk):
    ticket = open_p1(desk)
    services.add_comment(ticket, actor=desk.agent, body="Checking logs", public=False, now=T0 + M)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    with pytest.raises(ValidationError) as raised:
        services.add_comment(ticket, actor=desk.requester_login, body="x", public=False)
    assert "public" in raised.value.message_dict


def test_reassignment_to_l2_counts_escalation_and_starts_its_own_ola(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.assign(
        ticket, actor=desk.agent, team=desk.l2, assignee=desk.specialist, now=T0 + 30 * M
    )
    ticket.refresh_from_db()
    assert ticket.reassignment_count == 1
    assert ticket.was_escalated
    c = clocks(ticket)
    # L1 held it 30 minutes: its response OLA (15 min) was missed.
    assert c[("ola_response", "Service Desk")].state == "missed"
    assert c[("ola_resolution", "Service Desk")].stopped_at == T0 + 30 * M
    assert c[("ola_response", "Network")].due_at == T0 + 90 * M
    assert c[("ola_resolution", "Network")].due_at == T0 + 30 * M + 480 * M


def test_assignee_must_be_in_the_team(desk):
    ticket = open_p1(desk)
    with pytest.raises(ValidationError) as raised:
        services.assign(ticket, actor=desk.agent, team=desk.l1, assignee=desk.specialist)
    assert "assignee" in raised.value.message_dict


def test_p1_clocks_run_on_while_pending(desk):
    # The default P1 policies pause for nothing: an outage clock never stops.
    ticket = open_p1(desk, assignment_team=desk.l2)
    assert ticket.sla_targets["pause_states"] == []
    services.change_state(ticket, "in_progress", actor=desk.specialist, now=T0 + 5 * M)
    services.change_state(
        ticket, "pending", actor=desk.specialist, pending_reason="pending_vendor", now=T0 + 20 * M
    )
    ticket.refresh_from_db()
    assert ticket.state == "pending" and ticket.pending_reason == "pending_vendor"
    resolution = clocks(ticket)[("resolution", None)]
    assert resolution.state == "running" and resolution.due_at == T0 + 120 * M


def test_pause_states_of_the_policy_stop_the_clock(desk):
    from stanchion.catalog.models import SlaPolicy

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
        assignment_team=desk.l2,
    )
    assert ticket.priority == "p3"  # 4 h response, 24 h resolution (tier 2 P3)
    services.change_state(
        ticket, "pending", actor=desk.specialist, pending_reason="pending_customer", now=T0 + 60 * M
    )
    resolution = clocks(ticket)[("resolution", None)]
    assert resolution.state == "paused" and resolution.due_at is None
    services.add_comment(
        ticket, actor=desk.requester_login, body="Here is the log", now=T0 + 180 * M
    )
    ticket.refresh_from_db()
    assert ticket.state == "in_progress"
    resolution = clocks(ticket)[("resolution", None)]
    # 24 h target, 2 h paused: due 26 h after opening.
    assert resolution.state == "running"
    assert resolution.due_at == T0 + timedelta(hours=26)


def test_resolve_records_tier_and_sends_a_survey_then_reopen_and_close(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.resolve(
        ticket, actor=desk.agent, code="solved", notes="Restarted gateway", now=T0 + 40 * M
    )
    ticket.refresh_from_db()
    assert ticket.state == "resolved"
    assert ticket.resolved_by_tier == "l1" and not ticket.was_escalated
    assert ticket.first_response_at == T0 + 40 * M
    assert ticket.surveys.count() == 1
    c = clocks(ticket)
    assert c[("resolution", None)].state == "met"
    assert c[("response", None)].state == "missed"  # 40 min > 10 min

    services.reopen(ticket, actor=desk.requester_login, reason="Down again", now=T0 + 100 * M)
    ticket.refresh_from_db()
    assert ticket.state == "in_progress" and ticket.reopen_count == 1
    resolution = clocks(ticket)[("resolution", None)]
    # Resolved from 40 to 100 minutes: that hour is a pause, so due 2 h + 1 h.
    assert resolution.state == "running"
    assert resolution.due_at == T0 + 180 * M
    services.resolve(ticket, actor=desk.agent, code="solved", notes="Replaced", now=T0 + 150 * M)
    services.close(ticket, actor=desk.agent, now=T0 + 200 * M)
    ticket.refresh_from_db()
    assert ticket.state == "closed"


def test_invalid_transitions_name_both_states(desk):
    ticket = open_p1(desk)
    with pytest.raises(ValidationError, match="from 'new' to 'closed'"):
        services.close(ticket, actor=desk.agent)
    services.cancel(ticket, actor=desk.agent, reason="Duplicate report")
    with pytest.raises(ValidationError, match="from 'cancelled' to 'in_progress'"):
        services.change_state(ticket, "in_progress", actor=desk.agent)


def test_reopen_window(desk, settings):
    settings.TICKET_REOPEN_DAYS = 7
    ticket = open_p1(desk)
    services.resolve(ticket, actor=desk.agent, code="solved", notes="ok", now=T0)
    with pytest.raises(ValidationError, match="within 7 days"):
        services.reopen(ticket, actor=desk.agent, reason="again", now=T0 + timedelta(days=8))


def test_every_step_is_on_the_timeline(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.add_comment(ticket, actor=desk.agent, body="On it", now=T0 + M)
    services.resolve(ticket, actor=desk.agent, code="solved", notes="Fixed", now=T0 + 2 * M)
    kinds = list(TimelineEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == ["created", "state", "assignment", "comment", "state"]


def test_the_receiving_teams_first_public_reply_stops_its_response_ola(desk):
    ticket = open_p1(desk, assignment_team=desk.l1)
    services.add_comment(ticket, actor=desk.agent, body="On it", now=T0 + 5 * M)
    services.assign(ticket, actor=desk.agent, team=desk.l2, now=T0 + 10 * M)
    services.add_comment(
        ticket, actor=desk.specialist, body="Looking", public=False, now=T0 + 20 * M
    )
    assert clocks(ticket)[("ola_response", "Network")].state == "running"  # a note is no reply
    services.add_comment(ticket, actor=desk.specialist, body="Found it", now=T0 + 40 * M)
    c = clocks(ticket)
    # Network's response OLA (60 min) started at +10 and stopped at +40: met.
    assert c[("ola_response", "Network")].state == "met"
    assert c[("ola_response", "Network")].stopped_at == T0 + 40 * M
    assert c[("ola_resolution", "Network")].state == "running"
    ticket.refresh_from_db()
    assert ticket.first_response_at == T0 + 5 * M  # the SLA's first response stays the first
