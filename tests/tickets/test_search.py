"""Full-text search over tickets (SQLite FTS5 / PostgreSQL tsvector): what is
found, what employees may not match on, that edits and deletes reach the
index through the triggers, and that no query text can break the engine."""

from datetime import timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stanchion.tickets import search, services
from stanchion.tickets.models import Ticket, TimelineEvent

from .conftest import T0

M = timedelta(minutes=1)


@pytest.fixture
def tickets(desk):
    """Four tickets, each with its words in a different place."""

    def incident(title, description="", minutes=0):
        return services.open_incident(
            actor=desk.agent,
            requester=desk.requester,
            title=title,
            description=description,
            service=desk.service,
            now=T0 + minutes * M,
        )

    by_title = incident("Printer jams on floor three", "Paper stuck in tray two.")
    by_description = incident("Cannot work", "The VPN client says certificate expired.", 1)
    by_note = incident("Laptop slow", "Takes minutes to start.", 2)
    services.add_comment(
        by_note, actor=desk.agent, body="Suspect the zephyrine antivirus scan.", public=False
    )
    by_reply = incident("Mail bounce", "Messages to partners bounce.", 3)
    services.add_comment(
        by_reply, actor=desk.agent, body="The quokka relay was misconfigured, fixed."
    )
    return {
        "title": by_title,
        "description": by_description,
        "note": by_note,
        "reply": by_reply,
    }


def ids(*tickets):
    return [ticket.pk for ticket in tickets]


def test_finds_words_in_title_description_and_timeline(tickets):
    assert search.ticket_ids("printer") == ids(tickets["title"])
    assert search.ticket_ids("certificate") == ids(tickets["description"])
    assert search.ticket_ids("zephyrine") == ids(tickets["note"])
    assert search.ticket_ids("quokka") == ids(tickets["reply"])


def test_case_prefixes_and_every_word_required(tickets):
    assert search.ticket_ids("PRINT") == ids(tickets["title"])
    assert search.ticket_ids("vpn cert") == ids(tickets["description"])
    # Only the last word may be a prefix: it may still be being typed.
    assert search.ticket_ids("cert vpn") == []
    # "vpn" is in one ticket and "printer" in another: no ticket has both.
    assert search.ticket_ids("vpn printer") == []
    assert search.ticket_ids("nonexistentword") == []


def test_employees_do_not_match_on_internal_notes(tickets):
    assert search.ticket_ids("zephyrine", internal=False) == []
    assert search.ticket_ids("quokka", internal=False) == ids(tickets["reply"])
    assert search.ticket_ids("laptop", internal=False) == ids(tickets["note"])
    queryset = search.filter_tickets(Ticket.objects.all(), "zephyrine", internal=False)
    assert list(queryset) == []


def test_title_match_ranks_above_a_timeline_match(desk, tickets):
    services.add_comment(tickets["reply"], actor=desk.agent, body="Also the printer was off.")
    assert search.ticket_ids("printer") == ids(tickets["title"], tickets["reply"])
    assert search.ticket_ids("printer", limit=1) == ids(tickets["title"])


def test_comment_updates_and_deletes_reach_the_index(tickets):
    note = TimelineEvent.objects.get(ticket=tickets["note"], kind="note")
    note.body = "Actually the disk is failing."
    note.save()
    assert search.ticket_ids("zephyrine") == []
    assert search.ticket_ids("disk failing") == ids(tickets["note"])
    note.public = True
    note.save()
    assert search.ticket_ids("disk", internal=False) == ids(tickets["note"])
    note.delete()
    assert search.ticket_ids("disk") == []
    assert search.ticket_ids("laptop") == ids(tickets["note"])


