"""Email delivery: an SMTP outage is logged and retried with backoff, never
raised into the change that caused it; sent mail is never sent twice; the
in-process runner and the periodic registry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stanchion.core import scheduler
from stanchion.core.registry import Registry
from stanchion.notifications import mailer
from stanchion.notifications.models import OutboundEmail
from stanchion.tickets import services as tickets

from .conftest import T0, free_port

MIN = timedelta(minutes=1)


def open_incident(desk):
    return tickets.open_incident(
        actor=desk.agent, requester=desk.requester, title="Mail test", now=T0
    )


def test_smtp_outage_is_retried_with_backoff_then_sent(desk, smtp, settings, after_commit):
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with after_commit():
        ticket = open_incident(desk)  # must not raise
    assert ticket.pk
    email = OutboundEmail.objects.get()
    assert email.sent_at is None and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    first_failure = email.next_attempt_at - MIN  # retried one minute after the failure
    assert abs(first_failure - timezone.now()) < timedelta(seconds=30)

    # Not due yet: the sweep leaves it alone.
    assert mailer.send_due_email(now=first_failure + 30 * timedelta(seconds=1)) == 0
    # Due, still failing: the next wait is 5 minutes.
    failed_at = first_failure + MIN
    assert mailer.send_due_email(now=failed_at) == 0
    email.refresh_from_db()
    assert email.attempts == 2 and email.next_attempt_at == failed_at + 5 * MIN

    settings.EMAIL_PORT = real_port  # the server is back
    assert mailer.send_due_email(now=failed_at + 5 * MIN) == 1
    email.refresh_from_db()
    assert email.sent_at == failed_at + 5 * MIN and email.attempts == 3
    assert [m.subject for m in smtp.received] == ["[INC-000001] We received your ticket: Mail test"]
    # Sent is sent: later sweeps never send it again.
    assert mailer.send_due_email(now=failed_at + 60 * MIN) == 0
    assert len(smtp.received) == 1


def test_gives_up_after_five_attempts(desk, smtp, settings, after_commit):
    settings.EMAIL_PORT = free_port()
    with after_commit():
        open_incident(desk)
    email = OutboundEmail.objects.get()
    now = email.next_attempt_at
    # Waits after attempts 1-4: 1, 5, 30, 120 minutes; the fifth failure is final.
    for wait in (5 * MIN, 30 * MIN, 120 * MIN):
        mailer.send_due_email(now=now)
        email.refresh_from_db()
        assert email.next_attempt_at == now + wait
        now += wait
    mailer.send_due_email(now=now)
    email.refresh_from_db()
    assert email.attempts == 5 and email.failed_at == now
    assert mailer.send_due_email(now=now + timedelta(days=1)) == 0


def test_worker_mode_only_queues(desk, smtp, settings, after_commit):
    settings.EMAIL_DELIVERY = "worker"
    with after_commit():
        open_incident(desk)
    assert smtp.received == []
    assert mailer.send_due_email() == 1
    assert len(smtp.received) == 1


def test_a_claimed_email_is_not_sent_twice(desk, smtp, settings, after_commit):
    settings.EMAIL_DELIVERY = "worker"
    with after_commit():
        open_incident(desk)
    email = OutboundEmail.objects.get()
    now = timezone.now()
    claimed = mailer._claim(email.pk, now)  # a worker took it and is sending
    assert claimed is not None
    assert mailer.send_one(email.pk, now=now) is False  # a second worker skips it
    assert smtp.received == []


def test_runner_runs_jobs_when_due_and_survives_failures():
    ticks, calls = [0.0], []

    def failing():
        calls.append("failing")
        raise RuntimeError("boom")

    registry = Registry()
    registry.add_periodic("every-10", lambda: calls.append("every-10"), 10)
    registry.add_periodic("failing", failing, 25)
    registry.add_periodic("every-10", lambda: calls.append("duplicate"), 1)  # ignored
    runner = scheduler.Runner(registry.periodic, clock=lambda: ticks[0], in_thread=False)
    assert runner.run_due() == ["every-10", "failing"]  # all run at start
    ticks[0] = 9.9
    assert runner.run_due() == []
    ticks[0] = 10.0
    assert runner.run_due() == ["every-10"]
    ticks[0] = 25.0
    assert runner.run_due() == ["every-10", "failing"]
    assert calls == ["every-10", "failing", "every-10", "every-10", "failing"]


def test_periodic_interval_must_be_positive():
    with pytest.raises(ValueError, match="every_seconds"):
        Registry().add_periodic("never", lambda: None, 0)


def test_submit_runs_inline_without_a_runner_and_swallows_errors():
    assert scheduler.current() is None
    assert scheduler.submit(lambda x: x * 2, 21) == 42
    assert scheduler.submit(lambda: 1 / 0) is None  # logged, not raised


def test_the_registry_holds_the_desk_jobs():
    from stanchion.core.registry import registry

    assert {job.name for job in registry.periodic} >= {"sla-check", "email-retry"}


def test_only_the_serving_process_starts_the_runner(monkeypatch):
    from stanchion import cli

    monkeypatch.delenv("RUN_MAIN", raising=False)
    assert not cli._is_serving_process(["stanchion", "runserver"])  # the reloader parent
    assert cli._is_serving_process(["stanchion", "runserver", "--noreload"])
    monkeypatch.setenv("RUN_MAIN", "true")
    assert cli._is_serving_process(["stanchion", "runserver"])
