"""Hand-computed SLA clock fixtures: DST, holidays, weekends, overnight shifts, pauses, zones.

Every expected instant is written out literally; the comment beside it is the hand computation.
Offsets used: Berlin CET = UTC+1, CEST = UTC+2; New York EST = UTC-5, EDT = UTC-4;
Tokyo JST = UTC+9; Los Angeles PST = UTC-8.
"""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from stanchion.catalog.slaclock import (
    BusinessCalendar,
    WeeklyInterval,
    due,
    elapsed,
    status,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def weekdays(start, end, days=range(5)):
    return [WeeklyInterval(day, start, end) for day in days]


def one_day(weekday, start, end, tz="Europe/Berlin"):
    return BusinessCalendar(tz, [WeeklyInterval(weekday, start, end)])


OFFICE_BERLIN = BusinessCalendar("Europe/Berlin", weekdays(time(9), time(17)))


# -- Europe/Berlin spring forward: Sun 2026-03-29, 02:00 CET -> 03:00 CEST (01:00 UTC) ------------


def test_berlin_interval_across_spring_forward_gap_is_two_real_hours():
    cal = one_day(6, time(1), time(4))
    # 01:00 CET = 00:00 UTC; 04:00 CEST = 02:00 UTC: three wall-clock hours, two real ones.
    assert cal.working_intervals(utc(2026, 3, 28), utc(2026, 3, 30)) == [
        (utc(2026, 3, 29, 0), utc(2026, 3, 29, 2))
    ]


def test_berlin_day_shift_on_spring_forward_day_is_eight_hours():
    cal = one_day(6, time(9), time(17))
    # 09:00 CEST = 07:00 UTC; 17:00 CEST = 15:00 UTC.
    assert cal.working_intervals(utc(2026, 3, 29), utc(2026, 3, 30)) == [
        (utc(2026, 3, 29, 7), utc(2026, 3, 29, 15))
    ]


def test_berlin_interval_inside_the_gap_vanishes_and_one_starting_in_it_starts_at_the_jump():
    cal = BusinessCalendar(
        "Europe/Berlin",
        [WeeklyInterval(6, time(2), time(2, 30)), WeeklyInterval(6, time(2, 30), time(5))],
    )
    # 02:00-02:30 never happens. 02:30 does not exist either: it is read as the jump,
    # 03:00 CEST = 01:00 UTC; 05:00 CEST = 03:00 UTC.
    assert cal.working_intervals(utc(2026, 3, 28), utc(2026, 3, 30)) == [
        (utc(2026, 3, 29, 1), utc(2026, 3, 29, 3))
    ]


def test_berlin_overnight_shift_into_spring_forward():
    cal = one_day(5, time(22), time(6))
    start = utc(2026, 3, 28, 21)  # Sat 22:00 CET
    # Sat 22:00 CET (21:00 UTC) to Sun 06:00 CEST (04:00 UTC) = 7 real hours.
    assert due(cal, start, 7 * H) == utc(2026, 3, 29, 4)
    # One minute more: next Saturday 22:00 CEST = 20:00 UTC, plus 1 minute.
    assert due(cal, start, 7 * H + timedelta(minutes=1)) == utc(2026, 4, 4, 20, 1)


def test_berlin_office_hours_across_spring_forward_weekend():
    start = datetime(2026, 3, 27, 16, tzinfo=BERLIN)  # Fri 16:00 CET = 15:00 UTC
    # 1h on Friday, then Mon 2026-03-30 09:00 CEST + 1h = 10:00 CEST = 08:00 UTC.
    assert due(OFFICE_BERLIN, start, 2 * H) == utc(2026, 3, 30, 8)
    assert elapsed(OFFICE_BERLIN, start, utc(2026, 3, 30, 8)) == 2 * H


def test_whole_days_around_spring_forward():
    cal = BusinessCalendar("Europe/Berlin", weekdays(time(0), time(0), days=(5, 6)))
    # Sat 00:00 CET (Fri 23:00 UTC) to Mon 00:00 CEST (Sun 22:00 UTC): 47 hours, merged.
    assert cal.working_intervals(utc(2026, 3, 25), utc(2026, 4, 1)) == [
        (utc(2026, 3, 27, 23), utc(2026, 3, 29, 22))
    ]


# -- Europe/Berlin fall back: Sun 2026-10-25, 03:00 CEST -> 02:00 CET (01:00 UTC) -----------------


def test_berlin_interval_across_fall_back_is_four_real_hours():
    cal = one_day(6, time(1), time(4))
    # 01:00 CEST = Sat 23:00 UTC; 04:00 CET = 03:00 UTC: three wall-clock hours, four real ones.
    assert cal.working_intervals(utc(2026, 10, 24), utc(2026, 10, 26)) == [
        (utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))
    ]


