"""Background jobs. Without a broker they run in-process after the current
transaction commits; they take ids, re-read their rows and are idempotent, so
moving them to Celery later changes only ``enqueue``."""

import functools
import logging

from django.db import transaction

from .context import Source, acting

log = logging.getLogger(__name__)


def job(func):
    """Mark a function as a job: its writes are audited with source "job"."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with acting(source=Source.JOB):
            return func(*args, **kwargs)

    run.enqueue = lambda *a, **kw: transaction.on_commit(lambda: run(*a, **kw))
    return run
