"""``Idempotency-Key`` on create: a repeated request makes one ticket."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from stanchion.accounts import services as accounts
from stanchion.core.models import IdempotencyKey
from stanchion.tickets.models import Ticket

from . import api_support as support

clients, laptop = support.clients, support.laptop


def body_for(desk, title="VPN down"):
    return {"title": title, "requester": desk.requester.pk, "impact": "2"}


def create(client, body, key):
    return client.post("/api/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_repeat_returns_the_same_ticket_and_creates_nothing(desk, clients):
    first = create(clients.agent, body_for(desk), "retry-1")
    assert first.status_code == 201
    again = create(clients.agent, body_for(desk), "retry-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert list(Ticket.objects.values_list("number", flat=True)) == ["INC-000001"]


def test_the_same_key_with_another_body_is_refused_naming_the_header(desk, clients):
    assert create(clients.agent, body_for(desk), "k").status_code == 201
    other = create(clients.agent, body_for(desk, "Printer"), "k")
    assert other.status_code == 409
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["fields"]
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user_and_one_endpoint(desk, laptop, clients):
    mine = create(clients.agent, body_for(desk), "shared")
    theirs = create(clients.specialist, body_for(desk), "shared")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["number"] != theirs.json()["number"]
    request = clients.agent.post(
        "/api/requests/",
        {"catalog_item": laptop.pk, "answers": {"model": "Air"}, "requester": desk.requester.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    assert request.status_code == 201 and request.json()["number"] == "REQ-000001"
    assert Ticket.objects.count() == 3


def test_refused_requests_store_nothing_and_may_be_retried(desk, clients):
    bad = create(clients.agent, {"title": ""}, "fix-and-retry")
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert create(clients.agent, body_for(desk), "fix-and-retry").status_code == 201


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "naïve"])
def test_malformed_keys_are_named(desk, clients, key):
    response = create(clients.agent, body_for(desk), key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Ticket.objects.exists()


def test_a_duplicate_that_loses_the_race_returns_the_winners_ticket(desk, clients, monkeypatch):
    """Two identical requests both miss the stored key (the first had not
    committed when the second looked): the second's insert of the key
    fails, its ticket is rolled back and it answers with the first's."""
    first = create(clients.agent, body_for(desk), "race")
    from stanchion.core import idempotency

    real_filter = IdempotencyKey.objects.filter
    looked = []

    class MissOnce:
        def __init__(self, queryset):
            self.queryset = queryset

        def first(self):
            looked.append(1)
            return None if len(looked) == 1 else self.queryset.first()

    monkeypatch.setattr(
        idempotency.IdempotencyKey.objects,
        "filter",
        lambda **kw: MissOnce(real_filter(**kw)),
    )
    second = create(clients.agent, body_for(desk), "race")
    assert len(looked) == 2  # missed, created, collided, looked again
    assert second.status_code == 201
    assert second.json() == first.json()
    assert Ticket.objects.count() == 1
    # The rolled-back ticket did not use up a number.
    monkeypatch.undo()
    third = create(clients.agent, body_for(desk, "Next"), "another")
    assert third.json()["number"] == "INC-000002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicates_make_one_ticket_on_postgres(desk):
    _, raw = accounts.issue_token(actor=None, user=desk.agent, name="race", scope="write")
    rounds, per_round = 3, 4
    for n in range(rounds):
        barrier = threading.Barrier(per_round)
        results = [None] * per_round

        def send(i, n=n):
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            try:
                barrier.wait(timeout=30)
                results[i] = create(client, body_for(desk, f"Round {n}"), f"key-{n}")
            except Exception as error:
                results[i] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=(i,)) for i in range(per_round)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(getattr(r, "status_code", None) == 201 for r in results), results
        assert len({r.json()["number"] for r in results}) == 1
        assert Ticket.objects.filter(title=f"Round {n}").count() == 1
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [
        "INC-000001",
        "INC-000002",
        "INC-000003",
    ]


def test_keys_older_than_the_retention_are_purged_and_the_job_is_scheduled(desk, clients):
    from datetime import timedelta

    from django.utils import timezone

    from stanchion.core.idempotency import purge_idempotency_keys
    from stanchion.core.registry import registry

    assert create(clients.agent, body_for(desk, "old"), "old").status_code == 201
    assert create(clients.agent, body_for(desk, "new"), "new").status_code == 201
    now = timezone.now()
    IdempotencyKey.objects.filter(key="old").update(created_at=now - timedelta(days=7, seconds=1))
    IdempotencyKey.objects.filter(key="new").update(created_at=now - timedelta(days=6, hours=23))
    assert purge_idempotency_keys(now=now) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    # Forgotten means a repeat creates again: the retention is the promise's limit.
    assert create(clients.agent, body_for(desk, "old"), "old").status_code == 201
    assert Ticket.objects.filter(title="old").count() == 2
    assert any(p.name == "idempotency-purge" for p in registry.periodic)
