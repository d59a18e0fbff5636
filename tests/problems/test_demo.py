"""The demo's problem step on a small desk: the taxonomy, problems raised
from the busiest (service, category) pairs in every state, known errors with
workarounds, linked incidents, a fix change where one exists, and the same
backlog for the same seed. (The whole demo company runs in tests/web.)"""

import random
from datetime import timedelta

import pytest
from django.db import transaction

from stanchion.changes.models import Change
from stanchion.core.registry import registry
from stanchion.problems.demo import create_problem_backlog
from stanchion.problems.models import Problem, ProblemIncident, RootCauseCategory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    day = timedelta(days=1)
    for n in range(5):
        world.incident(f"VPN drops {n}", at=NOW - (60 - n) * day)
    for n in range(4):
        world.incident(
            f"Mail bounces {n}", service=world.mail, category=world.email, at=NOW - (50 - n) * day
        )
    for n in range(3):
        world.incident(f"VPN mail {n}", category=world.email, at=NOW - (40 - n) * day)
    world.incident("Lonely", service=world.mail, category=world.network, at=NOW - day)
    fix = Change.objects.create(
        number="CHG-D00001",
        title="Replace the VPN gateway",
        requested_by=world.admin,
        state="closed",
        actual_end=NOW - 20 * day,
    )
    fix.services.set([world.vpn])
    return {
        "summary": [],
        "teams": {"network": world.team},
        "team_members": {"network": [world.agent]},
    }


def run(ctx, seed=1):
    create_problem_backlog(random.Random(seed), ctx, {"problems": 4, "now": NOW})


def fingerprint():
    return list(
        Problem.objects.order_by("number").values_list(
            "title", "state", "priority", "root_cause_category__name", "fix_change__number"
        )
    )


def test_the_demo_backlog(world, desk):
    run(desk)
    assert RootCauseCategory.objects.count() == 8  # two of them the world's already
    # Three pairs have two incidents or more: three problems, in plan order.
    problems = list(Problem.objects.order_by("number"))
    assert [p.state for p in problems] == ["new", "investigating", "known_error"]
    assert [p.services.get().name for p in problems] == ["VPN", "Mail", "VPN"]
    assert [p.incident_links.count() for p in problems] == [5, 4, 3]
    for problem in problems:
        assert problem.assignment_team == world.team and problem.assignee == world.agent
        for link in ProblemIncident.objects.filter(problem=problem).select_related("incident"):
            assert link.incident.category_id == problem.category_id
            assert link.incident.service_id == problem.services.get().pk
            assert link.created_at >= problem.created_at
    known = problems[2]
    assert known.workaround and known.root_cause_analysis and known.known_error_at <= NOW
    assert ("Problems", 3) in desk["summary"]
    assert registry.demo and any(s.name == "problems" and s.order == 55 for s in registry.demo)


def test_resolved_problems_take_a_fix_change_and_the_same_seed_repeats(world, desk):
    for n in range(6):
        world.incident(
            f"Mail down {n}",
            service=world.mail,
            category=world.network,
            at=NOW - (30 - n) * timedelta(days=1),
        )
    with transaction.atomic():
        run(desk)
        first = fingerprint()
        transaction.set_rollback(True)
    run(desk)
    assert fingerprint() == first
    states = [row[1] for row in first]
    assert states == ["new", "investigating", "known_error", "resolved"]
    resolved = Problem.objects.get(state="resolved")
    # The fourth busiest pair is VPN / Email (raised 38 days ago, known error
    # at 30% of the time since): the VPN gateway change, finished 20 days ago,
    # came after it and is taken as the fix; the problem is resolved after it.
    assert resolved.services.get().name == "VPN"
    assert resolved.fix_change.number == "CHG-D00001"
    assert resolved.fix_change.actual_end <= resolved.resolved_at <= NOW