def test_title_edit_and_ticket_delete_reach_the_index(desk, tickets):
    ticket = tickets["title"]
    services.update_ticket(ticket, {"title": "Scanner offline"}, actor=desk.agent)
    assert search.ticket_ids("printer") == []
    assert search.ticket_ids("scanner") == ids(ticket)
    assert search.ticket_ids("tray") == ids(ticket)  # the description is still there
    # Raw SQL: the triggers keep the index whatever writes the rows. This
    # ticket has no service, hence no clocks that would have to go first.
    doomed = services.open_incident(
        actor=desk.agent, requester=desk.requester, title="Quokka habitat", now=T0
    )
    services.add_comment(doomed, actor=desk.agent, body="Wombat burrow nearby.")
    assert search.ticket_ids("wombat") == ids(doomed)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_timelineevent WHERE ticket_id = %s", [doomed.pk])
        cursor.execute("DELETE FROM tickets_ticket WHERE id = %s", [doomed.pk])
    assert search.ticket_ids("wombat") == []
    assert search.ticket_ids("habitat") == []
    assert search.ticket_ids("quokka") == ids(tickets["reply"])


def test_filter_tickets_keeps_the_callers_filters_and_order(desk, tickets):
    everything = Ticket.objects.order_by("created_at")
    assert search.filter_tickets(everything, "") is everything
    assert search.filter_tickets(everything, "  ?!  ") is everything
    matching = search.filter_tickets(everything, "minutes OR messages")
    # "or" is an ordinary word here, not an operator: no ticket has all three.
    assert list(matching) == []
    two = search.filter_tickets(everything.filter(title__startswith="Ma"), "messages")
    assert list(two) == [tickets["reply"]]
    newest_first = search.filter_tickets(Ticket.objects.order_by("-created_at"), "the")
    assert list(newest_first) == [tickets["reply"], tickets["note"], tickets["description"]]


def test_filter_tickets_is_one_query(tickets, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(search.filter_tickets(Ticket.objects.all(), "cert"))) == 1


def test_empty_query_finds_nothing_by_rank(tickets):
    assert search.ticket_ids("") == []
    assert search.ticket_ids(None) == []
    assert search.ticket_ids('"" ** ()') == []


def test_terms_split_on_punctuation_like_the_index(desk, tickets):
    ticket = services.open_incident(
        actor=desk.agent,
        requester=desk.requester,
        title="Cannot reach vpn-gw01.example.com",
        description="Reported by bob@example.com from C:\\Users\\bob",
        service=desk.service,
        now=T0,
    )
    assert search.ticket_ids("gw01") == ids(ticket)
    assert search.ticket_ids("vpn-gw01.example.com") == ids(ticket)
    assert search.ticket_ids("bob@example") == ids(ticket)
    assert search.ticket_ids("users\\bob") == ids(ticket)
    # Words joined by punctuation must be next to each other.
    assert search.ticket_ids("example-vpn") == []
    assert search.ticket_ids("example vpn") == ids(ticket)


HOSTILE = [
    '"',
    "'",
    '"unterminated',
    "AND",
    "OR NOT",
    "NEAR(printer jams)",
    "title:printer",
    "{title}: printer",
    "printer*",
    "*",
    "^printer",
    "-printer",
    "printer & | ! ( ) :*",
    "printer':*A | 'x",
    "\\",
    "%_",
    "'; DROP TABLE tickets_ticket; --",
    "\x00",
    "emoji 🖨️ printer",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(tickets, query):
    found = search.ticket_ids(query)
    assert set(found) <= {t.pk for t in tickets.values()}
    list(search.filter_tickets(Ticket.objects.all(), query, internal=False))
    if query in ("printer*", "^printer", "-printer"):
        assert found == ids(tickets["title"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=40))
def test_any_text_is_a_valid_query(tickets, query):
    search.ticket_ids(query)
    search.ticket_ids(query, internal=False)
    list(search.filter_tickets(Ticket.objects.all(), query))


def test_rebuild_reproduces_the_trigger_maintained_index(tickets):
    before = {word: search.ticket_ids(word) for word in ("printer", "zephyrine", "quokka", "the")}
    assert search.rebuild() == 4
    after = {word: search.ticket_ids(word) for word in before}
    assert after == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truncating_tickets_empties_the_index(tickets):
    # Django's flush truncates tables, which fires no row trigger.
    assert search.ticket_ids("printer") == ids(tickets["title"])
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tickets_ticket CASCADE")
        cursor.execute("SELECT count(*) FROM tickets_ticket_search")
        assert cursor.fetchone()[0] == 0
