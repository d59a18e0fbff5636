"""When the demo company's tickets arrive over its past year: pure planning,
no Django (``demo.py`` turns the plan into tickets through the services).

Seasonality a service desk sees: weekdays busy and weekends nearly empty,
Monday the busiest day and Monday morning its busiest hours (the weekend's
problems), a mid-morning peak on every working day, August and the last two
weeks of December quiet (holidays), January and September busy (people come
back, new joiners start). A few outages bring a burst of reports about one
service within an hour or two.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Monday .. Sunday
WEEKDAY_WEIGHT = (1.35, 1.1, 1.0, 1.0, 0.85, 0.08, 0.05)
MONTH_WEIGHT = {1: 1.1, 2: 1.0, 3: 1.05, 4: 1.0, 5: 0.95, 6: 1.0}
MONTH_WEIGHT |= {7: 0.9, 8: 0.6, 9: 1.1, 10: 1.05, 11: 1.0, 12: 0.75}
# Local hour -> weight on a working day: a mid-morning peak, lunch dip.
HOUR_WEIGHT = {7: 1, 8: 5, 9: 10, 10: 10, 11: 8, 12: 5, 13: 6, 14: 7, 15: 6, 16: 5, 17: 3}
HOUR_WEIGHT |= {18: 1.5, 19: 0.7, 20: 0.4, 21: 0.3, 22: 0.2, 23: 0.1}
HOUR_WEIGHT |= {hour: 0.1 for hour in range(7)}
MONDAY_MORNING = 1.6  # extra weight on Monday 08:00-11:59
OUTAGES = 4
OUTAGE_REPORTS = (12, 30)  # reports per outage in a busy year


def outage_reports(count):
    """How many people report one outage, low and high, for a year of
    ``count`` tickets: a small company sends fewer reports."""
    low, high = OUTAGE_REPORTS
    return min(low, max(3, count // 60)), min(high, max(6, count // 25))


@dataclass(frozen=True)
class Arrival:
    at: datetime  # UTC
    outage: int | None = None  # which outage it reports, if any


def day_weight(day):
    weight = WEEKDAY_WEIGHT[day.weekday()] * MONTH_WEIGHT[day.month]
    if day.month == 12 and day.day >= 20 or day.month == 1 and day.day == 1:
        weight *= 0.35  # the holidays
    return weight


def _pick_hour(rng, monday):
    hours = list(HOUR_WEIGHT)
    weights = [HOUR_WEIGHT[h] * (MONDAY_MORNING if monday and 8 <= h < 12 else 1) for h in hours]
    return rng.choices(hours, weights)[0]


def arrivals(rng, count, *, end, days=365, utc_offset_hours=1, outages=OUTAGES, backlog=None):
    """``count`` arrivals over the ``days`` before ``end``, in time order.
    Times are drawn in a local day (``utc_offset_hours`` from UTC) and
    returned in UTC; nothing lies after ``end``. On top of ``count``: the
    outage reports, and ``backlog`` tickets (default: one in fifty, at least
    ten) raised over the two days before ``end``, so that whoever opens the
    demo finds this week's work in the queues however small the year."""
    end = end.astimezone(UTC)
    offset = timedelta(hours=utc_offset_hours)
    first_day = (end + offset).date() - timedelta(days=days - 1)
    calendar = [first_day + timedelta(days=n) for n in range(days)]
    weights = [day_weight(day) for day in calendar]
    scale = count / sum(weights)
    result = []
    planned, emitted = 0.0, 0
    for day, weight in zip(calendar, weights, strict=True):
        # Rounding the running total gives each day its share and the year
        # exactly ``count``.
        planned += weight * scale
        today = round(planned) - emitted
        emitted += today
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
        for _ in range(today):
            hour = _pick_hour(rng, day.weekday() == 0)
            at = midnight + timedelta(hours=hour, seconds=rng.randrange(3600))
            result.append(Arrival(at if at <= end else end - timedelta(seconds=rng.randrange(600))))
    result += _outage_reports(rng, calendar, offset, end, outages, outage_reports(count))
    backlog = max(10, count // 50) if backlog is None else backlog
    result += [Arrival(end - timedelta(seconds=rng.randrange(2 * 86_400))) for _ in range(backlog)]
    result.sort(key=lambda arrival: arrival.at)
    return result


def _outage_reports(rng, calendar, offset, end, outages, reports_range):
    """Each outage starts on a working day at a working hour, and people
    report it over the next 90 minutes, most of them in the first 30."""
    working = [day for day in calendar[:-2] if day.weekday() < 5]
    reports = []
    for outage, day in enumerate(sorted(rng.sample(working, min(outages, len(working))))):
        start = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
        start += timedelta(hours=rng.randint(8, 15), minutes=rng.randrange(60))
        for _ in range(rng.randint(*reports_range)):
            delay = timedelta(minutes=min(90, rng.expovariate(1 / 20)))
            reports.append(Arrival(min(start + delay, end), outage=outage))
    return reports
