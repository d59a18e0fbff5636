"""Major incidents' endpoints in the API permission matrix and list tests
(see tests/api/api_expectations_loader.py), written by hand.

Every IT role reads major incidents, their updates, reviews and actions;
agents and up (not auditors) declare and run them, post updates, edit
reviews and keep actions. Every employee, requesters included, follows
services (their own subscriptions only: the target is someone else's, so
it is not found for anyone). Targets are built through the services.
"""

import itertools
from datetime import timedelta

from django.utils import timezone

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.majorincidents import services
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
    ("major-incidents", "list"): status_for(200, STAFF),
    ("major-incidents", "retrieve"): status_for(200, STAFF),
    ("major-incidents", "suggestions"): status_for(200, STAFF),
    ("major-incidents", "create"): status_for(201, WORKERS),
    ("major-incidents", "partial_update"): status_for(200, WORKERS),
    ("major-incidents", "mitigate"): status_for(200, WORKERS),
    ("major-incidents", "resolve"): status_for(200, WORKERS),
    ("major-incidents", "link"): status_for(200, WORKERS),
    ("major-incidents", "unlink"): status_for(200, WORKERS),
    ("major-incident-updates", "list"): status_for(200, STAFF),
    ("major-incident-updates", "retrieve"): status_for(200, STAFF),
    ("major-incident-updates", "create"): status_for(201, WORKERS),
    ("service-subscriptions", "list"): status_for(200, set(ROLES)),
    ("service-subscriptions", "retrieve"): status_for(200, set(), otherwise=404),
    ("service-subscriptions", "create"): status_for(201, set(ROLES)),
    ("service-subscriptions", "destroy"): status_for(204, set(), otherwise=404),
    ("post-incident-reviews", "list"): status_for(200, STAFF),
    ("post-incident-reviews", "retrieve"): status_for(200, STAFF),
    ("post-incident-reviews", "partial_update"): status_for(200, WORKERS),
    ("review-actions", "list"): status_for(200, STAFF),
    ("review-actions", "retrieve"): status_for(200, STAFF),
    ("review-actions", "create"): status_for(201, WORKERS),
    ("review-actions", "partial_update"): status_for(200, WORKERS),
}


def _service(w):
    return catalog.create_service(
        actor=None,
        name=f"MI service {next(_n)}",
        tier="2",
        owner_team=w.managed_team,
        support_team=w.managed_team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )


def _incident(w, *, impact="1", urgency="1", service=None):
    return tickets.open_incident(
        actor=None,
        requester=w.other_person,
        title=f"Outage {next(_n)}",
        impact=impact,
        urgency=urgency,
        service=service,
        now=timezone.now() - timedelta(minutes=5),
    )


def _declared(w, mk=None):
    return services.declare(_incident(w, service=_service(w)), actor=w.users[AGENT])


def _with_child(w, mk):
    mi = _declared(w)
    services.link_child(mi, _incident(w, impact="3"), actor=None)
    return mi


def _resolved(w, mk=None):
    return services.resolve(_declared(w), actor=w.users[AGENT], notes="Fixed.")


def _update(w, mk):
    return services.post_update(_declared(w), actor=w.users[AGENT], body="Looking into it.")


def _subscription(w, mk):
    return services.subscribe(_service(w), actor=mk(AGENT))


def _action(w, mk):
    return services.add_action(
        _resolved(w).review,
        actor=None,
        title="Alert on disk space",
        owner=w.users[AGENT],
        due_date=timezone.localdate() + timedelta(days=14),
    )


TARGETS = {
    "major-incidents": _declared,
    "major-incident-updates": _update,
    "service-subscriptions": _subscription,
    "post-incident-reviews": lambda w, mk: _resolved(w).review,
    "review-actions": _action,
}

ACTION_TARGETS = {("major-incidents", "unlink"): _with_child}

ACTION_BODIES = {
    ("major-incidents", "mitigate"): lambda w, t: {},
    ("major-incidents", "resolve"): lambda w, t: {"notes": "Restarted the cluster."},
    ("major-incidents", "link"): lambda w, t: {"ticket": _incident(w, impact="3").number},
    ("major-incidents", "unlink"): lambda w, t: {"ticket": t.children.get().ticket.number},
}

CREATE_BODIES = {
    "major-incidents": lambda w, mk: {"ticket": _incident(w).number},
    "major-incident-updates": lambda w, mk: {
        "major_incident": _declared(w).pk,
        "body": "Failing over to the standby site.",
    },
    "service-subscriptions": lambda w, mk: {"service": _service(w).pk},
    "review-actions": lambda w, mk: {
        "review": _resolved(w).review.pk,
        "title": "Add a disk alert",
        "owner": w.users[AGENT].pk,
        "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
    },
}

PATCH_BODIES = {
    "major-incidents": {"title": "Mail delivery down"},
    "post-incident-reviews": {"root_cause": "A full disk on the primary."},
    "review-actions": {"state": "done"},
}


class _World:
    def __init__(self, admin, make_user):
        from stanchion.accounts import services as accounts

        self.users = {AGENT: admin, REQ: make_user(REQ)}
        self.managed_team = accounts.create_team(actor=None, name=f"MI team {next(_n)}")
        self.other_person = accounts.create_person(
            actor=None,
            name=f"Reporter {next(_n)}",
            email=f"reporter{next(_n)}@example.com",
            employee_id=f"MIR{next(_n)}",
        )


def _rows(build):
    def make(count, admin, make_user):
        w = _World(admin, make_user)
        for _ in range(count):
            build(w)

    return make


def _subscriptions(count, admin, make_user):
    w = _World(admin, make_user)
    for _ in range(count):
        services.subscribe(_service(w), actor=admin)


def _actions(count, admin, make_user):
    w = _World(admin, make_user)
    review = _resolved(w).review
    for n in range(count):
        services.add_action(
            review,
            actor=None,
            title=f"Action {n}",
            owner=admin,
            due_date=timezone.localdate() + timedelta(days=3),
        )


LIST_ROW_MAKERS = {
    "major-incidents": _rows(lambda w: _with_child(w, None)),
    "major-incident-updates": _rows(lambda w: _update(w, None)),
    "service-subscriptions": _subscriptions,
    "post-incident-reviews": _rows(_resolved),
    "review-actions": _actions,
}

# Authenticating the token, the page, and one query per nested list: a major
# incident's services, resolvers, resolver teams and children.
LIST_QUERY_BUDGET = {
    "major-incidents": 6,
    "major-incident-updates": 2,
    "service-subscriptions": 2,
    "post-incident-reviews": 2,
    "review-actions": 2,
}
