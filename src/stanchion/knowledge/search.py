"""Full-text search over articles' titles and bodies, on SQLite and
PostgreSQL alike, read the way the ticket search reads a query (see
``stanchion.tickets.search``: words are letters and digits, punctuation only
separates, every word must appear, the last may be a prefix).

``search(queryset, q)`` keeps only matching articles, best match first
(the title counts most). ``suggest(queryset, text)`` is looser, for text
that is not a query (a ticket's title as it is typed): any of its words of
three letters or more (common words left out) may match, and the articles
matching most of them come first.
"""

# PG_DOCUMENT is a constant; values always travel as parameters.
# ruff: noqa: S608, S611

from django.db import connection
from django.db.models.expressions import RawSQL

from stanchion.tickets.search import _fts5_query, _tsquery, phrases

from .search_sql import PG_DOCUMENT

_STOP_WORDS = (
    "the and for with from that this have has had not but are was were will can cannot "
    "when what where which who how why into onto your our its any all get got does "
    "doesn did didn isn wasn won don just still again some very now help please since "
    "there they them then than been being also able"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
MAX_SUGGEST_WORDS = 12


def _is_postgres():
    return connection.vendor == "postgresql"


def _ranked(queryset, fts_match, tsquery):
    if _is_postgres():
        return (
            queryset.filter(pk__in=_pg_matching(tsquery))
            .annotate(
                search_rank=RawSQL(f"-ts_rank({PG_DOCUMENT}, to_tsquery('simple', %s))", [tsquery])
            )
            .order_by("search_rank", "-id")
        )
    matching = RawSQL(
        "SELECT rowid FROM knowledge_article_fts WHERE knowledge_article_fts MATCH %s",
        [fts_match],
    )
    rank = RawSQL(
        "(SELECT bm25(knowledge_article_fts, 10.0, 1.0) FROM knowledge_article_fts "
        "WHERE knowledge_article_fts MATCH %s AND rowid = knowledge_article.id)",
        [fts_match],
    )
    return (
        queryset.filter(pk__in=matching).annotate(search_rank=rank).order_by("search_rank", "-id")
    )


def _pg_matching(tsquery):
    return RawSQL(
        f"SELECT knowledge_article.id FROM knowledge_article "
        f"WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s)",
        [tsquery],
    )


def search(queryset, query):
    """``queryset`` narrowed to the articles matching ``query``, best first;
    unchanged for an empty query."""
    groups = phrases(query)
    if not groups:
        return queryset
    return _ranked(queryset, _fts5_query(groups, True), _tsquery(groups, True))


def _all_words(text):
    from stanchion.tickets.search import _WORD

    seen = []
    for word in _WORD.findall((text or "").lower()[:2000]):
        word = word[:64]
        if len(word) >= 3 and word not in STOP_WORDS and not word.isdigit() and word not in seen:
            seen.append(word)
        if len(seen) >= MAX_SUGGEST_WORDS:
            break
    return seen


def suggest(queryset, text):
    """Articles of ``queryset`` sharing any meaningful word with ``text``
    (any of them, the last one also as a prefix), the best match first; none
    when the text has no such word."""
    words = _all_words(text)
    if not words:
        return queryset.none()
    fts_match = " OR ".join(f'"{word}"' for word in words) + "*"
    tsquery = " | ".join(f"'{word}'" for word in words[:-1])
    tsquery = (tsquery + " | " if tsquery else "") + f"'{words[-1]}':*"
    return _ranked(queryset, fts_match, tsquery)
