"""Every API endpoint x every role x every action against a table written by hand.

The routes are read from the router, so an endpoint added later shows up
here on its own and fails until someone writes down who may use it.
"""

from datetime import timedelta

import pytest
from api_expectations_loader import merged
from django.utils import timezone
from rest_framework.test import APIClient

from stanchion.accounts import services
from stanchion.accounts.models import ApiToken, Department, Location, Person, Team
from stanchion.accounts.roles import Role
from stanchion.api.urls import router
from stanchion.core.models import AuditEntry
from stanchion.core.services import creator

REQ, AGENT, TM, CA, ADMIN, AUD = (
    Role.REQUESTER,
    Role.AGENT,
    Role.TEAM_MANAGER,
    Role.CHANGE_APPROVER,
    Role.IT_ADMIN,
    Role.AUDITOR,
)
ROLES = [REQ, AGENT, TM, CA, ADMIN, AUD]

# (action, HTTP method, detail route?)
STANDARD_ACTIONS = [
    ("list", "get", False),
    ("create", "post", False),
    ("retrieve", "get", True),
    ("update", "put", True),
    ("partial_update", "patch", True),
    ("destroy", "delete", True),
]


def registered_routes():
    """(prefix, action) -> (method, detail, url_path) for every router route."""
    routes = {}
    for prefix, viewset, _ in router.registry:
        allowed = set(viewset.http_method_names)
        for action, method, detail in STANDARD_ACTIONS:
            if hasattr(viewset, action) and method in allowed:
                routes[(prefix, action)] = (method, detail, None)
        for extra in viewset.get_extra_actions():
            for method, name in extra.mapping.items():
                routes[(prefix, name)] = (method, extra.detail, extra.url_path)
    return routes


ROUTES = registered_routes()


def status_for(ok, allowed, otherwise=403):
    return {role: ok if role in allowed else otherwise for role in ROLES}


EVERYONE = set(ROLES)
STAFF = {AGENT, TM, CA, ADMIN, AUD}

# What each role gets, by hand. The retrieve/update/destroy targets are
# described in TARGETS below (e.g. for people: someone else's record).
EXPECTED = merged(
    "EXPECTED",
    {
        ("people", "list"): status_for(200, EVERYONE),
        # A requester may see only their own person: someone else's is not found.
        ("people", "retrieve"): status_for(200, STAFF, otherwise=404),
        ("people", "create"): status_for(201, {ADMIN}),
        ("people", "update"): status_for(200, {ADMIN}),
        ("people", "partial_update"): status_for(200, {ADMIN}),
        ("people", "destroy"): status_for(204, {ADMIN}),
        ("teams", "list"): status_for(200, STAFF),
        ("teams", "retrieve"): status_for(200, STAFF),
        ("teams", "create"): status_for(201, {ADMIN}),
        ("teams", "update"): status_for(200, {ADMIN}),
        ("teams", "partial_update"): status_for(200, {ADMIN}),
        ("teams", "destroy"): status_for(204, {ADMIN}),
        ("team-memberships", "list"): status_for(200, STAFF),
        ("team-memberships", "retrieve"): status_for(200, STAFF),
        # Target: the team the team manager manages.
        ("team-memberships", "create"): status_for(201, {TM, ADMIN}),
        ("team-memberships", "destroy"): status_for(204, {TM, ADMIN}),
        ("users", "list"): status_for(200, {TM, ADMIN, AUD}),
        ("users", "retrieve"): status_for(200, {TM, ADMIN, AUD}),
        ("users", "create"): status_for(201, {ADMIN}),
        ("users", "update"): status_for(200, {ADMIN}),
        ("users", "partial_update"): status_for(200, {ADMIN}),
        ("users", "destroy"): status_for(204, {ADMIN}),
        ("users", "me"): status_for(200, EVERYONE),
        ("locations", "list"): status_for(200, STAFF),
        ("locations", "retrieve"): status_for(200, STAFF),
        ("locations", "create"): status_for(201, {ADMIN}),
        ("locations", "update"): status_for(200, {ADMIN}),
        ("locations", "partial_update"): status_for(200, {ADMIN}),
        ("locations", "destroy"): status_for(204, {ADMIN}),
        ("departments", "list"): status_for(200, STAFF),
        ("departments", "retrieve"): status_for(200, STAFF),
        ("departments", "create"): status_for(201, {ADMIN}),
        ("departments", "update"): status_for(200, {ADMIN}),
        ("departments", "partial_update"): status_for(200, {ADMIN}),
        ("departments", "destroy"): status_for(204, {ADMIN}),
        # Everyone manages their own tokens. The target is someone else's token:
        # only auditors and administrators may see it, and nobody may revoke it.
        ("tokens", "list"): status_for(200, EVERYONE),
        ("tokens", "retrieve"): status_for(200, {ADMIN, AUD}, otherwise=404),
        ("tokens", "create"): status_for(201, EVERYONE),
        ("tokens", "destroy"): status_for(204, set(), otherwise=404),
        ("audit", "list"): status_for(200, {ADMIN, AUD}),
        ("audit", "retrieve"): status_for(200, {ADMIN, AUD}),
    },
)


