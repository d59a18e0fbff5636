"""The KPI endpoints in the API permission matrix and list tests (see
tests/api/api_expectations_loader.py), written by hand.

Every staff role reads KPIs, their values, the records behind them and the
organisation's targets; only IT administrators set targets. Requesters get
nothing.
"""

import itertools

from stanchion.accounts.roles import Role
from stanchion.core.services import creator
from stanchion.metrics.models import KpiTarget
from stanchion.metrics.registry import kpis

REQ, AGENT, TM, CA, ADMIN, AUD = (
    Role.REQUESTER,
    Role.AGENT,
    Role.TEAM_MANAGER,
    Role.CHANGE_APPROVER,
    Role.IT_ADMIN,
    Role.AUDITOR,
)
ROLES = [REQ, AGENT, TM, CA, ADMIN, AUD]
STAFF = set(ROLES) - {REQ}


def status_for(ok, allowed, otherwise=403):
    return {role: ok if role in allowed else otherwise for role in ROLES}


EXPECTED = {
    ("kpis", "list"): status_for(200, STAFF),
    ("kpis", "retrieve"): status_for(200, STAFF),
    ("kpis", "values"): status_for(200, STAFF),
    ("kpis", "records"): status_for(200, STAFF),
    ("kpi-targets", "list"): status_for(200, STAFF),
    ("kpi-targets", "retrieve"): status_for(200, STAFF),
    ("kpi-targets", "create"): status_for(201, {ADMIN}),
    ("kpi-targets", "update"): status_for(200, {ADMIN}),
    ("kpi-targets", "partial_update"): status_for(200, {ADMIN}),
    ("kpi-targets", "destroy"): status_for(204, {ADMIN}),
}

QUERIES = {
    ("kpis", "values"): "?period=month&at=2026-11-01&segment=priority",
    ("kpis", "records"): "?period=month&at=2026-11-01&segment=priority&value=p1",
}

TARGETS = {
    "kpis": lambda w, mk: kpis.get("mtta"),
    "kpi-targets": lambda w, mk: creator(KpiTarget)(
        actor=None, kpi="fcr", priority="", target=60.0, warning=50.0
    ),
}
LOOKUPS = {"kpis": lambda kpi: kpi.key}

CREATE_BODIES = {
    "kpi-targets": lambda w, mk: {"kpi": "csat_positive", "target": 85.0, "warning": 75.0},
}
PUT_BODIES = {
    "kpi-targets": lambda t: {"kpi": t.kpi, "priority": t.priority, "target": 65, "warning": 55},
}
PATCH_BODIES = {"kpi-targets": {"target": 55.0}}

# Authenticating the token, then the organisation's targets (the KPIs
# themselves are the registry, in code) / the page of targets.
LIST_QUERY_BUDGET = {"kpis": 2, "kpi-targets": 2}


def _no_rows(count, admin, make_user):
    """The KPI list is the registry: there are no rows to add."""


def _targets(count, admin, make_user):
    taken = set(KpiTarget.objects.values_list("kpi", "priority"))
    pairs = (
        (kpi, priority)
        for kpi in kpis.all()
        for priority in ("", *kpi.priority_targets)
        if (kpi.key, priority) not in taken
    )
    for kpi, priority in itertools.islice(pairs, count):
        target = kpi.priority_targets[priority][0] if priority else (kpi.target or 1.0)
        creator(KpiTarget)(actor=None, kpi=kpi.key, priority=priority, target=target)


LIST_ROW_MAKERS = {"kpis": _no_rows, "kpi-targets": _targets}
# Lists of registered things, not rows: they have this many, whatever is added.
LIST_FIXED_ROWS = {"kpis": len(kpis.all())}
