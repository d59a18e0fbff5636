"""Full-text search over articles (see knowledge.search): FTS5 on SQLite, an
expression GIN index on PostgreSQL."""

from django.db import migrations

from stanchion.knowledge import search_sql


class RunSQLOn(migrations.RunSQL):
    """RunSQL that only runs on one database vendor."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, self.sql, self.reverse_sql], {}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    # tickets 0003 creates tickets_search_vector, which the PostgreSQL index uses.
    dependencies = [("knowledge", "0001_initial"), ("tickets", "0003_search_index")]

    operations = [
        RunSQLOn("sqlite", search_sql.CREATE_SQLITE, search_sql.DROP_SQLITE),
        RunSQLOn("postgresql", search_sql.CREATE_POSTGRES, search_sql.DROP_POSTGRES),
    ]
