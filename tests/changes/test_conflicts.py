"""changes.conflicts.find_conflicts: each kind of conflict, transitive
dependents, the change itself left out, and bad input named by field."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError

from stanchion.changes.conflicts import find_conflicts

from .schedule_world import World, utc


@pytest.fixture
def world(make_user):
    w = World(make_user)
    # database <- app <- portal (portal needs app, app needs database);
    # database needs storage; mail is unrelated.
    w.storage = w.service("Storage")
    w.database = w.service("Database", tier="1")
    w.app = w.service("Payroll app")
    w.portal = w.service("Employee portal")
    w.mail = w.service("Mail")
    w.depends(w.database, on=w.storage)
    w.depends(w.app, on=w.database)
    w.depends(w.portal, on=w.app)
    return w


def kinds(conflicts):
    return sorted((c["kind"], c["service_name"], c.get("change_number")) for c in conflicts)


# The change being planned: Wednesday 10 June 2026, 11:00-13:00 UTC.
START, END = utc(2026, 6, 10, 11), utc(2026, 6, 10, 13)


@pytest.mark.django_db
def test_overlap_with_a_change_on_the_same_service(world):
    other = world.change([world.database], start=utc(2026, 6, 10, 10), end=utc(2026, 6, 10, 12))
    conflicts = find_conflicts(services=[world.database], start=START, end=END)
    assert kinds(conflicts) == [("overlap", "Database", other.number)]
    (conflict,) = conflicts
    assert conflict["change"] == other.pk
    assert conflict["service"] == world.database.pk
    assert conflict["start"] == "2026-06-10T10:00:00+00:00"
    assert conflict["end"] == "2026-06-10T12:00:00+00:00"
    assert other.number in conflict["message"]


@pytest.mark.django_db
def test_overlap_with_changes_on_dependent_services_transitively(world):
    direct = world.change([world.app], start=utc(2026, 6, 10, 12), end=utc(2026, 6, 10, 14))
    indirect = world.change([world.portal], start=utc(2026, 6, 10, 9), end=utc(2026, 6, 10, 11, 1))
    # Storage is what the database needs, not a dependent of it; mail is unrelated.
    world.change([world.storage], start=START, end=END)
    world.change([world.mail], start=START, end=END)
    conflicts = find_conflicts(services=[world.database.pk], start=START, end=END)
    assert kinds(conflicts) == [
        ("dependent_overlap", "Employee portal", indirect.number),
        ("dependent_overlap", "Payroll app", direct.number),
    ]
    portal = next(c for c in conflicts if c["service_name"] == "Employee portal")
    assert "Database" in portal["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "review", "closed", "cancelled"])
def test_changes_not_in_a_planned_state_do_not_conflict(world, state):
    world.change([world.database], state=state, start=START, end=END)
    assert find_conflicts(services=[world.database], start=START, end=END) == []


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["assessment", "authorisation", "scheduled", "implementing"])
def test_changes_in_every_planned_state_conflict(world, state):
    world.change([world.database], state=state, start=START, end=END)
    assert len(find_conflicts(services=[world.database], start=START, end=END)) == 1


@pytest.mark.django_db
def test_touching_changes_do_not_overlap(world):
    world.change([world.database], start=utc(2026, 6, 10, 9), end=START)
    world.change([world.database], start=END, end=utc(2026, 6, 10, 15))
    assert find_conflicts(services=[world.database], start=START, end=END) == []


@pytest.mark.django_db
def test_the_change_being_planned_is_left_out(world):
    itself = world.change([world.database, world.app], start=START, end=END)
    other = world.change([world.database], start=START, end=END)
    conflicts = find_conflicts(services=[world.database], start=START, end=END, exclude=itself)
    assert kinds(conflicts) == [("overlap", "Database", other.number)]
    by_id = find_conflicts(services=[world.database], start=START, end=END, exclude=itself.pk)
    assert kinds(by_id) == kinds(conflicts)


@pytest.mark.django_db
def test_outside_the_maintenance_window(world):
    # Tuesdays 22:00 Berlin (summer: 20:00 UTC) for 4 hours, so 20:00-24:00 UTC
    # on Tuesday 9 June 2026.
    window = world.window(world.database, [1], time(22), 240)
    inside = dict(start=utc(2026, 6, 9, 20, 30), end=utc(2026, 6, 9, 23, 59))
    assert find_conflicts(services=[world.database], **inside) == []
    late = dict(start=utc(2026, 6, 9, 23), end=utc(2026, 6, 10, 0, 30))
    (conflict,) = find_conflicts(services=[world.database], **late)
    assert conflict["kind"] == "outside_window"
    assert conflict["window"] == window.pk
    assert conflict["windows"] == [window.pk]
    assert "Tue 22:00 for 4 h (Europe/Berlin)" in conflict["message"]
    # Services without windows are not constrained.
    assert find_conflicts(services=[world.mail], **late) == []


@pytest.mark.django_db
def test_back_to_back_windows_cover_a_change_across_both(world):
    world.window(world.database, [1], time(22), 120, name="Evening")  # 20:00-22:00 UTC
    world.window(world.database, [2], time(0), 120, name="Night")  # Wed 00:00 = Tue 22:00 UTC
    across = dict(start=utc(2026, 6, 9, 21), end=utc(2026, 6, 9, 23, 30))
    assert find_conflicts(services=[world.database], **across) == []
    beyond = dict(start=utc(2026, 6, 9, 21), end=utc(2026, 6, 10, 0, 30))
    assert kinds(find_conflicts(services=[world.database], **beyond)) == [
        ("outside_window", "Database", None)
    ]


@pytest.mark.django_db
def test_window_validity_dates_are_respected(world):
    from datetime import date

    world.window(world.database, [1], time(22), 240, valid_until=date(2026, 6, 8))
    inside_times = dict(start=utc(2026, 6, 9, 20, 30), end=utc(2026, 6, 9, 21))
    assert kinds(find_conflicts(services=[world.database], **inside_times)) == [
        ("outside_window", "Database", None)
    ]


@pytest.mark.django_db
def test_blackouts_global_and_per_service(world):
    everywhere = world.blackout("Year-end freeze", utc(2026, 6, 10, 12), utc(2026, 6, 11))
    mine = world.blackout("DB upgrade", utc(2026, 6, 10), utc(2026, 6, 10, 11, 30), [world.app])
    world.blackout("Mail migration", START, END, [world.mail])
    world.blackout("Earlier", utc(2026, 6, 9), START, [world.app])
    conflicts = find_conflicts(services=[world.database, world.app], start=START, end=END)
    found = sorted((c["blackout"], c["service_name"]) for c in conflicts)
    assert found == sorted(
        [
            (everywhere.pk, "Database"),
            (everywhere.pk, "Payroll app"),
            (mine.pk, "Payroll app"),
        ]
    )
    assert {c["kind"] for c in conflicts} == {"blackout"}
    freeze = next(c for c in conflicts if c["blackout"] == everywhere.pk)
    assert freeze["start"] == "2026-06-10T12:00:00+00:00"
    assert "all services" in freeze["message"]


@pytest.mark.django_db
def test_every_kind_at_once(world):
    world.window(world.database, [0], time(1), 60)
    world.blackout("Freeze", START, END)
    a = world.change([world.database], start=START, end=END)
    b = world.change([world.portal], start=START, end=END)
    conflicts = find_conflicts(services=[world.database], start=START, end=END)
    assert kinds(conflicts) == [
        ("blackout", "Database", None),
        ("dependent_overlap", "Employee portal", b.number),
        ("outside_window", "Database", None),
        ("overlap", "Database", a.number),
    ]


@pytest.mark.django_db
def test_nothing_planned_means_no_conflicts(world):
    world.change([world.database], start=START, end=END)
    assert find_conflicts(services=[world.database], start=None, end=END) == []
    assert find_conflicts(services=[], start=START, end=END) == []


@pytest.mark.django_db
def test_bad_input_names_the_field(world):
    with pytest.raises(ValidationError) as error:
        find_conflicts(services=[world.database], start=END, end=START)
    assert "planned_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        find_conflicts(services=[987654], start=START, end=END)
    assert "987654" in error.value.message_dict["services"][0]
    with pytest.raises(ValidationError) as error:
        find_conflicts(services=["abc"], start=START, end=END)
    assert "services" in error.value.message_dict


@pytest.mark.django_db
def test_query_count_does_not_grow_with_history(world, django_assert_max_num_queries):
    for hour in range(0, 20, 2):
        world.change([world.database], start=utc(2026, 6, 10, hour), end=utc(2026, 6, 10, hour + 3))
        world.change([world.portal], start=utc(2026, 6, 10, hour), end=utc(2026, 6, 10, hour + 3))
    world.window(world.database, [2], time(0), 600)
    world.blackout("Freeze", START, END)
    with django_assert_max_num_queries(11):
        conflicts = find_conflicts(services=[world.database], start=START, end=END)
    # 11:00-13:00 meets the 10-13 and 12-15 slots on both services; the window
    # (Wednesday 00:00 Berlin for ten hours) ends at 08:00 UTC; the freeze.
    assert len(conflicts) == 6
