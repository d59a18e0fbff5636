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
ticket; the last one may be the start of a word (``pass`` finds "password"),
as it may still be being typed. Words joined by punctuation, as in a host
name or an e-mail address, must appear next to each other. An empty query,
or one with no words, is no filter at all.

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
# page of 50: only the most recent matches are ranked (ids grow with time).
RANK_WINDOW = 5_000
RECENT_SPAN = 50_000  # PostgreSQL: tickets looked at first, newest first

# Letters and digits (any script); underscores and punctuation separate.
_WORD = re.compile(r"[^\W_]+")


def phrases(query):
    """The query as phrases of lower-cased words: what whitespace separates
    is a phrase of its own, and words joined by punctuation ("vpn-gw01",
    "bob@example.com") form one phrase whose words must be adjacent. At most
    ``MAX_TERMS`` words in all."""
    result, budget = [], MAX_TERMS
    for chunk in (query or "").lower().split():
        words = [word[:MAX_TERM_LENGTH] for word in _WORD.findall(chunk)][:budget]
        if words:
            result.append(words)
            budget -= len(words)
        if budget == 0:
            break
    return result


def _fts5_query(groups, internal):
    # Each phrase quoted (its words cannot contain a quote: see _WORD); the
    # last one is also a prefix, for a word still being typed. A space
    # between phrases means AND.
    parts = [f'"{" ".join(words)}"' for words in groups]
    parts[-1] += "*"
    match = " ".join(parts)
    if internal:
        return match
    return "{title description public_text} : (" + match + ")"


def _tsquery(groups, internal):
    # Lexemes quoted, the last one prefix matched and, for employees,
    # restricted to the public weights; the words hold no quote or
    # backslash (see _WORD). Staff match every weight: a query without
    # weights (or phrases) is answered from the GIN index alone, with no
    # recheck of each matching row's document.
    weights = "" if internal else "ABC"
    phrases_sql = []
    for index, words in enumerate(groups):
        last = index == len(groups) - 1
        lexemes = []
        for n, word in enumerate(words):
            suffix = ("*" if last and n == len(words) - 1 else "") + weights
            lexemes.append(f"'{word}':{suffix}" if suffix else f"'{word}'")
        phrases_sql.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(phrases_sql)


def _is_postgres():
    return connection.vendor == "postgresql"


_PG_RANKED = """
    WITH recent AS MATERIALIZED (
        SELECT ticket_id FROM tickets_ticket_search
        WHERE document @@ to_tsquery('simple', %s) AND ticket_id > %s
        ORDER BY ticket_id DESC LIMIT %s
    )
    SELECT s.ticket_id FROM tickets_ticket_search s
    JOIN recent ON recent.ticket_id = s.ticket_id
    ORDER BY ts_rank(s.document, to_tsquery('simple', %s)) DESC, s.ticket_id DESC
    LIMIT %s
"""


def ticket_ids(query, *, limit=DEFAULT_LIMIT, internal=True):
    """Ids of the tickets matching ``query``, best match first (ties: the
    newest first). Only the newest ``RANK_WINDOW`` matches are ranked, so a
    word found in half the tickets costs no more than a rare one; on
    PostgreSQL the newest ``RECENT_SPAN`` tickets are searched first and the
    older ones only when those give fewer than ``limit`` matches. An empty
    query matches nothing here: callers that list tickets use
    ``filter_tickets``, which treats it as no filter."""
    groups = phrases(query)
    if not groups:
        return []
    with connection.cursor() as cursor:
        if _is_postgres():
            tsquery = _tsquery(groups, internal)
            # GIN answers "which rows match" but not "the newest ones": a
            # common word's matches would all be read from the heap. Look in
            # the newest RECENT_SPAN tickets first (read in id order, no
            # sort), and in all of them only when that finds too few.
            cursor.execute("SELECT max(ticket_id) FROM tickets_ticket_search")
            newest = cursor.fetchone()[0] or 0
            for floor in (newest - RECENT_SPAN, 0):
                cursor.execute(_PG_RANKED, [tsquery, floor, RANK_WINDOW, tsquery, limit])
                rows = cursor.fetchall()
                if len(rows) >= limit or floor <= 0:
                    break
            return [row[0] for row in rows]
        else:
            match = _fts5_query(groups, internal)
            # FTS5 walks matches in rowid order and stops early: the id of
            # the RANK_WINDOW-th newest match bounds the ranked set.
            cursor.execute(
                "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s "
                "ORDER BY rowid DESC LIMIT 1 OFFSET %s",
                [match, RANK_WINDOW - 1],
            )
            floor = cursor.fetchone()
            cursor.execute(
                "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s "
                "AND rowid >= %s "
                "ORDER BY bm25(tickets_ticket_fts, 10.0, 3.0, 1.0, 1.0), rowid DESC LIMIT %s",
                [match, floor[0] if floor else 0, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def filter_tickets(queryset, query, *, internal=True):
    """``queryset`` narrowed to the tickets matching ``query`` (unchanged for
    an empty query). The caller's ordering stays: queues keep sorting by SLA
    due; use ``ticket_ids`` for best-match order."""
    groups = phrases(query)
    if not groups:
        return queryset
    if _is_postgres():
        matching = RawSQL(
            "SELECT ticket_id FROM tickets_ticket_search "
            "WHERE document @@ to_tsquery('simple', %s)",
            [_tsquery(groups, internal)],
        )
    else:
        matching = RawSQL(
            "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s",
            [_fts5_query(groups, internal)],
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
