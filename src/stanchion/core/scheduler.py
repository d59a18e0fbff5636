"""Periodic jobs and background work on one machine, with no extra service.

A ``Runner`` owns two daemon threads: one runs the registry's periodic jobs
(``registry.add_periodic``) whenever each is due, the other works through
callables handed to ``submit`` (sending email), so a slow SMTP server never
holds up a request. ``stanchion run`` starts a runner in the serving process
and ``stanchion worker`` runs one in the foreground for production.

Where no runner was started (tests, other management commands, a plain WSGI
server), ``submit`` runs the callable at once, in the caller's thread: the
work still happens, only not in the background.
"""

import logging
import queue
import threading
import time

from django.db import close_old_connections

from .registry import registry

log = logging.getLogger(__name__)


def _run_safely(name, func, *args, **kwargs):
    """A failing job is logged and never stops the runner (nor, inline, the
    request that submitted it)."""
    try:
        return func(*args, **kwargs)
    except Exception:
        log.exception("Background job %s failed", name)
        return None


def _run_in_thread(name, func, *args, **kwargs):
    # These threads live as long as the process, unlike a request: drop
    # broken or expired connections around each job as request handling does.
    close_old_connections()
    try:
        return _run_safely(name, func, *args, **kwargs)
    finally:
        close_old_connections()


class Runner:
    def __init__(self, jobs=None, *, clock=time.monotonic, in_thread=True):
        # None: read the registry on every tick, so jobs registered after
        # start-up are picked up.
        self._jobs = jobs
        self._run = _run_in_thread if in_thread else _run_safely
        self._clock = clock
        self._next_run = {}
        self._stop = threading.Event()
        self._queue = queue.Queue()
        self._threads = []

    @property
    def jobs(self):
        return list(registry.periodic if self._jobs is None else self._jobs)

    def run_due(self):
        """Run every job whose time has come (all of them on the first call);
        returns the names run."""
        now = self._clock()
        ran = []
        for job in self.jobs:
            if now < self._next_run.get(job.name, now):
                continue
            self._next_run[job.name] = now + job.every_seconds
            self._run(job.name, job.func)
            ran.append(job.name)
        return ran

    def loop(self, tick=1.0):
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(tick)

    def submit(self, func, *args, **kwargs):
        self._queue.put((func, args, kwargs))

    def drain(self):
        """Work through submitted callables until stopped."""
        while not self._stop.is_set() or not self._queue.empty():
            try:
                func, args, kwargs = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            _run_in_thread(getattr(func, "__name__", "task"), func, *args, **kwargs)
            self._queue.task_done()

    def start(self, *, tick=1.0, periodic=True):
        targets = [("stanchion-background", self.drain, ())]
        if periodic:
            targets.append(("stanchion-scheduler", self.loop, (tick,)))
        for name, target, args in targets:
            thread = threading.Thread(target=target, args=args, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout=5.0):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    @property
    def running(self):
        return any(thread.is_alive() for thread in self._threads)


_runner: Runner | None = None
_lock = threading.Lock()


def start(*, tick=1.0, periodic=True):
    """Start this process's runner (once)."""
    global _runner
    with _lock:
        if _runner is None or not _runner.running:
            _runner = Runner().start(tick=tick, periodic=periodic)
            log.info("Background runner started (periodic jobs: %s)", periodic)
        return _runner


def stop():
    global _runner
    with _lock:
        if _runner is not None:
            _runner.stop()
            _runner = None


def current():
    return _runner if _runner is not None and _runner.running else None


def submit(func, *args, **kwargs):
    """Run ``func`` in this process's background thread, or right now when
    no runner was started here."""
    runner = current()
    if runner is None:
        return _run_safely(getattr(func, "__name__", "task"), func, *args, **kwargs)
    runner.submit(func, *args, **kwargs)
    return None
