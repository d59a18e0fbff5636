"""Runs every app's part of the demo company, in registry order.

Each app registers a step from its ``AppConfig.ready``::

    registry.add_demo("tickets", create_ticket_history, order=30)

and the step is called as ``step(rng, ctx, options)``:

- ``rng`` is a ``random.Random`` seeded from the demo seed *and the step's
  name*, so adding, removing or reordering a step never changes the data
  another step generates for the same seed;
- ``ctx`` is one dict shared by all steps: earlier steps leave what they made
  there for later ones (see ``stanchion.accounts.demo`` for the directory's
  keys); a step may append ``(label, count)`` pairs to ``ctx["summary"]`` for
  the command to print;
- ``options`` holds the command's options (``seed``, ``employees``, ...).

Everything runs in one transaction (a failing step leaves nothing behind)
with the audit source "cli", and every record is written through ``save()``
so it lands in the audit trail like any other write.
"""

import random
import time

from django.db import transaction

from .context import Source, acting
from .registry import registry

DEFAULT_SEED = 42
DEFAULT_EMPLOYEES = 800
MIN_EMPLOYEES = 50
MAX_EMPLOYEES = 20_000


def step_rng(seed, step_name):
    # A string seed is hashed with SHA-512 by ``random.Random``: stable across
    # processes and Python runs, unlike ``hash()``.
    return random.Random(f"stanchion-demo:{seed}:{step_name}")


def run_demo(*, seed=DEFAULT_SEED, employees=DEFAULT_EMPLOYEES, steps=None, **options):
    """Create the demo company; returns the shared context.

    ``ctx["timings"]`` lists ``(step name, seconds)`` for each step run.
    """
    options = {"seed": seed, "employees": employees, **options}
    ctx = {"summary": [], "timings": []}
    steps = registry.demo if steps is None else steps
    with acting(source=Source.CLI), transaction.atomic():
        for step in sorted(steps, key=lambda s: (s.order, s.name)):
            started = time.perf_counter()
            step.func(step_rng(seed, step.name), ctx, options)
            ctx["timings"].append((step.name, time.perf_counter() - started))
    return ctx
