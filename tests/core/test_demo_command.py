"""`stanchion demo` and the runner behind it."""

import re
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from stanchion.accounts.models import Person, User
from stanchion.core.demo import run_demo
from stanchion.core.models import AuditEntry, AuditHead
from stanchion.core.registry import DemoStep, registry

ADMIN = "admin@demo.stanchion.test"


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def demo(*args):
    # Without the service desk's year of tickets (tests/tickets covers it).
    out = StringIO()
    call_command("demo", *args, "--tickets", "0", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_the_company_prints_counts_and_logins_and_keeps_them(var_dir):
    output = demo("--employees", "120", "--seed", "5")

    assert Person.objects.count() == 120
    assert re.search(r"People +120\n", output)
    assert re.search(r"IT teams +12\n", output)
    admin_password = re.search(rf"{ADMIN} +password: (\S+)", output).group(1)
    others_password = re.search(r"Every other demo login has the password: (\S+)", output).group(1)

    logins_file = var_dir / "demo-logins.txt"
    assert stat.S_IMODE(logins_file.stat().st_mode) == 0o600
    saved = logins_file.read_text()
    assert admin_password in saved and others_password in saved
    # Every login is listed in the file.
    for email in User.objects.values_list("email", flat=True):
        assert email in saved

    admin = User.objects.get(email=ADMIN)
    assert admin.role == "it_admin" and admin.check_password(admin_password)
    auditor = User.objects.get(role="auditor")
    assert auditor.check_password(others_password)
    assert not auditor.check_password(admin_password)


@pytest.mark.django_db
def test_every_write_is_in_the_audit_trail_from_the_cli_and_verifies(var_dir):
    demo("--employees", "120")

    assert AuditEntry.objects.filter(action="create", model="accounts.person").count() == 120
    assert AuditEntry.objects.filter(action="create", model="accounts.user").count() == (
        User.objects.count()
    )
    assert set(AuditEntry.objects.values_list("source", flat=True)) == {"cli"}
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


@pytest.mark.django_db
def test_if_empty_does_not_create_twice_and_shows_the_admin_login(var_dir):
    first = demo("--employees", "120", "--if-empty")
    admin_password = re.search(rf"{ADMIN} +password: (\S+)", first).group(1)
    people, last_seq = Person.objects.count(), AuditHead.objects.get().last_seq

    again = demo("--employees", "120", "--if-empty")

    assert Person.objects.count() == people == 120
    assert AuditHead.objects.get().last_seq == last_seq
    assert "no demo data created" in again
    assert re.search(rf"{ADMIN} +password: {re.escape(admin_password)}", again)


@pytest.mark.django_db
def test_if_empty_without_a_logins_file_says_how_to_get_a_login(var_dir, make_user):
    make_user(person=None)
    Person.objects.create(name="Existing Person", email="p@example.com", employee_id="X1")
    output = demo("--if-empty")
    assert "createadmin" in output
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_refuses_to_add_a_second_company(var_dir):
    demo("--employees", "120")
    with pytest.raises(CommandError, match="--if-empty"):
        demo("--employees", "120")
    assert Person.objects.count() == 120


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--employees", "0"], "--employees"),
        (["--employees", "-5"], "--employees"),
        (["--employees", "20001"], "--employees"),
        (["--employees", "many"], "--employees"),
        (["--seed", "abc"], "--seed"),
    ],
)
@pytest.mark.django_db
def test_bad_options_are_rejected_naming_the_option(var_dir, args, option):
    with pytest.raises(CommandError, match=option):
        demo(*args)
    assert not Person.objects.exists()
    assert not (var_dir / "demo-logins.txt").exists()


def _recording_step(name, order, seen):
    def step(rng, ctx, options):
        seen.append((name, rng.random(), dict(ctx), options["employees"]))
        ctx[name] = True

    return DemoStep(name, step, order)


@pytest.mark.django_db
def test_runner_runs_steps_in_order_with_a_shared_context():
    seen = []
    steps = [_recording_step("later", 20, seen), _recording_step("first", 10, seen)]
    ctx = run_demo(seed=1, employees=60, steps=steps)
    assert [name for name, *_ in seen] == ["first", "later"]
    assert "first" in seen[1][2]  # the later step saw what the first one left
    assert seen[0][3] == 60
    assert ctx["first"] and ctx["later"]


@pytest.mark.django_db
def test_each_steps_random_numbers_do_not_depend_on_other_steps():
    alone, together = [], []
    run_demo(seed=9, steps=[_recording_step("tickets", 30, alone)])
    run_demo(
        seed=9,
        steps=[_recording_step("assets", 20, together), _recording_step("tickets", 30, together)],
    )
    assert alone[0][1] == together[1][1]
    different_seed = []
    run_demo(seed=10, steps=[_recording_step("tickets", 30, different_seed)])
    assert different_seed[0][1] != alone[0][1]


@pytest.mark.django_db
def test_a_failing_step_leaves_nothing_behind():
    directory = next(s for s in registry.demo if s.name == "directory")

    def broken(rng, ctx, options):
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        run_demo(employees=60, steps=[directory, DemoStep("broken", broken, 99)])
    assert not Person.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_passwords_are_secret_not_derived_from_the_seed():
    directory = next(s for s in registry.demo if s.name == "directory")
    passwords = []
    for _ in range(2):
        with transaction.atomic():
            ctx = run_demo(seed=1, employees=60, steps=[directory])
            passwords.append(ctx["logins"][0].password)
            transaction.set_rollback(True)
    assert passwords[0] != passwords[1]
