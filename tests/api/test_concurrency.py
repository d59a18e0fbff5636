"""No lost updates: two writers from the same version, exactly one wins.

On PostgreSQL the race runs in process (each thread its own connection to
the test database). SQLite needs a file database for two connections to
contend, so its variant runs the same race in a subprocess against one.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import api_racing as racing
import pytest
from rest_framework.test import APIClient

from stanchion.accounts import services
from stanchion.accounts.models import Department
from stanchion.accounts.roles import Role
from stanchion.core import audit
from stanchion.core import services as core_services
from stanchion.core.errors import ConflictError
from stanchion.core.services import creator, update_fields

HERE = Path(__file__).resolve().parent
ROUNDS = 5


def test_stale_expected_version_raises_conflict(db):
    department = creator(Department)(actor=None, name="Finance")
    update_fields(department, {"name": "Tax"}, actor=None, expected_version=1)
    with pytest.raises(ConflictError) as caught:
        update_fields(department, {"name": "Audit"}, actor=None, expected_version=1)
    assert caught.value.instance.name == "Tax"
    assert caught.value.instance.version == 2
    assert "version 1" in str(caught.value) and "version 2" in str(caught.value)
    department.refresh_from_db()
    assert (department.name, department.version) == ("Tax", 2)


@pytest.fixture
def slow_saves(monkeypatch):
    """Hold the row lock a little longer, so the second writer is surely
    waiting on it rather than arriving after the first has finished."""
    original = core_services.save_validated

    def held(instance):
        time.sleep(0.05)
        return original(instance)

    monkeypatch.setattr(core_services, "save_validated", held)


@pytest.fixture
def racing_setup(transactional_db, make_user):
    admin = make_user(Role.IT_ADMIN)
    _, raw = services.issue_token(actor=None, user=admin, name="race", scope="write")
    department = creator(Department)(actor=None, name="Finance")

    def make_client():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make_client, f"/api/departments/{department.pk}/"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("mode, conflict_status", [("version", 409), ("if-match", 412)])
def test_two_api_clients_one_winner_on_postgres(mode, conflict_status, racing_setup, slow_saves):
    make_client, url = racing_setup
    outcomes = racing.race(make_client, url, rounds=ROUNDS, mode=mode)
    racing.check(outcomes, conflict_status=conflict_status)
    assert audit.verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_service_calls_one_winner_on_postgres(slow_saves):
    from django.db import connection

    department = creator(Department)(actor=None, name="Finance")
    for n in range(ROUNDS):
        department.refresh_from_db()
        barrier = threading.Barrier(2)
        results = [None, None]

        def write(i, version=department.version, n=n):
            try:
                barrier.wait(timeout=30)
                results[i] = update_fields(
                    Department(pk=department.pk),
                    {"name": f"Round {n} by {i}"},
                    actor=None,
                    expected_version=version,
                )
            except Exception as error:
                results[i] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        kinds = sorted(type(r).__name__ for r in results)
        assert kinds == ["ConflictError", "Department"], results
        winner = next(r for r in results if isinstance(r, Department))
        stored = Department.objects.get(pk=department.pk)
        assert (stored.name, stored.version) == (winner.name, department.version + 1)


SQLITE_RACE = """
import json, os, sys, time
sys.path.insert(0, {here!r})
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from rest_framework.test import APIClient
from stanchion.accounts import services
from stanchion.accounts.models import Department
from stanchion.core import audit
from stanchion.core import services as core_services
from stanchion.core.services import creator
import api_racing as racing

original = core_services.save_validated
def held(instance):
    time.sleep(0.05)
    return original(instance)
core_services.save_validated = held

admin = services.create_user(actor=None, email="a@example.com", full_name="A", role="it_admin")
_, raw = services.issue_token(actor=None, user=admin, name="race", scope="write")
department = creator(Department)(actor=None, name="Finance")
def make_client():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + raw)
    return client
url = "/api/departments/%d/" % department.pk
out = {{mode: racing.race(make_client, url, rounds={rounds}, mode=mode)
       for mode in ("version", "if-match")}}
out["problems"] = [str(p) for p in audit.verify()]
print(json.dumps(out))
"""


def test_two_api_clients_one_winner_on_sqlite_file(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STANCHION_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(STANCHION_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="stanchion.settings")
    script = SQLITE_RACE.format(here=str(HERE), rounds=ROUNDS)
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    racing.check(out["version"], conflict_status=409)
    racing.check(out["if-match"], conflict_status=412)
    assert out["problems"] == []
