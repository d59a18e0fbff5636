"""changes.windows: occurrences in the service calendar's time zone, across
both DST changes (Berlin: 29 March and 25 October 2026; New York: 8 March
and 1 November 2026). Expected instants are worked out by hand."""

from datetime import date, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from stanchion.changes.windows import covers, describe, merge, occurrences

from .schedule_world import utc


def window(weekdays, start_time, minutes, zone="Europe/Berlin", **fields):
    fields.setdefault("valid_from", None)
    fields.setdefault("valid_until", None)
    return SimpleNamespace(
        weekdays=weekdays,
        start_time=start_time,
        duration_minutes=minutes,
        service=SimpleNamespace(calendar=SimpleNamespace(time_zone=zone)),
        **fields,
    )


def test_sunday_night_across_the_spring_change_in_berlin():
    # Sundays 01:00 for 4 hours. 22 March: CET (+1); 29 March: the clocks go
    # from 02:00 to 03:00 during the window, which still lasts 4 hours
    # (ends 06:00 summer time); 5 April: CEST (+2).
    found = occurrences(window([6], time(1), 240), utc(2026, 3, 21), utc(2026, 4, 6))
    assert found == [
        (utc(2026, 3, 22, 0), utc(2026, 3, 22, 4)),
        (utc(2026, 3, 29, 0), utc(2026, 3, 29, 4)),
        (utc(2026, 4, 4, 23), utc(2026, 4, 5, 3)),
    ]


def test_sunday_night_across_the_autumn_change_in_berlin():
    found = occurrences(window([6], time(1), 240), utc(2026, 10, 18), utc(2026, 11, 2))
    assert found == [
        (utc(2026, 10, 17, 23), utc(2026, 10, 18, 3)),  # CEST, begins before `start`
        (utc(2026, 10, 24, 23), utc(2026, 10, 25, 3)),  # 01:00 CEST, ends 03:00 CET
        (utc(2026, 11, 1, 0), utc(2026, 11, 1, 4)),  # CET
    ]


def test_a_start_time_that_does_not_exist_or_happens_twice():
    w = window([6], time(2, 30), 60)
    # 29 March 02:30 does not exist: RFC 5545 reads it with the offset before
    # the gap (+1), i.e. 01:30 UTC = 03:30 summer time.
    assert occurrences(w, utc(2026, 3, 29), utc(2026, 3, 30)) == [
        (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2, 30))
    ]
    # 25 October 02:30 happens twice: the first (summer time, +2) is meant.
    assert occurrences(w, utc(2026, 10, 25), utc(2026, 10, 26)) == [
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))
    ]


def test_weeknights_in_new_york_across_both_changes():
    w = window([0, 1, 2, 3, 4], time(22), 60, zone="America/New_York")
    spring = occurrences(w, utc(2026, 3, 6, 12), utc(2026, 3, 10, 12))
    assert spring == [
        (utc(2026, 3, 7, 3), utc(2026, 3, 7, 4)),  # Fri 6 March 22:00 EST (-5)
        (utc(2026, 3, 10, 2), utc(2026, 3, 10, 3)),  # Mon 9 March 22:00 EDT (-4)
    ]
    autumn = occurrences(w, utc(2026, 10, 30, 12), utc(2026, 11, 3, 12))
    assert autumn == [
        (utc(2026, 10, 31, 2), utc(2026, 10, 31, 3)),  # Fri 30 October, EDT
        (utc(2026, 11, 3, 3), utc(2026, 11, 3, 4)),  # Mon 2 November, EST
    ]


def test_overlap_is_half_open():
    w = window([1], time(22), 120)  # Tue 9 June 2026: 20:00-22:00 UTC
    assert occurrences(w, utc(2026, 6, 9, 22), utc(2026, 6, 10)) == []
    assert occurrences(w, utc(2026, 6, 9, 18), utc(2026, 6, 9, 20)) == []
    assert occurrences(w, utc(2026, 6, 9, 21, 59), utc(2026, 6, 10)) == [
        (utc(2026, 6, 9, 20), utc(2026, 6, 9, 22))
    ]


def test_a_long_window_that_started_days_before():
    w = window([4], time(18), 3 * 24 * 60)  # Friday 18:00 to Monday 18:00
    assert occurrences(w, utc(2026, 6, 15, 9), utc(2026, 6, 15, 10)) == [
        (utc(2026, 6, 12, 16), utc(2026, 6, 15, 16))
    ]


