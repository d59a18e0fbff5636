"""The SQL behind ``knowledge.search``: an FTS5 table kept by triggers on
SQLite; on PostgreSQL an expression GIN index over the same weighted
document the ticket search builds (``tickets_search_vector``, created by the
tickets migration 0003), so there is no second table to keep."""

# Constants only: no outside value reaches these strings.
# ruff: noqa: S608

CREATE_SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
    END""",
    """CREATE TRIGGER knowledge_article_fts_update AFTER UPDATE OF title, body
        ON knowledge_article
        WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body BEGIN
        UPDATE knowledge_article_fts SET title = NEW.title, body = NEW.body WHERE rowid = NEW.id;
    END""",
    """CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article BEGIN
        DELETE FROM knowledge_article_fts WHERE rowid = OLD.id;
    END""",
    "INSERT INTO knowledge_article_fts (rowid, title, body) "
    "SELECT id, title, body FROM knowledge_article",
]

DROP_SQLITE = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]

PG_DOCUMENT = (
    "(tickets_search_vector(knowledge_article.title, 'A') || "
    "tickets_search_vector(knowledge_article.body, 'B'))"
)

CREATE_POSTGRES = [
    "CREATE INDEX knowledge_article_document ON knowledge_article USING gin ("
    "(tickets_search_vector(title, 'A') || tickets_search_vector(body, 'B')))",
]

DROP_POSTGRES = ["DROP INDEX IF EXISTS knowledge_article_document"]
