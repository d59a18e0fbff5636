"""``stanchion kpis``: list the KPIs, print their values for a period,
regenerate the definitions in docs/kpis.md, or roll up every day that is
over (metrics.rollups; the scheduler does it a hundred days at a time)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stanchion.metrics import docs, engine, periods, rollups
from stanchion.metrics.registry import kpis


def _format(value):
    if value.value is None:
        return "—"
    if value.kpi.unit == "count":
        return str(value.value)
    return f"{value.value:.2f}{value.kpi.unit_suffix}"


class Command(BaseCommand):
    help = "List the KPIs, show their values for a period, write their docs or roll them up."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("list", "show", "docs", "rollup"))
        parser.add_argument("--period", default="month", help="week, month, quarter or custom")
        parser.add_argument("--at", help="a day inside the period (default today)")
        parser.add_argument("--start", help="first day of a custom range")
        parser.add_argument("--end", help="last day of a custom range")
        parser.add_argument("--segment", help="split by service, team, priority, ...")
        parser.add_argument("--write", action="store_true", help="docs: update docs/kpis.md")

    def handle(self, *args, action, **options):
        if action == "list":
            for kpi in kpis.all():
                self.stdout.write(f"{kpi.key:28} {kpi.name}")
        elif action == "docs":
            self._docs(options["write"])
        elif action == "rollup":
            self.stdout.write(f"{rollups.build()} day(s) of KPI sources rolled up")
        else:
            self._show(options)

    def _docs(self, write):
        path = docs.docs_path()
        existing = path.read_text() if path.exists() else "# KPIs\n"
        text = docs.render(existing)
        if not write:
            self.stdout.write(docs.definitions_markdown())
            return
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")

    def _show(self, options):
        try:
            period = periods.parse(
                options["period"], at=options["at"], start=options["start"],
                end=options["end"], tz=settings.REPORT_TIME_ZONE,
            )  # fmt: skip
            results = engine.compute(kpis.all(), period, options["segment"])
        except (periods.PeriodError, engine.SegmentError) as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        self.stdout.write(f"{period.label} ({period.key})")
        for kpi in kpis.all():
            for key, value in sorted(results.get(kpi.key, {}).items(), key=lambda i: str(i[0])):
                label = "" if key == engine.ALL else f" [{key}]"
                status = f"  {value.status}" if value.status else ""
                self.stdout.write(
                    f"{kpi.key + label:36} {_format(value):>14}  "
                    f"({value.denominator} records){status}"
                )