def test_berlin_repeated_wall_times_are_read_as_first_occurrence():
    cal = BusinessCalendar(
        "Europe/Berlin",
        [WeeklyInterval(6, time(2), time(2, 30)), WeeklyInterval(6, time(5), time(6))],
    )
    # First 02:00 (CEST) = 00:00 UTC; first 02:30 (CEST) = 00:30 UTC. 05:00 CET = 04:00 UTC.
    assert cal.working_intervals(utc(2026, 10, 24), utc(2026, 10, 26)) == [
        (utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30)),
        (utc(2026, 10, 25, 4), utc(2026, 10, 25, 5)),
    ]
    cal = one_day(6, time(2, 30), time(6))
    # First 02:30 (CEST) = 00:30 UTC to 06:00 CET = 05:00 UTC: 4.5 hours.
    assert elapsed(cal, utc(2026, 10, 24), utc(2026, 10, 26)) == 4.5 * H


def test_berlin_office_hours_across_fall_back_weekend():
    start = utc(2026, 10, 23, 14)  # Fri 16:00 CEST
    # 1h on Friday, then Mon 2026-10-26 09:00 CET + 1h = 10:00 CET = 09:00 UTC.
    assert due(OFFICE_BERLIN, start, 2 * H) == utc(2026, 10, 26, 9)
    # To Mon 12:00 UTC = 13:00 CET: 1h Friday + Mon 09:00-13:00 CET (4h).
    assert elapsed(OFFICE_BERLIN, start, utc(2026, 10, 26, 12)) == 5 * H


# -- America/New_York: spring forward Sun 2026-03-08 (07:00 UTC), fall back Sun 2026-11-01 --------


def test_new_york_overnight_shift_into_spring_forward():
    cal = one_day(5, time(22), time(6), tz="America/New_York")
    start = datetime(2026, 3, 7, 21, tzinfo=NEW_YORK)  # Sat 21:00 EST = Sun 02:00 UTC
    # Clock starts Sat 22:00 EST = 03:00 UTC; the shift ends Sun 06:00 EDT = 10:00 UTC (7h).
    assert due(cal, start, 6 * H) == utc(2026, 3, 8, 9)
    assert due(cal, start, 7 * H) == utc(2026, 3, 8, 10)
    assert elapsed(cal, start, utc(2026, 3, 9)) == 7 * H


def test_new_york_office_hours_across_spring_forward():
    cal = BusinessCalendar("America/New_York", weekdays(time(9), time(17)))
    start = datetime(2026, 3, 6, 16, tzinfo=NEW_YORK)  # Fri 16:00 EST = 21:00 UTC
    # 1h Friday; Mon 2026-03-09 09:00 EDT + 1h = 10:00 EDT = 14:00 UTC.
    assert due(cal, start, 2 * H) == utc(2026, 3, 9, 14)


def test_new_york_overnight_shift_into_fall_back():
    cal = one_day(5, time(22), time(6), tz="America/New_York")
    # Sat 2026-10-31 22:00 EDT = Sun 02:00 UTC to Sun 06:00 EST = 11:00 UTC: 9 real hours.
    assert cal.working_intervals(utc(2026, 10, 31), utc(2026, 11, 2)) == [
        (utc(2026, 11, 1, 2), utc(2026, 11, 1, 11))
    ]
    assert due(cal, utc(2026, 11, 1, 2), 9 * H) == utc(2026, 11, 1, 11)


