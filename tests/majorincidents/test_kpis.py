"""The post-incident action closure rate on a hand-made set of actions.
November 2026 in Berlin (the reporting zone) runs from 2026-10-31 23:00 UTC
to 2026-11-30 23:00 UTC; "on time" is judged by the Berlin day."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from stanchion.core.services import create_record
from stanchion.majorincidents import services
from stanchion.majorincidents.models import ReviewAction
from stanchion.metrics import engine, periods
from stanchion.metrics.engine import ALL, TargetTable
from stanchion.metrics.registry import kpis

from .conftest import NOW, minutes

BERLIN = ZoneInfo("Europe/Berlin")
NOV = periods.containing("month", date(2026, 11, 1), BERLIN)
LATER = datetime(2027, 6, 1, tzinfo=UTC)
KEY = "post_incident_action_closure_rate"


def berlin(*parts):
    return datetime(*parts, tzinfo=BERLIN)


@pytest.fixture
def actions(mi_org):
    mi = services.declare(mi_org.incident(), actor=mi_org.agent, now=NOW + minutes(5))
    mi = services.resolve(mi, actor=mi_org.agent, notes="Fixed.", now=NOW + minutes(30))
    mi.services.set([mi_org.wiki, mi_org.mail])

    def action(title, due, done_at=None):
        return create_record(
            ReviewAction,
            {
                "review": mi.review,
                "title": title,
                "owner": mi_org.comms,
                "due_date": due,
                "state": "done" if done_at else "open",
                "done_at": done_at,
            },
        )

    return [
        # Due 5 Nov, done 23:30 that day in Berlin: on time.
        action("a1", date(2026, 11, 5), berlin(2026, 11, 5, 23, 30)),
        # Due 5 Nov, done 00:30 on the 6th in Berlin (still the 5th in UTC): late.
        action("a2", date(2026, 11, 5), berlin(2026, 11, 6, 0, 30)),
        # Due 20 Nov, still open: not closed.
        action("a3", date(2026, 11, 20)),
        # Due 30 Nov, done early on 1 Nov: on time.
        action("a4", date(2026, 11, 30), berlin(2026, 11, 1, 9)),
        # Due in December and in October: not November's.
        action("a5", date(2026, 12, 1), berlin(2026, 11, 2, 9)),
        action("a6", date(2026, 10, 31), berlin(2026, 10, 30, 9)),
    ]


def test_closure_rate_counts_actions_due_in_the_period(actions):
    kpi = kpis.get(KEY)
    got = engine.compute_one(kpi, NOV, now=LATER, targets=TargetTable())[ALL]
    # Due in November: a1-a4 (4); done by their due date: a1, a4 (2) -> 50%.
    assert (got.denominator, got.numerator) == (4, 2)
    assert got.value == pytest.approx(50.0)
    names = sorted(a.title for a in engine.records(kpi, NOV, part="numerator", now=LATER))
    assert names == ["a1", "a4"]


def test_closure_rate_by_service(actions):
    by_service = engine.compute_one(kpis.get(KEY), NOV, "service", now=LATER, targets=TargetTable())
    # The major incident affected both services: each holds the same four actions.
    values = {key: v.value for key, v in by_service.items() if key != ALL}
    assert sorted(values.values()) == [pytest.approx(50.0), pytest.approx(50.0)]


def test_doing_an_action_on_its_due_date_counts(mi_org, actions):
    a3 = actions[2]
    services.update_action(a3, {"state": "done"}, actor=mi_org.comms, now=berlin(2026, 11, 20, 8))
    got = engine.compute_one(kpis.get(KEY), NOV, now=LATER, targets=TargetTable())[ALL]
    assert (got.denominator, got.numerator) == (4, 3)
    assert ReviewAction.objects.get(pk=a3.pk).done_at == berlin(2026, 11, 20, 8)
