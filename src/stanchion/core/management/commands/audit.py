from django.core.management.base import BaseCommand, CommandError

from stanchion.core import audit


class Command(BaseCommand):
    help = "Check (verify) or prune the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["verify", "prune"])

    def handle(self, *args, operation, **options):
        if operation == "prune":
            deleted = audit.prune()
            self.stdout.write(f"Pruned {deleted} audit entries older than the retention period.")
            return
        problems = audit.verify()
        head = audit.read_head()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError(
                f"Audit trail verification failed: {len(problems)} problem(s) "
                f"in entries #{head.base_seq + 1}-#{head.last_seq}."
            )
        checked = head.last_seq - head.base_seq
        span = f"#{head.base_seq + 1}-#{head.last_seq}"
        self.stdout.write(f"Audit trail intact: {checked} entries ({span}) verified.")
