"""The change calendar: a month or a week of changes, maintenance windows and
blackouts in the viewer's time zone, filtered by service or team, with the
changes in conflict marked.

The page costs a fixed number of queries however many changes there are:
the changes of the period are first read as (id, start, end) only, to fill
the days; the details are then read for the few each day shows; conflicts
come from what each change stored when it was last planned
(changes.conflicts), read for the period's conflicting changes only.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views import View

from stanchion.accounts.models import Team
from stanchion.catalog.models import Service

from .choices import PLANNED_STATES, ChangeState
from .models import Blackout, Change, MaintenanceWindow
from .views_base import ChangePageMixin, ZonedMixin, can, viewer_zone
from .windows import occurrences

# Draft changes have no agreed time yet; cancelled ones will not happen.
CALENDAR_STATES = ("assessment", "authorisation", "scheduled", "implementing", "review", "closed")
PER_DAY = {"month": 6, "week": 40}
LOOKBACK = timedelta(days=7)


def select_html(field, options, selected, empty):
    """A filter's <select>, written out directly: Django's widget renders
    each of 500 services' options through a template."""
    chosen = str(selected) if selected not in (None, "") else ""
    rendered = "".join(
        f'<option value="{pk}"{" selected" if str(pk) == chosen else ""}>{escape(name)}</option>'
        for pk, name in options
    )
    return format_html(
        '<select name="{}" id="id_{}"><option value="">{}</option>{}</select>',
        field,
        field,
        empty,
        mark_safe(rendered),  # noqa: S308 - every name escaped above
    )


