"""The ``stanchion`` command: Django's management commands with friendlier names.

stanchion run [addr:port]     serve (default 127.0.0.1:8000)
stanchion migrate             create or update the database
stanchion demo [--seed N]     create the demo company
stanchion createadmin EMAIL   create an IT administrator
stanchion audit verify        check the audit trail's hash chain
stanchion worker              run the periodic jobs (SLA checks, email retries)
stanchion sla check           run the SLA job once
stanchion <any Django management command>
"""

import os
import sys

ALIASES = {"run": "runserver"}


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stanchion.settings")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
        if argv[1] == "runserver" and not any(":" in a or a.isdigit() for a in argv[2:]):
            argv.append("127.0.0.1:8000")
    argv[0] = "stanchion"

    from django.core.management import execute_from_command_line

    from stanchion.core.context import Source, acting

    if argv[1:2] == ["runserver"] and _is_serving_process(argv):
        _start_background_runner()

    # Everything written from the command line is audited as such.
    with acting(source=Source.CLI):
        execute_from_command_line(argv)


def _is_serving_process(argv):
    """runserver's autoreloader starts a child (RUN_MAIN=true) that serves;
    the parent only watches files and must not run jobs too."""
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def _start_background_runner():
    """``stanchion run`` also runs the periodic jobs and sends email in
    the background, so one command is a whole working install."""
    import django

    from stanchion.core import scheduler

    django.setup()
    scheduler.start()


if __name__ == "__main__":
    main()
