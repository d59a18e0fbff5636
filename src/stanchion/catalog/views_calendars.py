"""Business calendars: weekly hours, holidays and closures, the working
intervals of any week, and the due-time calculator that explains itself."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.errors import ConflictError
from stanchion.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PermissionRequiredMixin,
    apply_errors,
    is_htmx_swap,
    posted_version,
)

from . import services, slaclock
from .calendars import engine_calendar, week_view
from .filtersets import CalendarFilterSet
from .forms import (
    CalendarForm,
    ClosureForm,
    DueCalculatorForm,
    WeekForm,
    WeekFormSet,
    week_from,
    week_initial,
)
from .holidays import public_holidays
from .models import BusinessCalendar, Closure, WorkingInterval
from .models.calendars import WEEKDAYS
from .tables import CalendarTable
from .views_common import interval_seconds, local_datetime, monday_of, working_day_hours

WEEK_TARGET = "calendar-week"
DUE_TARGET = "due-calculator"
CLOSURES_TARGET = "calendar-closures"
MAX_EXPLAINED_INTERVALS = 200  # a 10,000-hour target counts about a thousand; show the start
ORDERED_HOURS = Prefetch("intervals", queryset=WorkingInterval.objects.order_by("weekday", "start"))


class CalendarListView(ObjectListView):
    model = BusinessCalendar
    title = "Business calendars"
    filterset_class = CalendarFilterSet
    table_class = CalendarTable
    template_name = "catalog/calendar_list.html"
    create_url_name = "catalog:calendar-create"
    empty_title = "No calendars yet"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(ORDERED_HOURS)
            .annotate(service_count=Count("services"))
        )


# ---- The weekly hours, the week view and the calculator --------------------


@dataclass
class WeekdayHours:
    name: str
    intervals: list
    hours: float


def weekly_hours(calendar):
    """Monday to Sunday: the weekly intervals and working hours of each day."""
    intervals = list(calendar.intervals.all())
    days = []
    for number, name in WEEKDAYS:
        mine = [i for i in intervals if i.weekday == number]
        seconds = sum(interval_seconds(i.start, i.end) for i in mine)
        days.append(WeekdayHours(name, mine, seconds / 3600))
    return days


@dataclass
class Segment:
    start: datetime
    end: datetime
    end_label: str  # "24:00" when the segment runs to the next midnight

    @property
    def hours(self):
        return (self.end - self.start) / timedelta(hours=1)


@dataclass
class WeekDay:
    day: date
    segments: list = field(default_factory=list)
    closed_name: str = ""
    closed_kind: str = ""  # "holiday" or "closure"

    @property
    def hours(self):
        return sum(s.hours for s in self.segments)


def _split_at_midnight(start, end, zone):
    """Working time cut into one piece per local day (overnight shifts span two)."""
    pieces = []
    while start.date() < end.date():
        midnight = datetime.combine(start.date() + timedelta(days=1), time(0), zone)
        if midnight > start:
            pieces.append(Segment(start, midnight, "24:00"))
        start = midnight
    if end > start:
        pieces.append(Segment(start, end, f"{end:%H:%M}"))
    return pieces


def week_days(calendar, monday):
    """Seven WeekDays: working time per local day and what closed a day."""
    zone = ZoneInfo(calendar.time_zone)
    intervals, closed = week_view(calendar, monday)
    closure_dates = {c.date for c in calendar.closures.all()}
    days = {monday + timedelta(days=n): WeekDay(monday + timedelta(days=n)) for n in range(7)}
    for start, end in intervals:
        for piece in _split_at_midnight(start.astimezone(zone), end.astimezone(zone), zone):
            if piece.start.date() in days:
                days[piece.start.date()].segments.append(piece)
    for day, name in closed.items():
        days[day].closed_name = name
        days[day].closed_kind = "closure" if day in closure_dates else "holiday"
    return list(days.values())


def _requested_week(request, calendar):
    form = WeekForm(request.GET if "week" in request.GET else None)
    day = None
    if form.is_bound and form.is_valid():
        day = form.cleaned_data.get("week")
    if day is None:
        day = timezone.now().astimezone(ZoneInfo(calendar.time_zone)).date()
    return form, monday_of(day)


def week_context(request, calendar):
    form, monday = _requested_week(request, calendar)
    context = {"week_form": form, "monday": monday, "sunday": monday + timedelta(days=6)}
    if not calendar.is_24x7 and not calendar.intervals.all():
        context["week_error"] = "This calendar has no weekly hours yet."
        return context
    days = week_days(calendar, monday)
    context |= {
        "week": days,
        "week_hours": sum(d.hours for d in days),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
    }
    return context


@dataclass
class ExplainedInterval:
    start: datetime
    end: datetime
    counted: timedelta
    running_total: timedelta


def due_context(request, calendar):
    """The calculator's form and, when asked, the due time and its explanation."""
    params = request.GET if "duration" in request.GET or "start" in request.GET else None
    form = DueCalculatorForm(params, time_zone=calendar.time_zone)
    context = {"due_form": form}
    if params is None or not form.is_valid():
        return context
    zone = ZoneInfo(calendar.time_zone)
    start = local_datetime(form.cleaned_data["start"], zone)
    try:
        explanation = slaclock.explain(
            engine_calendar(calendar), start, form.cleaned_data["duration"]
        )
    except ValueError as error:
        form.add_error(None, f"No due time: {error}.")
        return context
    rows, total = [], timedelta(0)
    for interval in explanation.intervals[:MAX_EXPLAINED_INTERVALS]:
        total += interval.counted
        rows.append(ExplainedInterval(interval.start, interval.end, interval.counted, total))
    closure_dates = {c.date for c in calendar.closures.all()}
    context["explanation"] = {
        "start": explanation.start,
        "due": explanation.due,
        "duration": explanation.duration,
        "clock_started": explanation.clock_started,
        "started_later": explanation.clock_started not in (None, explanation.start),
        "intervals": rows,
        "more_intervals": max(0, len(explanation.intervals) - MAX_EXPLAINED_INTERVALS),
        "closed": [
            (c.date, c.name, "closure" if c.date in closure_dates else "holiday")
            for c in explanation.closed_dates
        ],
        "time_zone": calendar.time_zone,
    }
    return context


