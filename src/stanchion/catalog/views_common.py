"""Helpers shared by the catalog pages: business durations in words, the
length of a calendar's working day, and the staff-only check.

Business durations are shown in hours, never in days: on a calendar of 10
working hours a day, "2 d" would be ambiguous (48 h? two working days?), so
40 business hours read "40 h". The one exception is the promised delivery
time on the employee catalog (``delivery_in_words``), where people think in
working days; there a working day is the service calendar's average working
day, and the exact hours are shown beside it.
"""

import math
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied

from stanchion.accounts.roles import is_staff_role
from stanchion.core.views import PermissionRequiredMixin

HOUR = timedelta(hours=1)
DAY_SECONDS = 24 * 3600


def business_duration(value):
    """timedelta -> "10 min", "4 h", "1 h 30 min", "40 h" (hours never become days)."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    minutes, seconds = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if seconds or not parts:
        parts.append(f"{seconds} s")
    return " ".join(parts)


def duration_input(value):
    """The text a duration field shows for editing: "1h 30m", "40h", "10m"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours}h {minutes}m"
    return f"{hours}h" if hours else f"{minutes}m"


def interval_seconds(start, end):
    """Length of a weekly interval; an end at or before the start runs overnight."""
    a = start.hour * 3600 + start.minute * 60 + start.second
    b = end.hour * 3600 + end.minute * 60 + end.second
    return b - a if b > a else b - a + DAY_SECONDS


def working_day_hours(calendar, intervals):
    """The calendar's average working day in hours (24 for a 24x7 calendar):
    the week's working time divided by the days that have any."""
    if calendar.is_24x7:
        return 24.0
    days = {i.weekday for i in intervals}
    if not days:
        return 0.0
    total = sum(interval_seconds(i.start, i.end) for i in intervals)
    return total / len(days) / 3600


def delivery_in_words(target, day_hours, around_the_clock=False):
    """The promise an employee reads: "within 8 business hours", "within 4
    business days" (days of ``day_hours``; a part day counts as a whole one)."""
    if target is None:
        return ""
    hours = target / HOUR
    unit = "" if around_the_clock else "business "
    if day_hours and hours >= day_hours:
        # The small tolerance keeps 40 h on 8-hour days at exactly 5 days.
        days = math.ceil(hours / day_hours - 1e-9)
        return f"within {days} {unit}day{'' if days == 1 else 's'}"
    if hours >= 1 and hours == int(hours):
        return f"within {int(hours)} {unit}hour{'' if hours == 1 else 's'}"
    return f"within {business_duration(target)}" + ("" if around_the_clock else " of business time")


class StaffPageMixin(PermissionRequiredMixin):
    """IT pages (portfolio, calendars, policies): employees who only request
    things use the service catalog instead, and get 403 here."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_datetime(naive: datetime, zone) -> datetime:
    """A wall-clock time read in ``zone``; a time that occurs twice is its
    first occurrence, as the SLA engine reads calendar times."""
    return naive.replace(tzinfo=zone, fold=0)


def clock(value: time) -> str:
    return f"{value:%H:%M}"
