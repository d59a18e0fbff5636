"""A hand-built service desk for the agent workspace tests (no tests here).

Every ticket's queue membership is decided by hand in ``QUEUE_MEMBERS``
below, not by calling the queue code; ``sla_due_at`` and ``resolved_at`` are
set directly so "breaching soon" and "recently resolved" do not depend on
how long the SLA engine says a target lasts.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.core.services import create_record
from stanchion.tickets import services
from stanchion.tickets.models import Ticket

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
HTMX = {"HX-Request": "true"}
H = timedelta(hours=1)
M = timedelta(minutes=1)

# Which lettered tickets each queue shows to ``world.agent`` (a member of
# the L1 team "Service Desk" only).
QUEUE_MEMBERS = {
    "mine": {"A", "E"},
    "teams": {"A", "B", "E"},
    "unassigned": {"B", "C"},
    "breaching": {"A", "C", "D"},
    "pending": {"E"},
    "resolved": {"F"},
    "all": {"A", "B", "C", "D", "E", "F", "G", "H", "I"},
}


def login(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@dataclass
class World:
    desk: object
    agent: object
    peer: object
    outsider: object
    auditor: object
    l3: Team
    tickets: dict = field(default_factory=dict)

    def t(self, letter):
        return Ticket.objects.get(pk=self.tickets[letter].pk)


def open_ticket(desk, title, *, team=None, assignee=None, actor=None, **extra):
    return services.open_incident(
        actor=actor or desk.agent,
        requester=desk.requester,
        title=title,
        service=desk.service,
        impact=extra.pop("impact", "2"),
        urgency=extra.pop("urgency", "2"),
        assignment_team=team,
        assignee=assignee,
        **extra,
    )


def build_world(desk, make_user):
    now = timezone.now()
    agent = desk.agent
    peer = make_user(Role.AGENT, full_name="Pat Peer")
    outsider = make_user(Role.AGENT, full_name="Olga Outsider")
    auditor = make_user(Role.AUDITOR, full_name="Aud Itor")
    accounts.add_team_member(desk.l1, peer, actor=None)
    l3 = create_record(Team, {"name": "Identity", "tier": "l3"})
    accounts.add_team_member(l3, outsider, actor=None)
    world = World(desk, agent, peer, outsider, auditor, l3)
    t = world.tickets

    t["A"] = open_ticket(desk, "Alpha VPN drops", team=desk.l1, assignee=agent)
    services.change_state(t["A"], "in_progress", actor=agent)
    t["B"] = open_ticket(desk, "Bravo printer jam", team=desk.l1)
    t["C"] = open_ticket(desk, "Charlie new starter laptop")
    t["D"] = open_ticket(desk, "Delta switch port", team=desk.l2, assignee=desk.specialist)
    services.change_state(t["D"], "in_progress", actor=desk.specialist)
    t["E"] = open_ticket(desk, "Echo mailbox quota", team=desk.l1, assignee=agent)
    services.change_state(t["E"], "pending", actor=agent, pending_reason="pending_customer")
    t["F"] = open_ticket(desk, "Foxtrot password reset", team=desk.l1, assignee=agent)
    services.resolve(t["F"], actor=agent, code="solved", notes="Reset it.")
    t["G"] = open_ticket(desk, "Golf old resolved", team=l3, assignee=outsider)
    services.resolve(t["G"], actor=outsider, code="solved", notes="Done long ago.")
    t["H"] = open_ticket(desk, "Hotel directory sync", team=l3)
    item = catalog.create_catalog_item(
        actor=None, service=desk.service, name="VPN token", approval="manager"
    )
    t["I"] = services.open_request(
        actor=desk.requester_login, requester=desk.requester, item=item, answers={}
    )
    due = {
        "A": now + 1 * H,
        "B": now + 5 * H,
        "C": now + 30 * M,
        "D": now - 10 * M,
        "E": None,  # pending for the customer: its clocks are paused
        "F": None,
        "G": None,
        "H": now + 8 * H,
        "I": None,
    }
    for letter, when in due.items():
        Ticket.objects.filter(pk=t[letter].pk).update(sla_due_at=when)
    Ticket.objects.filter(pk=t["F"].pk).update(resolved_at=now - 2 * 24 * H)
    Ticket.objects.filter(pk=t["G"].pk).update(resolved_at=now - 10 * 24 * H)
    return world
