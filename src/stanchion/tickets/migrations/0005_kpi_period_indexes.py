"""Indexes for the KPI engine's period filters (benchmarks/kpis.py): tickets
first answered in a period (MTTA), clocks of a kind stopped in a period,
covering the columns SLA/OLA attainment reads (id is included on
PostgreSQL; SQLite indexes carry the rowid anyway), surveys sent in a period
(CSAT response rate), and a partial index on the few incidents with an
impact window (availability, MTBF). Indexes only: AddIndex does not remake
the table on SQLite, so the search triggers (0003) stay."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0002_default_sla_policies"),
        ("tickets", "0004_queue_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="csatsurvey",
            index=models.Index(fields=["sent_at"], name="tickets_csa_sent_at_f43375_idx"),
        ),
        migrations.AddIndex(
            model_name="slaclock",
            index=models.Index(
                fields=["kind", "stopped_at", "state", "ticket", "team"],
                include=("id",),
                name="tickets_clock_stopped_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["first_response_at"], name="tickets_tic_first_r_df0708_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("impact_start__isnull", False)),
                fields=["impact_start"],
                name="tickets_ticket_outage_idx",
            ),
        ),
    ]
