"""Declaring a major incident nobody has reported yet, from the web: the
incident ticket is opened with it, and a refusal leaves nothing behind."""

from django.test import Client
from django.urls import reverse

from stanchion.majorincidents.models import MajorIncident
from stanchion.tickets.models import Ticket

URL = "/major-incidents/new/"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def form(mi_org, **changes):
    data = {
        "title": "Mail delivery stopped for everyone",
        "service": mi_org.mail.pk,
        "impact": "1",
        "urgency": "1",
        "description": "Queues are growing on every relay.",
        "comms_lead": mi_org.comms.pk,
        "requester": mi_org.alice.person.email.upper(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_only_staff_who_may_declare_see_the_page_and_the_button(mi_org):
    assert reverse("majorincidents:declare-direct") == URL
    assert signed_in(mi_org.agent).get(URL).status_code == 200
    assert signed_in(mi_org.auditor).get(URL).status_code == 403
    assert signed_in(mi_org.alice).get(URL).status_code == 403
    assert URL in signed_in(mi_org.agent).get("/major-incidents/").content.decode()
    assert URL not in signed_in(mi_org.auditor).get("/major-incidents/").content.decode()


def test_declaring_opens_the_ticket_and_the_major_incident(mi_org):
    response = signed_in(mi_org.agent).post(URL, form(mi_org))
    mi = MajorIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/major-incidents/{mi.number}/"
    ticket = mi.ticket
    assert (ticket.kind, ticket.priority, ticket.is_major) == ("incident", "p1", True)
    assert ticket.requester == mi_org.alice.person
    assert ticket.service == mi_org.mail
    assert ticket.title == "Mail delivery stopped for everyone"
    assert mi.commander == mi_org.agent
    assert mi.comms_lead == mi_org.comms
    assert list(mi.services.all()) == [mi_org.mail]


def test_below_p2_is_refused_and_no_ticket_is_left_behind(mi_org):
    tickets_before = Ticket.objects.count()
    response = signed_in(mi_org.agent).post(URL, form(mi_org, impact="3", urgency="3"))
    assert response.status_code == 400
    assert "Only P1 and P2 incidents can be declared major" in response.content.decode()
    assert Ticket.objects.count() == tickets_before
    assert not MajorIncident.objects.exists()


def test_bad_input_names_the_field(mi_org):
    agent = signed_in(mi_org.agent)
    blank = agent.post(URL, form(mi_org, title="  "))
    assert blank.status_code == 400
    assert blank.context["form"].errors["title"]
    wrong = agent.post(URL, form(mi_org, service="999999", impact="9"))
    assert wrong.status_code == 400
    assert set(wrong.context["form"].errors) == {"service", "impact"}
    # The agent's login has no person record, so someone must be named.
    nobody = agent.post(URL, form(mi_org, requester=None))
    assert nobody.status_code == 400
    assert "person record" in nobody.context["form"].errors["requester"][0]
    stranger = agent.post(URL, form(mi_org, requester="nobody@example.com"))
    refusal = stranger.context["form"].errors["requester"][0]
    assert "Nobody in the directory has the email" in refusal
    assert not MajorIncident.objects.exists()