def test_new_york_repeated_hour_is_first_occurrence():
    cal = one_day(6, time(1), time(1, 30), tz="America/New_York")
    # First 01:00 on 2026-11-01 is EDT: 05:00 UTC to 05:30 UTC.
    assert cal.working_intervals(utc(2026, 11, 1), utc(2026, 11, 2)) == [
        (utc(2026, 11, 1, 5), utc(2026, 11, 1, 5, 30))
    ]


# -- zones whose clocks jump at midnight or skip a whole day -------------------------------------


def test_havana_spring_forward_at_midnight():
    cal = one_day(6, time(0), time(2), tz="America/Havana")
    # Sun 2026-03-08 00:00 CST does not exist: clocks jump to 01:00 CDT = 05:00 UTC;
    # 02:00 CDT = 06:00 UTC.
    assert cal.working_intervals(utc(2026, 3, 7), utc(2026, 3, 10)) == [
        (utc(2026, 3, 8, 5), utc(2026, 3, 8, 6))
    ]


def test_samoa_skipped_friday_2011_12_30():
    cal = BusinessCalendar("Pacific/Apia", weekdays(time(9), time(17)))
    # Thu 2011-12-29 09:00-17:00 at UTC-10 = 19:00-03:00 UTC; Friday never happened;
    # 8h from Thu 09:00 end Thu 17:00; 9h end Mon 2012-01-02 10:00 at UTC+14 = Jan 1 20:00 UTC.
    assert due(cal, utc(2011, 12, 29, 19), 8 * H) == utc(2011, 12, 30, 3)
    assert due(cal, utc(2011, 12, 29, 19), 9 * H) == utc(2012, 1, 1, 20)


# -- holidays, weekends, closed dates -------------------------------------------------------------


def test_bavarian_easter_holidays_are_skipped():
    bavaria = holidays.country_holidays("DE", subdiv="BY", years=2026)
    cal = BusinessCalendar("Europe/Berlin", weekdays(time(9), time(17)), closed_dates=bavaria)
    start = datetime(2026, 4, 2, 15, tzinfo=BERLIN)  # Thu 15:00 CEST = 13:00 UTC
    # Thu 2h; Good Friday 3 Apr, the weekend and Easter Monday 6 Apr closed;
    # Tue 2026-04-07 09:00 CEST + 6h = 15:00 CEST = 13:00 UTC.
    assert due(cal, start, 8 * H) == utc(2026, 4, 7, 13)
    # Without the holidays: Thu 2h + Fri 09:00 + 6h = Fri 15:00 CEST = 13:00 UTC.
    assert due(OFFICE_BERLIN, start, 8 * H) == utc(2026, 4, 3, 13)


def test_closed_dates_may_be_a_plain_set():
    cal = BusinessCalendar(
        "Europe/Berlin", weekdays(time(9), time(17)), closed_dates={date(2026, 4, 3)}
    )
    # Thu 2h, Fri closed, Mon 2026-04-06 09:00 CEST + 6h = 15:00 CEST = 13:00 UTC.
    assert due(cal, utc(2026, 4, 2, 13), 8 * H) == utc(2026, 4, 6, 13)


def test_closed_dates_are_copied():
    closed = {date(2026, 4, 3)}
    cal = BusinessCalendar("Europe/Berlin", weekdays(time(9), time(17)), closed_dates=closed)
    closed.add(date(2026, 4, 6))
    assert due(cal, utc(2026, 4, 2, 13), 8 * H) == utc(2026, 4, 6, 13)


def test_start_on_saturday_counts_from_monday_opening():
    start = datetime(2026, 1, 10, 14, tzinfo=BERLIN)  # Sat 14:00 CET
    # Mon 2026-01-12 09:00 CET + 2h = 11:00 CET = 10:00 UTC.
    assert due(OFFICE_BERLIN, start, 2 * H) == utc(2026, 1, 12, 10)
    assert elapsed(OFFICE_BERLIN, start, utc(2026, 1, 12, 8)) == timedelta(0)


