"""Reporting periods in Europe/Berlin: boundaries, DST changes, the periods
before, custom ranges and bad input. Pure Python, no database."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stanchion.metrics import periods
from stanchion.metrics.periods import PeriodError

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def test_november_runs_from_berlin_midnight_to_berlin_midnight():
    p = periods.containing("month", date(2026, 11, 17), BERLIN)
    # CET is UTC+1 all month.
    assert p.start == utc(2026, 10, 31, 23)
    assert p.end == utc(2026, 11, 30, 23)
    assert (p.kind, p.key, p.label) == ("month", "2026-11", "November 2026")
    assert p.seconds == 30 * 24 * HOUR


def test_october_has_the_extra_hour_of_the_dst_change():
    # Summer time ends on Sunday 2026-10-25: starts at UTC+2, ends at UTC+1.
    p = periods.containing("month", date(2026, 10, 31), BERLIN)
    assert p.start == utc(2026, 9, 30, 22)
    assert p.end == utc(2026, 10, 31, 23)
    assert p.seconds == (31 * 24 + 1) * HOUR


def test_march_lacks_the_hour_of_the_dst_change():
    # Summer time starts on Sunday 2026-03-29: starts at UTC+1, ends at UTC+2.
    p = periods.containing("month", date(2026, 3, 1), BERLIN)
    assert p.start == utc(2026, 2, 28, 23)
    assert p.end == utc(2026, 3, 31, 22)
    assert p.seconds == (31 * 24 - 1) * HOUR


def test_week_across_the_autumn_dst_change():
    # 2026-10-25 is a Sunday; its ISO week starts Monday 2026-10-19.
    p = periods.containing("week", date(2026, 10, 25), BERLIN)
    assert p.start == utc(2026, 10, 18, 22)
    assert p.end == utc(2026, 10, 25, 23)
    assert p.seconds == 169 * HOUR
    # 2026-01-01 is a Thursday, so ISO week 1 starts 2025-12-29 and
    # 2026-10-19 is 294 days later: week 294 // 7 + 1 = 43.
    assert (p.key, p.label) == ("2026-W43", "Week 43, 2026")


def test_week_across_the_spring_dst_change():
    p = periods.containing("week", date(2026, 3, 23), BERLIN)
    assert p.start == utc(2026, 3, 22, 23)
    assert p.end == utc(2026, 3, 29, 22)
    assert p.seconds == 167 * HOUR


def test_week_starts_on_monday_whatever_day_is_given():
    monday = periods.containing("week", date(2026, 11, 16), BERLIN)
    for offset in range(7):
        assert periods.containing("week", date(2026, 11, 16) + timedelta(offset), BERLIN) == monday
    assert monday.key == "2026-W47"


def test_the_week_of_new_year_belongs_to_the_iso_year_it_starts_in():
    # Friday 2027-01-01: its week starts Monday 2026-12-28, the 53rd of 2026
    # (a year starting on a Thursday has 53 ISO weeks).
    p = periods.containing("week", date(2027, 1, 1), BERLIN)
    assert p.start == utc(2026, 12, 27, 23)
    assert (p.key, p.label) == ("2026-W53", "Week 53, 2026")
    following = periods.containing("week", date(2027, 1, 4), BERLIN)
    assert following.key == "2027-W01"
    assert following.previous() == p


def test_quarters():
    q4 = periods.containing("quarter", date(2026, 11, 15), BERLIN)
    assert q4.start == utc(2026, 9, 30, 22)  # 1 October, summer time
    assert q4.end == utc(2026, 12, 31, 23)  # 1 January, winter time
    assert (q4.key, q4.label) == ("2026-Q4", "Q4 2026")
    # Oct 31 + Nov 30 + Dec 31 days, plus the hour of 25 October.
    assert q4.seconds == (92 * 24 + 1) * HOUR
    for day in (date(2026, 10, 1), date(2026, 12, 31)):
        assert periods.containing("quarter", day, BERLIN) == q4
    q1 = periods.containing("quarter", date(2027, 2, 1), BERLIN)
    assert q1.key == "2027-Q1"
    assert q1.previous() == q4
    assert q4.previous().key == "2026-Q3"


def test_previous_crosses_the_year():
    january = periods.containing("month", date(2027, 1, 9), BERLIN)
    december = january.previous()
    assert december.key == "2026-12"
    assert december.end == january.start
    assert december.start == utc(2026, 11, 30, 23)


def test_history_is_oldest_first_and_contiguous():
    nov = periods.containing("month", date(2026, 11, 1), BERLIN)
    history = nov.history(12)
    assert [p.key for p in history] == [
        "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]  # fmt: skip
    for earlier, later in zip(history, history[1:], strict=False):
        assert earlier.end == later.start
    assert nov.history(1) == [nov]
    weeks = periods.containing("week", date(2026, 11, 18), BERLIN).history(3)
    assert [w.key for w in weeks] == ["2026-W45", "2026-W46", "2026-W47"]


def test_custom_range_includes_both_days():
    p = periods.custom(date(2026, 11, 1), date(2026, 11, 14), BERLIN)
    assert p.start == utc(2026, 10, 31, 23)
    assert p.end == utc(2026, 11, 14, 23)
    assert p.key == "2026-11-01..2026-11-14"  # both days, as asked for
    assert p.label == "2026-11-01 – 2026-11-14"
    assert p.seconds == 14 * 24 * HOUR
    # The fourteen calendar days before: 18 to 31 October (summer time
    # until the 25th), so it starts at 22:00 UTC.
    before = p.previous()
    assert (before.start, before.end) == (utc(2026, 10, 17, 22), p.start)
    assert before.key == "2026-10-18..2026-10-31"
    assert before.seconds == (14 * 24 + 1) * HOUR
    assert before.kind == "custom"


def test_custom_single_day_on_the_dst_change_is_25_hours():
    p = periods.custom(date(2026, 10, 25), date(2026, 10, 25), BERLIN)
    assert (p.start, p.end) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert p.seconds == 25 * HOUR


def test_half_open_bounds():
    nov = periods.containing("month", date(2026, 11, 1), BERLIN)
    dec = nov.previous().previous()  # nothing shared with november
    assert nov.previous().end == nov.start
    # The instant the month ends is the next month's first.
    next_month = periods.containing("month", date(2026, 12, 1), BERLIN)
    assert next_month.start == nov.end
    assert dec.end < nov.start


def test_a_late_utc_evening_belongs_to_the_next_berlin_day():
    # 23:30 UTC on 31 October is 00:30 on 1 November in Berlin.
    moment = utc(2026, 10, 31, 23, 30)
    local_day = moment.astimezone(BERLIN).date()
    nov = periods.containing("month", local_day, BERLIN)
    assert nov.key == "2026-11"
    assert nov.start <= moment < nov.end


def test_custom_range_limits():
    with pytest.raises(PeriodError) as error:
        periods.custom(date(2026, 11, 2), date(2026, 11, 1), BERLIN)
    assert error.value.field == "end"
    assert "before the start" in error.value.message
    # Two years of 366 days is the longest range.
    periods.custom(date(2025, 1, 1), date(2025, 1, 1) + timedelta(days=731), BERLIN)
    with pytest.raises(PeriodError) as error:
        periods.custom(date(2025, 1, 1), date(2025, 1, 1) + timedelta(days=732), BERLIN)
    assert error.value.field == "end"
    assert "732" in error.value.message


def test_parse_kinds():
    today = date(2026, 11, 26)
    assert periods.parse(None, tz="Europe/Berlin", today=today).key == "2026-11"
    assert periods.parse("month", at="2026-02-10", tz="Europe/Berlin").key == "2026-02"
    assert periods.parse("quarter", tz=BERLIN, today=today).key == "2026-Q4"
    assert periods.parse("week", at="2026-11-22", tz="Europe/Berlin").key == "2026-W47"
    p = periods.parse("custom", start="2026-11-01", end="2026-11-01", tz="Europe/Berlin")
    assert (p.start, p.end) == (utc(2026, 10, 31, 23), utc(2026, 11, 1, 23))
    # The zone decides the boundaries.
    assert periods.parse("month", at="2026-11-05", tz="UTC").start == utc(2026, 11, 1)


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ({"kind": "year"}, "period", "Unknown period 'year'"),
        ({"kind": "custom", "end": "2026-11-02"}, "start", "needs a start"),
        ({"kind": "custom", "start": "2026-11-02"}, "end", "and an end"),
        ({"kind": "custom", "start": "2026-13-01", "end": "2026-12-01"}, "start", "2026-13-01"),
        ({"kind": "custom", "start": "2026-11-01", "end": "tomorrow"}, "end", "tomorrow"),
        ({"kind": "month", "at": "01/11/2026"}, "at", "like 2026-11-01"),
        ({"kind": "custom", "start": "2026-11-05", "end": "2026-11-01"}, "end", "before"),
    ],
)
def test_parse_rejects_bad_input_naming_the_field(arguments, field, words):
    kind = arguments.pop("kind")
    with pytest.raises(PeriodError) as error:
        periods.parse(kind, tz="Europe/Berlin", **arguments)
    assert error.value.field == field
    assert words in error.value.message
    assert str(error.value) == error.value.message


def test_containing_rejects_unknown_kind():
    with pytest.raises(PeriodError) as error:
        periods.containing("fortnight", date(2026, 11, 1), BERLIN)
    assert error.value.field == "period"
