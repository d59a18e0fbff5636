"""List endpoints: cursor pagination, filters, ordering, and query counts that do
not grow with the number of rows."""

import itertools
from urllib.parse import parse_qs, urlparse

import pytest
from api_expectations_loader import merged
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stanchion.accounts import services
from stanchion.accounts.models import Department, Location, Team
from stanchion.accounts.roles import Role
from stanchion.api.urls import router
from stanchion.core.services import creator

_n = itertools.count(1)


def _site_and_department():
    location = creator(Location)(
        actor=None, name=f"Site {next(_n)}", time_zone="Europe/Berlin", country="DE"
    )
    return location, creator(Department)(actor=None, name=f"Dept {next(_n)}")


def _people(count, admin, make_user):
    location, department = _site_and_department()
    for n in itertools.islice(_n, count):
        boss = services.create_person(
            actor=None, name=f"Boss {n}", email=f"boss{n}@example.com", employee_id=f"B{n}"
        )
        services.create_person(
            actor=None,
            name=f"Person {n}",
            email=f"p{n}@example.com",
            employee_id=f"P{n}",
            department=department,
            location=location,
            manager=boss,
        )


def _teams(count, admin, make_user):
    for n in itertools.islice(_n, count):
        team = services.create_team(actor=None, name=f"Team {n}", manager=admin)
        services.add_team_member(team, make_user(Role.AGENT), actor=None)
        services.add_team_member(team, make_user(Role.AGENT), actor=None)


def _memberships(count, admin, make_user):
    for n in itertools.islice(_n, count):
        team = services.create_team(actor=None, name=f"Team {n}")
        services.add_team_member(team, make_user(Role.AGENT), actor=None)


def _users(count, admin, make_user):
    for n in itertools.islice(_n, count):
        person = services.create_person(
            actor=None, name=f"U {n}", email=f"u{n}@example.com", employee_id=f"U{n}"
        )
        make_user(Role.AGENT, person=person)


def _locations(count, admin, make_user):
    for n in itertools.islice(_n, count):
        creator(Location)(actor=None, name=f"Loc {n}", time_zone="Asia/Tokyo", country="JP")


def _departments(count, admin, make_user):
    for n in itertools.islice(_n, count):
        creator(Department)(actor=None, name=f"Department {n}")


def _tokens(count, admin, make_user):
    for n in itertools.islice(_n, count):
        services.issue_token(actor=admin, user=admin, name=f"t{n}", scope="read")


def _audit(count, admin, make_user):
    _departments(count, admin, make_user)


# Per endpoint: add ``count`` rows, each with the related records it shows.
ROW_MAKERS = merged(
    "LIST_ROW_MAKERS",
    {
        "people": _people,
        "teams": _teams,
        "team-memberships": _memberships,
        "users": _users,
        "locations": _locations,
        "departments": _departments,
        "tokens": _tokens,
        "audit": _audit,
    },
)

# The most queries one list page may take, by hand: authenticating the token
# (one query: the token joined to its user), the page itself (cursor
# pagination needs no count), and one prefetch where rows nest lists.
MAX_QUERIES = merged(
    "LIST_QUERY_BUDGET",
    {
        "people": 2,
        "teams": 3,
        "team-memberships": 2,
        "users": 2,
        "locations": 2,
        "departments": 2,
        "tokens": 2,
        "audit": 2,
    },
)

# {prefix: n} for lists of registered things (the KPIs), not rows: n rows, whatever is added.
FIXED_ROWS = merged("LIST_FIXED_ROWS", {})

LIST_PREFIXES = [prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]


def test_every_list_endpoint_has_a_query_budget_and_row_maker():
    assert sorted(LIST_PREFIXES) == sorted(MAX_QUERIES) == sorted(ROW_MAKERS)


@pytest.mark.parametrize("prefix", LIST_PREFIXES)
def test_list_query_count_does_not_grow_with_rows(
    prefix, make_user, api_client, django_assert_max_num_queries
):
    admin = make_user(Role.IT_ADMIN)
    client = api_client(admin)
    url = f"/api/{prefix}/?page_size=100"
    assert client.get(url).status_code == 200  # stamps the token's last use

    def queries_for_page(expected_rows):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        expected = min(expected_rows, FIXED_ROWS.get(prefix, expected_rows))
        assert len(response.json()["results"]) >= expected
        return len(captured)

    assert prefix in ROW_MAKERS, f"no row maker for /api/{prefix}/ (see api_expectations_loader)"
    ROW_MAKERS[prefix](5, admin, make_user)
    few = queries_for_page(5)
    ROW_MAKERS[prefix](25, admin, make_user)
    with django_assert_max_num_queries(MAX_QUERIES[prefix]):
        many = queries_for_page(30)
    assert few == many, f"/api/{prefix}/: {few} queries for 5 rows, {many} for 30"


def next_cursor(body):
    if not body["next"]:
        return None
    return parse_qs(urlparse(body["next"]).query)["cursor"][0]


def walk(client, url, **params):
    """Every row of a list, following the cursor links."""
    rows, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
        cursor = next_cursor(body)
        if cursor is None:
            return rows, pages


@pytest.fixture
def admin_client(make_user, api_client):
    return api_client(make_user(Role.IT_ADMIN))


def test_cursor_pagination_visits_every_row_once(admin_client):
    names = ["Kappa", "Alpha", "Delta", "Zeta", "Beta", "Eta", "Gamma", "Theta"]
    ids = [creator(Department)(actor=None, name=name).pk for name in names]
    rows, pages = walk(admin_client, "/api/departments/", page_size=3)
    assert pages == 3
    # Newest first by default.
    assert [row["id"] for row in rows] == sorted(ids, reverse=True)