def test_due_on_closing_time_is_closing_time_not_next_opening():
    # Mon 2026-01-05 09:00 CET + 8h = 17:00 CET = 16:00 UTC, not Tuesday 09:00.
    assert due(OFFICE_BERLIN, utc(2026, 1, 5, 8), 8 * H) == utc(2026, 1, 5, 16)


def test_lunch_break_splits_the_day():
    cal = BusinessCalendar(
        "Europe/Berlin", weekdays(time(8), time(12)) + weekdays(time(13), time(18))
    )
    # Mon 2026-01-05 11:00 CET: 1h to 12:00, lunch, 13:00 + 1h = 14:00 CET = 13:00 UTC.
    assert due(cal, utc(2026, 1, 5, 10), 2 * H) == utc(2026, 1, 5, 13)


# -- overnight Mon 22:00-06:00 (Europe/Berlin, CET) -----------------------------------------------


def night_shift(closed=()):
    return BusinessCalendar(
        "Europe/Berlin", [WeeklyInterval(0, time(22), time(6))], closed_dates=closed
    )


def test_overnight_shift():
    start = utc(2026, 1, 5, 20)  # Mon 21:00 CET
    # Clock starts Mon 22:00 CET = 21:00 UTC; +3h = 00:00 UTC Tue.
    assert due(night_shift(), start, 3 * H) == utc(2026, 1, 6, 0)
    # 8h that night (21:00-05:00 UTC), then Mon 2026-01-12 21:00 UTC + 2h.
    assert due(night_shift(), start, 10 * H) == utc(2026, 1, 12, 23)
    assert night_shift().working_intervals(utc(2026, 1, 5, 12), utc(2026, 1, 6, 12)) == [
        (utc(2026, 1, 5, 21), utc(2026, 1, 6, 5))
    ]


def test_closing_the_start_date_removes_the_whole_overnight_shift():
    start = utc(2026, 1, 5, 20)
    # Monday 5th closed: the shift that starts on it, including Tuesday's 00:00-06:00, is gone;
    # next shift Mon 2026-01-12 22:00 CET = 21:00 UTC, + 3h = 00:00 UTC Tue 13th.
    assert due(night_shift({date(2026, 1, 5)}), start, 3 * H) == utc(2026, 1, 13, 0)
    # Tuesday 6th closed: Monday's shift still runs into it.
    assert due(night_shift({date(2026, 1, 6)}), start, 3 * H) == utc(2026, 1, 6, 0)


def test_sunday_night_wraps_into_monday_and_merges():
    cal = BusinessCalendar(
        "UTC", [WeeklyInterval(6, time(22), time(6)), WeeklyInterval(0, time(6), time(14))]
    )
    assert cal.working_intervals(utc(2026, 1, 4), utc(2026, 1, 6)) == [
        (utc(2026, 1, 4, 22), utc(2026, 1, 5, 14))
    ]


# -- pauses ---------------------------------------------------------------------------------------

FRIDAY_10 = utc(2026, 1, 9, 9)  # Fri 10:00 CET


def test_pause_spanning_a_closed_weekend():
    pause = (utc(2026, 1, 9, 11), utc(2026, 1, 12, 10))  # Fri 12:00 CET to Mon 11:00 CET
    # Without it: Fri 10-17 (7h) + Mon 09:00 + 1h = Mon 10:00 CET = 09:00 UTC.
    assert due(OFFICE_BERLIN, FRIDAY_10, 8 * H) == utc(2026, 1, 12, 9)
    # With it: Fri 10-12 (2h) + Mon 11-17 (6h) = Mon 17:00 CET = 16:00 UTC.
    assert due(OFFICE_BERLIN, FRIDAY_10, 8 * H, [pause]) == utc(2026, 1, 12, 16)
    # At Mon 12:00 CET: 2h Friday + 1h Monday.
    assert elapsed(OFFICE_BERLIN, FRIDAY_10, utc(2026, 1, 12, 11), [pause]) == 3 * H


def test_overlapping_pauses_merge():
    pauses = [
        (utc(2026, 1, 10, 0), utc(2026, 1, 12, 10)),
        (utc(2026, 1, 9, 11), utc(2026, 1, 10, 12)),
        (utc(2026, 1, 11), utc(2026, 1, 11, 1)),
    ]
    assert due(OFFICE_BERLIN, FRIDAY_10, 8 * H, pauses) == utc(2026, 1, 12, 16)


