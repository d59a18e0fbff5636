"""Recurring-incident clustering: a hand-built fixture, and the real
implementation against a deliberately simple one on random data."""

import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from stanchion.problems.clustering import Incident, find_clusters, similarity, tokens

T = datetime(2026, 3, 1, tzinfo=UTC)


def inc(id_, service, category, title):
    return Incident(id_, service, category, T, title)


def test_tokens_and_similarity_by_hand():
    assert tokens("The VPN drops -- again, VPN!") == {"vpn", "drops", "again"}
    assert tokens("I cannot print") == {"print"}
    # {vpn, drops, morning} vs {vpn, drops, evening}: 2 shared of 4 distinct.
    assert similarity(tokens("VPN drops in the morning"), tokens("vpn drops evening")) == 0.5
    assert similarity(frozenset(), frozenset()) == 1.0
    assert similarity(tokens("printer jam"), frozenset()) == 0.0


def test_hand_built_clusters():
    incidents = [
        # Service 1, category 10: a chain 1–2–3 (each alike its neighbour)
        # and an unrelated title 4.
        inc(1, 1, 10, "VPN drops morning"),  # {vpn, drops, morning}
        inc(2, 1, 10, "VPN drops evening"),  # 1–2: 2/4 = 0.5
        inc(3, 1, 10, "VPN evening timeout"),  # 2–3: 2/4 = 0.5; 1–3: 1/5 = 0.2
        inc(4, 1, 10, "Printer jammed"),  # 0 with all
        # Same titles on another category or service never join them.
        inc(5, 1, 11, "VPN drops morning"),
        inc(6, 2, 10, "VPN drops morning"),
        # Service 2, category 11: a pair (too small for min_size 3).
        inc(7, 2, 11, "Mail bounce"),
        inc(8, 2, 11, "Mail bounce"),
    ]
    clusters = find_clusters(incidents, threshold=0.5, min_size=3)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert (cluster.service_id, cluster.category_id) == (1, 10)
    assert cluster.incident_ids == (1, 2, 3)
    # Pairs 1–2, 1–3, 2–3: (0.5 + 0.2 + 0.5) / 3 = 0.4.
    assert cluster.mean_similarity == 0.4
    assert cluster.min_link == 0.5

    # A stricter threshold breaks the chain; a looser one keeps it.
    assert find_clusters(incidents, threshold=0.6, min_size=3) == []
    pairs = find_clusters(incidents, threshold=0.6, min_size=2)
    assert [c.incident_ids for c in pairs] == [(7, 8)]
    # Threshold 0: service and category alone, every group of 2 or more.
    loose = find_clusters(incidents, threshold=0.0, min_size=2)
    assert [c.incident_ids for c in loose] == [(1, 2, 3, 4), (7, 8)]


WORDS = ["vpn", "drops", "mail", "bounce", "slow", "printer", "login", "fails"]


def simple_clusters(incidents, threshold, min_size):
    """The obvious way: start with one set per incident and merge any two
    sets holding comparable, alike incidents until nothing changes."""
    sets = [{i} for i in incidents]
    merged = True
    while merged:
        merged = False
        for a in range(len(sets)):
            for b in range(a + 1, len(sets)):
                if any(
                    x.service_id == y.service_id
                    and x.category_id == y.category_id
                    and similarity(tokens(x.title), tokens(y.title)) >= threshold
                    for x in sets[a]
                    for y in sets[b]
                ):
                    sets[a] |= sets.pop(b)
                    merged = True
                    break
            if merged:
                break
    return sorted(tuple(sorted(i.id for i in s)) for s in sets if len(s) >= min_size)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    count=st.integers(0, 25),
    threshold=st.sampled_from([0.0, 0.2, 0.34, 0.5, 0.75, 1.0]),
    min_size=st.integers(2, 4),
)
def test_matches_a_simple_implementation_on_random_data(seed, count, threshold, min_size):
    rng = random.Random(seed)
    incidents = [
        inc(
            n,
            rng.randint(1, 2),
            rng.randint(1, 2),
            " ".join(rng.sample(WORDS, rng.randint(0, 3))),
        )
        for n in range(1, count + 1)
    ]
    found = find_clusters(incidents, threshold=threshold, min_size=min_size)
    assert sorted(c.incident_ids for c in found) == simple_clusters(incidents, threshold, min_size)
    for cluster in found:
        assert cluster.min_link >= threshold
        assert 0.0 <= cluster.mean_similarity <= 1.0


def all_pairs_clusters(incidents, threshold, min_size):
    """The evidence the plain way: every pair's score of a (service,
    category) group kept, connected groups by the simple merge above."""
    by_id = {i.id: i for i in incidents}
    found = []
    for ids in simple_clusters(incidents, threshold, min_size):
        pairs = [
            similarity(tokens(by_id[a].title), tokens(by_id[b].title))
            for n, a in enumerate(ids)
            for b in ids[n + 1 :]
        ]
        found.append(
            (
                ids,
                round(sum(pairs) / len(pairs), 3),
                round(min(p for p in pairs if p >= threshold), 3),
            )
        )
    return sorted(found)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    count=st.integers(0, 40),
    threshold=st.sampled_from([0.0, 0.2, 0.25, 0.34, 0.5, 0.67, 1.0]),
    min_size=st.integers(2, 5),
)
def test_keeping_only_alike_pairs_changes_no_evidence(seed, count, threshold, min_size):
    rng = random.Random(seed)
    incidents = [
        inc(
            n,
            rng.randint(1, 2),
            1,
            " ".join(rng.sample(WORDS, rng.randint(0, 4))),
        )
        for n in range(1, count + 1)
    ]
    found = find_clusters(incidents, threshold=threshold, min_size=min_size)
    got = sorted((c.incident_ids, c.mean_similarity, c.min_link) for c in found)
    assert got == all_pairs_clusters(incidents, threshold, min_size)
