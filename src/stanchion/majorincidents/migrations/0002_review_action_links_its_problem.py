"""Review actions link their problem instead of naming its number: the
numbers already typed are carried over to the problems they name (an
unknown number is kept in the action's title so nothing is lost)."""

import django.db.models.deletion
from django.db import migrations, models


def link_named_problems(apps, schema_editor):
    ReviewAction = apps.get_model("majorincidents", "ReviewAction")
    Problem = apps.get_model("problems", "Problem")
    for action in ReviewAction.objects.exclude(problem_reference=""):
        number = action.problem_reference.strip().upper()
        problem = Problem.objects.filter(number=number).first()
        if problem is not None:
            action.problem = problem
        else:
            action.title = f"{action.title} ({action.problem_reference})"[:200]
        action.save(update_fields=["problem", "title"])


class Migration(migrations.Migration):
    dependencies = [
        ("majorincidents", "0001_initial"),
        ("problems", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewaction",
            name="problem",
            field=models.ForeignKey(
                blank=True,
                help_text="The problem that removes the cause for good.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="review_actions",
                to="problems.problem",
            ),
        ),
        migrations.RunPython(link_named_problems, migrations.RunPython.noop),
        migrations.RemoveField(model_name="reviewaction", name="problem_reference"),
    ]
