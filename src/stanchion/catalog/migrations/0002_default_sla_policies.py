"""Default SLA targets, from the IT operations KPI tables Stanchion is judged
by: P1 acknowledged within 10 minutes and restored within 60-120 minutes
(around the clock), P2 acknowledged within 30 minutes. P2-P4 run on the
service's own support hours. Administrators edit them; tickets keep the
targets they were opened under."""

from datetime import timedelta

from django.db import migrations

H = timedelta(hours=1)
M = timedelta(minutes=1)

# (tier, priority): (response, resolution, around the clock?)
DEFAULTS = {
    ("1", "p1"): (10 * M, 1 * H, True),
    ("2", "p1"): (10 * M, 2 * H, True),
    ("3", "p1"): (10 * M, 2 * H, True),
    ("1", "p2"): (30 * M, 4 * H, True),
    ("2", "p2"): (30 * M, 8 * H, False),
    ("3", "p2"): (30 * M, 8 * H, False),
    ("1", "p3"): (2 * H, 16 * H, False),
    ("2", "p3"): (4 * H, 24 * H, False),
    ("3", "p3"): (4 * H, 24 * H, False),
    ("1", "p4"): (8 * H, 40 * H, False),
    ("2", "p4"): (8 * H, 40 * H, False),
    ("3", "p4"): (8 * H, 40 * H, False),
}


def seed(apps, schema_editor):
    Calendar = apps.get_model("catalog", "BusinessCalendar")
    Policy = apps.get_model("catalog", "SlaPolicy")
    always, _ = Calendar.objects.get_or_create(
        name="24x7",
        defaults={
            "time_zone": "UTC",
            "is_24x7": True,
            "description": "Around the clock, every day of the year.",
        },
    )
    for (tier, priority), (response, resolution, around_the_clock) in DEFAULTS.items():
        Policy.objects.get_or_create(
            tier=tier,
            priority=priority,
            service=None,
            defaults={
                "name": f"Tier {tier} {priority.upper()}",
                "response_target": response,
                "resolution_target": resolution,
                "calendar": always if around_the_clock else None,
                "pause_states": [] if around_the_clock else ["pending_customer", "pending_vendor"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
