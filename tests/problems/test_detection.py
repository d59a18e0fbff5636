"""Problem candidates from the database: the window, the thresholds, linked
incidents left out, and raising a problem from a cluster."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from stanchion.problems import detection, services
from stanchion.problems.models import RecurrenceSettings

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def recurring(world):
    """Three alike VPN/Network incidents in the last 10 days, one alike but
    40 days old, one alike on Mail, one on another category, and two alike
    Mail/Email ones."""
    day = timedelta(days=1)
    return {
        "a": world.incident("VPN drops every morning", at=NOW - 9 * day),
        "b": world.incident("VPN drops at home", at=NOW - 5 * day),
        "c": world.incident("VPN keeps dropping, drops again", at=NOW - day),
        "old": world.incident("VPN drops every morning", at=NOW - 40 * day),
        "mail": world.incident("VPN drops every morning", service=world.mail, at=NOW - day),
        "other": world.incident("VPN drops", category=world.email, at=NOW - day),
        "m1": world.incident("Mail bounces", service=world.mail, category=world.email, at=NOW),
        "m2": world.incident("Mail bounces", service=world.mail, category=world.email, at=NOW),
    }


def ids(candidate):
    return [t.pk for t in candidate.incidents]


def test_candidates_follow_the_settings(world, recurring):
    r = recurring
    settings = RecurrenceSettings(window_days=30, min_cluster_size=3, similarity_threshold=0.3)
    (candidate,) = detection.find_candidates(settings=settings, now=NOW)
    assert candidate.service == world.vpn and candidate.category == world.network
    assert ids(candidate) == [r["a"].pk, r["b"].pk, r["c"].pk]  # oldest first
    assert candidate.first_at == NOW - timedelta(days=9)
    # a {vpn, drops, every, morning}, b {vpn, drops, home}: 2/5 = 0.4;
    # a–c {vpn, drops} of {vpn, drops, every, morning, keeps, dropping, again}: 2/7;
    # b–c: 2/6. Mean (0.4 + 2/7 + 1/3) / 3 = 0.3397 -> 0.34.
    assert candidate.mean_similarity == 0.34
    # A 60-day window takes in the old incident too.
    settings.window_days = 60
    (candidate,) = detection.find_candidates(settings=settings, now=NOW)
    assert ids(candidate) == [r["old"].pk, r["a"].pk, r["b"].pk, r["c"].pk]
    # Pairs count when the minimum is 2.
    settings.window_days, settings.min_cluster_size = 30, 2
    found = [ids(c) for c in detection.find_candidates(settings=settings, now=NOW)]
    assert found == [[r["a"].pk, r["b"].pk, r["c"].pk], [r["m1"].pk, r["m2"].pk]]
    # A high threshold keeps only the identical titles.
    settings.similarity_threshold = 0.9
    found = [ids(c) for c in detection.find_candidates(settings=settings, now=NOW)]
    assert found == [[r["m1"].pk, r["m2"].pk]]


def test_linked_incidents_and_requests_are_left_out(world, recurring):
    problem = world.problem()
    services.link_incident(problem, recurring["b"], actor=world.agent)
    world.request()
    settings = RecurrenceSettings(window_days=30, min_cluster_size=3, similarity_threshold=0.3)
    assert detection.find_candidates(settings=settings, now=NOW) == []


def test_raising_a_problem_from_a_cluster(world, recurring):
    services.update_recurrence_settings(
        {"window_days": 30, "min_cluster_size": 3, "similarity_threshold": 0.3}, actor=world.admin
    )
    (candidate,) = detection.find_candidates(now=NOW)
    problem = services.raise_from_cluster(ids(candidate), actor=world.agent, now=NOW)
    assert problem.title == "VPN drops every morning"
    assert list(problem.services.all()) == [world.vpn]
    assert problem.category == world.network
    linked = sorted(problem.incident_links.values_list("incident_id", flat=True))
    assert linked == sorted(ids(candidate))
    assert detection.find_candidates(now=NOW) == []
    # The same cluster again (someone else raised it meanwhile) is refused.
    with pytest.raises(ValidationError) as error:
        services.raise_from_cluster(ids(candidate), actor=world.agent, now=NOW)
    assert "no longer a problem candidate" in error.value.message_dict["incidents"][0]


def test_each_group_counts_its_most_recent_incidents(world, monkeypatch):
    monkeypatch.setattr(detection, "MAX_PER_GROUP", 3)
    day = timedelta(days=1)
    # Five alike VPN/Network incidents, 5..1 days old: the 3 newest count.
    vpn = [world.incident("VPN drops", at=NOW - n * day) for n in (5, 4, 3, 2, 1)]
    mail = [
        world.incident("Mail bounces", service=world.mail, category=world.email, at=NOW - day)
        for _ in range(3)
    ]
    settings = RecurrenceSettings(window_days=30, min_cluster_size=3, similarity_threshold=0.5)
    found = sorted(ids(c) for c in detection.find_candidates(settings=settings, now=NOW))
    assert found == sorted([[t.pk for t in vpn[2:]], [t.pk for t in mail]])
    page = detection.cluster_incidents([t.pk for t in vpn[:4]], settings=settings, now=NOW)
    assert page is None  # 4 ids are more than a group counts


def test_raising_checks_only_the_posted_incidents(world, recurring, monkeypatch):
    r = recurring
    services.update_recurrence_settings(
        {"window_days": 30, "min_cluster_size": 3, "similarity_threshold": 0.3}, actor=world.admin
    )

    def everything(**kwargs):
        raise AssertionError("the whole window was clustered again")

    monkeypatch.setattr(detection, "find_candidates", everything)
    refused = [
        [r["a"].pk, r["b"].pk, r["old"].pk],  # "old" is outside the 30-day window
        [r["a"].pk, r["b"].pk, r["mail"].pk],  # "mail" is on another service
        [r["a"].pk, r["b"].pk, r["other"].pk],  # "other" is in another category
        [r["a"].pk, r["b"].pk],  # fewer than the minimum size
        [r["a"].pk, r["b"].pk, r["c"].pk, 999999],  # no such incident
    ]
    for posted in refused:
        assert detection.cluster_incidents(posted, now=NOW) is None, posted
    # Titles that no longer hold together: "Mail bounces" is like neither.
    m3 = world.incident("Printer jammed", service=world.mail, category=world.email, at=NOW)
    assert detection.cluster_incidents([r["m1"].pk, r["m2"].pk, m3.pk], now=NOW) is None
    # {vpn, drops, every, morning}, {vpn, drops, home}, {vpn, keeps, dropping,
    # drops, again}: a–b 2/5 = 0.4, b–c 2/6 = 0.33, a–c 2/7 = 0.29 < 0.3, so
    # c is held by b: posted in any order, the three are one cluster.
    problem = services.raise_from_cluster(
        [r["c"].pk, r["a"].pk, r["b"].pk], actor=world.agent, now=NOW
    )
    linked = sorted(problem.incident_links.values_list("incident_id", flat=True))
    assert linked == sorted([r["a"].pk, r["b"].pk, r["c"].pk])
    assert problem.category == world.network and list(problem.services.all()) == [world.vpn]
    assert "Raised from 3 recurring incidents" in problem.description
