"""The service desk's endpoints in the API permission matrix and list tests
(see tests/api/api_expectations_loader.py), written by hand.

Employees open incidents and requests for themselves, reply on and reopen
their own tickets, decide the approvals addressed to them and attach public
files; other people's tickets are not found (404). IT staff work tickets
and tasks; auditors read; IT administrators also keep the categories.

The usual ticket target is someone else's new ticket (Olga's), so every
work action succeeds for staff; close and reopen get a resolved one.
"""

import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.core.services import creator
from stanchion.tickets import services
from stanchion.tickets.models import Category
from stanchion.tickets.services.attachments import add_attachment

REQ, AGENT, TM, CA, ADMIN, AUD = (
    Role.REQUESTER,
    Role.AGENT,
    Role.TEAM_MANAGER,
    Role.CHANGE_APPROVER,
    Role.IT_ADMIN,
    Role.AUDITOR,
)
ROLES = [REQ, AGENT, TM, CA, ADMIN, AUD]
EVERYONE = set(ROLES)
STAFF = EVERYONE - {REQ}
WORKERS = STAFF - {AUD}
_n = itertools.count(1)


def status_for(ok, allowed, otherwise=403):
    return {role: ok if role in allowed else otherwise for role in ROLES}


def _ticket_table(prefix):
    work = ("assign", "start", "pend", "resolve", "close", "cancel", "partial_update")
    return {
        (prefix, "list"): status_for(200, EVERYONE),
        (prefix, "retrieve"): status_for(200, STAFF, otherwise=404),
        (prefix, "create"): status_for(201, EVERYONE - {AUD}),
        **{(prefix, action): status_for(200, WORKERS) for action in work},
        (prefix, "link"): status_for(201, WORKERS),
        # Employees may reply on and reopen their own tickets: this one is
        # someone else's, so they do not find it.
        (prefix, "comment"): {**status_for(201, WORKERS), REQ: 404},
        (prefix, "reopen"): {**status_for(200, WORKERS), REQ: 404},
        (prefix, "timeline"): status_for(200, STAFF, otherwise=404),
        (prefix, "sla"): status_for(200, STAFF),
    }


EXPECTED = {
    **_ticket_table("incidents"),
    **_ticket_table("requests"),
    ("tasks", "list"): status_for(200, STAFF),
    ("tasks", "retrieve"): status_for(200, STAFF),
    ("tasks", "start"): status_for(200, WORKERS),
    ("tasks", "complete"): status_for(200, WORKERS),
    # Everyone lists the approvals addressed to them; the target is addressed
    # to the requester, so only she may decide it.
    ("approvals", "list"): status_for(200, EVERYONE),
    ("approvals", "retrieve"): status_for(200, EVERYONE),
    ("approvals", "approve"): status_for(200, {REQ}),
    ("approvals", "reject"): status_for(200, {REQ}),
    ("categories", "list"): status_for(200, EVERYONE),
    ("categories", "retrieve"): status_for(200, EVERYONE),
    ("categories", "create"): status_for(201, {ADMIN}),
    ("categories", "update"): status_for(200, {ADMIN}),
    ("categories", "partial_update"): status_for(200, {ADMIN}),
    ("categories", "destroy"): status_for(204, {ADMIN}),
    ("attachments", "list"): status_for(200, EVERYONE),
    # The target is a public file on someone else's ticket.
    ("attachments", "retrieve"): status_for(200, STAFF, otherwise=404),
    ("attachments", "download"): status_for(200, STAFF, otherwise=404),
    ("attachments", "create"): status_for(201, EVERYONE - {AUD}),
}


def _service(w):
    """A live portal service supported by the managed team, with an item
    that needs no approval and one with one fulfilment task."""
    if getattr(w, "desk_service", None) is None:
        w.desk_service = catalog.create_service(
            actor=None,
            name=f"Laptops {next(_n)}",
            tier="3",
            owner_team=w.managed_team,
            support_team=w.managed_team,
            calendar=BusinessCalendar.objects.get(name="24x7"),
        )
    return w.desk_service


def _item(w, *, approval="none", tasks=(), approval_team=None):
    return catalog.create_catalog_item(
        actor=None,
        service=_service(w),
        name=f"Item {next(_n)}",
        approval=approval,
        approval_team=approval_team,
        delivery_target=timedelta(hours=8),
        form_definition=[{"name": "reason", "type": "text", "required": True}],
        tasks=tasks,
    )


def _incident(w, requester=None):
    return services.open_incident(
        actor=None, requester=requester or w.other_person, title=f"Broken {next(_n)}"
    )


def _request(w, requester=None, **item):
    return services.open_request(
        actor=None,
        requester=requester or w.other_person,
        item=_item(w, **item),
        answers={"reason": "New starter"},
    )


def _resolved(ticket):
    return services.resolve(ticket, actor=None, code="solved", notes="Done")


def _task(w, mk):
    ticket = _request(w, tasks=[(1, "Prepare", w.managed_team)])
    return ticket.tasks.get()


def _approval(w, mk):
    """Olga's colleague asks; the requester role's person is the manager."""
    asker = accounts.create_person(
        actor=None,
        name=f"Asker {next(_n)}",
        email=f"asker{next(_n)}@example.com",
        employee_id=f"A{next(_n)}",
        manager=w.person_of(REQ),
    )
    return _request(w, requester=asker, approval="manager").approvals.get()


def _category(w, mk):
    return creator(Category)(actor=None, name=f"Network {next(_n)}")


def _attachment(w, mk):
    upload = SimpleUploadedFile("notes.txt", b"The VPN client says 809.")
    return add_attachment(_incident(w), actor=None, upload=upload)


