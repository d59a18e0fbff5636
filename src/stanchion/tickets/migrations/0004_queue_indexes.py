"""Queue indexes: the (team | assignee, state, sla_due_at) indexes serve every
lookup by team or assignee, so the single-column foreign key indexes go (SQLite
picked them and scanned all of a team's tickets); a queue row's running SLA
clock is found by (ticket, state, due_at).

The foreign key indexes are dropped by name found in the catalog, not by
AlterField: on SQLite AlterField remakes the table, which would drop the
search triggers on tickets_ticket (0003)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SINGLE_COLUMN = [("tickets_ticket", "assignment_team_id"), ("tickets_ticket", "assignee_id"),
                 ("tickets_slaclock", "ticket_id")]  # fmt: skip


def _single_column_indexes(schema_editor, table, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and info["columns"] == [column]
        and not info["unique"] and not info["primary_key"] and not info["foreign_key"]
    ]  # fmt: skip


def drop_fk_indexes(apps, schema_editor):
    for table, column in SINGLE_COLUMN:
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_fk_indexes(apps, schema_editor):
    for table, column in SINGLE_COLUMN:
        if not _single_column_indexes(schema_editor, table, column):
            name = schema_editor._create_index_name(table, [column])
            schema_editor.execute(
                f"CREATE INDEX {schema_editor.quote_name(name)} ON "
                f"{schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0002_default_sla_policies"),
        ("tickets", "0003_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="slaclock",
                    name="ticket",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="clocks",
                        to="tickets.ticket",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_tickets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="assignment_team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="accounts.team",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_fk_indexes, create_fk_indexes)],
        ),
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(
                fields=["ticket", "state", "due_at"], name="tickets_sla_ticket__a28d10_idx"
            ),
        ),
    ]
