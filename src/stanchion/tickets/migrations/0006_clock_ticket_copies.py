"""SLA clocks carry copies of their ticket's kind, service, priority and
catalog item (what the SLA/OLA attainment KPIs filter and split by), filled
here for the existing clocks, and the KPI index covers them: attainment over
a quarter reads that index alone instead of joining every stopped clock to
its ticket. The columns are added nullable (ALTER TABLE ADD COLUMN on SQLite,
no table copy) and filled in one UPDATE.
The KPI index replaces the one of 0005, which it extends.

The tickets' resolved_at index gains created_at: the backlog at a period's
end (tickets opened before it and resolved after it, or not yet) is then two
ranges of that index (stanchion.tickets.kpis._open_at)."""

import django.db.models.deletion
from django.db import migrations, models

# A row-value UPDATE (SQLite 3.15+, PostgreSQL 9.5+; UPDATE ... FROM would
# need SQLite 3.33): each clock reads its ticket by primary key.
FILL = """
UPDATE tickets_slaclock
SET (ticket_kind, service_id, priority, catalog_item_id) = (
    SELECT t.kind, t.service_id, t.priority, t.catalog_item_id
    FROM tickets_ticket AS t
    WHERE t.id = tickets_slaclock.ticket_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0002_default_sla_policies"),
        ("tickets", "0005_kpi_period_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="slaclock", name="tickets_clock_stopped_idx"),
        migrations.RemoveIndex(model_name="ticket", name="tickets_tic_resolve_854474_idx"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["resolved_at", "created_at"], name="tickets_ticket_resolved_idx"
            ),
        ),
        migrations.AddField(
            model_name="slaclock",
            name="ticket_kind",
            field=models.CharField(
                choices=[("incident", "Incident"), ("request", "Service request")],
                editable=False,
                max_length=8,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="slaclock",
            name="service",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalog.service",
            ),
        ),
        migrations.AddField(
            model_name="slaclock",
            name="priority",
            field=models.CharField(editable=False, max_length=2, null=True),
        ),
        migrations.AddField(
            model_name="slaclock",
            name="catalog_item",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalog.catalogitem",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(
                fields=[
                    "kind",
                    "stopped_at",
                    "state",
                    "ticket_kind",
                    "service",
                    "catalog_item",
                    "priority",
                    "team",
                    "ticket",
                ],
                include=("id",),
                name="tickets_clock_kpi_idx",
            ),
        ),
    ]
