"""Problem management's endpoints in the API permission matrix and list
tests (see tests/api/api_expectations_loader.py), written by hand.

Every IT role reads problems, their incident links and the root-cause
taxonomy; agents, team managers, change approvers and IT administrators
raise and work problems and link incidents; IT administrators keep the
taxonomy. Auditors read; employees (requesters) have no part in problem
management.
"""

import itertools

from stanchion.accounts.roles import Role
from stanchion.core.services import creator
from stanchion.problems import services
from stanchion.problems.models import RootCauseCategory
from stanchion.tickets import services as tickets

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
WORKERS = STAFF - {AUD}
_n = itertools.count(1)


def status_for(ok, allowed, otherwise=403):
    return {role: ok if role in allowed else otherwise for role in ROLES}


EXPECTED = {
    ("problems", "list"): status_for(200, STAFF),
    ("problems", "retrieve"): status_for(200, STAFF),
    ("problems", "create"): status_for(201, WORKERS),
    ("problems", "partial_update"): status_for(200, WORKERS),
    ("problems", "transition"): status_for(200, WORKERS),
    ("problems", "comment"): status_for(201, WORKERS),
    ("problem-incidents", "list"): status_for(200, STAFF),
    ("problem-incidents", "retrieve"): status_for(200, STAFF),
    ("problem-incidents", "create"): status_for(201, WORKERS),
    ("problem-incidents", "destroy"): status_for(204, WORKERS),
    ("root-cause-categories", "list"): status_for(200, STAFF),
    ("root-cause-categories", "retrieve"): status_for(200, STAFF),
    ("root-cause-categories", "create"): status_for(201, {ADMIN}),
    ("root-cause-categories", "update"): status_for(200, {ADMIN}),
    ("root-cause-categories", "partial_update"): status_for(200, {ADMIN}),
    ("root-cause-categories", "destroy"): status_for(204, {ADMIN}),
}


def _problem(w=None, mk=None):
    return services.create_problem(actor=None, title=f"VPN drops {next(_n)}")


def _incident(w):
    return tickets.open_incident(actor=None, requester=w.other_person, title=f"Down {next(_n)}")


def _link(w, mk):
    return services.link_incident(_problem(), _incident(w), actor=None)


def _cause(w=None, mk=None):
    return creator(RootCauseCategory)(actor=None, name=f"Cause {next(_n)}")


TARGETS = {
    "problems": _problem,
    "problem-incidents": _link,
    "root-cause-categories": _cause,
}

ACTION_BODIES = {
    ("problems", "transition"): lambda w, t: {"state": "investigating", "note": "Looking"},
    ("problems", "comment"): lambda w, t: {"body": "Gateway logs attached."},
}

CREATE_BODIES = {
    "problems": lambda w, mk: {"title": "Mail bounces", "priority": "p2"},
    "problem-incidents": lambda w, mk: {
        "problem": _problem().pk,
        "incident": _incident(w).number,
    },
    "root-cause-categories": lambda w, mk: {"name": f"Capacity {next(_n)}"},
}

PUT_BODIES = {
    "root-cause-categories": lambda t: {"name": f"Renamed {t.pk}", "is_active": True},
}

PATCH_BODIES = {
    "problems": {"workaround": "Reconnect."},
    "root-cause-categories": {"description": "Too little of something."},
}


class _ListWorld:
    def __init__(self):
        from stanchion.accounts import services as accounts

        self.other_person = accounts.create_person(
            actor=None,
            name=f"Person {next(_n)}",
            email=f"p{next(_n)}@example.com",
            employee_id=f"PB{next(_n)}",
        )


def _problems(count, admin, make_user):
    from stanchion.accounts import services as accounts
    from stanchion.catalog import services as catalog
    from stanchion.catalog.models import BusinessCalendar

    w = _ListWorld()
    team = accounts.create_team(actor=None, name=f"Problem team {next(_n)}")
    service = catalog.create_service(
        actor=None,
        name=f"Problem service {next(_n)}",
        tier="3",
        owner_team=team,
        support_team=team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )
    for _ in range(count):
        problem = services.create_problem(
            actor=None, title=f"P {next(_n)}", services=[service], root_cause_category=_cause()
        )
        services.link_incident(problem, _incident(w), actor=None)


def _links(count, admin, make_user):
    w = _ListWorld()
    problem = _problem()
    for _ in range(count):
        services.link_incident(problem, _incident(w), actor=None)


def _causes(count, admin, make_user):
    for _ in range(count):
        _cause()


LIST_ROW_MAKERS = {
    "problems": _problems,
    "problem-incidents": _links,
    "root-cause-categories": _causes,
}

# Authenticating the token, the page, and one query per nested list: a
# problem's services and its incident links (with their numbers).
LIST_QUERY_BUDGET = {
    "problems": 4,
    "problem-incidents": 2,
    "root-cause-categories": 2,
}
