"""The pages: declaring from the ticket page's card, the major incident
page and its forms (bad input named by field), the status page for every
employee, following services, and the review with its actions."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.majorincidents import services
from stanchion.majorincidents.models import MajorIncident, ServiceSubscription
from stanchion.problems import services as problems

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def said(response):
    """The messages a post left; following its redirect shows (and so
    clears) them."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    if response.status_code == 302:
        response.client.get(response["Location"])
    return texts


def now_incident(mi_org, **kw):
    return mi_org.incident(at=timezone.now() - timedelta(minutes=10), **kw)


def test_ticket_panel_declares_a_p1(mi_org):
    ticket = now_incident(mi_org)
    agent = signed_in(mi_org.agent)
    page = agent.get(reverse("tickets:ticket", args=[ticket.number])).content.decode()
    assert "data-declare-form" in page and "Declare major incident" in page
    response = agent.post(
        reverse("majorincidents:declare", args=[ticket.number]),
        {"title": "Wiki outage", "comms_lead": mi_org.comms.pk},
    )
    mi = MajorIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("majorincidents:detail", args=[mi.number])
    assert (mi.title, mi.commander, mi.comms_lead) == ("Wiki outage", mi_org.agent, mi_org.comms)
    page = agent.get(reverse("tickets:ticket", args=[ticket.number])).content.decode()
    assert "data-declare-form" not in page and mi.number in page


def test_panel_is_not_offered_below_p2_or_to_auditors(mi_org):
    low = now_incident(mi_org, impact="3")
    page = signed_in(mi_org.agent).get(reverse("tickets:ticket", args=[low.number]))
    assert "data-major-incident-panel" not in page.content.decode()
    response = signed_in(mi_org.agent).post(
        reverse("majorincidents:declare", args=[low.number]), {"title": "x"}
    )
    assert "Incident: Only P1 and P2 incidents can be declared major" in said(response)[0]
    assert not MajorIncident.objects.exists()
    p1 = now_incident(mi_org)
    response = signed_in(mi_org.auditor).post(
        reverse("majorincidents:declare", args=[p1.number]), {"title": "x"}
    )
    assert response.status_code == 403


def test_declare_with_a_blank_title_names_the_field(mi_org):
    ticket = now_incident(mi_org)
    response = signed_in(mi_org.agent).post(
        reverse("majorincidents:declare", args=[ticket.number]), {"title": " "}
    )
    assert said(response) == ["Title: This field is required."]


@pytest.fixture
def running(mi_org):
    ticket = mi_org.incident(at=timezone.now() - timedelta(hours=2))
    return services.declare(
        ticket, actor=mi_org.agent, comms_lead=mi_org.comms, now=timezone.now() - timedelta(hours=1)
    )


def test_major_incident_page_shows_overdue_and_takes_an_update(mi_org, running):
    agent = signed_in(mi_org.agent)
    url = reverse("majorincidents:detail", args=[running.number])
    page = agent.get(url).content.decode()
    assert "data-overdue-banner" in page  # declared an hour ago, due after 30 minutes
    response = agent.post(
        reverse("majorincidents:action", args=[running.number, "update"]), {"body": ""}
    )
    assert said(response) == ["Update: This field is required."]
    agent.post(
        reverse("majorincidents:action", args=[running.number, "update"]),
        {"body": "Failing over to the standby."},
    )
    page = agent.get(url).content.decode()
    assert "data-overdue-banner" not in page and "Failing over to the standby." in page


def test_link_child_by_number_and_refusals_name_the_field(mi_org, running):
    agent = signed_in(mi_org.agent)
    child = now_incident(mi_org, impact="3", requester=mi_org.bob.person)
    url = reverse("majorincidents:action", args=[running.number, "link"])
    page = agent.get(reverse("majorincidents:detail", args=[running.number])).content.decode()
    assert "data-suggestions" in page and child.number in page
    response = agent.post(url, {"ticket": "INC-999999"})
    assert said(response) == ["Incident: There is no ticket INC-999999."]
    response = agent.post(url, {"ticket": running.ticket.number})
    assert "own ticket" in said(response)[0]
    agent.post(url, {"ticket": child.number.lower()})
    assert list(running.children.values_list("ticket__number", flat=True)) == [child.number]
    agent.post(
        reverse("majorincidents:action", args=[running.number, "unlink"]), {"ticket": child.number}
    )
    assert not running.children.exists()


