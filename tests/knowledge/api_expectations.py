"""The knowledge base's endpoints in the API permission matrix and list
tests (see tests/api/api_expectations_loader.py), written by hand.

Everyone reads the published articles written for employees (the targets
below are such articles); employees and IT staff answer "was this
helpful?"; IT staff (not auditors, who only read) write, publish, retire
and review articles and link them to tickets; only IT administrators delete
articles. Versions, feedback and ticket links are IT's to read.
"""

import itertools

from stanchion.accounts.roles import Role
from stanchion.knowledge import services as kb
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
    ("articles", "list"): status_for(200, set(ROLES)),
    ("articles", "retrieve"): status_for(200, set(ROLES)),
    ("articles", "create"): status_for(201, WORKERS),
    ("articles", "partial_update"): status_for(200, WORKERS),
    ("articles", "destroy"): status_for(204, {ADMIN}),
    ("articles", "publish"): status_for(200, WORKERS),
    ("articles", "retire"): status_for(200, WORKERS),
    ("articles", "review"): status_for(200, WORKERS),
    ("articles", "feedback"): status_for(201, WORKERS | {REQ}),
    ("article-versions", "list"): status_for(200, STAFF),
    ("article-versions", "retrieve"): status_for(200, STAFF),
    ("article-feedback", "list"): status_for(200, STAFF),
    ("article-feedback", "retrieve"): status_for(200, STAFF),
    ("article-feedback", "create"): status_for(201, WORKERS | {REQ}),
    ("ticket-articles", "list"): status_for(200, STAFF),
    ("ticket-articles", "retrieve"): status_for(200, STAFF),
    ("ticket-articles", "create"): status_for(201, WORKERS),
    ("ticket-articles", "destroy"): status_for(204, WORKERS),
}


def _owner(w, mk):
    if getattr(w, "kb_owner", None) is None:
        w.kb_owner = mk(AGENT)
    return w.kb_owner


def _article(w, mk, *, publish=True, audience="employees"):
    return kb.create_article(
        actor=_owner(w, mk),
        title=f"How to connect {next(_n)}",
        body="Open the client and sign in.",
        audience=audience,
        publish=publish,
    )


def _ticket(w):
    return tickets.open_incident(actor=None, requester=w.other_person, title=f"Down {next(_n)}")


def _feedback(w, mk):
    return kb.give_feedback(_article(w, mk), actor=mk(REQ), helpful=True)


def _link(w, mk):
    return kb.link_ticket(_ticket(w), _article(w, mk), actor=_owner(w, mk))


TARGETS = {
    "articles": _article,
    "article-versions": lambda w, mk: _article(w, mk).versions.get(),
    "article-feedback": _feedback,
    "ticket-articles": _link,
}

ACTION_TARGETS = {
    ("articles", "publish"): lambda w, mk: _article(w, mk, publish=False),
}

ACTION_BODIES = {
    ("articles", "publish"): lambda w, t: {"version": t.version},
    ("articles", "retire"): lambda w, t: {},
    ("articles", "review"): lambda w, t: {"note": "Still correct"},
    ("articles", "feedback"): lambda w, t: {"helpful": False, "comment": "Step 3 is unclear"},
}

CREATE_BODIES = {
    "articles": lambda w, mk: {
        "title": "Printer jams",
        "body": "Open tray 2.",
        "article_type": "troubleshooting",
        "audience": "employees",
        "publish": True,
    },
    "article-feedback": lambda w, mk: {"article": _article(w, mk).pk, "helpful": True},
    "ticket-articles": lambda w, mk: {"ticket": _ticket(w).pk, "article": _article(w, mk).pk},
}

PATCH_BODIES = {"articles": {"body": "Open the client, sign in and wait.", "note": "Clearer"}}


class _ListWorld:
    def __init__(self, admin, make_user):
        from stanchion.accounts import services as accounts

        self.other_person = accounts.create_person(
            actor=None,
            name="Lister",
            email=f"lister{next(_n)}@example.com",
            employee_id=f"L{next(_n)}",
        )
        self.kb_owner = admin


def _articles(count, admin, make_user):
    from stanchion.catalog.models import Service
    from stanchion.tickets.models import Category

    w = _ListWorld(admin, make_user)
    category = Category.objects.create(name=f"Listing {next(_n)}")
    services = list(Service.objects.all()[:2])
    for _ in range(count):
        article = _article(w, make_user)
        kb.update_article(
            article,
            actor=admin,
            expected_version=article.version,
            services=services,
            categories=[category],
        )


def _versions(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        _article(w, make_user)


def _feedbacks(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        kb.give_feedback(_article(w, make_user), actor=admin, helpful=True)


def _links(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        kb.link_ticket(_ticket(w), _article(w, make_user), actor=admin)


LIST_ROW_MAKERS = {
    "articles": _articles,
    "article-versions": _versions,
    "article-feedback": _feedbacks,
    "ticket-articles": _links,
}

# Authenticating the token and the page; an article's services and
# categories are one query each.
LIST_QUERY_BUDGET = {
    "articles": 4,
    "article-versions": 2,
    "article-feedback": 2,
    "ticket-articles": 2,
}
