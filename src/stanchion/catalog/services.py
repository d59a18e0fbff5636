"""The only code that writes catalog records (see core.services)."""

from django.core.exceptions import ValidationError

from stanchion.core.services import create_record, lock, save_validated, service

from .models import (
    BusinessCalendar,
    CatalogItem,
    Closure,
    FulfilmentTaskTemplate,
    Service,
    ServiceDependency,
    WorkingInterval,
)


def dependency_path(start, goal):
    """The chain of services from ``start`` to ``goal`` following
    "depends on", or None. One query per level of the graph."""
    parents = {start.pk: None}
    frontier = [start.pk]
    while frontier:
        edges = ServiceDependency.objects.filter(service_id__in=frontier).values_list(
            "service_id", "depends_on_id"
        )
        frontier = []
        for source, target in edges:
            if target in parents:
                continue
            parents[target] = source
            if target == goal.pk:
                path, node = [], target
                while node is not None:
                    path.append(node)
                    node = parents[node]
                names = dict(Service.objects.filter(pk__in=path).values_list("pk", "name"))
                return [names[pk] for pk in reversed(path)]
            frontier.append(target)
    return None


@service
def add_dependency(svc, depends_on, *, actor):
    if svc.pk == depends_on.pk:
        raise ValidationError({"depends_on": "A service cannot depend on itself."})
    if ServiceDependency.objects.filter(service=svc, depends_on=depends_on).exists():
        raise ValidationError({"depends_on": f"{svc} already depends on {depends_on}."})
    # Lock the dependant so two concurrent additions cannot close a cycle
    # that neither sees on its own.
    lock(svc)
    cycle = dependency_path(depends_on, svc)
    if cycle:
        chain = " → ".join([svc.name, *cycle])
        raise ValidationError({"depends_on": f"This would create a dependency cycle: {chain}."})
    return create_record(ServiceDependency, {"service": svc, "depends_on": depends_on})


@service
def remove_dependency(dependency, *, actor):
    lock(dependency).delete()


@service
def create_service(*, actor, **fields):
    return create_record(Service, fields)


def _write_tasks(item, tasks):
    """``tasks``: (stage, title, team) or (stage, title, team, description)."""
    for stage, title, team, *rest in tasks:
        fields = {"item": item, "stage": stage, "title": title, "team": team}
        if rest:
            fields["description"] = rest[0]
        create_record(FulfilmentTaskTemplate, fields)


@service
def create_catalog_item(*, actor, tasks=(), **fields):
    item = create_record(CatalogItem, fields)
    _write_tasks(item, tasks)
    return item


@service
def update_catalog_item(item, changes, *, actor, expected_version, tasks=None):
    """Update fields and, when ``tasks`` is given, replace the fulfilment
    template as a whole ((stage, title, team[, description]) tuples)."""
    locked = lock(item, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    save_validated(locked)
    if tasks is not None:
        for template in locked.task_templates.all():
            template.delete()
        _write_tasks(locked, tasks)
    return locked


def check_week(intervals, time_zone):
    """Raise ValidationError naming ``intervals`` when the week is invalid
    (overlaps, empty intervals); the SLA engine owns the rules."""
    from .calendars import engine_intervals
    from .slaclock import BusinessCalendar as EngineCalendar

    try:
        EngineCalendar(time_zone, engine_intervals(intervals))
    except ValueError as error:
        raise ValidationError({"intervals": str(error)}) from error


@service
def create_calendar(*, actor, intervals=(), closures=(), **fields):
    """``intervals``: (weekday, start, end) triples; ``closures``: (date, name)."""
    calendar = create_record(BusinessCalendar, fields)
    _write_week(calendar, intervals)
    for day, name in closures:
        create_record(Closure, {"calendar": calendar, "date": day, "name": name})
    return calendar


def _write_week(calendar, intervals):
    if not calendar.is_24x7:
        check_week(intervals, calendar.time_zone)
    for weekday, start, end in intervals:
        save_validated(WorkingInterval(calendar=calendar, weekday=weekday, start=start, end=end))


@service
def add_closure(calendar, *, actor, date, name):
    locked = lock(calendar)
    if locked.closures.filter(date=date).exists():
        raise ValidationError({"date": f"{locked} is already closed on {date}."})
    closure = create_record(Closure, {"calendar": locked, "date": date, "name": name})
    save_validated(locked)  # new version: cached engine calendars are rebuilt
    return closure


@service
def remove_closure(closure, *, actor):
    calendar = lock(closure.calendar)
    lock(closure).delete()
    save_validated(calendar)


@service
def set_week(calendar, intervals, *, actor, expected_version=None):
    """Replace the calendar's weekly hours as a whole, so a week is never
    half-edited and overlaps are checked across the entire week."""
    locked = lock(calendar, expected_version)
    _replace_week(locked, intervals)
    return save_validated(locked)


def _replace_week(calendar, intervals):
    # Inside the caller's transaction: an invalid new week (refused by
    # _write_week) rolls the deletions back.
    for interval in calendar.intervals.all():
        interval.delete()
    _write_week(calendar, intervals)


def _week_of(calendar):
    return [(i.weekday, i.start, i.end) for i in calendar.intervals.order_by("weekday", "start")]


@service
def update_calendar(calendar, changes, *, actor, expected_version, intervals=None):
    """Update fields and, when ``intervals`` is given, replace the week as a
    whole: one lock, one new version. A calendar that is not 24x7 must keep
    a valid week in its (possibly new) time zone."""
    locked = lock(calendar, expected_version)
    week = _week_of(locked)
    new_week = week if intervals is None else list(intervals)
    fields_changed = any(getattr(locked, name) != value for name, value in changes.items())
    if not fields_changed and sorted(new_week) == sorted(week):
        return locked  # nothing really changes: no new version, no audit entry
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()  # name field errors before judging the week
    if not locked.is_24x7:
        check_week(new_week, locked.time_zone)
    if intervals is not None:
        _replace_week(locked, new_week)
    return save_validated(locked)
