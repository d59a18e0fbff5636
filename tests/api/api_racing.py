"""Two API clients updating one record from the same version at the same time.

Used in process (PostgreSQL, pytest's transactional database) and from a
subprocess against a file SQLite database (see test_concurrency.py). Each
thread has its own database connection, as two server workers would.
"""

import threading

from django.db import connection


def _in_thread(func, barrier, results, index):
    try:
        barrier.wait(timeout=30)
        results[index] = func()
    except Exception as error:  # reported by the caller
        results[index] = error
    finally:
        connection.close()


def race(make_client, url, *, rounds, mode):
    """Run ``rounds`` races; return one dict per round describing what happened.

    ``mode`` is "version" (version field in the body, stale -> 409) or
    "if-match" (header, stale -> 412).
    """
    clients = [make_client(), make_client()]
    outcomes = []
    for n in range(rounds):
        current = clients[0].get(url).json()
        version = current["version"]
        names = [f"Round {n} by A", f"Round {n} by B"]

        def update(client, name, version=version):
            if mode == "version":
                return client.patch(url, {"name": name, "version": version}, format="json")
            return client.patch(url, {"name": name}, format="json", HTTP_IF_MATCH=f'"{version}"')

        barrier = threading.Barrier(2)
        results = [None, None]
        threads = [
            threading.Thread(
                target=_in_thread,
                args=(lambda c=clients[i], nm=names[i]: update(c, nm), barrier, results, i),
            )
            for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        errors = [r for r in results if isinstance(r, Exception) or r is None]
        if errors:
            raise AssertionError(f"round {n}: {errors!r}")
        after = clients[0].get(url).json()
        outcomes.append(
            {
                "read_version": version,
                "names": names,
                "statuses": [r.status_code for r in results],
                "bodies": [r.json() for r in results],
                "after": after,
            }
        )
    return outcomes


def check(outcomes, *, conflict_status):
    """Exactly one winner per round; the loser sees the winner's state; nothing lost."""
    for n, outcome in enumerate(outcomes):
        statuses = outcome["statuses"]
        assert sorted(statuses) == sorted([200, conflict_status]), (n, statuses, outcome)
        winner = statuses.index(200)
        loser = 1 - winner
        won_name = outcome["names"][winner]
        after = outcome["after"]
        # The winning change is what is stored, one version on.
        assert after["name"] == won_name, (n, outcome)
        assert after["version"] == outcome["read_version"] + 1, (n, outcome)
        error = outcome["bodies"][loser]["error"]
        assert error["code"] == "conflict"
        assert error["current"]["name"] == won_name
        assert error["current"]["version"] == outcome["read_version"] + 1
