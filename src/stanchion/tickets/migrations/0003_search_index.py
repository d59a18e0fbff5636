"""The full-text search index (see tickets.search): FTS5 on SQLite, a
tsvector table with a GIN index on PostgreSQL, kept by triggers."""

from django.db import migrations

from stanchion.tickets import search_sql


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
    dependencies = [("tickets", "0002_savedview")]

    operations = [
        RunSQLOn(
            "sqlite",
            [
                *search_sql.CREATE_SQLITE,
                *search_sql.TRIGGERS_SQLITE,
                *search_sql.REBUILD_SQLITE,
            ],
            search_sql.DROP_SQLITE,
        ),
        RunSQLOn(
            "postgresql",
            [
                *search_sql.CREATE_POSTGRES,
                *search_sql.TRIGGERS_POSTGRES,
                *search_sql.REBUILD_POSTGRES,
            ],
            search_sql.DROP_POSTGRES,
        ),
    ]