def test_pause_started_before_the_clock_only_counts_from_the_start():
    pause = (utc(2026, 1, 9, 6), utc(2026, 1, 9, 10))  # 07:00-11:00 CET
    # Clock runs from 11:00 CET: 6h to 17:00, Mon 09:00 + 2h = 11:00 CET = 10:00 UTC.
    assert due(OFFICE_BERLIN, FRIDAY_10, 8 * H, [pause]) == utc(2026, 1, 12, 10)


def test_open_ended_pause_stops_the_clock():
    pauses = [(utc(2026, 1, 9, 11), None)]
    assert due(OFFICE_BERLIN, FRIDAY_10, 8 * H, pauses) is None
    now = status(OFFICE_BERLIN, FRIDAY_10, 8 * H, utc(2026, 1, 12, 11), pauses)
    assert (now.due, now.elapsed, now.paused, now.level) == (None, 2 * H, True, "ok")
    # A pause opened after the target was reached changes nothing.
    assert due(OFFICE_BERLIN, FRIDAY_10, 8 * H, [(utc(2026, 1, 12, 9, 30), None)]) == utc(
        2026, 1, 12, 9
    )


# -- time zones -----------------------------------------------------------------------------------

TOKYO_OFFICE = BusinessCalendar("Asia/Tokyo", weekdays(time(9), time(18)))


def test_tokyo_calendar_with_utc_input():
    # Mon 2026-01-05 08:00 UTC = 17:00 JST: 1h Monday, Tue 09:00 JST + 2h = 11:00 JST = 02:00 UTC.
    assert due(TOKYO_OFFICE, utc(2026, 1, 5, 8), 3 * H) == utc(2026, 1, 6, 2)


def test_tokyo_calendar_with_los_angeles_input():
    start = datetime(2026, 1, 4, 16, tzinfo=LOS_ANGELES)  # Sun 16:00 PST = Mon 09:00 JST
    result = due(TOKYO_OFFICE, start, 9 * H)
    # Mon 18:00 JST = 09:00 UTC = Mon 01:00 PST.
    assert result == datetime(2026, 1, 5, 1, tzinfo=LOS_ANGELES)
    assert result.tzinfo is UTC
    # Friday evening in LA is Saturday in Tokyo: Fri 18:00 PST = Sat 11:00 JST;
    # Mon 2026-01-12 09:00 JST + 1h = 10:00 JST = 01:00 UTC.
    assert due(TOKYO_OFFICE, datetime(2026, 1, 9, 18, tzinfo=LOS_ANGELES), H) == utc(2026, 1, 12, 1)


# -- 24x7 -----------------------------------------------------------------------------------------


def test_twenty_four_seven_counts_real_time_across_dst():
    cal = BusinessCalendar.twenty_four_seven("Europe/Berlin")
    start = datetime(2026, 3, 29, 0, 30, tzinfo=BERLIN)  # 00:30 CET = Sat 23:30 UTC
    # 3 real hours: 02:30 UTC = 04:30 CEST (four wall-clock hours later).
    assert due(cal, start, 3 * H) == utc(2026, 3, 29, 2, 30)
    assert elapsed(cal, start, datetime(2026, 3, 29, 4, 30, tzinfo=BERLIN)) == 3 * H
    assert due(cal, utc(2026, 1, 1), timedelta(days=400)) == utc(2027, 2, 5)


def test_twenty_four_seven_with_a_closed_day():
    cal = BusinessCalendar.twenty_four_seven("Europe/Berlin", {date(2026, 12, 25): "Christmas"})
    # Dec 24 23:00 CET (22:00 UTC): 1h to midnight CET, Dec 25 closed (23:00 UTC Dec 24 to
    # 23:00 UTC Dec 25), 1h more = 2026-12-26 00:00 UTC.
    assert due(cal, utc(2026, 12, 24, 22), 2 * H) == utc(2026, 12, 26, 0)


# -- status ---------------------------------------------------------------------------------------


