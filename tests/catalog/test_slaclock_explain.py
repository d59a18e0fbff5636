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
