"""The SQL behind ``search``: the index tables and the triggers that keep
them current, for SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Indexed text per ticket: its title, its description, and the bodies of its
timeline events except the "opened" event (whose body is the description
again): replies and resolution notes are public, internal notes are not.
"""

# Every statement here is assembled from constants when the module loads; no
# value from outside ever reaches these strings.
# ruff: noqa: S608

# --- SQLite -----------------------------------------------------------------


def _sqlite_bodies(ticket, public):
    return (
        "(SELECT coalesce(group_concat(body, ' '), '') FROM tickets_timelineevent "
        f"WHERE ticket_id = {ticket} AND public = {public} AND kind <> 'created' AND body <> '')"
    )


def _sqlite_refresh(ticket):
    return (
        f"UPDATE tickets_ticket_fts SET public_text = {_sqlite_bodies(ticket, 1)}, "
        f"internal_text = {_sqlite_bodies(ticket, 0)} WHERE rowid = {ticket};"
    )


CREATE_SQLITE = [
    "CREATE VIRTUAL TABLE tickets_ticket_fts USING fts5("
    "title, description, public_text, internal_text, "
    "tokenize = 'unicode61 remove_diacritics 2')",
]

TRIGGERS_SQLITE = [
    """CREATE TRIGGER tickets_ticket_fts_insert AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_fts (rowid, title, description, public_text, internal_text)
        VALUES (NEW.id, NEW.title, NEW.description, '', '');
    END""",
    # Every save writes every column: only a real change re-indexes.
    """CREATE TRIGGER tickets_ticket_fts_update AFTER UPDATE OF title, description
        ON tickets_ticket
        WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description BEGIN
        UPDATE tickets_ticket_fts SET title = NEW.title, description = NEW.description
        WHERE rowid = NEW.id;
    END""",
    """CREATE TRIGGER tickets_ticket_fts_delete AFTER DELETE ON tickets_ticket BEGIN
        DELETE FROM tickets_ticket_fts WHERE rowid = OLD.id;
    END""",
    f"""CREATE TRIGGER tickets_event_fts_insert AFTER INSERT ON tickets_timelineevent
        WHEN NEW.body <> '' AND NEW.kind <> 'created' BEGIN
        {_sqlite_refresh("NEW.ticket_id")}
    END""",
    f"""CREATE TRIGGER tickets_event_fts_update AFTER UPDATE OF body, public, kind, ticket_id
        ON tickets_timelineevent
        WHEN OLD.body IS NOT NEW.body OR OLD.public IS NOT NEW.public
            OR OLD.kind IS NOT NEW.kind OR OLD.ticket_id IS NOT NEW.ticket_id BEGIN
        {_sqlite_refresh("OLD.ticket_id")}
        {_sqlite_refresh("NEW.ticket_id")}
    END""",
    f"""CREATE TRIGGER tickets_event_fts_delete AFTER DELETE ON tickets_timelineevent
        WHEN OLD.body <> '' AND OLD.kind <> 'created' BEGIN
        {_sqlite_refresh("OLD.ticket_id")}
    END""",
]

DROP_TRIGGERS_SQLITE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "tickets_ticket_fts_insert",
        "tickets_ticket_fts_update",
        "tickets_ticket_fts_delete",
        "tickets_event_fts_insert",
        "tickets_event_fts_update",
        "tickets_event_fts_delete",
    )
]

DROP_SQLITE = [*DROP_TRIGGERS_SQLITE, "DROP TABLE IF EXISTS tickets_ticket_fts"]

REBUILD_SQLITE = [
    "DELETE FROM tickets_ticket_fts",
    "INSERT INTO tickets_ticket_fts (rowid, title, description, public_text, internal_text) "
    f"SELECT t.id, t.title, t.description, {_sqlite_bodies('t.id', 1)}, "
    f"{_sqlite_bodies('t.id', 0)} FROM tickets_ticket t",
]

# --- PostgreSQL -------------------------------------------------------------

# ASCII punctuation becomes a space before parsing, so that e-mail addresses,
# host names and paths split into words as SQLite's tokenizer splits them
# (PostgreSQL's parser would keep "vpn-gw01.example.com" as one token).
_PG_VECTOR = """
CREATE OR REPLACE FUNCTION tickets_search_vector(body text, weight "char")
RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(
        to_tsvector('simple', regexp_replace(coalesce(body, ''), '[!-/:-@[-`{-~]+', ' ', 'g')),
        weight
    )
$$"""


def _pg_bodies(ticket, public):
    return (
        "(SELECT string_agg(e.body, ' ' ORDER BY e.id) FROM tickets_timelineevent e "
        f"WHERE e.ticket_id = {ticket} AND {'' if public else 'NOT '}e.public "
        "AND e.kind <> 'created' AND e.body <> '')"
    )


_PG_DOCUMENT = (
    "tickets_search_vector(t.title, 'A') || tickets_search_vector(t.description, 'B') || "
    "tickets_search_vector({public}, 'C') || tickets_search_vector({internal}, 'D')"
)

_PG_REFRESH = f"""
CREATE OR REPLACE FUNCTION tickets_search_refresh(target bigint)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO tickets_ticket_search (ticket_id, document)
    SELECT t.id, {
    _PG_DOCUMENT.format(public=_pg_bodies("t.id", True), internal=_pg_bodies("t.id", False))
}
    FROM tickets_ticket t WHERE t.id = target
    ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
$$"""

