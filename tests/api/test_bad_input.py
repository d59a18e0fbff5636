"""Bad input gets 400 with the one error shape, naming the field, and writes nothing."""

import json

import pytest
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from stanchion.accounts import services
from stanchion.accounts.models import Department, Location, Person, Team, TeamMembership, User
from stanchion.accounts.roles import Role
from stanchion.core.models import AuditEntry

COUNTED = (Person, Location, Department, Team, TeamMembership, User, AuditEntry)


def row_counts():
    return {model.__name__: model._base_manager.count() for model in COUNTED}


@pytest.fixture
def admin_client(world, api_client):
    return api_client(world.users[Role.IT_ADMIN])


def assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error)
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert field in error["fields"], error
        messages = error["fields"][field]
        assert messages and all(isinstance(m, str) and m for m in messages)
    return error


# (name, method, url(world), body) -> the field the error must name.
LONG = "x" * 101
CASES = [
    ("unknown field", "post", "/api/locations/", {"name": "A", "tz": "UTC"}, "tz"),
    (
        "unknown field on update",
        "patch",
        "location",
        {"name": "A", "version": 1, "colour": "red"},
        "colour",
    ),
    ("wrong type (list for string)", "post", "/api/departments/", {"name": ["a"]}, "name"),
    ("wrong type (object for bool)", "post", "/api/teams/", {"name": "A", "is_active": {}}, None),
    ("wrong type (text for id)", "post", "/api/people/", None, "department"),
    ("over-long string", "post", "/api/locations/", None, "name"),
    ("over-long text", "post", "/api/teams/", {"name": "A", "description": "d" * 2001}, None),
    ("invalid choice", "post", "/api/teams/", {"name": "A", "tier": "l9"}, "tier"),
    ("invalid choice on update", "patch", "person", {"employment_status": "x"}, None),
    ("null for required", "post", "/api/departments/", {"name": None}, "name"),
    ("missing required", "post", "/api/locations/", {"name": "A"}, "time_zone"),
    ("invalid time zone", "post", "/api/locations/", None, "time_zone"),
    ("invalid country code", "post", "/api/locations/", None, "country"),
    ("country code too long", "post", "/api/locations/", None, "country"),
    ("invalid email", "post", "/api/people/", None, "email"),
    ("duplicate name", "post", "/api/departments/", {"name": "Finance"}, "name"),
    ("null character", "post", "/api/departments/", {"name": "a\x00b"}, "name"),
    ("unknown foreign key", "post", "/api/people/", None, "location"),
    ("out-of-range foreign key", "post", "/api/people/", None, "location"),
    ("negative version", "patch", "location", {"name": "B", "version": -1}, "version"),
    ("own manager", "patch", "person", None, "manager"),
    ("read-only field", "patch", "person", {"created_at": "2020-01-01T00:00:00Z"}, None),
    ("weak password", "post", "/api/users/", None, "password"),
    ("token expiry in the past", "post", "/api/tokens/", None, "expires_at"),
]

# Fields that default to the case above's field when given as None.
FIELD_FOR = {
    "wrong type (object for bool)": "is_active",
    "over-long text": "description",
    "invalid choice on update": "employment_status",
    "read-only field": "created_at",
}


def body_for(name, body, world):
    person = {"name": "P", "email": "p@example.com", "employee_id": "P1"}
    location = {"name": "A", "time_zone": "Europe/Berlin", "country": "DE"}
    built = {
        "wrong type (text for id)": {**person, "department": "finance"},
        "over-long string": {**location, "name": LONG},
        "invalid time zone": {**location, "time_zone": "Mars/Olympus_Mons"},
        "invalid country code": {**location, "country": "de"},
        "country code too long": {**location, "country": "DEU"},
        "invalid email": {**person, "email": "not-an-email"},
        "unknown foreign key": {**person, "location": 987654},
        "out-of-range foreign key": {**person, "location": 2**70},
        "own manager": {"manager": world.other_person.pk},
        "weak password": {
            "email": "u@example.com",
            "full_name": "U",
            "role": "agent",
            "password": "12345",
        },
        "token expiry in the past": {
            "name": "t",
            "scope": "read",
            "expires_at": "2001-01-01T00:00:00Z",
        },
    }
    return built.get(name, body)


def url_for(url, world):
    if url == "location":
        return f"/api/locations/{world.location.pk}/"
    if url == "person":
        return f"/api/people/{world.other_person.pk}/"
    return url