def test_resolve_from_the_page_then_review_and_actions(mi_org, running):
    agent = signed_in(mi_org.agent)
    resolve = reverse("majorincidents:action", args=[running.number, "resolve"])
    response = agent.post(resolve, {"code": "solved", "notes": ""})
    assert said(response) == ["What fixed it: This field is required."]
    response = agent.post(resolve, {"code": "bogus", "notes": "Fixed"})
    assert said(response)[0].startswith("Resolution: Select a valid choice.")
    agent.post(resolve, {"code": "solved", "notes": "Restarted the database."})
    running.refresh_from_db()
    assert running.state == "resolved"
    review_url = reverse("majorincidents:review", args=[running.number])
    assert (
        review_url
        in agent.get(reverse("majorincidents:detail", args=[running.number])).content.decode()
    )
    page = agent.get(review_url).content.decode()
    assert "Stakeholder" not in page or "data-review-form" in page
    add = reverse("majorincidents:action-add", args=[running.number])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = agent.post(add, {"title": "Alert", "owner": mi_org.comms.pk, "due_date": yesterday})
    assert said(response) == ["Due: The due date cannot be in the past."]
    response = agent.post(add, {"title": "Alert", "owner": "", "due_date": "soon"})
    assert sorted(said(response)) == ["Due: Enter a valid date.", "Owner: This field is required."]
    response = agent.post(
        add,
        {"title": "Alert", "owner": mi_org.comms.pk, "due_date": "2099-01-01", "change": "CHG-1"},
    )
    assert said(response) == ["Change (CHG-…): There is no change CHG-1."]
    response = agent.post(
        add,
        {"title": "Alert", "owner": mi_org.comms.pk, "due_date": "2099-01-01", "problem": "PRB-9"},
    )
    assert said(response) == ["Problem (PRB-…): There is no problem PRB-9."]
    problem = problems.create_problem(actor=mi_org.agent, title="Disks fill up unnoticed")
    agent.post(
        add,
        {
            "title": "Alert on disk",
            "owner": mi_org.comms.pk,
            "due_date": "2099-01-01",
            "problem": problem.number.lower(),
        },
    )
    action = running.review.actions.get()
    assert action.problem == problem
    problem_url = reverse("problems:problem-detail", args=[problem.number])
    assert f'href="{problem_url}"' in agent.get(review_url).content.decode()
    agent.post(
        reverse("majorincidents:action-state", args=[running.number, action.pk]),
        {"state": "done", "version": action.version},
    )
    action.refresh_from_db()
    assert action.state == "done"
    agent.post(
        reverse("majorincidents:review-edit", args=[running.number]),
        {"root_cause": "A full disk.", "version": running.review.version},
    )
    running.review.refresh_from_db()
    assert running.review.root_cause == "A full disk."
    assert signed_in(mi_org.auditor).get(review_url).status_code == 200
    assert signed_in(mi_org.auditor).post(add, {}).status_code == 403


def test_status_page_for_employees(mi_org, running):
    alice = signed_in(mi_org.alice)
    page = alice.get(reverse("majorincidents:status")).content.decode()
    assert running.title in page and "first update follows" in page
    services.post_update(running, actor=mi_org.comms, body="Back in **ten** minutes.")
    page = alice.get(reverse("majorincidents:status")).content.decode()
    assert "Back in <strong>ten</strong> minutes." in page
    # Employees do not open IT's pages.
    assert alice.get(reverse("majorincidents:detail", args=[running.number])).status_code == 403
    assert alice.get(reverse("majorincidents:list")).status_code == 403
    services.resolve(running, actor=mi_org.agent, notes="Fixed.")
    page = alice.get(reverse("majorincidents:status")).content.decode()
    assert "data-all-clear" in page and running.title not in page


def test_following_services(mi_org):
    bob = signed_in(mi_org.bob)
    url = reverse("majorincidents:subscriptions")
    response = bob.post(url, {"services": [mi_org.wiki.pk, mi_org.mail.pk]})
    assert said(response) == ["You follow 2 services."]
    assert set(mi_org.bob.service_subscriptions.values_list("service__name", flat=True)) == {
        "Wiki",
        "Mail",
    }
    said(bob.post(url, {"services": [mi_org.mail.pk]}))
    assert list(mi_org.bob.service_subscriptions.values_list("service__name", flat=True)) == [
        "Mail"
    ]
    response = bob.post(url, {"services": ["nope"]})
    assert said(response) == ["Services: “nope” is not a service you can follow."]
    assert "checked> Mail" in bob.get(url).content.decode()
    assert ServiceSubscription.objects.count() == 1


def test_list_query_count_does_not_grow(mi_org, django_assert_max_num_queries):
    agent = signed_in(mi_org.agent)
    url = reverse("majorincidents:list")
    for n in range(3):
        services.declare(now_incident(mi_org, title=f"Outage {n}"), actor=mi_org.agent)
    agent.get(url)
    with django_assert_max_num_queries(14) as few:
        agent.get(url)
    for n in range(6):
        services.declare(now_incident(mi_org, title=f"More {n}"), actor=mi_org.agent)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = agent.get(url).content.decode()
    assert page.count('class="mono" href="/major-incidents/MI-') == 9
