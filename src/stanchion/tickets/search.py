"""Full-text search over tickets: titles, descriptions and timeline bodies.

The one entry point for the agent queue, the portal and the API::

    from stanchion.tickets import search

    ids = search.ticket_ids("vpn timeout", limit=50)           # best match first
    tickets = search.filter_tickets(Ticket.objects.all(), q)   # a filtered queryset

``internal=False`` leaves internal notes (and other non-public timeline
bodies) out of the match: pass ``internal=is_staff_role(user)`` when an
employee searches, or the fact that a word is in a note on their own ticket
would show through the results.

How a query is read: words are the letters and digits in it; everything
else (quotes, operators, brackets, colons, stars) only separates words, so no
input can reach the search engine's own syntax. Every word must appear in the
ticket, as a word or the start of one (``pass`` finds "password"). An empty
query, or one with no words, is no filter at all.

The index is one document per ticket, kept by database triggers (created in
the tickets migration ``0003_search_index``), so every write path (services,
imports, the admin shell) keeps it current:

- SQLite: an FTS5 table ``tickets_ticket_fts`` (rowid = ticket id) with the
  columns title, description, public_text and internal_text; ranked by BM25
  with the title counting most.
- PostgreSQL: a table ``tickets_ticket_search`` (ticket id, tsvector) with a
  GIN index; the title is weight A, the description B, public timeline
  bodies C and internal ones D, so ``internal=False`` is a weight filter;
  ranked by ``ts_rank``.

Both tokenise the same way (letters and digits, no stemming), so a query
finds the same tickets on either database. After a bulk load that bypassed
the triggers, ``rebuild()`` rebuilds the whole index in one statement.
"""

import re

from django.db import connection
from django.db.models.expressions import RawSQL

MAX_TERMS = 8
MAX_TERM_LENGTH = 64
DEFAULT_LIMIT = 50
# Ranking every match of a very common word costs more than it is worth on a
# page of 50: on PostgreSQL only the most recent matches are ranked.
PG_RANK_WINDOW = 5_000

# Letters and digits (any script); underscores and punctuation separate.
_WORD = re.compile(r"[^\W_]+")


def terms(query):
    """The words of ``query``, lower-cased, at most ``MAX_TERMS``."""
    words = _WORD.findall((query or "").lower())
    return [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]


def _fts5_query(words, internal):
    # Each word quoted (it cannot contain a quote: see _WORD) and prefix
    # matched; a space between them means AND.
    match = " ".join(f'"{word}"*' for word in words)
    if internal:
        return match
    return "{title description public_text} : (" + match + ")"


def _tsquery(words, internal):
    # Lexemes quoted, prefix matched and, for employees, restricted to the
    # public weights; the words hold no quote or backslash (see _WORD).
    weights = "ABCD" if internal else "ABC"
    return " & ".join(f"'{word}':*{weights}" for word in words)


def _is_postgres():
    return connection.vendor == "postgresql"


def ticket_ids(query, *, limit=DEFAULT_LIMIT, internal=True):
    """Ids of the tickets matching ``query``, best match first (ties: the
    newest first). An empty query matches nothing here: callers that list
    tickets use ``filter_tickets``, which treats it as no filter."""
    words = terms(query)
    if not words:
        return []
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                """
                SELECT ticket_id FROM (
                    SELECT ticket_id, document FROM tickets_ticket_search
                    WHERE document @@ to_tsquery('simple', %s)
                    ORDER BY ticket_id DESC LIMIT %s
                ) recent
                ORDER BY ts_rank(document, to_tsquery('simple', %s)) DESC, ticket_id DESC
                LIMIT %s
                """,
                [_tsquery(words, internal), PG_RANK_WINDOW, _tsquery(words, internal), limit],
            )
        else:
            cursor.execute(
                "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s "
                "ORDER BY bm25(tickets_ticket_fts, 10.0, 3.0, 1.0, 1.0), rowid DESC LIMIT %s",
                [_fts5_query(words, internal), limit],
            )
        return [row[0] for row in cursor.fetchall()]


def filter_tickets(queryset, query, *, internal=True):
    """``queryset`` narrowed to the tickets matching ``query`` (unchanged for
    an empty query). The caller's ordering stays: queues keep sorting by SLA
    due; use ``ticket_ids`` for best-match order."""
    words = terms(query)
    if not words:
        return queryset
    if _is_postgres():
        matching = RawSQL(
            "SELECT ticket_id FROM tickets_ticket_search "
            "WHERE document @@ to_tsquery('simple', %s)",
            [_tsquery(words, internal)],
        )
    else:
        matching = RawSQL(
            "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s",
            [_fts5_query(words, internal)],
        )
    return queryset.filter(pk__in=matching)


def rebuild():
    """Rebuild the whole index from the tickets and their timelines (after a
    bulk load with the triggers off). Returns the number of tickets indexed."""
    from . import search_sql

    statements = search_sql.REBUILD_POSTGRES if _is_postgres() else search_sql.REBUILD_SQLITE
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        table = "tickets_ticket_search" if _is_postgres() else "tickets_ticket_fts"
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (constant name)
        return cursor.fetchone()[0]


def drop_triggers():
    """Stop maintaining the index (a bulk loader calls ``rebuild`` and
    ``create_triggers`` when done)."""
    from . import search_sql

    drop = search_sql.DROP_TRIGGERS_POSTGRES if _is_postgres() else search_sql.DROP_TRIGGERS_SQLITE
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)


def create_triggers():
    from . import search_sql

    create = search_sql.TRIGGERS_POSTGRES if _is_postgres() else search_sql.TRIGGERS_SQLITE
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