class CalendarFilterForm(forms.Form):
    view = forms.ChoiceField(
        choices=[("month", "Month"), ("week", "Week")], required=False, label="View"
    )
    date = forms.DateField(
        required=False, label="Showing", widget=forms.DateInput({"type": "date"})
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="Any service"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="Any team"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.visible_to(user).only("pk", "name")
        self.fields["team"].queryset = (
            Team.objects.visible_to(user).filter(is_active=True).only("pk", "name")
        )

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and not date(1970, 1, 1) <= value <= date(2999, 12, 31):
            raise forms.ValidationError("Choose a date between 1970 and 2999.")
        return value


@dataclass
class Day:
    day: date
    in_period: bool
    today: bool
    changes: list = field(default_factory=list)
    more: int = 0
    windows: list = field(default_factory=list)
    blackouts: list = field(default_factory=list)


def period_of(view, day):
    """The first and last date shown: whole weeks, Monday to Sunday."""
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    month_start = day.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    first = month_start - timedelta(days=month_start.weekday())
    last_day = next_month - timedelta(days=1)
    return first, last_day + timedelta(days=6 - last_day.weekday())


def neighbours(view, day):
    if view == "week":
        return day - timedelta(days=7), day + timedelta(days=7)
    month_start = day.replace(day=1)
    previous = (month_start - timedelta(days=1)).replace(day=1)
    following = (month_start + timedelta(days=32)).replace(day=1)
    return previous, following


def local_days(start, end, zone, first, last):
    """The local dates an interval [start, end) touches, within first..last."""
    begins = max(start.astimezone(zone).date(), first)
    ends = min((end - timedelta(microseconds=1)).astimezone(zone).date(), last)
    day = begins
    while day <= ends:
        yield day
        day += timedelta(days=1)


def _raw(queryset):
    """Rows as the database returns them, without Django's per-value
    conversions (on SQLite, datetimes stay text): a month holds thousands."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def day_edges(first, last, zone, sample):
    """The UTC starts of the days first..last+1 in the form the database
    returned ``sample`` in (aware or naive UTC datetime, or text), so that
    rows are placed in days without converting each one."""
    edges = [
        datetime.combine(first + timedelta(days=n), time(), tzinfo=zone).astimezone(UTC)
        for n in range((last - first).days + 2)
    ]
    if isinstance(sample, str) and connection.vendor == "postgresql":
        # timestamptz as text in the connection's zone, UTC: "... 09:30:00+00"
        # (fractions, when any, sort after the edge of the same second).
        return [f"{edge:%Y-%m-%d %H:%M:%S}+00" for edge in edges]
    if isinstance(sample, str):
        return [connection.ops.adapt_datetimefield_value(edge) for edge in edges]
    if isinstance(sample, datetime) and sample.tzinfo is None:
        return [edge.replace(tzinfo=None) for edge in edges]
    return edges


def period_rows(user, allowed, start, end):
    """(id, planned start, planned end) of the calendar's changes overlapping
    [start, end) (only ids in ``allowed``, unless None), earliest first, the
    times as stored. Changes that started more than LOOKBACK before the
    period are looked for among planned ones only: a finished change longer
    than a week shows from the day it started.

    A month holds thousands of changes: they are read from the
    (planned_start, planned_end) index alone, whatever their state or
    services, and then the few in states the calendar leaves out (drafts,
    cancelled) are taken away, and with a filter, those outside the ids the
    filter allows (read from the change-service and team indexes). That
    spares a table lookup for each change of the month."""
    everything = Change.objects.visible_to(user)
    skip = set()
    for state in ChangeState.values():
        if state not in CALENDAR_STATES:
            # From the (state, planned_start) index alone: a superset is harmless.
            hidden = everything.filter(
                state=state, planned_start__gte=start - LOOKBACK, planned_start__lt=end
            )
            skip.update(hidden.order_by().values_list("pk", flat=True))
    recent = everything.filter(
        planned_start__gte=start - LOOKBACK, planned_start__lt=end, planned_end__gt=start
    )
    # As text in UTC, which sorts like the times it holds: both databases'
    # drivers would otherwise parse thousands of datetimes in Python.
    text = {
        "begins": Cast("planned_start", TextField()),
        "ends": Cast("planned_end", TextField()),
    }
    # One query a state: each a range of the (state, planned_start) index.
    parts = [
        everything.filter(state=state, planned_start__lt=start - LOOKBACK, planned_end__gt=start)
        .annotate(**text)
        .order_by()
        .values_list("pk", "begins", "ends")
        for state in PLANNED_STATES
    ]
    # Four small queries, not a UNION (which PostgreSQL runs in parallel
    # workers whose start costs more than the queries).
    rows = sorted((row for part in parts for row in _raw(part)), key=lambda row: (row[1], row[0]))
    # In the (planned_start, planned_end) index's own order: no sort.
    fields = recent.annotate(**text).values_list("pk", "begins", "ends")
    rows.extend(_raw(fields.order_by("planned_start", "planned_end", "pk")))
    return [row for row in rows if row[0] not in skip and (allowed is None or row[0] in allowed)]


def allowed_ids(service, team):
    """Ids of the changes a service or team filter lets through: on the
    service; for a team, implemented by it or on a service it owns or
    supports."""
    through = Change.services.through.objects.order_by()
    if service is not None:
        ids = set(through.filter(service=service).values_list("change_id", flat=True))
    else:
        ids = None
    if team is not None:
        services = Service.objects.filter(Q(owner_team=team) | Q(support_team=team))
        mine = set(through.filter(service__in=services).values_list("change_id", flat=True))
        mine.update(
            Change.objects.filter(implementer_team=team).order_by().values_list("pk", flat=True)
        )
        ids = mine if ids is None else ids & mine
    return ids


def scoped_windows(user, service, team):
    windows = MaintenanceWindow.objects.visible_to(user).select_related("service__calendar")
    if service is not None:
        return windows.filter(service=service)
    if team is not None:
        return windows.filter(Q(service__owner_team=team) | Q(service__support_team=team))
    return windows.none()  # unfiltered: 500 services' windows would drown the changes


def scoped_blackouts(user, service, team):
    blackouts = Blackout.objects.visible_to(user)
    if service is not None:
        return blackouts.filter(Q(services__isnull=True) | Q(services=service)).distinct()
    if team is not None:
        team_services = Service.objects.filter(Q(owner_team=team) | Q(support_team=team))
        return blackouts.filter(Q(services__isnull=True) | Q(services__in=team_services)).distinct()
    return blackouts


def _span(begins, ends, zone):
    begins, ends = begins.astimezone(zone), ends.astimezone(zone)
    return f"{begins:%a %-d %b %H:%M} – {ends:%a %-d %b %H:%M}"


def change_item(change, services, conflicts, overridden, zone, url_pattern):
    """What a day cell shows of a change (a values() row), written out and
    escaped here rather than in the template: a month shows a few hundred.
    ``url_pattern`` is a change page's URL reversed once a page."""
    number = change["number"]
    tooltip = [
        f"{number} {change['title']}",
        _span(change["planned_start"], change["planned_end"], zone),
    ]
    if services:
        tooltip.append(", ".join(services))
    tooltip.extend(f"⚠ {c.get('message', '')}" for c in conflicts)
    css = "change"
    if conflicts:
        css += " conflict overridden" if overridden else " conflict"
    return {
        "number": number,
        "html_start": (
            f'<li class="{css}" title="{escape(" · ".join(tooltip))}">'
            f'<a href="{escape(url_pattern.replace("CHG-0", number))}">{"⚠ " if conflicts else ""}'
        ),
        "html_end": f" {escape(number)}</a>",
        "week_extra": (
            f" {escape(change['title'])} "
            f'<span class="badge badge-{ChangeState.colour(change["state"])}">'
            f"{escape(ChangeState.label(change['state']))}</span>"
        ),
        "local_start": change["planned_start"].astimezone(zone),
    }


def window_item(window, begins, ends, zone, url_pattern):
    """(sort key, escaped HTML) of one window occurrence in a day cell: a
    team's services can have hundreds in a month."""
    name = window.service.name
    local_begins, local_ends = begins.astimezone(zone), ends.astimezone(zone)
    html = (
        f'<li class="window" title="Maintenance window {escape(window.name)}: '
        f'{_span(begins, ends, zone)}"><a href="{url_pattern.format(window.pk)}">'
        f"{local_begins:%H:%M}–{local_ends:%H:%M} {escape(name)} window</a></li>"
    )
    return (begins, name), mark_safe(html)  # noqa: S308 - escaped above


def conflict_marks(changes_in_period):
    """{change id: [conflict dicts]} for the changes in conflict: those that
    stored conflicts, and those another change found itself in conflict with
    (so both sides of an overlap are marked)."""
    marks = defaultdict(list)
    overridden = set()
    rows = (
        changes_in_period.exclude(conflicts=[])
        .order_by()
        .values_list("pk", "number", "conflicts", "conflict_override_reason")
    )
    for pk, number, conflicts, override in rows:
        for conflict in conflicts or ():
            marks[pk].append(conflict)
            other = conflict.get("change")
            if other:
                marks[other].append({**conflict, "change": pk, "change_number": number})
        if override:
            overridden.add(pk)
    return dict(marks), overridden


def build_calendar(user, *, view, day, service=None, team=None, zone=None):
    """Everything the page shows, as plain data (also used by the benchmark)."""
    zone = zone or viewer_zone(user)
    first, last = period_of(view, day)
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    today = timezone.now().astimezone(zone).date()
    days = {}
    d = first
    while d <= last:
        in_period = view == "week" or d.month == day.month
        days[d] = Day(day=d, in_period=in_period, today=d == today)
        d += timedelta(days=1)

    allowed = None if service is None and team is None else allowed_ids(service, team)
    rows = period_rows(user, allowed, start, end)
    edges = day_edges(first, last, zone, rows[0][1] if rows else None)
    cells = list(days.values())
    per_day = PER_DAY[view]
    shown = defaultdict(list)
    total = 0
    final = len(cells) - 1
    for pk, begins, ends in rows:
        total += 1
        # Day i holds [edges[i], edges[i + 1]); compared as stored, unparsed.
        low = bisect_right(edges, begins) - 1
        high = bisect_left(edges, ends) - 1
        if low == high and low >= 0 and len(shown[cells[low].day]) >= per_day:
            cells[low].more += 1  # the common case: a busy day already full
            continue
        for index in range(max(low, 0), min(high, final) + 1):
            local = cells[index].day
            if len(shown[local]) < per_day:
                shown[local].append(pk)
            else:
                cells[index].more += 1
    wanted = {pk for pks in shown.values() for pk in pks}
    # Plain values, not model instances: a month shows a few hundred.
    details = {
        row["pk"]: row
        for row in Change.objects.filter(pk__in=wanted).values(
            "pk", "number", "title", "state", "planned_start", "planned_end"
        )
    }
    names = defaultdict(list)
    for change_id, name in (
        Change.services.through.objects.filter(change_id__in=wanted)
        .values_list("change_id", "service__name")
        .order_by("service__name")
    ):
        names[change_id].append(name)
    marks, overridden = conflict_marks(
        Change.objects.visible_to(user).filter(
            state__in=PLANNED_STATES,
            planned_start__gte=start - LOOKBACK,
            planned_start__lt=end,
            planned_end__gt=start,
        )
    )
    if allowed is not None:
        marks = {pk: found for pk, found in marks.items() if pk in allowed}
    url_pattern = reverse("changes:change-detail", kwargs={"number": "CHG-0"})
    items = {
        pk: change_item(
            details[pk], names[pk], marks.get(pk, []), pk in overridden, zone, url_pattern
        )
        for pk in wanted
    }
    for local, pks in shown.items():
        for pk in pks:
            item = items[pk]
            starts_here = item["local_start"].date() == local
            at = item["local_start"].strftime("%H:%M") if starts_here else "…"
            extra = item["week_extra"] if view == "week" else ""
            # Written out here, escaped: a month shows a few hundred of them.
            days[local].changes.append(
                mark_safe(  # noqa: S308
                    item["html_start"] + at + item["html_end"] + extra + "</li>"
                )
            )

    window_count = 0
    window_url = reverse("changes:window-detail", args=[0]).replace("/0/", "/{}/")
    for window in scoped_windows(user, service, team):
        for begins, ends in occurrences(window, start, end):
            window_count += 1
            item = window_item(window, begins, ends, zone, window_url)
            for local in local_days(begins, ends, zone, first, last):
                days[local].windows.append(item)
    for cell in days.values():
        cell.windows.sort(key=lambda w: w[0])
        cell.windows = [html for _, html in cell.windows]

    blackouts = list(
        scoped_blackouts(user, service, team)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .prefetch_related("services")
        .order_by("starts_at", "pk")
    )
    for blackout in blackouts:
        for local in local_days(blackout.starts_at, blackout.ends_at, zone, first, last):
            days[local].blackouts.append(blackout)

    in_conflict = sorted(
        (
            {
                "pk": pk,
                "conflicts": conflicts,
                "overridden": pk in overridden,
            }
            for pk, conflicts in marks.items()
        ),
        key=lambda row: row["pk"],
    )
    weeks = []
    cells = list(days.values())
    for i in range(0, len(cells), 7):
        weeks.append(cells[i : i + 7])
    return {
        "first": first,
        "last": last,
        "weeks": weeks,
        "total": total,
        "window_count": window_count,
        "blackouts": blackouts,
        "in_conflict": in_conflict,
        "zone": zone,
    }


class CalendarView(ChangePageMixin, ZonedMixin, View):
    template_name = "changes/calendar.html"

    def get(self, request):
        form = CalendarFilterForm(request.GET or None, user=request.user)
        zone = viewer_zone(request.user)
        today = timezone.now().astimezone(zone).date()
        status = 200
        if form.is_bound and not form.is_valid():
            status = 400
            data = {}
        else:
            data = form.cleaned_data if form.is_bound else {}
        view = data.get("view") or "month"
        day = data.get("date") or today
        service, team = data.get("service"), data.get("team")
        calendar = build_calendar(
            request.user, view=view, day=day, service=service, team=team, zone=zone
        )
        conflict_numbers = dict(
            Change.objects.filter(pk__in=[row["pk"] for row in calendar["in_conflict"]])
            .values_list("pk", "number")
            .order_by()
        )
        for row in calendar["in_conflict"]:
            row["number"] = conflict_numbers.get(row["pk"], "")
        selects = {
            "service": select_html(
                "service",
                Service.objects.visible_to(request.user).values_list("pk", "name").order_by("name"),
                form.data.get("service") if form.is_bound else None,
                "Any service",
            ),
            "team": select_html(
                "team",
                Team.objects.visible_to(request.user)
                .filter(is_active=True)
                .values_list("pk", "name")
                .order_by("name"),
                form.data.get("team") if form.is_bound else None,
                "Any team",
            ),
        }
        previous, following = neighbours(view, day)
        scope = {}
        if service is not None:
            scope["service"] = service.pk
        if team is not None:
            scope["team"] = team.pk

        def link(**params):
            return "?" + urlencode({**scope, "view": view, **params})

        links = {
            "previous": link(date=previous.isoformat()),
            "following": link(date=following.isoformat()),
            "today": link(date=today.isoformat()),
            "month": link(view="month", date=day.isoformat()),
            "week": link(view="week", date=day.isoformat()),
            "week_of": "?" + urlencode({**scope, "view": "week"}) + "&date=",
        }
        title = f"Week of {calendar['first']:%-d %B %Y}" if view == "week" else f"{day:%B %Y}"
        context = {
            "title": "Change calendar",
            "heading": title,
            "form": form,
            "view": view,
            "day": day,
            "today": today,
            "previous": previous,
            "following": following,
            "links": links,
            "selects": selects,
            "service": service,
            "team": team,
            "weekday_names": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            "per_day": PER_DAY[view],
            "can_subscribe": can(request.user, "calendarfeed.view"),
            **calendar,
        }
        return render(request, self.template_name, context, status=status)
