"""Recurring-incident detection, as plain logic (no Django).

Incidents are comparable when they are on the same service and the same
category. Two comparable incidents are *alike* when their titles' token sets
are similar enough:

    tokens(title)  = the distinct lowercase words of the title (runs of
                     letters and digits), minus a few filler words and
                     one-character words
    similarity(a, b) = |tokens(a) ∩ tokens(b)| / |tokens(a) ∪ tokens(b)|
                     (Jaccard; two titles with no words at all count as 1)

A cluster is a connected group of alike incidents (single linkage: A is
like B and B is like C puts all three together). Clusters with at least
``min_size`` incidents are problem candidates. The caller chooses which
incidents take part (the detection window, those not yet linked to a problem).
"""

import re
from dataclasses import dataclass
from itertools import combinations

_FILLER = (
    "a an and are as at be but by can cannot could does for from has have i in is it its "
    "me my no not of on or our please the this to was we when with"
)
STOP_WORDS = frozenset(_FILLER.split(" "))
_WORD = re.compile(r"[a-z0-9]+")


def tokens(title):
    return frozenset(
        w for w in _WORD.findall((title or "").lower()) if len(w) > 1 and w not in STOP_WORDS
    )


def similarity(a, b):
    """Jaccard similarity of two token sets, from 0 (nothing shared) to 1."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Incident:
    id: int
    service_id: int
    category_id: int
    opened_at: object  # a datetime; only shown as evidence
    title: str


@dataclass(frozen=True)
class Cluster:
    service_id: int
    category_id: int
    incident_ids: tuple[int, ...]  # ascending
    # Mean similarity over every pair of the cluster's incidents, and the
    # lowest similarity among its alike pairs (at least the threshold).
    mean_similarity: float
    min_link: float

    @property
    def size(self):
        return len(self.incident_ids)


def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def find_clusters(incidents, *, threshold, min_size):
    """Problem candidates among ``incidents`` (an iterable of ``Incident``),
    largest first, then by service, category and first incident id."""
    groups = {}
    for incident in incidents:
        groups.setdefault((incident.service_id, incident.category_id), []).append(incident)
    found = []
    for (service_id, category_id), members in groups.items():
        if len(members) < min_size:
            continue
        members.sort(key=lambda i: i.id)
        words = [tokens(m.title) for m in members]
        parent = list(range(len(members)))
        # Only alike pairs are kept, folded into each incident's weakest alike
        # link: memory stays linear in the group, not quadratic.
        weakest = [None] * len(members)
        for i, j in combinations(range(len(members)), 2):
            score = similarity(words[i], words[j])
            if score >= threshold:
                parent[_find(parent, i)] = _find(parent, j)
                for k in (i, j):
                    if weakest[k] is None or score < weakest[k]:
                        weakest[k] = score
        components = {}
        for i in range(len(members)):
            components.setdefault(_find(parent, i), []).append(i)
        for indexes in components.values():
            if len(indexes) < min_size:
                continue
            # The evidence only for candidates: every pair of the cluster.
            indexes.sort()
            scores = [similarity(words[a], words[b]) for a, b in combinations(indexes, 2)]
            found.append(
                Cluster(
                    service_id=service_id,
                    category_id=category_id,
                    incident_ids=tuple(members[i].id for i in indexes),
                    mean_similarity=round(sum(scores) / len(scores), 3),
                    min_link=round(min(weakest[i] for i in indexes), 3),
                )
            )
    found.sort(key=lambda c: (-c.size, c.service_id, c.category_id, c.incident_ids[0]))
    return found