# Per endpoint: make the record a detail action works on, and the bodies
# for create / put / patch. ``w`` is the shared ``world`` fixture.
def _person(w):
    return services.create_person(
        actor=None, name="Target Person", email="target@example.com", employee_id="T1"
    )


def _membership(w, make_user):
    member = make_user(AGENT)
    return services.add_team_member(w.managed_team, member, actor=None)


def _other_token(w, make_user):
    owner = make_user(ADMIN)
    token, _ = services.issue_token(actor=None, user=owner, name="theirs", scope="write")
    return token


TARGETS = merged(
    "TARGETS",
    {
        "people": lambda w, mk: _person(w),
        "teams": lambda w, mk: creator(Team)(actor=None, name="Target Team"),
        "team-memberships": _membership,
        "users": lambda w, mk: mk(AGENT),
        "locations": lambda w, mk: creator(Location)(
            actor=None, name="Lisbon", time_zone="Europe/Lisbon", country="PT"
        ),
        "departments": lambda w, mk: creator(Department)(actor=None, name="Legal"),
        "tokens": _other_token,
        "audit": lambda w, mk: AuditEntry.objects.order_by("-seq").first(),
    },
)

CREATE_BODIES = merged(
    "CREATE_BODIES",
    {
        "people": lambda w, mk: {
            "name": "New Hire",
            "email": "new@example.com",
            "employee_id": "N1",
        },
        "teams": lambda w, mk: {"name": "Databases", "tier": "l2"},
        "team-memberships": lambda w, mk: {"team": w.managed_team.pk, "user": mk(AGENT).pk},
        "users": lambda w, mk: {
            "email": "new.user@example.com",
            "full_name": "New",
            "role": "agent",
        },
        "locations": lambda w, mk: {
            "name": "Austin",
            "time_zone": "America/Chicago",
            "country": "US",
        },
        "departments": lambda w, mk: {"name": "Sales"},
        "tokens": lambda w, mk: {"name": "ci", "scope": "read"},
    },
)

PUT_BODIES = merged(
    "PUT_BODIES",
    {
        "people": lambda t: {"name": "Renamed", "email": t.email, "employee_id": t.employee_id},
        "teams": lambda t: {"name": "Renamed Team"},
        "users": lambda t: {"email": t.email, "full_name": "Renamed", "role": "agent"},
        "locations": lambda t: {"name": "Porto", "time_zone": "Europe/Lisbon", "country": "PT"},
        "departments": lambda t: {"name": "Legal & Compliance"},
    },
)

PATCH_BODIES = merged(
    "PATCH_BODIES",
    {
        "people": {"title": "Analyst"},
        "teams": {"description": "Renamed"},
        "users": {"full_name": "Patched"},
        "locations": {"subdivision": "11"},
        "departments": {"name": "Legal Affairs"},
    },
)


