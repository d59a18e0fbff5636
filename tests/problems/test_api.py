"""The problem endpoints: flows and bad input (every refusal names the
field, never a 500)."""

import pytest

from stanchion.problems import services
from stanchion.problems.models import ProblemIncident

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_api(world, api_client):
    return api_client(world.agent)


def fields_of(response):
    return response.json()["error"]["fields"]


def test_raise_work_and_search_problems(world, agent_api):
    response = agent_api.post(
        "/api/problems/",
        {
            "title": "VPN drops",
            "priority": "p2",
            "services": [world.vpn.pk],
            "category": world.network.pk,
            "root_cause_category": world.capacity.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("PRB-") and body["state"] == "new"
    assert body["services"] == [world.vpn.pk] and body["incidents"] == []
    pk = body["id"]
    response = agent_api.patch(
        f"/api/problems/{pk}/",
        {"workaround": "Use the backup gateway.", "version": 1},
        format="json",
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = agent_api.patch(f"/api/problems/{pk}/", {"title": "x", "version": 1}, format="json")
    assert stale.status_code == 409
    moved = agent_api.post(
        f"/api/problems/{pk}/transition/", {"state": "known_error"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["state"] == "known_error"
    found = agent_api.get("/api/problems/", {"q": "backup gateway", "state": "known_error"})
    assert [row["id"] for row in found.json()["results"]] == [pk]
    assert agent_api.get("/api/problems/", {"q": "printer"}).json()["results"] == []
    comment = agent_api.post(f"/api/problems/{pk}/comment/", {"body": "Seen again"}, format="json")
    assert comment.status_code == 201 and comment.json()["kind"] == "comment"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x", "priority": "p9"}, "priority"),
        ({"title": "x", "fix_change": "CHG-999999"}, "fix_change"),
        ({"title": "x", "services": [999999]}, "services"),
        ({"title": "x", "state": "closed"}, "state"),
        ({"title": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_problem_input_names_the_field(world, agent_api, body, field):
    response = agent_api.post("/api/problems/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in fields_of(response)


def test_transitions_refused_with_reasons(world, agent_api):
    problem = world.problem()
    url = f"/api/problems/{problem.pk}/transition/"
    response = agent_api.post(url, {"state": "resolved"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert "New" in response.json()["error"]["message"]
    response = agent_api.post(url, {"state": "known_error"}, format="json")
    assert response.status_code == 400 and "workaround" in fields_of(response)
    response = agent_api.post(url, {"state": "frozen"}, format="json")
    assert response.status_code == 400 and "state" in fields_of(response)
    response = agent_api.post(url, {"state": "investigating", "version": 7}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["current"]["state"] == "new"


def test_linking_incidents_refuses_bad_links(world, agent_api):
    problem = world.problem()
    incident = world.incident()

    def link(incident_value, problem_value=problem.pk):
        return agent_api.post(
            "/api/problem-incidents/",
            {"problem": problem_value, "incident": incident_value},
            format="json",
        )

    for bad, message in (
        ("INC-999999", "There is no incident INC-999999."),
        ("999999", "There is no incident with id 999999."),
        # "²".isdigit() is true but int("²") raises: it was a 500.
        ("²", "There is no incident ²."),
        ("99999999999999999999", "There is no incident with id 99999999999999999999."),
    ):
        response = link(bad)
        assert response.status_code == 400
        assert fields_of(response)["incident"] == [message]
    response = link(world.request().number)
    assert response.status_code == 400 and "service request" in fields_of(response)["incident"][0]
    response = link(incident.number, problem_value=999999)
    assert response.status_code == 400 and "problem" in fields_of(response)
    response = link(incident.number.lower())
    assert response.status_code == 201, response.content
    assert response.json()["incident_number"] == incident.number
    assert response.json()["incident_id"] == incident.pk
    again = link(str(incident.pk))
    assert again.status_code == 400
    assert fields_of(again)["incident"] == [
        f"{incident.number} is already linked to {problem.number}."
    ]
    link_id = response.json()["id"]
    listed = agent_api.get("/api/problem-incidents/", {"problem": problem.pk}).json()["results"]
    assert [row["id"] for row in listed] == [link_id]
    assert agent_api.get(f"/api/problems/{problem.pk}/").json()["incidents"] == [incident.number]
    assert agent_api.delete(f"/api/problem-incidents/{link_id}/").status_code == 204
    assert not ProblemIncident.objects.exists()


def test_root_cause_categories_refuse_duplicates(world, api_client):
    admin = api_client(world.admin)
    response = admin.post("/api/root-cause-categories/", {"name": "Capacity"}, format="json")
    assert response.status_code == 400 and "name" in fields_of(response)
    response = admin.post("/api/root-cause-categories/", {"name": ""}, format="json")
    assert response.status_code == 400 and "name" in fields_of(response)
    services.create_problem(actor=None, title="Full disk", root_cause_category=world.capacity)
    response = admin.delete(f"/api/root-cause-categories/{world.capacity.pk}/")
    assert response.status_code == 409  # still used by a problem


def test_auditors_cannot_be_assigned_problems(world, agent_api):
    problem = world.problem()
    response = agent_api.patch(
        f"/api/problems/{problem.pk}/",
        {"assignee": world.auditor.pk, "version": problem.version},
        format="json",
    )
    assert response.status_code == 400
    assert "assignee" in fields_of(response)
    response = agent_api.post(
        "/api/problems/", {"title": "VPN", "assignee": world.auditor.pk}, format="json"
    )
    assert response.status_code == 400 and "assignee" in fields_of(response)
    response = agent_api.patch(
        f"/api/problems/{problem.pk}/",
        {"assignee": world.agent.pk, "version": problem.version},
        format="json",
    )
    assert response.status_code == 200 and response.json()["assignee"] == world.agent.pk


def test_the_problem_list_costs_the_same_queries_with_2_or_8_fix_changes(
    world, agent_api, django_assert_max_num_queries
):
    from stanchion.changes.models import Change

    def with_fixes(count):
        for n in range(count):
            change = Change.objects.create(
                number=f"CHG-Q{Change.objects.count() + 1:06d}",
                title="Fix",
                requested_by=world.admin,
                state="scheduled",
            )
            services.update_problem(
                world.problem(f"Problem {n}"), {"fix_change": change}, actor=None
            )

    with_fixes(2)
    with django_assert_max_num_queries(20) as few:
        body = agent_api.get("/api/problems/").json()
    assert sorted(r["fix_change"] for r in body["results"]) == ["CHG-Q000001", "CHG-Q000002"]
    with_fixes(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = agent_api.get("/api/problems/").json()
    assert len([r for r in body["results"] if r["fix_change"]]) == 8