TARGETS = {
    "incidents": lambda w, mk: _incident(w),
    "requests": lambda w, mk: _request(w),
    "tasks": _task,
    "approvals": _approval,
    "categories": _category,
    "attachments": _attachment,
}

ACTION_TARGETS = {
    ("incidents", "close"): lambda w, mk: _resolved(_incident(w)),
    ("incidents", "reopen"): lambda w, mk: _resolved(_incident(w)),
    ("requests", "close"): lambda w, mk: _resolved(_request(w)),
    ("requests", "reopen"): lambda w, mk: _resolved(_request(w)),
}


def _ticket_bodies(prefix):
    return {
        (prefix, "assign"): lambda w, t: {"team": w.managed_team.pk},
        (prefix, "pend"): lambda w, t: {"reason": "pending_customer", "comment": "Which model?"},
        (prefix, "resolve"): lambda w, t: {
            "resolution_code": "solved",
            "resolution_notes": "Replaced",
        },
        (prefix, "reopen"): lambda w, t: {"reason": "Broken again"},
        (prefix, "cancel"): lambda w, t: {"reason": "Reported twice"},
        (prefix, "comment"): lambda w, t: {"body": "Any news?"},
        (prefix, "link"): lambda w, t: {"other": _incident(w).pk, "kind": "related"},
    }


ACTION_BODIES = {
    **_ticket_bodies("incidents"),
    **_ticket_bodies("requests"),
    ("tasks", "complete"): lambda w, t: {"notes": "Ready"},
    ("approvals", "approve"): lambda w, t: {"comment": "Fine"},
    ("approvals", "reject"): lambda w, t: {"comment": "Not this quarter"},
}

FORMATS = {("attachments", "create"): "multipart"}


def _own_ticket_upload(w, mk):
    # On the requester role's own ticket, which every other role may see too.
    ticket = _incident(w, requester=w.person_of(REQ))
    return {"ticket": ticket.pk, "file": SimpleUploadedFile("log.txt", b"error 809\n")}


CREATE_BODIES = {
    "incidents": lambda w, mk: {"title": "My screen flickers", "impact": "3", "urgency": "2"},
    "requests": lambda w, mk: {"catalog_item": _item(w).pk, "answers": {"reason": "Broken"}},
    "categories": lambda w, mk: {"name": "Hardware"},
    "attachments": _own_ticket_upload,
}

PUT_BODIES = {
    "categories": lambda t: {"name": "Networking", "is_active": True},
}

PATCH_BODIES = {
    "incidents": {"title": "Renamed", "urgency": "1"},
    "requests": {"description": "More detail"},
    "categories": {"is_active": False},
}


# List tests: ``count`` rows of each, with the related records they show.
def _incidents(count, admin, make_user):
    requester = accounts.create_person(
        actor=None, name="Many", email=f"many{next(_n)}@example.com", employee_id=f"M{next(_n)}"
    )
    team = creator(Team)(actor=None, name=f"Desk {next(_n)}")
    for n in range(count):
        ticket = services.open_incident(actor=admin, requester=requester, title=f"Incident {n}")
        services.assign(ticket, actor=admin, team=team)
        services.add_comment(ticket, actor=admin, body="On it")


def _requests(count, admin, make_user):
    class W:
        desk_service = None

    w = W()
    w.managed_team = creator(Team)(actor=None, name=f"Fulfil {next(_n)}")
    w.other_person = accounts.create_person(
        actor=None, name="Asks", email=f"asks{next(_n)}@example.com", employee_id=f"R{next(_n)}"
    )
    item = _item(w, tasks=[(1, "Prepare", w.managed_team), (2, "Deliver", w.managed_team)])
    for _ in range(count):
        services.open_request(
            actor=admin, requester=w.other_person, item=item, answers={"reason": "x"}
        )


def _tasks(count, admin, make_user):
    _requests((count + 1) // 2, admin, make_user)


def _approvals(count, admin, make_user):
    class W:
        desk_service = None

    w = W()
    w.managed_team = creator(Team)(actor=None, name=f"Approvers {next(_n)}")
    item = _item(w, approval="team", approval_team=w.managed_team)
    person = accounts.create_person(
        actor=None, name="Wants", email=f"wants{next(_n)}@example.com", employee_id=f"W{next(_n)}"
    )
    for _ in range(count):
        services.open_request(actor=admin, requester=person, item=item, answers={"reason": "x"})


def _categories(count, admin, make_user):
    parent = creator(Category)(actor=None, name=f"Parent {next(_n)}")
    for n in range(count):
        creator(Category)(actor=None, name=f"Child {n}", parent=parent)


def _attachments(count, admin, make_user):
    person = accounts.create_person(
        actor=None, name="Files", email=f"files{next(_n)}@example.com", employee_id=f"F{next(_n)}"
    )
    ticket = services.open_incident(actor=admin, requester=person, title="With files")
    for n in range(count):
        upload = SimpleUploadedFile(f"log{n}.txt", f"line {n}\n".encode())
        add_attachment(ticket, actor=admin, upload=upload)


LIST_ROW_MAKERS = {
    "incidents": _incidents,
    "requests": _requests,
    "tasks": _tasks,
    "approvals": _approvals,
    "categories": _categories,
    "attachments": _attachments,
}

# Authenticating the token, then the page: related records are ids, and
# approvals join their request in the same query.
LIST_QUERY_BUDGET = {
    "incidents": 2,
    "requests": 2,
    "tasks": 2,
    "approvals": 2,
    "categories": 2,
    "attachments": 2,
}