def test_status_levels_and_remaining():
    cal = BusinessCalendar.twenty_four_seven()
    start = utc(2026, 1, 1)
    ok = status(cal, start, 8 * H, utc(2026, 1, 1, 5, 59))
    warning = status(cal, start, 8 * H, utc(2026, 1, 1, 6))
    at_due = status(cal, start, 8 * H, utc(2026, 1, 1, 8))
    late = status(cal, start, 8 * H, utc(2026, 1, 1, 10))
    assert (ok.level, warning.level, at_due.level, late.level) == (
        "ok",
        "warning",
        "breached",
        "breached",
    )
    assert warning.percent == 75.0 and not warning.breached
    assert at_due.breached and at_due.remaining == timedelta(0)
    assert late.remaining == -2 * H and late.percent == 125.0
    assert late.due == utc(2026, 1, 1, 8)


def test_status_in_business_hours():
    start = utc(2026, 1, 5, 8)  # Mon 09:00 CET
    # At Tue 10:00 CET: 8h Monday + 1h Tuesday = 9h of an 8h target.
    now = status(OFFICE_BERLIN, start, 8 * H, utc(2026, 1, 6, 9))
    assert (now.elapsed, now.remaining, now.breached, now.percent) == (9 * H, -H, True, 112.5)
    assert now.as_dict()["remaining_seconds"] == -3600


def test_zero_duration_is_due_at_start_and_breached():
    start = utc(2026, 1, 10, 12)  # Saturday
    assert due(OFFICE_BERLIN, start, timedelta(0)) == start
    now = status(OFFICE_BERLIN, start, timedelta(0), start)
    assert now.breached and now.percent == 100.0


# -- cache growth ---------------------------------------------------------------------------------


