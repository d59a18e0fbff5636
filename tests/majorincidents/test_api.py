"""The major incident endpoints: flows, and bad input refused with 400
naming the field (the permission matrix is in api_expectations.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stanchion.majorincidents import services
from stanchion.majorincidents.models import MajorIncident, ServiceSubscription
from stanchion.problems import services as problems
from stanchion.tickets.models import Ticket


def fields(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"]["fields"]


@pytest.fixture
def agent_api(mi_org, api_client):
    return api_client(mi_org.agent)


def recent(mi_org, **kw):
    return mi_org.incident(at=timezone.now() - timedelta(minutes=30), **kw)


def test_declare_from_a_ticket_then_run_and_resolve(mi_org, agent_api):
    ticket = recent(mi_org)
    child = recent(mi_org, impact="3", requester=mi_org.bob.person)
    response = agent_api.post(
        "/api/major-incidents/",
        {"ticket": ticket.number, "comms_lead": mi_org.comms.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["priority"], body["state"]) == ("MI-000001", "p1", "declared")
    assert body["ticket"] == ticket.number and body["services"] == [mi_org.wiki.pk]
    url = f"/api/major-incidents/{body['id']}/"
    suggested = agent_api.get(url + "suggestions/").json()["results"]
    assert [row["number"] for row in suggested] == [child.number]
    linked = agent_api.post(url + "link/", {"ticket": child.number}, format="json").json()
    assert linked["children"] == [child.number]
    update = agent_api.post(
        "/api/major-incident-updates/",
        {"major_incident": body["id"], "body": "Failing over."},
        format="json",
    )
    assert update.status_code == 201 and update.json()["state"] == "declared"
    resolved = agent_api.post(url + "resolve/", {"notes": "Fixed the disk."}, format="json")
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    assert Ticket.objects.get(pk=child.pk).state == "resolved"
    review = agent_api.get("/api/post-incident-reviews/").json()["results"][0]
    assert review["major_incident"] == "MI-000001" and "Failing over." in review["timeline"]


def test_declare_refusals_name_the_field(mi_org, agent_api):
    low = recent(mi_org, impact="3")  # impact 3, urgency 1: P3
    refused = fields(agent_api.post("/api/major-incidents/", {"ticket": low.number}, format="json"))
    assert "is P3" in refused["ticket"][0]
    assert "ticket" in fields(
        agent_api.post("/api/major-incidents/", {"ticket": "INC-424242"}, format="json")
    )
    missing = fields(agent_api.post("/api/major-incidents/", {}, format="json"))
    assert set(missing) == {"title", "impact", "urgency", "requester"}
    assert "impact" in fields(
        agent_api.post(
            "/api/major-incidents/",
            {"ticket": recent(mi_org).number, "impact": "1"},
            format="json",
        )
    )
    assert fields(
        agent_api.post("/api/major-incidents/", {"ticket": low.number, "bogus": 1}, format="json")
    ) == {"bogus": ["Unknown field."]}
    assert not MajorIncident.objects.exists()


def test_declare_directly_through_the_api(mi_org, agent_api):
    response = agent_api.post(
        "/api/major-incidents/",
        {
            "title": "Mail down for everyone",
            "impact": "1",
            "urgency": "2",
            "requester": mi_org.alice.person.pk,
            "service": mi_org.mail.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["priority"] == "p2"
    low = agent_api.post(
        "/api/major-incidents/",
        {"title": "Slow", "impact": "3", "urgency": "3", "requester": mi_org.alice.person.pk},
        format="json",
    )
    assert "is P4" in fields(low)["ticket"][0]
    assert Ticket.objects.count() == 1


def test_action_refusals(mi_org, agent_api):
    mi = services.declare(recent(mi_org), actor=mi_org.agent)
    url = f"/api/major-incidents/{mi.pk}/"
    assert (
        "own ticket"
        in fields(agent_api.post(url + "link/", {"ticket": mi.ticket.number}, format="json"))[
            "ticket"
        ][0]
    )
    assert "notes" in fields(agent_api.post(url + "resolve/", {"notes": ""}, format="json"))
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    assert "at" in fields(agent_api.post(url + "mitigate/", {"at": future}, format="json"))
    blank = agent_api.post(
        "/api/major-incident-updates/", {"major_incident": mi.pk, "body": "   "}, format="json"
    )
    assert "body" in fields(blank)
    assert "title" in fields(
        agent_api.patch(url, {"title": "", "version": mi.version}, format="json")
    )
    stale = agent_api.patch(url, {"title": "New", "version": mi.version + 5}, format="json")
    assert stale.status_code == 409
    agent_api.post(url + "resolve/", {"notes": "Done."}, format="json")
    again = fields(agent_api.post(url + "resolve/", {"notes": "Again."}, format="json"))
    assert "from Resolved to Resolved" in again["state"][0]


def test_review_actions_through_the_api(mi_org, agent_api):
    mi = services.resolve(
        services.declare(recent(mi_org), actor=mi_org.agent), actor=mi_org.agent, notes="x"
    )
    body = {
        "review": mi.review.pk,
        "title": "Add a disk alert",
        "owner": mi_org.comms.pk,
        "due_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    assert "due_date" in fields(agent_api.post("/api/review-actions/", body, format="json"))
    assert "owner" in fields(
        agent_api.post("/api/review-actions/", {**body, "owner": mi_org.alice.pk}, format="json")
    )
    assert "change" in fields(
        agent_api.post("/api/review-actions/", {**body, "change": "CHG-9"}, format="json")
    )
    body["due_date"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert "problem" in fields(
        agent_api.post("/api/review-actions/", {**body, "problem": "PRB-9"}, format="json")
    )
    problem = problems.create_problem(actor=mi_org.agent, title="Disks fill up unnoticed")
    body["problem"] = problem.number
    created = agent_api.post("/api/review-actions/", body, format="json")
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["problem"] == problem.number
    assert mi.review.actions.get().problem == problem
    done = agent_api.patch(
        f"/api/review-actions/{row['id']}/",
        {"state": "done", "version": row["version"]},
        format="json",
    )
    assert done.status_code == 200 and done.json()["done_at"]
    assert "state" in fields(
        agent_api.patch(
            f"/api/review-actions/{row['id']}/", {"state": "later", "version": 2}, format="json"
        )
    )


def test_employees_follow_services_of_their_own(mi_org, api_client):
    bob = api_client(mi_org.bob)
    created = bob.post("/api/service-subscriptions/", {"service": mi_org.wiki.pk}, format="json")
    assert created.status_code == 201 and created.json()["user"] == mi_org.bob.pk
    assert "service" in fields(
        bob.post("/api/service-subscriptions/", {"service": 99999}, format="json")
    )
    alice = api_client(mi_org.alice)
    assert alice.get("/api/service-subscriptions/").json()["results"] == []
    pk = created.json()["id"]
    assert alice.delete(f"/api/service-subscriptions/{pk}/").status_code == 404
    assert bob.delete(f"/api/service-subscriptions/{pk}/").status_code == 204
    assert not ServiceSubscription.objects.exists()
    # Employees do not read major incidents through the API.
    assert bob.get("/api/major-incidents/").status_code == 403