@pytest.mark.parametrize("name, method, url, body, field", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_400_naming_the_field(name, method, url, body, field, world, admin_client):
    body = body_for(name, body, world)
    if method == "patch" and "version" not in body:
        body = {**body, "version": 1}
    before = row_counts()
    response = getattr(admin_client, method)(url_for(url, world), body, format="json")
    assert_error(response, 400, field or FIELD_FOR[name])
    assert row_counts() == before
    world.location.refresh_from_db()
    world.other_person.refresh_from_db()
    assert world.location.version == 1 and world.other_person.version == 1


@pytest.mark.parametrize(
    "raw",
    ['{"name": ', "{'name': 'single quotes'}", '{"name": "a",}', "\x00\x01", "nan"],
    ids=["truncated", "single-quoted", "trailing comma", "binary", "bare word"],
)
def test_malformed_json_is_400(raw, world, admin_client):
    before = row_counts()
    response = admin_client.generic(
        "POST", "/api/departments/", raw.encode(), content_type="application/json"
    )
    error = assert_error(response, 400)
    assert error["code"] == "parse_error"
    assert "JSON" in error["message"]
    assert row_counts() == before


@pytest.mark.parametrize("payload", [[], [{"name": "A"}], "Finance", 42, None, True])
@pytest.mark.parametrize("method", ["post", "patch"])
def test_non_object_json_body_is_400(payload, method, world, admin_client):
    url = "/api/departments/" if method == "post" else f"/api/departments/{world.department.pk}/"
    before = row_counts()
    response = admin_client.generic(
        method.upper(), url, json.dumps(payload), content_type="application/json"
    )
    error = assert_error(response, 400)
    assert "object" in error["message"].lower() or error["fields"], error
    assert row_counts() == before


def test_non_json_content_type_is_415(world, admin_client):
    form = "application/x-www-form-urlencoded"
    response = admin_client.generic("POST", "/api/departments/", "name=Finance", content_type=form)
    assert_error(response, 415)


def test_manager_cycle_is_400_naming_manager(world, admin_client):
    boss = world.person_of(Role.IT_ADMIN)
    report = world.person_of(Role.AGENT)
    # boss manages report, report manages the other person.
    for person, manager in ((report, boss), (world.other_person, report)):
        response = admin_client.patch(
            f"/api/people/{person.pk}/", {"manager": manager.pk, "version": 1}, format="json"
        )
        assert response.status_code == 200, response.content
    before = row_counts()
    boss.refresh_from_db()
    cycle = admin_client.patch(
        f"/api/people/{boss.pk}/",
        {"manager": world.other_person.pk, "version": boss.version},
        format="json",
    )
    error = assert_error(cycle, 400, "manager")
    assert "cycle" in error["fields"]["manager"][0]
    assert row_counts() == before
    boss.refresh_from_db()
    assert boss.manager_id is None


class TestVersions:
    def test_retrieve_sends_the_version_as_etag(self, world, admin_client):
        response = admin_client.get(f"/api/locations/{world.location.pk}/")
        assert response.status_code == 200
        assert response["ETag"] == '"1"'
        assert response.json()["version"] == 1

    def test_update_without_a_version_is_400_naming_version(self, world, admin_client):
        before = row_counts()
        response = admin_client.patch(
            f"/api/locations/{world.location.pk}/", {"name": "Munich"}, format="json"
        )
        error = assert_error(response, 400, "version")
        assert "If-Match" in error["fields"]["version"][0]
        assert row_counts() == before

    @pytest.mark.parametrize("header", ["abc", '"1', "W/", '"-1"', "*", '"1", "2"'])
    def test_bad_if_match_is_400(self, header, world, admin_client):
        before = row_counts()
        response = admin_client.patch(
            f"/api/locations/{world.location.pk}/",
            {"name": "Munich"},
            format="json",
            HTTP_IF_MATCH=header,
        )
        if header == '"1':
            # A missing closing quote is forgiven: the version is still clear.
            assert response.status_code == 200
            return
        assert_error(response, 400, "If-Match")
        assert row_counts() == before

    def test_if_match_current_updates_and_stale_is_412_with_current_state(
        self, world, admin_client
    ):
        url = f"/api/locations/{world.location.pk}/"
        first = admin_client.patch(url, {"name": "Munich"}, format="json", HTTP_IF_MATCH='"1"')
        assert first.status_code == 200
        assert first["ETag"] == '"2"'
        stale = admin_client.patch(url, {"name": "Hamburg"}, format="json", HTTP_IF_MATCH='"1"')
        error = assert_error(stale, 412)
        assert error["code"] == "conflict"
        assert error["current"]["name"] == "Munich"
        assert error["current"]["version"] == 2
        world.location.refresh_from_db()
        assert (world.location.name, world.location.version) == ("Munich", 2)

    def test_stale_version_field_is_409_with_current_state(self, world, admin_client):
        url = f"/api/departments/{world.department.pk}/"
        assert (
            admin_client.patch(url, {"name": "Tax", "version": 1}, format="json").status_code == 200
        )
        stale = admin_client.put(url, {"name": "Audit", "version": 1}, format="json")
        error = assert_error(stale, 409)
        assert error["current"] == {"id": world.department.pk, "name": "Tax", "version": 2}

    def test_stale_if_match_on_delete_is_412_and_keeps_the_record(self, world, admin_client):
        department = world.department
        response = admin_client.delete(f"/api/departments/{department.pk}/", HTTP_IF_MATCH='"7"')
        assert_error(response, 412)
        assert Department.objects.filter(pk=department.pk).exists()


def test_deleting_a_location_still_in_use_is_409(world, admin_client):
    before = row_counts()
    response = admin_client.delete(f"/api/locations/{world.location.pk}/")
    error = assert_error(response, 409)
    assert error["code"] == "protected"
    assert "people" in error["message"]
    assert row_counts() == before


def test_removing_a_member_twice_is_404_not_500(world, make_user, admin_client):
    member = make_user(Role.AGENT)
    membership = services.add_team_member(world.other_team, member, actor=None)
    url = f"/api/team-memberships/{membership.pk}/"
    assert admin_client.delete(url).status_code == 204
    assert_error(admin_client.delete(url), 404)


def test_adding_a_member_twice_is_400_naming_user(world, make_user, admin_client):
    member = make_user(Role.AGENT)
    body = {"team": world.other_team.pk, "user": member.pk}
    assert admin_client.post("/api/team-memberships/", body, format="json").status_code == 201
    before = row_counts()
    again = admin_client.post("/api/team-memberships/", body, format="json")
    assert_error(again, 400, "user")
    assert row_counts() == before


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/people/?department=finance", "department"),
        ("/api/people/?employment_status=retired", "employment_status"),
        ("/api/teams/?tier=l9", "tier"),
        ("/api/audit/?since=yesterday", "since"),
        ("/api/people/?cursor=not-a-cursor", "cursor"),
        ("/api/people/?department=99999999999999999999999", "department"),
        ("/api/audit/?actor=-1.3e181", "actor"),
        ("/api/audit/?actor=99999999999999999999999", "actor"),
        ("/api/audit/?actor=1.5", "actor"),
        ("/api/audit/?since=0001-01-01T00:00:00%2B01:00", "since"),
    ],
)
def test_bad_query_parameters_are_400_naming_them(url, field, world, admin_client):
    assert_error(admin_client.get(url), 400, field)


