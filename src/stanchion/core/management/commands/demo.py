import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stanchion.accounts.models import Person
from stanchion.accounts.roles import Role
from stanchion.core.demo import (
    DEFAULT_EMPLOYEES,
    DEFAULT_SEED,
    MAX_EMPLOYEES,
    MIN_EMPLOYEES,
    run_demo,
)

LOGINS_FILE = "demo-logins.txt"
# The file's overview ends here; `--if-empty` prints the part above it.
FULL_LIST_HEADING = "All demo logins:"


def logins_path():
    return Path(settings.VAR_DIR) / LOGINS_FILE


def login_overview(logins):
    """The admin login, the shared password and one login to try per role."""
    admin = logins[0]
    others = [login for login in logins[1:]]
    lines = [
        f"Sign in at {settings.BASE_URL}/",
        f"  IT administrator: {admin.email}  password: {admin.password}",
    ]
    if others:
        lines.append(f"  Every other demo login has the password: {others[0].password}")
        for role in Role.values():
            example = next((login for login in others if login.role == role), None)
            if example:
                lines.append(f"  {Role.label(role):<17} {example.email}  ({example.name})")
    return lines


def write_logins_file(logins):
    """Kept under var/ (mode 0600) so `make run` can show the logins again."""
    lines = ["Stanchion demo company logins", *login_overview(logins), "", FULL_LIST_HEADING]
    lines += [f"  {Role.label(login.role):<17} {login.email:<45} {login.name}" for login in logins]
    path = logins_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write("\n".join(lines) + "\n")
    path.chmod(0o600)  # an existing file keeps its old mode through O_CREAT
    return path


def read_login_overview():
    try:
        text = logins_path().read_text()
    except FileNotFoundError:
        return None
    return text.split(FULL_LIST_HEADING, 1)[0].rstrip().splitlines()[1:]


class Command(BaseCommand):
    help = "Create the demo company (a deterministic software company with IT teams and logins)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="same seed, same company"
        )
        parser.add_argument(
            "--employees",
            type=int,
            default=DEFAULT_EMPLOYEES,
            help=f"headcount, {MIN_EMPLOYEES}-{MAX_EMPLOYEES} (default {DEFAULT_EMPLOYEES})",
        )
        parser.add_argument(
            "--tickets",
            type=int,
            default=None,
            help="service desk tickets raised over the demo year (default 400)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but show the demo logins) when the directory has people",
        )

    def handle(self, *args, seed, employees, if_empty, tickets=None, **options):
        if not MIN_EMPLOYEES <= employees <= MAX_EMPLOYEES:
            raise CommandError(
                f"--employees must be between {MIN_EMPLOYEES} and {MAX_EMPLOYEES}, not {employees}."
            )
        if tickets is not None and tickets < 0:
            raise CommandError(f"--tickets must be 0 or more, not {tickets}.")
        if Person.objects.exists():
            if if_empty:
                return self.show_existing_logins()
            raise CommandError(
                "The directory already has people: the demo company goes into an empty "
                "database (use --if-empty to skip quietly)."
            )
        started = time.perf_counter()
        ctx = run_demo(seed=seed, employees=employees, tickets=tickets)
        elapsed = time.perf_counter() - started
        path = write_logins_file(ctx["logins"])

        self.stdout.write(f"Created the demo company (seed {seed}) in {elapsed:.1f} s:")
        for label, count in ctx["summary"]:
            self.stdout.write(f"  {label:<20} {count:>6}")
        if options["verbosity"] > 1:
            for name, seconds in ctx["timings"]:
                self.stdout.write(f"  step {name}: {seconds:.2f} s")
        self.stdout.write("")
        for line in login_overview(ctx["logins"]):
            self.stdout.write(line)
        self.stdout.write(f"All {len(ctx['logins'])} demo logins are listed in {path}")

    def show_existing_logins(self):
        overview = read_login_overview()
        self.stdout.write("The directory already has people; no demo data created.")
        if overview is None:
            self.stdout.write(
                f"(No {LOGINS_FILE} in {settings.VAR_DIR}: create a login with "
                "`stanchion createadmin EMAIL`.)"
            )
            return
        for line in overview:
            self.stdout.write(line)
        self.stdout.write(f"All demo logins are listed in {logins_path()}")