def upcoming_holidays(calendar, today, days=365):
    if calendar.is_24x7 or not calendar.holiday_country:
        return []
    found = {}
    for year in (today.year, today.year + 1):
        found.update(public_holidays(calendar.holiday_country, calendar.holiday_subdivision, year))
    end = today + timedelta(days=days)
    return sorted((d, n) for d, n in found.items() if today <= d < end)


def closures_context(request, calendar, form=None):
    can_change = has_perm(request.user, "businesscalendar.change")
    today = timezone.now().astimezone(ZoneInfo(calendar.time_zone)).date()
    closures = list(calendar.closures.all())
    return {
        "calendar": calendar,
        "upcoming_closures": [c for c in closures if c.date >= today],
        "past_closures": [c for c in closures if c.date < today][::-1],
        "closure_form": form or (ClosureForm() if can_change else None),
        "can_change_calendar": can_change,
    }


class CalendarDetailView(ObjectDetailView):
    """One page: hours, holidays, closures, a week, the calculator. The week
    and the calculator are also answered alone, for htmx."""

    model = BusinessCalendar
    template_name = "catalog/calendar_detail.html"
    edit_url_name = "catalog:calendar-edit"

    def get_queryset(self):
        closures = Prefetch("closures", queryset=Closure.objects.order_by("date"))
        return super().get_queryset().prefetch_related(ORDERED_HOURS, closures)

    def get(self, request, *args, **kwargs):
        for target, template, build in (
            (WEEK_TARGET, "catalog/calendar_week.html", week_context),
            (DUE_TARGET, "catalog/calendar_due.html", due_context),
        ):
            if is_htmx_swap(request, target):
                calendar = self.get_object()
                context = {"object": calendar, **build(request, calendar)}
                response = render(request, template, context)
                break
        else:
            response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response

    def get_extra_context(self, calendar):
        today = timezone.now().astimezone(ZoneInfo(calendar.time_zone)).date()
        week = weekly_hours(calendar)
        return {
            **week_context(self.request, calendar),
            **due_context(self.request, calendar),
            **closures_context(self.request, calendar),
            "weekly": week,
            "weekly_total": sum(d.hours for d in week),
            "day_hours": working_day_hours(calendar, calendar.intervals.all()),
            "holidays": upcoming_holidays(calendar, today),
            "used_by": calendar.services.order_by("name").only("id", "name"),
            "hours_url": reverse("catalog:calendar-hours", args=[calendar.pk])
            if has_perm(self.request.user, "businesscalendar.change")
            else "",
        }


# ---- Editing ---------------------------------------------------------------

DEFAULT_WEEK = [(day, time(9), time(17)) for day in range(5)]