@pytest.mark.parametrize("prefix", ["people", "audit", "tokens"])
@pytest.mark.parametrize("pk", ["99999999999999999999999", "0", "-1", "abc", "1.5"])
def test_odd_ids_are_404(prefix, pk, world, admin_client):
    assert_error(admin_client.get(f"/api/{prefix}/{pk}/"), 404)


def test_time_filters_take_any_valid_offset(world, admin_client):
    # PostgreSQL itself refuses offsets past 15:59; the filter converts to UTC.
    response = admin_client.get("/api/audit/", {"since": "0267-09-20T10:58:20.12-17:47"})
    assert response.status_code == 200
    assert len(response.json()["results"]) > 0


class BinaryRenderer(BaseRenderer):
    media_type = "application/octet-stream"
    format = "bin"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b"binary"


class MissingFileView(APIView):
    """A download whose file is gone: the error must still be JSON."""

    renderer_classes = [BinaryRenderer, JSONRenderer]
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise NotFound("No such file.")


@pytest.mark.parametrize(
    "query, accept", [("?format=bin", "*/*"), ("", "application/octet-stream")]
)
def test_errors_are_json_whatever_format_the_view_serves(query, accept):
    request = APIRequestFactory().get(f"/download/{query}", HTTP_ACCEPT=accept)
    response = MissingFileView.as_view()(request)
    response.render()
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["message"] == "No such file."
