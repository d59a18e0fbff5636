"""Tickets keep the SLA targets they were opened under until an
administrator explicitly reapplies the changed policy to open tickets."""

from datetime import timedelta

from rest_framework.test import APIClient

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.catalog.models import SlaPolicy
from stanchion.core.models import AuditEntry
from stanchion.core.services import update_fields
from stanchion.tickets import services
from stanchion.tickets.models import SlaClock

from .conftest import T0, open_p1

M = timedelta(minutes=1)


def resolution_clock(ticket):
    return SlaClock.objects.get(ticket=ticket, kind="resolution")


def test_policy_change_applies_to_open_tickets_only_when_reapplied(desk, make_user):
    admin = make_user(Role.IT_ADMIN)
    open_ticket = open_p1(desk, "VPN down")
    done = open_p1(desk, "VPN down again")
    services.resolve(done, actor=desk.agent, code="solved", notes="ok", now=T0 + 30 * M)
    policy = SlaPolicy.objects.get(tier="2", priority="p1")
    update_fields(
        policy,
        {"resolution_target": timedelta(hours=3)},
        actor=admin,
        expected_version=policy.version,
    )

    # Frozen: the open ticket still runs on the 2-hour target.
    assert resolution_clock(open_ticket).due_at == T0 + 120 * M

    _, raw = accounts.issue_token(actor=admin, user=admin, name="t", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(f"/api/sla-policies/{policy.pk}/reapply/")
    assert response.status_code == 200, response.content
    assert response.json() == {"policy": policy.pk, "reapplied": 1}

    open_ticket.refresh_from_db()
    clock = resolution_clock(open_ticket)
    assert clock.target_seconds == 3 * 3600
    assert clock.due_at == T0 + 180 * M
    assert open_ticket.sla_targets["resolution_seconds"] == 3 * 3600
    assert open_ticket.events.filter(kind="sla", body__contains="reapplied").count() == 1
    # The resolved ticket keeps what it was measured against.
    assert resolution_clock(done).target_seconds == 2 * 3600
    reapplied = AuditEntry.objects.filter(
        model="tickets.slaclock", object_id=str(clock.pk), action="update"
    ).last()
    assert reapplied.changes["target_seconds"] == [7200, 10800]
    assert reapplied.actor_id == admin.pk

    # An agent may not move the goalposts.
    agent_client = APIClient()
    _, agent_raw = accounts.issue_token(actor=desk.agent, user=desk.agent, name="t", scope="write")
    agent_client.credentials(HTTP_AUTHORIZATION=f"Bearer {agent_raw}")
    assert agent_client.post(f"/api/sla-policies/{policy.pk}/reapply/").status_code == 403
