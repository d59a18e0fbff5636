"""The change calendar as iCalendar (RFC 5545), for the private feeds.

Changes are single events at their planned times, written in UTC: they are
instants, whoever reads them. Maintenance windows are recurring events in
their service calendar's time zone (DTSTART with a TZID, a weekly RRULE and an
exact DURATION), with that zone's VTIMEZONE included, so that a calendar
application expands them across daylight-saving changes exactly as
changes.windows does.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from .choices import ChangeState, ChangeType
from .windows import local_start

PRODID = "-//Stanchion//Change calendar//EN"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Scheduled and implementing changes are confirmed; later ones have happened.
_STATUS = {"scheduled": "CONFIRMED", "implementing": "CONFIRMED", "cancelled": "CANCELLED"}


def _uid(kind, pk, domain):
    return f"{kind}-{pk}@{domain}"


def change_event(change, *, domain="stanchion", url=None):
    event = Event()
    event.add("uid", _uid("change", change.pk, domain))
    event.add("dtstamp", change.updated_at)
    event.add("last-modified", change.updated_at)
    event.add("summary", f"{change.number} {change.title}")
    event.add("dtstart", change.planned_start)
    event.add("dtend", change.planned_end)
    event.add("status", _STATUS.get(change.state, "CONFIRMED"))
    event.add("categories", [ChangeType.label(change.change_type)])
    services = ", ".join(s.name for s in change.services.all())
    lines = [
        f"{ChangeType.label(change.change_type)} change, {ChangeState.label(change.state)}",
        f"Services: {services or 'none'}",
    ]
    if change.risk_level:
        lines.append(f"Risk: {change.risk_level} ({change.risk_score})")
    if change.implementer_team_id:
        lines.append(f"Implementer team: {change.implementer_team}")
    if url:
        event.add("url", url)
        lines.append(url)
    event.add("description", "\n".join(lines))
    return event


def _first_day(window, anchor):
    """The first date on or after ``anchor`` (or valid_from) on one of the
    window's weekdays: RFC 5545 counts DTSTART as the first occurrence."""
    day = max(filter(None, [window.valid_from, anchor]))
    days = set(window.weekdays)
    for _ in range(7):
        if day.weekday() in days:
            return day
        day += timedelta(days=1)
    return day


def window_event(window, *, anchor, domain="stanchion"):
    zone = ZoneInfo(window.service.calendar.time_zone)
    start = local_start(_first_day(window, anchor), window.start_time, zone)
    event = Event()
    event.add("uid", _uid("window", window.pk, domain))
    event.add("dtstamp", window.updated_at)
    event.add("last-modified", window.updated_at)
    event.add("summary", f"Maintenance window: {window.service.name} ({window.name})")
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=window.duration_minutes))
    rule = {"freq": "weekly", "byday": [BYDAY[d] for d in sorted(window.weekdays)], "wkst": "MO"}
    if window.valid_until:
        # UNTIL is in UTC when DTSTART has a time zone (RFC 5545 3.3.10):
        # the last local start on valid_until is still included.
        last = datetime.combine(window.valid_until, datetime.max.time(), tzinfo=zone)
        rule["until"] = last.astimezone(ZoneInfo("UTC")).replace(microsecond=0)
    event.add("rrule", vRecur(rule))
    event.add("transp", "TRANSPARENT")  # a window does not make anyone busy
    event.add("categories", ["Maintenance window"])
    event.add("description", f"Changes to {window.service.name} may be made in this window.")
    return event


def feed(changes, windows, *, name, anchor=None, domain="stanchion", url_for=None) -> bytes:
    """The feed as bytes: ``changes`` with planned times, ``windows`` with
    their services and calendars loaded. ``anchor`` is the first date window
    series start from (default: today); ``url_for(change)`` gives each change
    a link back."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    for change in changes:
        if change.planned_start and change.planned_end:
            url = url_for(change) if url_for else None
            calendar.add_component(change_event(change, domain=domain, url=url))
    anchor = anchor or datetime.now(ZoneInfo("UTC")).date()
    for window in windows:
        if window.valid_until and window.valid_until < anchor:
            continue
        calendar.add_component(window_event(window, anchor=anchor, domain=domain))
    calendar.add_missing_timezones()
    return calendar.to_ical()
