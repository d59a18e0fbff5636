"""Defects a review found: odd digits in a form, bookkeeping that refused
the commander's next action, duplicate links and follows racing, auditors
offered as owners, and a resolution before the mitigation. Expected values
are worked out by hand from the fixture (see conftest)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stanchion.core.errors import ConflictError
from stanchion.majorincidents import services
from stanchion.majorincidents.models import MajorIncident, ServiceSubscription

from .conftest import NOW, minutes
from .test_api import fields, recent
from .test_views import said, signed_in


def declared(mi_org):
    # The ticket opens at NOW (impact start); declared at 09:05, P1: the
    # first update is due at 09:35.
    return services.declare(mi_org.incident(), actor=mi_org.agent, now=NOW + minutes(5))


# 1. A superscript digit is a digit to str.isdigit() but not to int().


@pytest.mark.parametrize("raw", ["²", "٣", "-1", " 1"])
def test_following_a_service_by_an_odd_number_is_refused_by_name(mi_org, raw):
    bob = signed_in(mi_org.bob)
    response = bob.post(reverse("majorincidents:subscriptions"), {"services": [raw]})
    assert response.status_code == 302
    assert said(response) == [f"Services: “{raw}” is not a service you can follow."]
    assert ServiceSubscription.objects.count() == 0


# 2. Bookkeeping does not make the commander's open page stale.


def test_the_overdue_job_does_not_refuse_the_commanders_next_action(mi_org):
    mi = declared(mi_org)
    opened = mi.version  # the commander's page was opened now
    assert services.notify_overdue_updates(now=NOW + minutes(36)) == 1
    stored = MajorIncident.objects.get(pk=mi.pk)
    assert stored.overdue_notified_for == NOW + minutes(35)
    assert stored.version == opened
    edited = services.edit(
        mi, {"title": "Wiki down for all"}, actor=mi_org.agent, expected_version=opened
    )
    assert edited.title == "Wiki down for all"
    mitigated = services.mitigate(
        mi, actor=mi_org.agent, expected_version=edited.version, now=NOW + minutes(40)
    )
    assert mitigated.state == "mitigated"


def test_a_stakeholder_update_does_not_refuse_a_concurrent_edit(mi_org):
    mi = declared(mi_org)
    opened = mi.version
    services.post_update(mi, actor=mi_org.comms, body="Failing over.", now=NOW + minutes(20))
    stored = MajorIncident.objects.get(pk=mi.pk)
    # 09:20 plus the P1 cadence of 30 minutes.
    assert (stored.last_update_at, stored.next_update_due) == (
        NOW + minutes(20),
        NOW + minutes(50),
    )
    assert stored.updates.get().body == "Failing over."
    services.edit(mi, {"title": "Wiki down"}, actor=mi_org.agent, expected_version=opened)
    # A genuine conflict is still detected: the edit above made a new version.
    with pytest.raises(ConflictError):
        services.edit(mi, {"title": "Other"}, actor=mi_org.comms, expected_version=opened)


# 3. Linking and following lock their parent row first.


def _locked_tables(queries):
    return {
        table
        for query in queries
        if "FOR UPDATE" in query["sql"]
        for table in ("tickets_ticket", "accounts_user")
        if f'"{table}"' in query["sql"].split("FOR UPDATE")[0].split("WHERE")[0]
    }


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="the database has no row locks"
)
def test_linking_locks_the_ticket_and_following_locks_the_user(mi_org):
    mi = declared(mi_org)
    child = mi_org.incident(impact="3", at=NOW + minutes(1))
    with CaptureQueriesContext(connection) as link:
        services.link_child(mi, child, actor=mi_org.agent)
    assert "tickets_ticket" in _locked_tables(link.captured_queries)
    with CaptureQueriesContext(connection) as follow:
        services.subscribe(mi_org.wiki, actor=mi_org.bob)
    assert "accounts_user" in _locked_tables(follow.captured_queries)


def test_a_second_link_or_follow_is_refused_or_kept_single(mi_org):
    mi = declared(mi_org)
    child = mi_org.incident(impact="3", at=NOW + minutes(1))
    services.link_child(mi, child, actor=mi_org.agent)
    with pytest.raises(ValidationError) as error:
        services.link_child(mi, child, actor=mi_org.agent)
    assert "already a child incident of this" in " ".join(error.value.message_dict["ticket"])
    first = services.subscribe(mi_org.wiki, actor=mi_org.bob)
    assert services.subscribe(mi_org.wiki, actor=mi_org.bob).pk == first.pk
    assert ServiceSubscription.objects.count() == 1


# 4. Auditors watch; they are not offered as owners or roles.


def test_an_auditor_cannot_own_a_review_action_or_command(mi_org, api_client):
    agent_api = api_client(mi_org.agent)
    mi = services.declare(recent(mi_org), actor=mi_org.agent)
    url = f"/api/major-incidents/{mi.pk}/"
    assert "commander" in fields(
        agent_api.patch(url, {"commander": mi_org.auditor.pk, "version": mi.version}, format="json")
    )
    mi = services.resolve(mi, actor=mi_org.agent, notes="x")
    body = {
        "review": mi.review.pk,
        "title": "Add a disk alert",
        "owner": mi_org.auditor.pk,
        "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    assert "owner" in fields(agent_api.post("/api/review-actions/", body, format="json"))
    created = agent_api.post(
        "/api/review-actions/", {**body, "owner": mi_org.comms.pk}, format="json"
    )
    assert created.status_code == 201, created.content


# 5. The impact window cannot be inverted.


def test_resolution_before_the_mitigation_or_the_impact_is_refused(mi_org):
    mi = declared(mi_org)
    with pytest.raises(ValidationError) as error:
        services.mitigate(mi, actor=mi_org.agent, at=NOW - minutes(1), now=NOW + minutes(40))
    assert "before it started" in " ".join(error.value.message_dict["at"])
    with pytest.raises(ValidationError) as error:
        services.resolve(
            mi, actor=mi_org.agent, notes="Fixed.", at=NOW - minutes(1), now=NOW + minutes(40)
        )
    assert "before the impact started" in " ".join(error.value.message_dict["at"])
    mi = services.mitigate(mi, actor=mi_org.agent, at=NOW + minutes(30), now=NOW + minutes(40))
    with pytest.raises(ValidationError) as error:
        services.resolve(
            mi, actor=mi_org.agent, notes="Fixed.", at=NOW + minutes(29), now=NOW + minutes(60)
        )
    assert "before it was mitigated" in " ".join(error.value.message_dict["at"])
    # At the mitigation time itself is fine.
    mi = services.resolve(
        mi, actor=mi_org.agent, notes="Fixed.", at=NOW + minutes(30), now=NOW + minutes(60)
    )
    assert (mi.mitigated_at, mi.resolved_at) == (NOW + minutes(30), NOW + minutes(30))


def test_the_api_names_at_for_a_resolution_before_the_mitigation(mi_org, api_client):
    agent_api = api_client(mi_org.agent)
    mi = services.declare(recent(mi_org), actor=mi_org.agent)
    mitigated = timezone.now() - timedelta(minutes=5)
    services.mitigate(mi, actor=mi_org.agent, at=mitigated)
    url = f"/api/major-incidents/{mi.pk}/resolve/"
    early = (mitigated - timedelta(minutes=1)).isoformat()
    assert "at" in fields(agent_api.post(url, {"notes": "Fixed.", "at": early}, format="json"))
    assert MajorIncident.objects.get(pk=mi.pk).state == "mitigated"


def test_the_page_names_the_time_as_its_form_labels_it(mi_org):
    ticket = mi_org.incident(at=timezone.now() - timedelta(hours=2))  # the impact start
    running = services.declare(ticket, actor=mi_org.agent, now=timezone.now() - timedelta(hours=1))
    agent = signed_in(mi_org.agent)
    mitigate = reverse("majorincidents:action", args=[running.number, "mitigate"])
    resolve = reverse("majorincidents:action", args=[running.number, "resolve"])
    response = agent.post(mitigate, {"at": "2000-01-01T00:00"})
    assert said(response) == ["Impact stopped at: The impact cannot stop before it started."]
    response = agent.post(resolve, {"code": "solved", "notes": "Fixed.", "at": "2000-01-01T00:00"})
    assert said(response) == ["Resolved at: It cannot be resolved before the impact started."]
    assert MajorIncident.objects.get(pk=running.pk).state == "declared"
