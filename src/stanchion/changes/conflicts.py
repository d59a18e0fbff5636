"""Conflict detection for a planned or moved change.

``find_conflicts`` answers, for a set of services and a planned time, what
stands in the way: another planned change on the same service or on a service
that depends on it (transitively, through the catalog's dependency graph), a
time outside the service's maintenance windows (only for services that have
windows), and a blackout, global or on the service. It only reads; the
services that store and override conflicts are in changes.services.

Cost: a fixed handful of queries whatever the size of the change history:
the dependency graph (one query), the planned changes overlapping the time on
the affected services (found through the change-service table's service
index), the services' windows and the overlapping blackouts.
"""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q

from stanchion.catalog.models import Service, ServiceDependency

from .choices import PLANNED_STATES, ConflictKind
from .models import Blackout, Change, MaintenanceWindow
from .windows import covers, describe, occurrences


def _ids(services):
    ids = []
    for item in services or ():
        pk = getattr(item, "pk", item)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"services": f"Unknown service: {item!r}."}) from None
    return list(dict.fromkeys(ids))


def dependency_graph():
    """{service id: [ids of the services that depend on it directly]}."""
    graph = defaultdict(list)
    for service_id, depends_on_id in ServiceDependency.objects.order_by().values_list(
        "service_id", "depends_on_id"
    ):
        graph[depends_on_id].append(service_id)
    return graph


def dependents_of(service_ids, graph=None) -> dict[int, int]:
    """Every service depending on any of ``service_ids``, directly or through
    others: {dependent id: the changed service id it was reached from}. The
    changed services themselves are left out."""
    graph = dependency_graph() if graph is None else graph
    start = set(service_ids)
    reached = {}
    frontier = [(sid, sid) for sid in service_ids]
    while frontier:
        following = []
        for sid, origin in frontier:
            for dependent in graph.get(sid, ()):
                if dependent not in start and dependent not in reached:
                    reached[dependent] = origin
                    following.append((dependent, origin))
        frontier = following
    return reached


# Changes starting at most this long before the checked time are found from
# the (planned_start, planned_end) index by a bounded range; longer ones from
# the (state, planned_start) index among planned changes only.
LOOKBACK = timedelta(days=2)
# Past this many changes in the checked time, one joined query is cheaper
# than a list of ids.
_IDS_AT_MOST = 2000


def overlapping_ids(start, end):
    """Ids of the changes planned to overlap [start, end) that may be in a
    planned state, or None when there are more than a few thousand. Read
    from indexes without joining the services (which for a platform service
    with hundreds of dependents means most changes): the state and services
    are then checked on these few rows only."""
    recent = Change.objects.filter(
        planned_start__gte=start - LOOKBACK, planned_start__lt=end, planned_end__gt=start
    )
    # One query a state, so that each is a range of the (state,
    # planned_start) index rather than a walk through all history. (Not a
    # UNION: PostgreSQL starts parallel workers for one, costing more than
    # the four small queries.)
    long_running = [
        Change.objects.filter(
            state=state, planned_start__lt=start - LOOKBACK, planned_end__gt=start
        )
        for state in PLANNED_STATES
    ]
    ids = []
    for queryset in (recent, *long_running):
        ids.extend(queryset.order_by().values_list("pk", flat=True)[: _IDS_AT_MOST + 1])
        if len(ids) > _IDS_AT_MOST:
            return None
    return ids


def _iso(value):
    return value.isoformat() if value else None


def find_conflicts(*, services, start, end, exclude=None) -> list[dict]:
    """The conflicts of planning work on ``services`` from ``start`` to
    ``end`` (aware datetimes); ``exclude`` is the change being planned, which
    never conflicts with itself. Returns a list of dicts (see the module
    docstring and docs/changes.md); an empty list when nothing is planned."""
    if start is None or end is None:
        return []
    if end <= start:
        raise ValidationError({"planned_end": "The planned end must be after the planned start."})
    ids = _ids(services)
    if not ids:
        return []
    names = dict(Service.objects.filter(pk__in=ids).values_list("pk", "name"))
    unknown = [sid for sid in ids if sid not in names]
    if unknown:
        raise ValidationError({"services": f"Unknown service id: {', '.join(map(str, unknown))}."})
    exclude_id = getattr(exclude, "pk", exclude)

    dependents = dependents_of(ids)
    names.update(Service.objects.filter(pk__in=dependents).values_list("pk", "name"))
    conflicts = []

    # Planned changes overlapping the time, on the changed or dependent services.
    overlapping = Change.objects.filter(planned_start__lt=end, planned_end__gt=start)
    nearby = overlapping_ids(start, end)
    if nearby is not None:
        overlapping = Change.objects.filter(pk__in=nearby)
    rows = (
        overlapping.filter(services__in=[*ids, *dependents], state__in=PLANNED_STATES)
        .exclude(pk=exclude_id)
        .values_list("pk", "number", "title", "planned_start", "planned_end", "services")
        .order_by("planned_start", "pk")
    )
    for pk, number, title, begins, ends, service_id in rows:
        if service_id in dependents:
            origin = names[dependents[service_id]]
            kind = ConflictKind.DEPENDENT_OVERLAP
            message = (
                f"Overlaps {number} “{title}” on {names[service_id]}, which depends on {origin}."
            )
        else:
            kind = ConflictKind.OVERLAP
            message = f"Overlaps {number} “{title}” on {names[service_id]}."
        conflicts.append(
            {
                "kind": kind,
                "message": message,
                "service": service_id,
                "service_name": names[service_id],
                "start": _iso(begins),
                "end": _iso(ends),
                "change": pk,
                "change_number": number,
            }
        )

    # Maintenance windows: only services that have some are constrained.
    windows = defaultdict(list)
    for window in MaintenanceWindow.objects.filter(service_id__in=ids).select_related(
        "service__calendar"
    ):
        windows[window.service_id].append(window)
    for sid in ids:
        if not windows[sid]:
            continue
        spans = [span for window in windows[sid] for span in occurrences(window, start, end)]
        if covers(spans, start, end):
            continue
        listed = "; ".join(describe(w) for w in windows[sid])
        conflicts.append(
            {
                "kind": ConflictKind.OUTSIDE_WINDOW,
                "message": f"Outside the maintenance windows of {names[sid]} ({listed}).",
                "service": sid,
                "service_name": names[sid],
                "start": _iso(start),
                "end": _iso(end),
                "window": windows[sid][0].pk,
                "windows": [w.pk for w in windows[sid]],
            }
        )

    # Blackouts: global ones (no services) affect every changed service.
    blackouts = (
        Blackout.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .filter(Q(services__isnull=True) | Q(services__in=ids))
        .values_list("pk", "name", "starts_at", "ends_at", "services")
        .order_by("starts_at", "pk")
    )
    seen = set()
    for pk, name, begins, ends, service_id in blackouts:
        affected = ids if service_id is None else [service_id]
        for sid in affected:
            if (pk, sid) in seen:
                continue
            seen.add((pk, sid))
            scope = "all services" if service_id is None else names[sid]
            conflicts.append(
                {
                    "kind": ConflictKind.BLACKOUT,
                    "message": f"Inside the blackout “{name}” ({scope}).",
                    "service": sid,
                    "service_name": names[sid],
                    "start": _iso(begins),
                    "end": _iso(ends),
                    "blackout": pk,
                }
            )
    return conflicts
