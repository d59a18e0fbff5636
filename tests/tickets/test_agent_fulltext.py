"""The queue's search box uses the full-text index: words in descriptions
and internal notes find a ticket, not only words in its title."""

from django.test import Client
from django.urls import reverse

from stanchion.tickets import services

from .conftest import T0


def numbers(response):
    return {n for n in ("INC-000001", "INC-000002") if n in response.content.decode()}


def test_queue_search_finds_words_in_descriptions_and_notes(desk):
    services.open_incident(
        actor=desk.agent,
        requester=desk.requester,
        title="Cannot sign in",
        description="Kerberos ticket expired on the laptop",
        service=desk.service,
        now=T0,
    )
    other = services.open_incident(
        actor=desk.agent,
        requester=desk.requester,
        title="Printer jam",
        now=T0,
    )
    services.add_comment(other, actor=desk.agent, body="Toner cartridge swapped", public=False)
    client = Client()
    client.force_login(desk.agent, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("tickets:queue-all")
    assert numbers(client.get(url, {"q": "kerberos"})) == {"INC-000001"}
    assert numbers(client.get(url, {"q": "toner"})) == {"INC-000002"}
    assert numbers(client.get(url, {"q": "inc-000002"})) == {"INC-000002"}
    assert numbers(client.get(url, {"q": "sign"})) == {"INC-000001"}
