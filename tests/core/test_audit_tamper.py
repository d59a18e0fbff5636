"""Edits, deletions and reorderings of audit rows made behind the application's
back (plain SQL) are found by ``stanchion audit verify``, which names the entry."""

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from stanchion.accounts import services
from stanchion.accounts.roles import Role
from stanchion.core import audit
from stanchion.core.models import AuditEntry

TABLE = AuditEntry._meta.db_table
STANCHION = Path(sys.executable).with_name("stanchion")


def run_verify():
    """(passed, stdout, stderr) of ``audit verify`` run in this process."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@pytest.fixture
def trail(make_user, api_client):
    """A handful of entries written through services and through the API."""
    admin_user = make_user(Role.IT_ADMIN)
    services.create_team(actor=admin_user, name="Service Desk")
    services.create_person(
        actor=admin_user, name="Ada Lovelace", email="ada@example.com", employee_id="E1"
    )
    client = api_client(admin_user)
    created = client.post("/api/departments/", {"name": "Finance"}, format="json")
    assert created.status_code == 201
    department = created.json()
    renamed = client.patch(
        f"/api/departments/{department['id']}/",
        {"name": "Finance & Tax", "version": department["version"]},
        format="json",
    )
    assert renamed.status_code == 200
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    # Gapless from 1: the numbers the tests below name are known exactly.
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 5
    passed, out, _ = run_verify()
    assert passed, out
    assert f"{len(seqs)} entries" in out
    return seqs


def test_intact_trail_verifies(trail):
    assert audit.verify() == []


@pytest.mark.parametrize(
    "column, value",
    [("actor_repr", "someone.else@example.com"), ("object_repr", "Innocent"), ("source", "web")],
)
def test_sql_update_of_a_column_is_named(trail, column, value):
    victim = trail[2]
    assert sql(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [value, victim]) == 1
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{victim}: content was altered" in err
    # Only the edited entry is reported: the ones after it still chain on
    # its stored hash.
    assert err.count("TAMPERED") == 1


def test_sql_update_of_changes_is_named(trail):
    victim = trail[-1]  # the API rename, whose changes say Finance -> Finance & Tax
    entry = AuditEntry.objects.get(seq=victim)
    assert entry.changes["name"] == ["Finance", "Finance & Tax"]
    # QuerySet.update is a single SQL UPDATE: no signal, no hash recomputed.
    AuditEntry.objects.filter(seq=victim).update(changes={"name": ["Finance", "Sales"]})
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{victim}: content was altered" in err


def test_recomputing_the_hash_of_an_edited_entry_breaks_the_next_link(trail):
    victim = trail[1]
    entry = AuditEntry.objects.get(seq=victim)
    entry.actor_repr = "forger@example.com"
    forged = audit._hash_of(entry)
    sql(
        f"UPDATE {TABLE} SET actor_repr = %s, hash = %s WHERE seq = %s",
        ["forger@example.com", forged, victim],
    )
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{victim + 1}: does not follow the entry before it" in err


def test_sql_delete_of_a_middle_entry_is_named(trail):
    victim = trail[len(trail) // 2]
    assert sql(f"DELETE FROM {TABLE} WHERE seq = %s", [victim]) == 1
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{victim}: missing (#{victim} deleted)" in err


def test_sql_delete_of_the_last_entry_is_named(trail):
    victim = trail[-1]
    assert sql(f"DELETE FROM {TABLE} WHERE seq = %s", [victim]) == 1
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{victim}: missing" in err


def test_sql_delete_of_the_first_entry_is_named(trail):
    assert sql(f"DELETE FROM {TABLE} WHERE seq = 1") == 1
    passed, _, err = run_verify()
    assert not passed
    assert "entry #1: missing" in err


def test_reordering_two_entries_is_named(trail):
    a, b = trail[1], trail[2]
    parking = 10**9
    sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [parking, a])
    sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [a, b])
    sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [b, parking])
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{a}:" in err
    assert f"entry #{b}:" in err


def test_an_entry_inserted_past_the_tip_is_named(trail):
    last = AuditEntry.objects.get(seq=trail[-1])
    # A well-formed forgery: correct prev_hash and hash, only the head
    # (which the forger did not update) knows it is not part of the trail.
    forged = AuditEntry(
        seq=last.seq + 1,
        timestamp=timezone.now(),
        actor_repr="forger@example.com",
        source="api",
        request_id="x",
        action="delete",
        model="accounts.team",
        object_id="1",
        object_repr="Service Desk",
        changes={},
        prev_hash=last.hash,
    )
    forged.hash = audit._hash_of(forged)
    AuditEntry.objects.bulk_create([forged])
    passed, _, err = run_verify()
    assert not passed
    assert f"entry #{last.seq + 1}: entries #{last.seq + 1}-#{last.seq + 1} lie beyond" in err


def test_prune_after_retention_keeps_the_chain_verifiable(db, settings, monkeypatch):
    long_ago = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS + 30)
    # Entries written "long ago": pin the clock the audit trail reads.
    monkeypatch.setattr(audit.timezone, "now", lambda: long_ago)
    services.create_team(actor=None, name="Old Team")
    services.create_team(actor=None, name="Older Team")
    monkeypatch.undo()
    services.create_team(actor=None, name="Recent Team")
    assert [(e.seq, e.timestamp == long_ago) for e in AuditEntry.objects.order_by("seq")] == [
        (1, True),
        (2, True),
        (3, False),
    ]

    out = StringIO()
    call_command("audit", "prune", stdout=out)
    assert "Pruned 2 audit entries" in out.getvalue()

    remaining = list(AuditEntry.objects.order_by("seq"))
    assert [(e.seq, e.action, e.object_repr) for e in remaining] == [
        (3, "create", "Recent Team"),
        (4, "prune", "entries up to #2"),
    ]
    assert remaining[-1].model == "core.auditentry"
    assert remaining[-1].changes["deleted"] == 2
    passed, out_text, err = run_verify()
    assert passed, err
    assert "2 entries (#3-#4)" in out_text

    # A second prune has nothing to do and records nothing.
    call_command("audit", "prune", stdout=StringIO())
    assert AuditEntry.objects.count() == 2

    # And the pruned chain is still guarded.
    sql(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = 3", ["Forged"])
    passed, _, err = run_verify()
    assert not passed
    assert "entry #3: content was altered" in err


def test_recent_entries_are_never_pruned(admin_user):
    services.create_team(actor=admin_user, name="Fresh Team")
    before = AuditEntry.objects.count()
    assert audit.prune() == 0
    assert AuditEntry.objects.count() == before


class TestConsoleCommand:
    """The real ``stanchion`` command against a file database: exit codes
    and stderr are what an operator and a cron job see."""

    @pytest.fixture
    def var_dir(self, tmp_path):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("STANCHION_") and key != "DJANGO_SETTINGS_MODULE"
        }
        env["STANCHION_VAR_DIR"] = str(tmp_path)

        def stanchion(*args):
            return subprocess.run(
                [str(STANCHION), *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                cwd=tmp_path,
            )

        result = stanchion("migrate", "--verbosity", "0")
        assert result.returncode == 0, result.stderr
        for email in ("one@example.com", "two@example.com"):
            made = stanchion("createadmin", email, "--password", "Correct-Horse-42")
            assert made.returncode == 0, made.stderr
        return tmp_path, stanchion

    def test_verify_fails_naming_the_edited_and_deleted_entries(self, var_dir):
        path, stanchion = var_dir
        ok = stanchion("audit", "verify")
        assert ok.returncode == 0, ok.stderr
        assert "2 entries (#1-#2) verified" in ok.stdout

        with sqlite3.connect(path / "stanchion.sqlite3") as db:
            sources = db.execute(f"SELECT seq, source FROM {TABLE} ORDER BY seq").fetchall()
            # Writes from the console are audited as such.
            assert sources == [(1, "cli"), (2, "cli")]
            db.execute(f"UPDATE {TABLE} SET actor_repr = 'mallory' WHERE seq = 1")

        edited = stanchion("audit", "verify")
        assert edited.returncode != 0
        assert "entry #1: content was altered" in edited.stderr
        assert "Audit trail verification failed" in edited.stderr

        with sqlite3.connect(path / "stanchion.sqlite3") as db:
            db.execute(f"DELETE FROM {TABLE} WHERE seq = 2")
        deleted = stanchion("audit", "verify")
        assert deleted.returncode != 0
        assert "entry #2: missing" in deleted.stderr