def test_cursor_pagination_with_ordering(admin_client):
    names = ["Kappa", "Alpha", "Delta", "Zeta", "Beta", "Eta", "Gamma", "Theta"]
    for name in names:
        creator(Department)(actor=None, name=name)
    rows, _ = walk(admin_client, "/api/departments/", page_size=3, ordering="name")
    assert [row["name"] for row in rows] == sorted(names)
    rows, _ = walk(admin_client, "/api/departments/", page_size=3, ordering="-name")
    assert [row["name"] for row in rows] == sorted(names, reverse=True)


def test_rows_added_while_paging_are_not_repeated(admin_client):
    first_ids = [creator(Department)(actor=None, name=f"D{n}").pk for n in range(4)]
    page = admin_client.get("/api/departments/", {"page_size": 2}).json()
    assert [r["id"] for r in page["results"]] == sorted(first_ids, reverse=True)[:2]
    creator(Department)(actor=None, name="Late arrival")
    rest = admin_client.get("/api/departments/", {"page_size": 2, "cursor": next_cursor(page)})
    assert [r["id"] for r in rest.json()["results"]] == sorted(first_ids, reverse=True)[2:]


def test_page_size_is_capped(admin_client):
    for n in range(3):
        creator(Department)(actor=None, name=f"D{n}")
    body = admin_client.get("/api/departments/", {"page_size": 1}).json()
    assert len(body["results"]) == 1 and body["next"]
    # An absurd page size is clamped (to 500), not an error and not a dump.
    assert len(admin_client.get("/api/departments/", {"page_size": 10**9}).json()["results"]) == 3


def test_unknown_ordering_field_is_ignored_not_an_error(admin_client):
    creator(Department)(actor=None, name="A")
    response = admin_client.get("/api/departments/", {"ordering": "key_hash"})
    assert response.status_code == 200


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row.get("name") or row.get("full_name") for row in response.json()["results"])


def test_people_filters(make_user, admin_client):
    berlin = creator(Location)(actor=None, name="Berlin", time_zone="Europe/Berlin", country="DE")
    finance = creator(Department)(actor=None, name="Finance")
    ada = services.create_person(
        actor=None,
        name="Ada Lovelace",
        email="ada@example.com",
        employee_id="E1",
        location=berlin,
        department=finance,
    )
    services.create_person(
        actor=None,
        name="Grace Hopper",
        email="grace@navy.example.com",
        employee_id="E2",
        employment_status="on_leave",
        manager=ada,
    )
    services.create_person(
        actor=None, name="Alan Turing", email="alan@example.com", employee_id="E3"
    )
    assert names(admin_client.get("/api/people/", {"location": berlin.pk})) == ["Ada Lovelace"]
    assert names(admin_client.get("/api/people/", {"department": finance.pk})) == ["Ada Lovelace"]
    assert names(admin_client.get("/api/people/", {"manager": ada.pk})) == ["Grace Hopper"]
    assert names(admin_client.get("/api/people/", {"employment_status": "on_leave"})) == [
        "Grace Hopper"
    ]
    assert names(admin_client.get("/api/people/", {"q": "navy"})) == ["Grace Hopper"]
    assert names(admin_client.get("/api/people/", {"q": "e3"})) == ["Alan Turing"]
    assert names(admin_client.get("/api/people/", {"q": "a", "ordering": "name"})) == [
        "Ada Lovelace",
        "Alan Turing",
        "Grace Hopper",
    ]
    ordered = admin_client.get("/api/people/", {"ordering": "-name"}).json()["results"]
    assert [row["name"] for row in ordered] == ["Grace Hopper", "Alan Turing", "Ada Lovelace"]


def test_team_user_location_membership_and_token_filters(make_user, admin_client, api_client):
    manager = make_user(Role.TEAM_MANAGER, full_name="Mia Manager")
    desk = services.create_team(actor=None, name="Desk", tier="l1", manager=manager)
    services.create_team(actor=None, name="Network", tier="l2")
    services.create_team(actor=None, name="Retired", tier="l2", is_active=False)
    assert names(admin_client.get("/api/teams/", {"tier": "l2"})) == ["Network", "Retired"]
    assert names(admin_client.get("/api/teams/", {"is_active": "false"})) == ["Retired"]
    assert names(admin_client.get("/api/teams/", {"manager": manager.pk})) == ["Desk"]
    assert names(admin_client.get("/api/teams/", {"q": "net"})) == ["Network"]

    auditor = make_user(Role.AUDITOR, full_name="Aud Itor")
    assert names(admin_client.get("/api/users/", {"role": "auditor"})) == ["Aud Itor"]
    assert names(admin_client.get("/api/users/", {"q": "mia"})) == ["Mia Manager"]

    creator(Location)(actor=None, name="Berlin", time_zone="Europe/Berlin", country="DE")
    creator(Location)(actor=None, name="Tokyo", time_zone="Asia/Tokyo", country="JP")
    assert names(admin_client.get("/api/locations/", {"country": "JP"})) == ["Tokyo"]

    member = make_user(Role.AGENT)
    membership = services.add_team_member(desk, member, actor=None)
    services.add_team_member(Team.objects.get(name="Network"), member, actor=None)
    rows = admin_client.get("/api/team-memberships/", {"team": desk.pk}).json()["results"]
    assert [row["id"] for row in rows] == [membership.pk]

    services.issue_token(actor=auditor, user=auditor, name="w", scope="write")
    auditor_client = api_client(auditor, scope="read")
    rows = auditor_client.get("/api/tokens/", {"scope": "write", "user": auditor.pk}).json()
    assert [row["name"] for row in rows["results"]] == ["w"]
