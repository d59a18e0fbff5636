"""explain(): the record behind "why is this due then?", checked against hand computations."""

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from stanchion.catalog.slaclock import (
    BusinessCalendar,
    ClosedDateSkipped,
    CountedInterval,
    PauseExcluded,
    WeeklyInterval,
    due,
    explain,
)

BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
OFFICE = [WeeklyInterval(day, time(9), time(17)) for day in range(5)]


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def test_explains_holidays_with_their_names():
    bavaria = holidays.country_holidays("DE", subdiv="BY", years=2026)
    cal = BusinessCalendar("Europe/Berlin", OFFICE, closed_dates=bavaria)
    why = explain(cal, berlin(2026, 4, 2, 15), 8 * H)
    # Thursday 15:00-17:00 (2h), Good Friday, weekend, Easter Monday, Tuesday 09:00-15:00 (6h).
    assert why.intervals == (
        CountedInterval(berlin(2026, 4, 2, 15), berlin(2026, 4, 2, 17), 2 * H),
        CountedInterval(berlin(2026, 4, 7, 9), berlin(2026, 4, 7, 15), 6 * H),
    )
    assert why.closed_dates == (
        ClosedDateSkipped(date(2026, 4, 3), "Good Friday"),
        ClosedDateSkipped(date(2026, 4, 6), "Easter Monday"),
    )
    assert why.due == due(cal, berlin(2026, 4, 2, 15), 8 * H) == berlin(2026, 4, 7, 15)
    assert why.as_dict() == {
        "time_zone": "Europe/Berlin",
        "start": "2026-04-02T15:00:00+02:00",
        "duration_seconds": 28800,
        "due": "2026-04-07T15:00:00+02:00",
        "clock_started": "2026-04-02T15:00:00+02:00",
        "counted_seconds": 28800,
        "intervals": [
            {
                "start": "2026-04-02T15:00:00+02:00",
                "end": "2026-04-02T17:00:00+02:00",
                "counted_seconds": 7200,
            },
            {
                "start": "2026-04-07T09:00:00+02:00",
                "end": "2026-04-07T15:00:00+02:00",
                "counted_seconds": 21600,
            },
        ],
        "closed_dates": [
            {"date": "2026-04-03", "name": "Good Friday"},
            {"date": "2026-04-06", "name": "Easter Monday"},
        ],
        "pauses": [],
    }


def test_closed_dates_from_a_set_have_empty_names():
    cal = BusinessCalendar("Europe/Berlin", OFFICE, closed_dates={date(2026, 4, 3)})
    why = explain(cal, berlin(2026, 4, 2, 15), 8 * H)
    assert why.closed_dates == (ClosedDateSkipped(date(2026, 4, 3), ""),)


def test_holiday_on_a_closed_weekday_is_not_listed():
    bavaria = holidays.country_holidays("DE", subdiv="BY", years=2026)
    cal = BusinessCalendar("Europe/Berlin", OFFICE, closed_dates=bavaria)
    # All Saints' Day, Sun 2026-11-01, closes nothing an office was going to work.
    why = explain(cal, berlin(2026, 10, 30, 16), 2 * H)
    assert why.closed_dates == ()
    assert why.due == berlin(2026, 11, 2, 10)


def test_explains_a_pause_over_the_weekend():
    cal = BusinessCalendar("Europe/Berlin", OFFICE)
    pause = (berlin(2026, 1, 9, 12), berlin(2026, 1, 12, 11))
    why = explain(cal, berlin(2026, 1, 9, 10), 8 * H, [pause])
    # Friday 10:00-17:00 counts 10-12 (2h); Monday 09:00-17:00 counts 11-17 (6h).
    assert why.intervals == (
        CountedInterval(berlin(2026, 1, 9, 10), berlin(2026, 1, 9, 17), 2 * H),
        CountedInterval(berlin(2026, 1, 12, 9), berlin(2026, 1, 12, 17), 6 * H),
    )
    # The pause took Friday 12-17 and Monday 9-11 off the clock: 7h.
    assert why.pauses == (PauseExcluded(*pause, 7 * H),)
    assert why.due == berlin(2026, 1, 12, 17)


def test_clock_started_is_the_next_opening_or_the_end_of_a_pause():
    cal = BusinessCalendar("Europe/Berlin", OFFICE)
    assert explain(cal, berlin(2026, 1, 10, 14), 2 * H).clock_started == berlin(2026, 1, 12, 9)
    paused = [(berlin(2026, 1, 10), berlin(2026, 1, 12, 9, 30))]
    why = explain(cal, berlin(2026, 1, 10, 14), 2 * H, paused)
    assert why.clock_started == berlin(2026, 1, 12, 9, 30)
    assert why.due == berlin(2026, 1, 12, 11, 30)


