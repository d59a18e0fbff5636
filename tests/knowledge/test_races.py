"""Two requests at the same instant on PostgreSQL (each thread its own
connection, as two server workers would have): a double click on "Yes, it
helped" and two agents linking the same article to one ticket each leave
one row, and neither request fails on the unique constraint."""

import threading
import time

import pytest
from django.db import connection

from stanchion.knowledge import services as kb
from stanchion.knowledge.models import ArticleFeedback, TicketArticle
from stanchion.tickets import services as tickets

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def slow_saves(monkeypatch):
    """Wait a little before each insert, so that without a lock both
    requests have surely looked for the row before either inserts it."""
    original = kb.save_validated

    def held(instance):
        time.sleep(0.2)
        return original(instance)

    monkeypatch.setattr(kb, "save_validated", held)


def at_once(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_double_click_on_feedback(world):
    article = world.article()
    results = at_once(
        lambda: kb.give_feedback(article, actor=world.requester, helpful=True),
        lambda: kb.give_feedback(article, actor=world.requester, helpful=True, comment="Thanks"),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful is True and feedback.user == world.requester


def test_two_agents_link_the_same_article(world):
    ticket = tickets.open_incident(actor=world.agent, requester=world.person, title="VPN down")
    article = world.article()
    results = at_once(
        lambda: kb.link_ticket(ticket, article, actor=world.agent),
        lambda: kb.link_ticket(ticket, article, actor=world.agent2),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert TicketArticle.objects.get().article == article
    assert results[0].pk == results[1].pk
