"""Problem candidates: recurring incidents found by ``clustering`` among the
incidents opened within the detection window that no problem explains yet."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from stanchion.catalog.models import Service
from stanchion.tickets.models import Category, Ticket

from . import clustering
from .models import ProblemIncident, RecurrenceSettings

# A window is at most a year; these bound the work of one page view. Titles
# are compared pairwise within a (service, category) group, so a group counts
# only its most recent MAX_PER_GROUP incidents.
MAX_INCIDENTS = 20000
MAX_PER_GROUP = 300


@dataclass
class Candidate:
    service: Service
    category: Category
    incidents: list  # Tickets, oldest first
    mean_similarity: float
    min_link: float

    @property
    def first_at(self):
        return self.incidents[0].created_at

    @property
    def last_at(self):
        return self.incidents[-1].created_at

    @property
    def key(self):
        """Identifies the cluster in a form: its incidents' ids."""
        return ",".join(str(t.pk) for t in self.incidents)


def eligible_incidents(settings, now):
    since = now - timedelta(days=settings.window_days)
    linked = ProblemIncident.objects.values("incident_id")
    return (
        Ticket.objects.filter(
            kind="incident",
            created_at__gte=since,
            created_at__lte=now,
            service__isnull=False,
            category__isnull=False,
        )
        .exclude(pk__in=linked)
        .order_by("-created_at")
    )


def find_candidates(*, settings=None, now=None):
    settings = settings or RecurrenceSettings.current()
    now = now or timezone.now()
    rows = eligible_incidents(settings, now).values_list(
        "pk", "service_id", "category_id", "created_at", "title"
    )[:MAX_INCIDENTS]
    clusters = clustering.find_clusters(
        _most_recent_per_group(clustering.Incident(*row) for row in rows),
        threshold=settings.similarity_threshold,
        min_size=settings.min_cluster_size,
    )
    return _as_candidates(clusters)


def _most_recent_per_group(incidents):
    """``incidents`` come newest first; keep MAX_PER_GROUP of each group."""
    seen = {}
    for incident in incidents:
        key = incident.service_id, incident.category_id
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= MAX_PER_GROUP:
            yield incident


def _as_candidates(clusters):
    if not clusters:
        return []
    ids = {i for c in clusters for i in c.incident_ids}
    tickets = Ticket.objects.in_bulk(ids)
    services = Service.objects.in_bulk({c.service_id for c in clusters})
    categories = Category.objects.select_related("parent").in_bulk(
        {c.category_id for c in clusters}
    )
    return [
        Candidate(
            service=services[c.service_id],
            category=categories[c.category_id],
            incidents=sorted((tickets[i] for i in c.incident_ids), key=lambda t: t.created_at),
            mean_similarity=c.mean_similarity,
            min_link=c.min_link,
        )
        for c in clusters
    ]


def cluster_incidents(ids, *, settings=None, now=None):
    """The candidate made of exactly the incidents ``ids``, or None when they
    no longer form one: one was linked meanwhile or fell out of the window,
    they are not all on one service and category, or their titles no longer
    hold them together under the current thresholds. Only these incidents
    are read, not the whole window."""
    settings = settings or RecurrenceSettings.current()
    now = now or timezone.now()
    wanted = set(ids)
    if not settings.min_cluster_size <= len(wanted) <= MAX_PER_GROUP:
        return None
    rows = (
        eligible_incidents(settings, now)
        .filter(pk__in=wanted)
        .values_list("pk", "service_id", "category_id", "created_at", "title")
    )
    incidents = [clustering.Incident(*row) for row in rows]
    if len(incidents) != len(wanted):
        return None
    clusters = clustering.find_clusters(
        incidents,
        threshold=settings.similarity_threshold,
        min_size=settings.min_cluster_size,
    )
    if len(clusters) != 1 or set(clusters[0].incident_ids) != wanted:
        return None
    return _as_candidates(clusters)[0]
