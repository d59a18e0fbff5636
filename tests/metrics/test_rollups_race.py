"""A day rolled up while a change to one of its tickets is in flight, on
PostgreSQL (each thread its own connection, as the scheduler's thread and a
request would have): the build waits for the change to commit and rolls up
the changed ticket, rather than storing the day as it was before."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from stanchion.metrics import rollups
from stanchion.metrics.models import RollupRow
from stanchion.tickets.models import Ticket

from .conftest import utc

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_build_waits_for_a_change_in_flight(org):
    created = utc(2026, 10, 3, 9)
    ticket = org.ticket(created_at=created, assignment_team=org.l1)
    saved, failures = threading.Event(), []

    def reassign():
        try:
            with transaction.atomic():
                mine = Ticket.objects.get(pk=ticket.pk)
                mine.assignment_team = org.l2
                mine.save()  # forgets the day: nothing rolled up yet
                saved.set()
                time.sleep(0.5)  # the build starts meanwhile
        except Exception as error:  # reported below, in the test's thread
            failures.append(error)
            saved.set()
        finally:
            connection.close()

    change = threading.Thread(target=reassign)
    change.start()
    assert saved.wait(timeout=30)
    rollups.build(now=created + timedelta(days=2), only={"tickets_opened"})
    change.join(timeout=30)
    assert not failures
    teams = RollupRow.objects.filter(
        source="tickets_opened", segment="team", kpi="incident_volume"
    ).values_list("value", flat=True)
    assert list(teams) == [str(org.l2.pk)]