class CalendarCreateView(PermissionRequiredMixin, View):
    """A calendar is created with its weekly hours: a non-24x7 calendar
    without any would have no working time at all."""

    permission = "businesscalendar.add"
    template_name = "catalog/calendar_create.html"

    def render_page(self, form, formset, status=200):
        context = {"form": form, "formset": formset, "title": "New business calendar"}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        initial = [{"weekday": d, "start": s, "end": e} for d, s, e in DEFAULT_WEEK]
        form = CalendarForm(initial={"time_zone": "UTC"})
        return self.render_page(form, WeekFormSet(initial=initial, prefix="hours"))

    def post(self, request):
        form = CalendarForm(request.POST)
        formset = WeekFormSet(request.POST, prefix="hours")
        if form.is_valid() and formset.is_valid():
            try:
                calendar = services.create_calendar(
                    actor=request.user, intervals=week_from(formset), **form.cleaned_data
                )
            except ValidationError as error:
                week_errors(form, formset, error)
            else:
                messages.success(request, f"{calendar} was created.")
                return redirect("catalog:calendar-detail", pk=calendar.pk)
        return self.render_page(form, formset, status=400)


def week_errors(form, formset, error):
    """The engine's objection to the hours goes above the rows; the rest to the form."""
    if hasattr(error, "error_dict") and "intervals" in error.error_dict:
        formset._non_form_errors = formset.error_class(
            error.message_dict["intervals"], renderer=formset.renderer
        )
        rest = {k: v for k, v in error.message_dict.items() if k != "intervals"}
        if rest and form is not None:
            apply_errors(form, ValidationError(rest))
    elif form is not None:
        apply_errors(form, error)
    else:
        formset._non_form_errors = formset.error_class(error.messages, renderer=formset.renderer)


class CalendarEditView(ObjectEditView):
    model = BusinessCalendar
    form_class = CalendarForm
    detail_url_name = "catalog:calendar-detail"


class CalendarHoursView(PermissionRequiredMixin, View):
    """Replaces the weekly hours as a whole, with the version the user saw."""

    permission = "businesscalendar.change"
    template_name = "catalog/calendar_hours.html"

    def calendar(self):
        queryset = BusinessCalendar.objects.visible_to(self.request.user)
        return get_object_or_404(queryset.prefetch_related(ORDERED_HOURS), pk=self.kwargs["pk"])

    def render_page(self, calendar, formset, version, conflict="", status=200):
        context = {
            "object": calendar,
            "formset": formset,
            "version": version,
            "conflict": conflict,
            "title": f"Weekly hours of {calendar}",
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        calendar = self.calendar()
        formset = WeekFormSet(initial=week_initial(calendar.intervals.all()), prefix="hours")
        return self.render_page(calendar, formset, calendar.version)

    def post(self, request, pk):
        calendar = self.calendar()
        formset = WeekFormSet(request.POST, prefix="hours")
        version = posted_version(request)
        if version is None:
            formset.is_valid()
            week_errors(
                None,
                formset,
                ValidationError("The form is missing the calendar's version; reload the page."),
            )
            return self.render_page(calendar, formset, calendar.version, status=400)
        if not formset.is_valid():
            return self.render_page(calendar, formset, version, status=400)
        try:
            services.set_week(
                calendar, week_from(formset), actor=request.user, expected_version=version
            )
        except ConflictError as conflict:
            current = self.calendar()
            # Carry the current version: saving again is a deliberate overwrite.
            return self.render_page(current, formset, current.version, str(conflict), status=409)
        except ValidationError as error:
            week_errors(None, formset, error)
            return self.render_page(calendar, formset, version, status=400)
        messages.success(request, f"The weekly hours of {calendar} were saved.")
        return redirect("catalog:calendar-detail", pk=calendar.pk)


class CalendarClosuresView(PermissionRequiredMixin, View):
    """Adds (POST .../closures/) and removes closures; htmx gets the card alone."""

    permission = "businesscalendar.change"

    def respond(self, calendar, form=None):
        if is_htmx_swap(self.request, CLOSURES_TARGET):
            calendar = get_object_or_404(
                BusinessCalendar.objects.prefetch_related(
                    Prefetch("closures", queryset=Closure.objects.order_by("date"))
                ),
                pk=calendar.pk,
            )
            context = closures_context(self.request, calendar, form) | {"partial": True}
            return render(self.request, "catalog/calendar_closures.html", context)
        if form is not None and form.errors:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
        return redirect("catalog:calendar-detail", pk=calendar.pk)

    def post(self, request, pk, closure_pk=None):
        calendar = get_object_or_404(BusinessCalendar.objects.visible_to(request.user), pk=pk)
        if closure_pk is not None:
            closure = get_object_or_404(Closure, pk=closure_pk, calendar=calendar)
            services.remove_closure(closure, actor=request.user)
            messages.success(request, f"{calendar} is no longer closed on {closure.date}.")
            return self.respond(calendar)
        form = ClosureForm(request.POST)
        if form.is_valid():
            try:
                closure = services.add_closure(calendar, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, f"{calendar} is closed on {closure.date}: {closure.name}."
                )
                return self.respond(calendar)
        return self.respond(calendar, form)
