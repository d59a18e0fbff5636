"""changes.risk: each factor's points worked out by hand from the table in
the module's docstring, the questionnaire's validation, and the levels."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from stanchion.accounts import services as accounts
from stanchion.changes.models import ChangeIncident
from stanchion.changes.risk import QUESTIONS, assess, level_for, validate_answers
from stanchion.tickets.models import Ticket

from .schedule_world import World, utc


@pytest.fixture
def world(make_user):
    w = World(make_user)
    w.database = w.service("Database", tier="1")
    w.app = w.service("Payroll app", tier="2")
    w.portal = w.service("Employee portal", tier="3")
    w.lonely = w.service("Wiki", tier="3")
    w.depends(w.app, on=w.database)
    w.depends(w.portal, on=w.app)
    return w


NOW = utc(2026, 6, 1, 8)


def points(assessment):
    return {f["key"]: f["points"] for f in assessment.factors}


def finished(world, services, outcome, *, days_ago=30, **fields):
    end = NOW - timedelta(days=days_ago)
    return world.change(
        services,
        state="closed",
        start=end - timedelta(hours=1),
        end=end,
        outcome=outcome,
        actual_start=end - timedelta(hours=1),
        actual_end=end,
        **fields,
    )


@pytest.mark.django_db
def test_every_factor_worked_out_by_hand(world):
    template = world.template()
    # History on the database: 4 finished in the last year, of which one
    # failed, one rolled back -> 2/4 x 10 = 5 points. A failure older than a
    # year and an unfinished change do not count.
    finished(world, [world.database], "failed")
    finished(world, [world.database], "rolled_back")
    finished(world, [world.database], "successful")
    finished(world, [world.database], "successful_with_issues")
    finished(world, [world.database], "failed", days_ago=400)
    world.change([world.database], state="implementing")
    # The template: 3 finished, one successful but caused an incident
    # -> 1/3 x 5 = 1.67 -> 2 points.
    t1 = finished(world, [world.lonely], "successful", template=template)
    finished(world, [world.lonely], "successful", template=template)
    finished(world, [world.lonely], "successful", template=template)
    person = accounts.create_person(
        actor=None, name="Ann", email="ann@example.com", employee_id="E1"
    )
    incident = Ticket.objects.create(
        number="INC-900001", kind="incident", title="Down", requester=person
    )
    ChangeIncident.objects.create(change=t1, incident=incident)

    # Windows on Sundays 01:00 Berlin; the change is on Tuesday 2 June at
    # 14:00-15:00 UTC: outside (10). A blackout on the app does not touch the
    # database change; a global one does (10).
    world.window(world.database, [6], time(1), 240)
    world.blackout("Payroll run", utc(2026, 6, 2), utc(2026, 6, 3), [world.app])
    world.blackout("Quarter close", utc(2026, 6, 2, 14, 30), utc(2026, 6, 2, 18))
    change = world.change(
        [world.database],
        state="draft",
        start=utc(2026, 6, 2, 14),  # 30 hours after NOW: under 3 days (5)
        end=utc(2026, 6, 2, 15),
        template=template,
        backout_plan="Restore the snapshot",
        test_plan="  ",  # blank counts as missing (5)
        risk_answers={"user_impact": "outage", "reversibility": "minutes", "experience": "similar"},
    )
    result = assess(change, now=NOW)
    assert points(result) == {
        "tier": 20,  # tier 1
        "dependents": 4,  # app and (through it) portal
        "service_history": 5,
        "template_history": 2,
        "window": 10,
        "blackout": 10,
        "lead_time": 5,
        "backout_plan": 0,
        "test_plan": 5,
        "answer:user_impact": 5,
        "answer:reversibility": 0,
        "answer:experience": 1,
        "answer:teams_involved": 3,  # unanswered: the riskiest answer
    }
    assert result.score == 70
    assert result.level == "high"
    by_key = {f["key"]: f for f in result.factors}
    assert by_key["service_history"]["detail"] == (
        "2 of 4 changes on these services in the last year failed"
    )
    assert by_key["blackout"]["detail"] == "Inside Quarter close"
    assert by_key["answer:teams_involved"]["detail"].startswith("Not answered")
    assert all(set(f) == {"key", "label", "detail", "points"} for f in result.factors)


@pytest.mark.django_db
def test_a_quiet_change_scores_nothing(world):
    change = world.change(
        [world.lonely],
        state="draft",
        start=NOW + timedelta(days=5),
        end=NOW + timedelta(days=5, hours=1),
        backout_plan="Revert",
        test_plan="Check the home page",
        risk_answers={q["key"]: q["choices"][0][0] for q in QUESTIONS},
    )
    finished(world, [world.lonely], "failed")  # one failure, too few to judge
    finished(world, [world.lonely], "failed")
    result = assess(change, now=NOW)
    assert result.score == 0
    assert result.level == "low"
    by_key = {f["key"]: f for f in result.factors}
    assert "too few" in by_key["service_history"]["detail"]
    assert by_key["window"]["detail"] == "No maintenance windows defined for these services"


@pytest.mark.django_db
def test_inside_the_window_and_dependents_bands(world):
    # Tier 2 app with one dependent (portal): 10 + 4. Inside its window
    # Tuesday 22:00 Berlin = 20:00 UTC for 2 hours. Lead 14 days: 0.
    world.window(world.app, [1], time(22), 120)
    change = world.change(
        [world.app],
        state="draft",
        start=utc(2026, 6, 16, 20),
        end=utc(2026, 6, 16, 21),
        backout_plan="b",
        test_plan="t",
        risk_answers={
            "user_impact": "degraded",
            "reversibility": "hours",
            "experience": "routine",
            "teams_involved": "two",
        },
    )
    result = assess(change, now=NOW)
    assert points(result)["tier"] == 10
    assert points(result)["dependents"] == 4
    assert points(result)["window"] == 0
    assert points(result)["lead_time"] == 0
    assert result.score == 10 + 4 + 2 + 2 + 0 + 1
    assert result.level == "low"


@pytest.mark.django_db
def test_an_unplanned_change_and_lead_time_under_a_day(world):
    change = world.change([world.portal], state="draft")
    result = assess(change, now=NOW)
    assert points(result)["lead_time"] == 0
    assert {f["detail"] for f in result.factors if f["key"] in ("window", "blackout")} == {
        "Not planned yet"
    }
    # missing plans 5 + 5, unanswered questionnaire 5 + 4 + 3 + 3
    assert result.score == 25
    change.planned_start, change.planned_end = NOW + timedelta(hours=3), NOW + timedelta(hours=4)
    assert points(assess(change, now=NOW))["lead_time"] == 10


def test_levels():
    assert [level_for(s) for s in (0, 29, 30, 59, 60, 100)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_questionnaire_maximum_is_fifteen_points():
    assert sum(max(c[2] for c in q["choices"]) for q in QUESTIONS) == 15


def test_validate_answers():
    assert validate_answers({"user_impact": "none", "experience": ""}) == {"user_impact": "none"}
    assert validate_answers(None) == {}
    with pytest.raises(ValidationError) as error:
        validate_answers({"user_impact": "catastrophic"})
    message = error.value.message_dict["risk_answers"][0]
    assert "What do users notice" in message and "catastrophic" in message
    with pytest.raises(ValidationError) as error:
        validate_answers({"colour": "red"})
    assert "colour" in error.value.message_dict["risk_answers"][0]
    with pytest.raises(ValidationError) as error:
        validate_answers(["user_impact"])
    assert "risk_answers" in error.value.message_dict