def test_cache_grows_in_both_directions_without_changing_answers():
    shared = BusinessCalendar(
        "Europe/Berlin",
        weekdays(time(9), time(17)),
        closed_dates=holidays.country_holidays("DE", subdiv="BY", years=range(2018, 2034)),
    )
    starts = [utc(2026, 6, 1, 12), utc(2019, 2, 3, 4), utc(2033, 11, 30, 23), utc(2026, 6, 2)]
    for start in starts:
        fresh = BusinessCalendar(shared.tz, shared.weekly, closed_dates=shared.closed_dates)
        for hours in (1, 40, 400):
            assert due(shared, start, hours * H) == due(fresh, start, hours * H)
    assert elapsed(shared, starts[1], starts[2]) == elapsed(
        BusinessCalendar(shared.tz, shared.weekly, shared.closed_dates), starts[1], starts[2]
    )


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WeeklyInterval(7, time(9), time(17)), "weekday must be an int from 0"),
        (lambda: WeeklyInterval(True, time(9), time(17)), "weekday must be an int from 0"),
        (lambda: WeeklyInterval(0, "09:00", time(17)), "start must be a datetime.time"),
        (lambda: WeeklyInterval(0, time(9), time(9)), "Mon 09:00-09:00 is zero-length"),
        (lambda: WeeklyInterval(0, time(9, tzinfo=UTC), time(17)), "without tzinfo"),
        (
            lambda: BusinessCalendar("Mars/Olympus_Mons", weekdays(time(9), time(17))),
            "unknown time zone 'Mars/Olympus_Mons'",
        ),
        (
            lambda: BusinessCalendar("../../etc/passwd", weekdays(time(9), time(17))),
            "unknown time zone",
        ),
        (lambda: BusinessCalendar("UTC", []), "at least one weekly interval"),
        (
            lambda: BusinessCalendar("UTC", weekdays(time(9), time(17)), always_open=True),
            "takes no weekly intervals",
        ),
        (
            lambda: BusinessCalendar(
                "UTC", [WeeklyInterval(0, time(9), time(17)), WeeklyInterval(0, time(12), time(18))]
            ),
            "weekly intervals overlap: Mon 09:00-17:00 and Mon 12:00-18:00",
        ),
        (
            lambda: BusinessCalendar(
                "UTC", [WeeklyInterval(0, time(22), time(6)), WeeklyInterval(1, time(5), time(7))]
            ),
            "weekly intervals overlap: Mon 22:00-06:00 and Tue 05:00-07:00",
        ),
        (
            lambda: BusinessCalendar(
                "UTC", [WeeklyInterval(6, time(22), time(6)), WeeklyInterval(0, time(5), time(7))]
            ),
            "weekly intervals overlap",
        ),
        (
            lambda: BusinessCalendar(
                "UTC", [WeeklyInterval(0, time(0), time(0)), WeeklyInterval(0, time(5), time(7))]
            ),
            "weekly intervals overlap",
        ),
        (lambda: BusinessCalendar("UTC", ["Mon 09-17"]), "weekly must hold WeeklyInterval"),
        (
            lambda: BusinessCalendar(
                "UTC", weekdays(time(9), time(17)), closed_dates={datetime(2026, 1, 1)}
            ),
            "closed_dates must hold datetime.date values",
        ),
    ],
)
def test_invalid_calendars_are_rejected_clearly(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_touching_intervals_are_allowed_and_merge():
    cal = BusinessCalendar(
        "UTC", [WeeklyInterval(0, time(9), time(12)), WeeklyInterval(0, time(12), time(17))]
    )
    assert cal.working_intervals(utc(2026, 1, 5), utc(2026, 1, 6)) == [
        (utc(2026, 1, 5, 9), utc(2026, 1, 5, 17))
    ]


NAIVE = datetime(2026, 1, 5, 9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: due(OFFICE_BERLIN, NAIVE, H), "start must be a timezone-aware datetime"),
        (lambda: elapsed(OFFICE_BERLIN, FRIDAY_10, NAIVE), "at must be a timezone-aware"),
        (lambda: status(OFFICE_BERLIN, FRIDAY_10, H, NAIVE), "at must be a timezone-aware"),
        (lambda: due(OFFICE_BERLIN, FRIDAY_10, H, [(NAIVE, None)]), "pause start must be"),
        (lambda: due(OFFICE_BERLIN, FRIDAY_10, H, [(FRIDAY_10, NAIVE)]), "pause end must be"),
        (lambda: due(OFFICE_BERLIN, FRIDAY_10, -H), "duration must not be negative"),
        (lambda: due(OFFICE_BERLIN, FRIDAY_10, 3600), "duration must be a datetime.timedelta"),
        (lambda: due(OFFICE_BERLIN, date(2026, 1, 5), H), "start must be a timezone-aware"),
        (lambda: due(OFFICE_BERLIN, FRIDAY_10, H, [FRIDAY_10]), "each pause must be a"),
        (
            lambda: due(OFFICE_BERLIN, FRIDAY_10, H, [(FRIDAY_10, FRIDAY_10 - H)]),
            "pause ends before it starts",
        ),
        (
            lambda: OFFICE_BERLIN.working_intervals(FRIDAY_10, FRIDAY_10 - H),
            "is before start",
        ),
        (lambda: OFFICE_BERLIN.working_intervals(NAIVE, FRIDAY_10), "start must be"),
    ],
)
def test_invalid_arguments_are_rejected_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- robustness ----------------------------------------------------------------------------------


def test_a_calendar_without_enough_working_time_fails_clearly():
    mondays = {date(2026, 1, 5) + timedelta(weeks=n) for n in range(110 * 53)}
    cal = BusinessCalendar("UTC", [WeeklyInterval(0, time(9), time(17))], closed_dates=mondays)
    with pytest.raises(ValueError, match="no due date within 100 years"):
        due(cal, utc(2026, 1, 1), H)


def test_concurrent_callers_share_one_calendar_safely():
    starts = [utc(2026, 1, 1) + timedelta(days=37 * n, hours=n) for n in range(-60, 60)]
    expected = [due(OFFICE_BERLIN, start, 30 * H) for start in starts]
    shared = BusinessCalendar("Europe/Berlin", weekdays(time(9), time(17)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda start: due(shared, start, 30 * H), starts))
    assert results == expected


def test_the_engine_imports_neither_django_nor_holidays():
    code = (
        "import sys, stanchion.catalog.slaclock; "
        "assert not {'django', 'holidays'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