def test_validity_dates_are_local_dates_and_inclusive():
    w = window([6], time(1), 60, valid_from=date(2026, 3, 29), valid_until=date(2026, 4, 5))
    found = occurrences(w, utc(2026, 3, 1), utc(2026, 5, 1))
    assert [start for start, _ in found] == [utc(2026, 3, 29, 0), utc(2026, 4, 4, 23)]


def test_merge_and_covers():
    a = (utc(2026, 1, 1, 1), utc(2026, 1, 1, 3))
    b = (utc(2026, 1, 1, 3), utc(2026, 1, 1, 5))
    c = (utc(2026, 1, 1, 6), utc(2026, 1, 1, 7))
    assert merge([c, b, a]) == [(a[0], b[1]), c]
    assert covers([a, b, c], utc(2026, 1, 1, 2), utc(2026, 1, 1, 5))
    assert not covers([a, b, c], utc(2026, 1, 1, 2), utc(2026, 1, 1, 6, 30))
    assert not covers([], utc(2026, 1, 1, 2), utc(2026, 1, 1, 3))


def test_describe():
    assert describe(window([6, 5], time(1), 240)) == "Sat, Sun 01:00 for 4 h (Europe/Berlin)"
    assert describe(window([0], time(23, 30), 90)) == "Mon 23:30 for 90 min (Europe/Berlin)"


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


def reference(weekdays, start_time, minutes, zone_name, start, end):
    """A deliberately plain second implementation: walk every UTC minute
    boundary of a wide range and keep the instants whose local wall time is
    the window's start on one of its weekdays (the first such instant, or for
    a missing local time the instant an hour after the time read with the
    pre-gap offset -- which for these zones' one-hour gaps is the same rule)."""
    zone = ZoneInfo(zone_name)
    found = []
    day = (start - timedelta(days=9)).date()
    while day <= (end + timedelta(days=2)).date():
        if day.weekday() in weekdays:
            # Candidates: the wall time read with each offset the zone used
            # within a day of it; valid ones round-trip.
            wall = day.isoformat() + f"T{start_time:%H:%M}"
            offsets = sorted(
                {
                    zone.utcoffset(
                        (utc(day.year, day.month, day.day) + timedelta(hours=h)).replace(
                            tzinfo=None
                        )
                    )
                    for h in range(-24, 48)
                },
                reverse=True,
            )
            instants = []
            for offset in offsets:
                instant = utc(day.year, day.month, day.day, start_time.hour, start_time.minute)
                instant -= offset
                local = instant.astimezone(zone)
                if local.strftime("%Y-%m-%dT%H:%M") == wall:
                    instants.append(instant)
            if instants:
                begins = min(instants)
            else:  # the gap: the pre-gap (smaller, for these zones) offset
                instant = utc(day.year, day.month, day.day, start_time.hour, start_time.minute)
                begins = instant - min(offsets)
            ends = begins + timedelta(minutes=minutes)
            if begins < end and ends > start:
                found.append((begins, ends))
        day += timedelta(days=1)
    return sorted(found)


@settings(max_examples=150, deadline=None)
@given(
    weekdays=st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    minutes=st.integers(1, 3 * 24 * 60),
    zone=st.sampled_from(ZONES),
    offset_days=st.integers(0, 364),
    span_hours=st.integers(1, 24 * 10),
)
def test_matches_a_plain_reference(weekdays, hour, minute, minutes, zone, offset_days, span_hours):
    start = utc(2026, 1, 1) + timedelta(days=offset_days, hours=hour % 5)
    end = start + timedelta(hours=span_hours)
    w = window(weekdays, time(hour, minute), minutes, zone=zone)
    assert occurrences(w, start, end) == reference(
        set(weekdays), time(hour, minute), minutes, zone, start, end
    )


TRANSITIONS = [
    ("Europe/Berlin", utc(2026, 3, 29)),
    ("Europe/Berlin", utc(2026, 10, 25)),
    ("America/New_York", utc(2026, 3, 8)),
    ("America/New_York", utc(2026, 11, 1)),
    ("Australia/Sydney", utc(2026, 4, 5)),
    ("Australia/Sydney", utc(2026, 10, 4)),
]


def test_every_start_time_on_every_transition_matches_the_reference():
    for zone, day in TRANSITIONS:
        start, end = day - timedelta(days=2), day + timedelta(days=2)
        for hour in range(24):
            for minute in (0, 30):
                w = window(list(range(7)), time(hour, minute), 150, zone=zone)
                expected = reference(set(range(7)), time(hour, minute), 150, zone, start, end)
                assert occurrences(w, start, end) == expected, (zone, day, hour, minute)