_PG_TICKET_TRIGGER = """
CREATE OR REPLACE FUNCTION tickets_ticket_search_trigger()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM tickets_ticket_search WHERE ticket_id = OLD.id;
    ELSE
        PERFORM tickets_search_refresh(NEW.id);
    END IF;
    RETURN NULL;
END $$"""

# Django's flush (and anyone's TRUNCATE) fires no row triggers.
_PG_TRUNCATE_TRIGGER = """
CREATE OR REPLACE FUNCTION tickets_ticket_search_truncate()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE tickets_ticket_search;
    RETURN NULL;
END $$"""

_PG_EVENT_TRIGGER = """
CREATE OR REPLACE FUNCTION tickets_event_search_trigger()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM tickets_search_refresh(OLD.ticket_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.ticket_id <> OLD.ticket_id) THEN
        PERFORM tickets_search_refresh(NEW.ticket_id);
    END IF;
    RETURN NULL;
END $$"""

CREATE_POSTGRES = [
    # No foreign key: Django's flush truncates tickets_ticket on its own;
    # the truncate trigger empties this table with it.
    "CREATE TABLE tickets_ticket_search (ticket_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX tickets_ticket_search_document ON tickets_ticket_search USING gin (document)",
    _PG_VECTOR,
    _PG_REFRESH,
    _PG_TICKET_TRIGGER,
    _PG_TRUNCATE_TRIGGER,
    _PG_EVENT_TRIGGER,
]

TRIGGERS_POSTGRES = [
    """CREATE TRIGGER tickets_ticket_search_insert AFTER INSERT ON tickets_ticket
        FOR EACH ROW EXECUTE FUNCTION tickets_ticket_search_trigger()""",
    """CREATE TRIGGER tickets_ticket_search_update AFTER UPDATE OF title, description
        ON tickets_ticket FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title
            OR OLD.description IS DISTINCT FROM NEW.description)
        EXECUTE FUNCTION tickets_ticket_search_trigger()""",
    """CREATE TRIGGER tickets_ticket_search_delete AFTER DELETE ON tickets_ticket
        FOR EACH ROW EXECUTE FUNCTION tickets_ticket_search_trigger()""",
    """CREATE TRIGGER tickets_ticket_search_truncate AFTER TRUNCATE ON tickets_ticket
        FOR EACH STATEMENT EXECUTE FUNCTION tickets_ticket_search_truncate()""",
    """CREATE TRIGGER tickets_event_search_insert AFTER INSERT ON tickets_timelineevent
        FOR EACH ROW WHEN (NEW.body <> '' AND NEW.kind <> 'created')
        EXECUTE FUNCTION tickets_event_search_trigger()""",
    """CREATE TRIGGER tickets_event_search_update AFTER UPDATE OF body, public, kind, ticket_id
        ON tickets_timelineevent FOR EACH ROW
        WHEN (OLD.body IS DISTINCT FROM NEW.body OR OLD.public IS DISTINCT FROM NEW.public
            OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id)
        EXECUTE FUNCTION tickets_event_search_trigger()""",
    """CREATE TRIGGER tickets_event_search_delete AFTER DELETE ON tickets_timelineevent
        FOR EACH ROW WHEN (OLD.body <> '' AND OLD.kind <> 'created')
        EXECUTE FUNCTION tickets_event_search_trigger()""",
]

DROP_TRIGGERS_POSTGRES = [
    "DROP TRIGGER IF EXISTS tickets_ticket_search_insert ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_ticket_search_update ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_ticket_search_delete ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_ticket_search_truncate ON tickets_ticket",
    "DROP TRIGGER IF EXISTS tickets_event_search_insert ON tickets_timelineevent",
    "DROP TRIGGER IF EXISTS tickets_event_search_update ON tickets_timelineevent",
    "DROP TRIGGER IF EXISTS tickets_event_search_delete ON tickets_timelineevent",
]

DROP_POSTGRES = [
    *DROP_TRIGGERS_POSTGRES,
    "DROP FUNCTION IF EXISTS tickets_event_search_trigger()",
    "DROP FUNCTION IF EXISTS tickets_ticket_search_truncate()",
    "DROP FUNCTION IF EXISTS tickets_ticket_search_trigger()",
    "DROP FUNCTION IF EXISTS tickets_search_refresh(bigint)",
    'DROP FUNCTION IF EXISTS tickets_search_vector(text, "char")',
    "DROP TABLE IF EXISTS tickets_ticket_search",
]


def _pg_grouped(public):
    return (
        "(SELECT ticket_id, string_agg(body, ' ' ORDER BY id) AS body FROM tickets_timelineevent "
        f"WHERE {'' if public else 'NOT '}public AND kind <> 'created' AND body <> '' "
        "GROUP BY ticket_id)"
    )


REBUILD_POSTGRES = [
    "TRUNCATE tickets_ticket_search",
    "INSERT INTO tickets_ticket_search (ticket_id, document) "
    f"SELECT t.id, {_PG_DOCUMENT.format(public='p.body', internal='i.body')} "
    f"FROM tickets_ticket t LEFT JOIN {_pg_grouped(True)} p ON p.ticket_id = t.id "
    f"LEFT JOIN {_pg_grouped(False)} i ON i.ticket_id = t.id",
]
