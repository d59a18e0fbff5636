"""The problem pages: who may open them, the list's search and filters, the
actions on a problem's page, raising and editing with bad input, the
candidates, the thresholds, the taxonomy, and the card on the ticket page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.core.registry import registry
from stanchion.problems import services
from stanchion.problems.models import (
    Problem,
    ProblemIncident,
    RecurrenceSettings,
    RootCauseCategory,
)

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def agent(world):
    return signed_in(world.agent)


def detail(problem):
    return reverse("problems:problem-detail", args=[problem.number])


def action(problem, name):
    return reverse("problems:problem-action", args=[problem.number, name])


def test_requesters_get_403_and_visitors_sign_in(world):
    problem = world.problem()
    pages = [
        reverse("problems:problem-list"),
        reverse("problems:problem-new"),
        detail(problem),
        reverse("problems:candidates"),
        reverse("problems:settings"),
        reverse("problems:rootcause-list"),
    ]
    requester = signed_in(world.requester)
    for url in pages:
        assert requester.get(url).status_code == 403, url
        assert Client().get(url).status_code == 302, url
    auditor = signed_in(world.auditor)
    assert auditor.get(detail(problem)).status_code == 200
    assert auditor.get(reverse("problems:problem-new")).status_code == 403
    assert auditor.get(reverse("problems:settings")).status_code == 403
    assert signed_in(world.agent).get(reverse("problems:settings")).status_code == 403
    assert signed_in(world.admin).get(reverse("problems:settings")).status_code == 200


def test_navigation_entries_follow_permissions(world):
    labels = {
        role: {
            item.label for item in registry.nav_for(user) if item.url_name.startswith("problems:")
        }
        for role, user in (("agent", world.agent), ("admin", world.admin), ("req", world.requester))
    }
    assert labels["req"] == set()
    assert labels["agent"] == {"Problems", "Problem candidates", "Root-cause categories"}
    assert "Detection thresholds" in labels["admin"]


def test_known_errors_are_searchable_by_their_workaround(world, agent):
    vpn = world.problem("VPN drops", workaround="Switch to the **backup gateway**.")
    services.move_problem(vpn, "known_error", actor=world.agent)
    world.problem("Printer jams", services=[world.mail], category=world.email)
    url = reverse("problems:problem-list")
    page = agent.get(url, {"q": "backup gateway"}).content.decode()
    assert vpn.number in page and "Printer jams" not in page
    page = agent.get(url, {"state": "known_error"}).content.decode()
    assert vpn.number in page and "Printer jams" not in page
    page = agent.get(url, {"service": world.mail.pk}).content.decode()
    assert vpn.number not in page and "Printer jams" in page
    assert agent.get(url, {"state": "bogus"}).status_code == 200


def test_the_list_costs_the_same_queries_for_2_or_12_problems(
    world, agent, django_assert_max_num_queries
):
    url = reverse("problems:problem-list")
    for _ in range(2):
        world.problem()
    with django_assert_max_num_queries(20) as few:
        agent.get(url)
    for _ in range(10):
        world.problem()
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent.get(url)


def test_raising_a_problem_with_bad_input_names_the_field(world, agent):
    url = reverse("problems:problem-new")
    response = agent.post(url, {"title": "", "priority": "p3"})
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    response = agent.post(url, {"title": "VPN", "priority": "p3", "fix_change": "CHG-999999"})
    assert response.status_code == 400
    assert response.context["form"].errors["fix_change"] == ["There is no change CHG-999999."]
    response = agent.post(
        url,
        {
            "title": "VPN drops",
            "priority": "p2",
            "services": [world.vpn.pk],
            "category": world.network.pk,
        },
    )
    problem = Problem.objects.get(title="VPN drops")
    assert response.status_code == 302 and response["Location"] == detail(problem)
    assert problem.priority == "p2" and list(problem.services.all()) == [world.vpn]


def test_editing_a_problem_checks_the_version(world, agent):
    problem = world.problem()
    url = reverse("problems:problem-edit", args=[problem.number])
    form = {"title": "VPN drops at 9", "priority": "p1", "services": [world.vpn.pk], "version": 1}
    assert agent.post(url, form).status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.priority, problem.version) == ("VPN drops at 9", "p1", 2)
    form["title"] = "Stale"
    assert agent.post(url, form).status_code == 409


def test_state_actions_and_their_refusals(world, agent):
    problem = world.problem()
    response = agent.post(
        action(problem, "move"), {"state": "known_error", "version": 1}, follow=True
    )
    assert "Workaround: Write the workaround before declaring a known error." in messages_of(
        response
    )
    response = agent.post(action(problem, "move"), {"state": "resolved", "version": 1}, follow=True)
    assert "A problem cannot go from New to Resolved." in messages_of(response)
    response = agent.post(action(problem, "move"), {"state": "bogus", "version": 1}, follow=True)
    assert any(m.startswith("State:") for m in messages_of(response))
    agent.post(action(problem, "move"), {"state": "investigating", "version": 1})
    problem.refresh_from_db()
    assert problem.state == "investigating"
    # A stale version is refused.
    response = agent.post(action(problem, "move"), {"state": "closed", "version": 1}, follow=True)
    problem.refresh_from_db()
    assert problem.state == "investigating"
    assert (
        signed_in(world.auditor).post(action(problem, "move"), {"state": "closed"}).status_code
        == 403
    )


def test_linking_and_unlinking_incidents_from_the_page(world, agent):
    problem = world.problem()
    incident = world.incident()
    response = agent.post(action(problem, "link"), {"incident": "INC-999999"}, follow=True)
    assert "Incident: There is no incident INC-999999." in messages_of(response)
    response = agent.post(action(problem, "link"), {"incident": ""}, follow=True)
    assert any(m.startswith("Incident number:") for m in messages_of(response))
    response = agent.post(
        action(problem, "link"), {"incident": world.request().number}, follow=True
    )
    assert any("service request" in m for m in messages_of(response))
    agent.post(action(problem, "link"), {"incident": incident.number, "note": "Same gateway"})
    link = ProblemIncident.objects.get()
    page = agent.get(detail(problem)).content.decode()
    assert incident.number in page and "linked incident" in page
    response = agent.post(action(problem, "unlink"), {"link": "x"}, follow=True)
    assert "Link: That incident is not linked to this problem." in messages_of(response)
    agent.post(action(problem, "unlink"), {"link": link.pk})
    assert not ProblemIncident.objects.exists()
    assert agent.post(action(problem, "explode"), {}).status_code == 404


def test_comments_are_rendered_as_sanitised_markdown(world, agent):
    problem = world.problem()
    agent.post(action(problem, "comment"), {"body": "**Bold** <script>alert(1)</script>"})
    page = agent.get(detail(problem)).content.decode()
    assert "<strong>Bold</strong>" in page and "<script>alert(1)" not in page
    response = agent.post(action(problem, "comment"), {"body": ""}, follow=True)
    assert any(m.startswith("Comment:") for m in messages_of(response))


def test_candidates_page_raises_a_problem_from_a_cluster(world, agent):
    now = timezone.now()
    tickets = [
        world.incident("Wifi drops in Building A", at=now - timedelta(days=d)) for d in (1, 2, 3)
    ]
    page = agent.get(reverse("problems:candidates"))
    assert page.status_code == 200
    text = page.content.decode()
    assert all(t.number in text for t in tickets)
    ids = ",".join(str(t.pk) for t in sorted(tickets, key=lambda t: t.created_at))
    response = agent.post(
        reverse("problems:candidates"), {"incidents": ids, "title": "Wifi in A", "priority": "p2"}
    )
    problem = Problem.objects.get(title="Wifi in A")
    assert response["Location"] == detail(problem)
    assert problem.incident_links.count() == 3
    response = agent.post(
        reverse("problems:candidates"), {"incidents": "1,x", "priority": "p2"}, follow=True
    )
    assert any(m.startswith("Incidents:") for m in messages_of(response))
    for garbled in ("1,²", "1,99999999999999999999", "1,-2"):
        response = agent.post(
            reverse("problems:candidates"), {"incidents": garbled, "priority": "p2"}, follow=True
        )
        assert "Incidents: The list of incidents is garbled; reload the page." in messages_of(
            response
        )
    assert "counts its 300 most recent incidents" in page.content.decode()
    assert (
        "No recurring incidents right now."
        in agent.get(reverse("problems:candidates")).content.decode()
    )


def test_thresholds_page_refuses_bad_values(world):
    admin = signed_in(world.admin)
    url = reverse("problems:settings")
    response = admin.post(
        url, {"window_days": "0", "min_cluster_size": "1", "similarity_threshold": "2"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {
        "window_days",
        "min_cluster_size",
        "similarity_threshold",
    }
    response = admin.post(
        url, {"window_days": "14", "min_cluster_size": "4", "similarity_threshold": "0.5"}
    )
    assert response.status_code == 302
    saved = RecurrenceSettings.current()
    assert (saved.window_days, saved.min_cluster_size, saved.similarity_threshold) == (14, 4, 0.5)
    response = admin.post(
        url,
        {
            "window_days": "7",
            "min_cluster_size": "4",
            "similarity_threshold": "0.5",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert RecurrenceSettings.current().version == 2


def test_root_cause_taxonomy_pages(world):
    admin = signed_in(world.admin)
    response = admin.post(
        reverse("problems:rootcause-create"), {"name": "Capacity", "is_active": "on"}
    )
    assert response.status_code == 400  # the name is taken
    assert "name" in response.context["form"].errors
    response = admin.post(
        reverse("problems:rootcause-create"), {"name": "Vendor defect", "is_active": "on"}
    )
    created = RootCauseCategory.objects.get(name="Vendor defect")
    assert response["Location"] == reverse("problems:rootcause-detail", args=[created.pk])
    assert "Vendor defect" in admin.get(reverse("problems:rootcause-list")).content.decode()
    world.problem(root_cause_category=created)
    response = admin.post(
        reverse("problems:rootcause-delete", args=[created.pk]), {"version": 1}, follow=True
    )
    assert RootCauseCategory.objects.filter(pk=created.pk).exists()  # still used
    agent = signed_in(world.agent)
    assert agent.get(reverse("problems:rootcause-list")).status_code == 200
    assert agent.get(reverse("problems:rootcause-create")).status_code == 403


def test_the_ticket_page_offers_known_errors_with_a_link_button(world, agent):
    incident = world.incident("VPN drops again")
    known = world.problem("VPN gateway drops sessions", workaround="Use the *backup* gateway.")
    services.move_problem(known, "known_error", actor=world.agent)
    world.problem("Mail problem", services=[world.mail], category=world.email)
    ticket_url = reverse("tickets:ticket", args=[incident.number])
    page = agent.get(ticket_url).content.decode()
    assert "Problems and known errors" in page
    assert known.number in page and "<em>backup</em>" in page
    assert "Mail problem" not in page
    response = agent.post(action(known, "link"), {"incident": incident.number, "next": ticket_url})
    assert response["Location"] == ticket_url
    assert ProblemIncident.objects.filter(problem=known, incident=incident).exists()
    page = agent.get(ticket_url).content.decode()
    assert "Caused by" in page
    # Nothing to show: no card at all.
    other = world.incident("Mail down", service=world.mail, category=world.network)
    assert (
        "Problems and known errors"
        not in agent.get(reverse("tickets:ticket", args=[other.number])).content.decode()
    )
    # An outside "next" is ignored.
    response = agent.post(
        action(known, "link"), {"incident": other.number, "next": "https://evil.example/"}
    )
    assert response["Location"] == detail(known)


def test_the_problem_page_costs_the_same_queries_for_1_or_6_incidents(
    world, agent, django_assert_max_num_queries
):
    problem = world.problem()
    services.link_incident(problem, world.incident("first"), actor=world.agent)
    with django_assert_max_num_queries(40) as few:
        agent.get(detail(problem))
    for n in range(5):
        services.link_incident(problem, world.incident(f"more {n}"), actor=world.agent)
        services.add_comment(problem, actor=world.agent, body=f"Note {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent.get(detail(problem))


@pytest.mark.parametrize("raw", ["²", "١", "99999999999999999999999", "-1"])
def test_unlinking_with_a_link_that_is_not_an_id_names_the_field(world, agent, raw):
    # "²".isdigit() is true but int("²") raises: it was a 500.
    problem = world.problem()
    services.link_incident(problem, world.incident(), actor=world.agent)
    response = agent.post(action(problem, "unlink"), {"link": raw}, follow=True)
    assert response.status_code == 200
    assert "Link: That incident is not linked to this problem." in messages_of(response)
    assert ProblemIncident.objects.count() == 1


def test_auditors_are_not_offered_nor_accepted_as_assignees(world, agent):
    problem = world.problem()
    form = agent.get(reverse("problems:problem-edit", args=[problem.number])).context["form"]
    offered = set(form.fields["assignee"].queryset)
    assert world.agent in offered and world.admin in offered
    assert world.auditor not in offered
    response = agent.post(
        reverse("problems:problem-new"),
        {"title": "VPN", "priority": "p3", "assignee": world.auditor.pk},
    )
    assert response.status_code == 400
    assert "assignee" in response.context["form"].errors
    with pytest.raises(ValidationError) as error:
        services.update_problem(problem, {"assignee": world.auditor}, actor=world.agent)
    assert "assignee" in error.value.message_dict
    assert (
        services.update_problem(problem, {"assignee": world.admin}, actor=world.agent).assignee
        == world.admin
    )
