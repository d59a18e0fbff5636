"""The calendar page: the working intervals of a chosen week and the
due-time calculator, with expected values worked out by hand."""

from datetime import time

from django.urls import reverse

from stanchion.catalog import services

HTMX_WEEK = {"HX-Request": "true", "HX-Target": "calendar-week"}
HTMX_DUE = {"HX-Request": "true", "HX-Target": "due-calculator"}


def rows_of(body):
    """{day label: text of its row} from the week table."""
    table = body.split('<table class="data week">')[1].split("</tbody>")[0]
    rows = {}
    for row in table.split("<tr")[2:]:
        label = row.split('class="nowrap">')[1].split("</th>")[0]
        rows[label] = " ".join(row.split())
    return rows


def test_week_with_christmas_shows_the_right_intervals(catalog_admin, web_client, berlin):
    # Berlin office: Mon-Fri 09:00-17:00, holidays of DE/BE. The week of
    # Mon 21 Dec 2026: Mon-Thu open 8 h each; Fri 25 Dec (Christmas Day) and
    # Sat 26 Dec (Second Day of Christmas) are public holidays; Sun closed.
    url = reverse("catalog:calendar-detail", args=[berlin.pk])
    response = web_client(catalog_admin).get(url, {"week": "2026-12-23"}, headers=HTMX_WEEK)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Week of 21 Dec 2026" in body
    rows = rows_of(body)
    assert list(rows) == [
        "Mon 21 Dec",
        "Tue 22 Dec",
        "Wed 23 Dec",
        "Thu 24 Dec",
        "Fri 25 Dec",
        "Sat 26 Dec",
        "Sun 27 Dec",
    ]
    for day in ("Mon 21 Dec", "Tue 22 Dec", "Wed 23 Dec", "Thu 24 Dec"):
        assert '<span class="interval">09:00–17:00</span>' in rows[day]
    assert "Public holiday</span> Christmas Day" in rows["Fri 25 Dec"]
    assert "Public holiday</span> Second Day of Christmas" in rows["Sat 26 Dec"]
    for day in ("Fri 25 Dec", "Sat 26 Dec", "Sun 27 Dec"):
        assert 'class="interval"' not in rows[day]
    assert "<strong>32 h</strong>" in body
    # Moving on is one htmx request that swaps this card and keeps the URL.
    assert f'hx-get="/calendars/{berlin.pk}/?week=2026-12-28"' in body
    assert f'hx-get="/calendars/{berlin.pk}/?week=2026-12-14"' in body


def test_a_custom_closure_is_named_in_its_week(catalog_admin, web_client, berlin):
    from datetime import date

    services.add_closure(berlin, actor=catalog_admin, date=date(2027, 3, 3), name="Office move")
    body = (
        web_client(catalog_admin)
        .get(reverse("catalog:calendar-detail", args=[berlin.pk]), {"week": "2027-03-01"})
        .content.decode()
    )
    rows = rows_of(body)
    assert "Closure</span> Office move" in rows["Wed 3 Mar"]
    assert "<strong>32 h</strong>" in body


def test_overnight_shift_shows_on_both_days(catalog_admin, web_client):
    # Monday 22:00-06:00: two hours on Monday, six on Tuesday morning.
    night = services.create_calendar(
        actor=catalog_admin,
        name="Night desk",
        time_zone="America/New_York",
        intervals=[(0, time(22), time(6))],
    )
    body = (
        web_client(catalog_admin)
        .get(reverse("catalog:calendar-detail", args=[night.pk]), {"week": "2026-06-10"})
        .content.decode()
    )
    rows = rows_of(body)
    assert '<span class="interval">22:00–24:00</span>' in rows["Mon 8 Jun"]
    assert '<span class="interval">00:00–06:00</span>' in rows["Tue 9 Jun"]
    assert "<strong>8 h</strong>" in body


def test_due_calculator_over_christmas(catalog_admin, web_client, berlin):
    # Start Thu 24 Dec 2026 16:00 Berlin, 4 business hours: 1 h on Thursday
    # (16:00-17:00); Fri 25 and Sat 26 are holidays, Sun 27 is closed; 3 h on
    # Mon 28 Dec (09:00-12:00). Due Mon 28 Dec 12:00 CET = 11:00 UTC.
    url = reverse("catalog:calendar-detail", args=[berlin.pk])
    response = web_client(catalog_admin).get(
        url, {"start": "2026-12-24T16:00", "duration": "4h"}, headers=HTMX_DUE
    )
    body = " ".join(response.content.decode().split())
    assert response.status_code == 200 and "<html" not in body
    assert "Mon 28 Dec 2026, 12:00" in body
    assert "2026-12-28 11:00 UTC" in body
    assert "Skipped <strong>Fri 25 Dec 2026</strong>: public holiday “Christmas Day”" in body
    # Saturday has no working hours to lose, so only Christmas Day is named.
    assert "Second Day of Christmas" not in body
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "Thu 24 Dec</td><td>16:00</td><td>17:00" in rows[0]
    assert '<td class="num">1 h</td><td class="num">1 h</td>' in rows[0]
    assert "Mon 28 Dec</td><td>09:00</td><td>12:00" in rows[1]
    assert '<td class="num">3 h</td><td class="num">4 h</td>' in rows[1]


def test_due_calculator_start_outside_hours_says_when_the_clock_started(
    catalog_admin, web_client, berlin
):
    # Saturday 19 Dec 2026 10:00; the clock starts Mon 21 Dec 09:00 and
    # 1 h 30 min later it is due: 10:30.
    body = (
        web_client(catalog_admin)
        .get(
            reverse("catalog:calendar-detail", args=[berlin.pk]),
            {"start": "2026-12-19T10:00", "duration": "1h 30m"},
        )
        .content.decode()
    )
    text = " ".join(body.split())
    assert "the clock starts at the next opening: <strong>Mon 21 Dec, 09:00</strong>" in text
    assert "Mon 21 Dec 2026, 10:30" in text


def test_due_calculator_names_bad_input(catalog_admin, web_client, berlin):
    response = web_client(catalog_admin).get(
        reverse("catalog:calendar-detail", args=[berlin.pk]),
        {"start": "someday", "duration": "later"},
        headers=HTMX_DUE,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_start_errors"' in body and "Enter a valid date/time." in body
    assert 'id="id_duration_errors"' in body and "Enter a duration such as 45m" in body
    assert "Why then?" not in body


def test_bad_week_date_falls_back_to_this_week_with_a_message(catalog_admin, web_client, berlin):
    response = web_client(catalog_admin).get(
        reverse("catalog:calendar-detail", args=[berlin.pk]), {"week": "2026-13-40"}
    )
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