LOOKUPS = merged("LOOKUPS", {"audit": lambda entry: entry.seq})

# {(prefix, action): "?query"} for actions that need query parameters.
QUERIES = merged("QUERIES", {})

# {(prefix, action): callable(world, make_user) -> record}: a target for one
# action where the prefix's usual target is in the wrong state for it.
ACTION_TARGETS = merged("ACTION_TARGETS", {})
# {(prefix, action): callable(world, target) -> dict}: bodies of POST actions.
ACTION_BODIES = merged("ACTION_BODIES", {})
# {(prefix, action): "multipart"} for routes that take a form, not JSON.
FORMATS = merged("FORMATS", {})


def lookup_of(prefix, target):
    return LOOKUPS[prefix](target) if prefix in LOOKUPS else target.pk


def build_request(prefix, action, world, make_user):
    method, detail, url_path = ROUTES[(prefix, action)]
    url = f"/api/{prefix}/"
    body = None
    target = None
    if detail:
        target = ACTION_TARGETS.get((prefix, action), TARGETS[prefix])(world, make_user)
        url += f"{lookup_of(prefix, target)}/"
    if url_path:
        url += f"{url_path}/"
    url += QUERIES.get((prefix, action), "")
    if action == "create":
        body = CREATE_BODIES[prefix](world, make_user)
    elif action == "update":
        body = {**PUT_BODIES[prefix](target), "version": target.version}
    elif action == "partial_update":
        body = {**PATCH_BODIES[prefix], "version": target.version}
    elif (prefix, action) in ACTION_BODIES:
        body = ACTION_BODIES[(prefix, action)](world, target)
    return method, url, body


def test_every_registered_route_has_an_expected_entry():
    missing = sorted(set(ROUTES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert not missing, f"routes with no expected permissions: {missing}"
    assert not stale, f"expected entries for routes that do not exist: {stale}"
    for key, by_role in EXPECTED.items():
        assert set(by_role) == set(ROLES), f"{key} does not cover every role"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]}-{r[1]}")
