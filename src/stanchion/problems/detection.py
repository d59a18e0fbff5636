"""Problem candidates: recurring incidents found by ``clustering`` among the
incidents opened within the detection window that no problem explains yet."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from stanchion.catalog.models import Service
from stanchion.tickets.models import Category, Ticket

from . import clustering
from .models import ProblemIncident, RecurrenceSettings

# A window is at most a year; this bounds the work of one page view.
MAX_INCIDENTS = 20000


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
        (clustering.Incident(*row) for row in rows),
        threshold=settings.similarity_threshold,
        min_size=settings.min_cluster_size,
    )
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
    """The candidate made of exactly the incidents ``ids``, or None when
    those incidents no longer form one (one was linked meanwhile...)."""
    wanted = tuple(sorted(ids))
    for candidate in find_candidates(settings=settings, now=now):
        if tuple(sorted(t.pk for t in candidate.incidents)) == wanted:
            return candidate
    return None