def test_explains_a_clock_stopped_by_an_open_pause():
    cal = BusinessCalendar("Europe/Berlin", OFFICE)
    why = explain(cal, berlin(2026, 1, 9, 10), 8 * H, [(berlin(2026, 1, 9, 12), None)])
    assert why.due is None
    assert why.counted == 2 * H
    assert why.pauses == (PauseExcluded(berlin(2026, 1, 9, 12), None, None),)
    data = json.loads(json.dumps(why.as_dict()))
    assert data["due"] is None
    assert data["pauses"] == [
        {"start": "2026-01-09T12:00:00+01:00", "end": None, "excluded_seconds": None}
    ]


def test_overnight_shift_closed_on_its_start_date_is_listed():
    night = [WeeklyInterval(0, time(22), time(6))]
    cal = BusinessCalendar("Europe/Berlin", night, closed_dates={date(2026, 1, 5): "Closure"})
    why = explain(cal, datetime(2026, 1, 5, 20, tzinfo=UTC), 3 * H)
    assert why.closed_dates == (ClosedDateSkipped(date(2026, 1, 5), "Closure"),)
    assert why.intervals == (
        CountedInterval(berlin(2026, 1, 12, 22), berlin(2026, 1, 13, 1), 3 * H),
    )


def test_explanation_times_are_in_the_calendar_zone():
    cal = BusinessCalendar("Asia/Tokyo", [WeeklyInterval(0, time(9), time(18))])
    why = explain(cal, datetime(2026, 1, 5, 0, tzinfo=UTC), H)
    assert why.due.utcoffset() == timedelta(hours=9)
    assert why.as_dict()["due"] == "2026-01-05T10:00:00+09:00"


def test_sub_second_durations_serialise_as_fractions():
    cal = BusinessCalendar.twenty_four_seven()
    why = explain(cal, datetime(2026, 1, 1, tzinfo=UTC), timedelta(seconds=1.5))
    assert why.as_dict()["duration_seconds"] == 1.5


# -- The repeated hour of Berlin's fall back (Sun 2026-10-25: 03:00 CEST -> 02:00 CET) -------------
# Found by the property test: Python never finds a datetime in a zone's repeated hour equal to
# the same instant in another zone, and subtracts two datetimes of one zone by wall clock. The
# explanation's values must still equal the engine's UTC due time and have real-time lengths.


def test_due_in_the_first_pass_of_the_repeated_hour_equals_the_engines():
    cal = BusinessCalendar.twenty_four_seven("Europe/Berlin")
    start = datetime(2026, 10, 24, 21, 2, tzinfo=UTC)  # Sat 23:02 CEST
    why = explain(cal, start, 3 * H)
    # Three real hours later: 00:02 UTC, the first 02:02 of the night (still CEST, +02:00).
    assert due(cal, start, 3 * H) == datetime(2026, 10, 25, 0, 2, tzinfo=UTC)
    assert why.due == datetime(2026, 10, 25, 0, 2, tzinfo=UTC)
    assert why.due.isoformat() == "2026-10-25T02:02:00+02:00"
    (interval,) = why.intervals
    assert interval.end - interval.start == interval.counted == 3 * H
    assert why.as_dict()["due"] == "2026-10-25T02:02:00+02:00"


def test_interval_across_the_repeated_hour_counts_its_real_length():
    cal = BusinessCalendar("Europe/Berlin", [WeeklyInterval(6, time(0), time(6))])
    start = datetime(2026, 10, 24, 22, tzinfo=UTC)  # Sun 00:00 CEST, the opening
    why = explain(cal, start, 4 * H)
    # 00:00 CEST (22:00 UTC) + 4 real hours = 02:00 UTC = 03:00 CET.
    assert why.due == datetime(2026, 10, 25, 2, tzinfo=UTC)
    assert why.due.isoformat() == "2026-10-25T03:00:00+01:00"
    (interval,) = why.intervals
    assert interval.start.isoformat() == "2026-10-25T00:00:00+02:00"
    assert interval.end - interval.start == interval.counted == 4 * H
    # Both 02:30s of the night, told apart: the first (CEST) and, an hour later, the second (CET).
    first = explain(cal, start, 2.5 * H)
    second = explain(cal, start, 3.5 * H)
    assert first.due.isoformat() == "2026-10-25T02:30:00+02:00"
    assert second.due.isoformat() == "2026-10-25T02:30:00+01:00"
    assert second.due == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert second.due - first.due == H


def test_twenty_four_seven_explanations_around_both_berlin_changes_are_real_time():
    # On a 24x7 calendar the due time is simply start + duration in real time, whatever the wall
    # clock does; sweep starts and durations across the spring gap and the autumn repeat.
    cal = BusinessCalendar.twenty_four_seven("Europe/Berlin")
    for change in (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)):
        for minutes_before in range(0, 300, 13):
            start = change - timedelta(minutes=minutes_before)
            for minutes in (1, 59, 60, 61, 120, 181, 300):
                why = explain(cal, start, timedelta(minutes=minutes))
                assert why.due == start + timedelta(minutes=minutes)
                assert why.counted == timedelta(minutes=minutes)
                assert sum((i.end - i.start for i in why.intervals), timedelta(0)) == why.counted