def test_role_gets_expected_status(route, role, world, make_user, api_client):
    prefix, action = route
    assert route in EXPECTED, f"{route} has no entry in EXPECTED: decide who may use it"
    method, url, body = build_request(prefix, action, world, make_user)
    client = api_client(world.users[role], scope="write")
    response = getattr(client, method)(url, body, format=FORMATS.get(route, "json"))
    assert response.status_code == EXPECTED[route][role], (
        f"{role} {method.upper()} {url}: {response.status_code} {response.content[:300]}"
    )
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message", "fields"}


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]}-{r[1]}")
def test_unauthenticated_is_refused(route, world, make_user):
    prefix, action = route
    method, url, body = build_request(prefix, action, world, make_user)
    response = getattr(APIClient(), method)(url, body, format=FORMATS.get(route, "json"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


WRITE_ROUTES = sorted(r for r, (method, _, _) in ROUTES.items() if method != "get")


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda r: f"{r[0]}-{r[1]}")
def test_read_only_token_cannot_write(route, world, make_user, api_client):
    prefix, action = route
    method, url, body = build_request(prefix, action, world, make_user)
    before = AuditEntry.objects.count()
    client = api_client(world.users[ADMIN], scope="read")
    after_token = AuditEntry.objects.count()  # issuing the token is itself audited
    response = getattr(client, method)(url, body, format=FORMATS.get(route, "json"))
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]
    assert AuditEntry.objects.count() == after_token == before + 1


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_expired_and_revoked_tokens_are_refused(state, world):
    admin = world.users[ADMIN]
    token, raw = services.issue_token(actor=admin, user=admin, name="t", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/people/").status_code == 200
    if state == "revoked":
        services.revoke_token(token, actor=admin)
    else:
        # Expire it by moving its expiry into the past directly in the table.
        past = timezone.now() - timedelta(seconds=1)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=past)
    response = client.get("/api/people/")
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_requester_lists_only_their_own_person(world, api_client):
    requester = world.users[REQ]
    response = api_client(requester).get("/api/people/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [requester.person_id]
    # There really are others to hide.
    assert Person.objects.count() == len(ROLES) + 1


def test_requester_reads_own_person_but_not_another(world, api_client):
    client = api_client(world.users[REQ])
    own = client.get(f"/api/people/{world.person_of(REQ).pk}/")
    assert own.status_code == 200
    assert own.json()["email"] == "requester.person@example.com"
    for other in (world.other_person, world.person_of(ADMIN)):
        response = client.get(f"/api/people/{other.pk}/")
        assert response.status_code == 404
        assert other.email not in response.content.decode()


def test_requester_without_person_sees_no_people(make_user, world, api_client):
    loner = make_user(REQ)
    response = api_client(loner).get("/api/people/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_tokens_list_shows_only_own_tokens_to_non_auditors(world, api_client):
    admin = world.users[ADMIN]
    services.issue_token(actor=admin, user=admin, name="admin's", scope="read")
    for role in (REQ, AGENT, TM, CA):
        user = world.users[role]
        rows = api_client(user).get("/api/tokens/").json()["results"]
        assert rows and {row["user"] for row in rows} == {user.pk}
    auditor_rows = api_client(world.users[AUD]).get("/api/tokens/").json()["results"]
    assert admin.pk in {row["user"] for row in auditor_rows}


def test_team_manager_adds_members_only_to_teams_they_manage(world, make_user, api_client):
    client = api_client(world.users[TM])
    newcomer = make_user(AGENT)
    own = client.post(
        "/api/team-memberships/",
        {"team": world.managed_team.pk, "user": newcomer.pk},
        format="json",
    )
    assert own.status_code == 201
    other = client.post(
        "/api/team-memberships/",
        {"team": world.other_team.pk, "user": newcomer.pk},
        format="json",
    )
    assert other.status_code == 403
    assert "Network" in other.json()["error"]["message"]
    assert not world.other_team.memberships.exists()
    assert list(world.managed_team.memberships.values_list("user", flat=True)) == [newcomer.pk]


def test_team_manager_removes_members_only_from_teams_they_manage(world, make_user, api_client):
    member = make_user(AGENT)
    elsewhere = services.add_team_member(world.other_team, member, actor=None)
    mine = services.add_team_member(world.managed_team, member, actor=None)
    client = api_client(world.users[TM])
    assert client.delete(f"/api/team-memberships/{elsewhere.pk}/").status_code == 403
    assert world.other_team.memberships.filter(pk=elsewhere.pk).exists()
    assert client.delete(f"/api/team-memberships/{mine.pk}/").status_code == 204
    assert not world.managed_team.memberships.exists()


def test_everyone_may_revoke_their_own_token(world, api_client):
    for role in ROLES:
        user = world.users[role]
        token, _ = services.issue_token(actor=user, user=user, name="mine", scope="read")
        response = api_client(user).delete(f"/api/tokens/{token.pk}/")
        assert response.status_code == 204, role
        token.refresh_from_db()
        assert token.revoked_at is not None


@pytest.mark.parametrize("role", ROLES)
def test_options_is_answered_for_every_route(role, world, make_user, api_client):
    """OPTIONS has no action of its own; it must never fall through to a 500."""
    client = api_client(world.users[role])
    targets = {}
    for (prefix, action), (_, detail, url_path) in ROUTES.items():
        url = f"/api/{prefix}/"
        if detail:
            if prefix not in targets:
                targets[prefix] = TARGETS[prefix](world, make_user)
            url += f"{lookup_of(prefix, targets[prefix])}/"
        if url_path:
            url += f"{url_path}/"
        response = client.options(url)
        assert response.status_code in (200, 403, 404), f"{role} OPTIONS {url}"
        if role == ADMIN:
            assert response.status_code == 200, f"OPTIONS {url}"
