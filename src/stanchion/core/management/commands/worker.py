import signal
import threading

from django.core.management.base import BaseCommand

from stanchion.core.registry import registry
from stanchion.core.scheduler import Runner


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (SLA warnings and breaches, email retries, ...) in the "
        "foreground until stopped. Run one beside the web server in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tick", type=float, default=1.0, help="Seconds between checks for due jobs."
        )
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, tick, once, **options):
        runner = Runner()
        if once:
            for name in runner.run_due():
                self.stdout.write(f"ran {name}")
            return
        names = ", ".join(f"{j.name} every {j.every_seconds:g}s" for j in registry.periodic)
        self.stdout.write(f"Worker started: {names or 'no periodic jobs'}. Ctrl-C stops it.")
        stopping = threading.Event()

        def stop(*_):
            stopping.set()
            runner.stop(timeout=0)

        signal.signal(signal.SIGTERM, stop)
        try:
            runner.loop(tick)
        except KeyboardInterrupt:
            stop()
        self.stdout.write("Worker stopped.")
