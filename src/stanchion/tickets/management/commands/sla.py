from django.core.management.base import BaseCommand

from stanchion.tickets.jobs import BATCH, check_sla_clocks


class Command(BaseCommand):
    help = (
        "Run the SLA job once: warn about clocks at 75%, breach clocks past due, "
        "close resolved tickets older than TICKET_AUTO_CLOSE_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["check"])
        parser.add_argument(
            "--batch", type=int, default=BATCH, help="At most this many rows per step."
        )

    def handle(self, *args, operation, batch, **options):
        result = check_sla_clocks(batch=batch)
        self.stdout.write(f"SLA check: {result}.")
