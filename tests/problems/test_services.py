"""Raising, working and linking problems through the service functions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stanchion.core.models import AuditEntry
from stanchion.problems import services
from stanchion.problems.models import ProblemEvent, ProblemIncident, RecurrenceSettings

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_problems_are_numbered_from_the_counter(world):
    first, second = world.problem(), world.problem("Mail bounces")
    assert first.number.startswith("PRB-")
    assert int(second.number[4:]) == int(first.number[4:]) + 1
    assert len(first.number) == len("PRB-000007")
    assert first.state == "new"
    assert list(first.services.all()) == [world.vpn]
    assert first.raised_by == world.agent
    assert [e.kind for e in first.events.all()] == ["created"]
    assert AuditEntry.objects.filter(model="problems.problem", object_id=str(first.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"priority": "p9"}, "priority"),
        ({"colour": "red"}, "colour"),
        ({"workaround": "x" * 20001}, "workaround"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(world, fields, field):
    title = fields.pop("title", "A title")
    with pytest.raises(ValidationError) as error:
        services.create_problem(actor=world.agent, title=title, **fields)
    assert field in error.value.message_dict


def test_an_inactive_root_cause_cannot_be_chosen(world):
    world.config_error.is_active = False
    world.config_error.save()
    with pytest.raises(ValidationError) as error:
        world.problem(root_cause_category=world.config_error)
    assert "no longer in use" in error.value.message_dict["root_cause_category"][0]


def test_requesters_and_auditors_cannot_raise_problems(world):
    for user in (world.requester, world.auditor):
        with pytest.raises(PermissionDenied):
            services.create_problem(actor=user, title="Nope")


def test_the_life_of_a_problem(world):
    problem = world.problem()
    problem = services.move_problem(problem, "investigating", actor=world.agent, now=NOW)
    with pytest.raises(ValidationError) as error:
        services.move_problem(problem, "known_error", actor=world.agent)
    assert "workaround" in error.value.message_dict
    problem = services.update_problem(
        problem, {"workaround": "Reconnect with the backup gateway."}, actor=world.agent
    )
    later = NOW + timedelta(days=1)
    problem = services.move_problem(problem, "known_error", actor=world.agent, now=later)
    assert problem.known_error_at == later
    with pytest.raises(ValidationError) as error:
        services.move_problem(problem, "resolved", actor=world.agent)
    assert "note" in error.value.message_dict
    problem = services.move_problem(
        problem, "resolved", actor=world.agent, note="Gateway firmware upgraded.", now=later
    )
    assert problem.resolved_at == later
    problem = services.move_problem(problem, "closed", actor=world.agent, now=later)
    assert problem.closed_at == later
    moves = [
        (e.data["from"], e.data["to"]) for e in problem.events.filter(kind="state").order_by("id")
    ]
    assert moves == [
        ("new", "investigating"),
        ("investigating", "known_error"),
        ("known_error", "resolved"),
        ("resolved", "closed"),
    ]
    with pytest.raises(ValidationError):
        services.update_problem(problem, {"title": "Again"}, actor=world.agent)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), "resolved"),
        (("investigating", "known_error"), "closed"),
        (("investigating", "closed"), "investigating"),
    ],
)
def test_invalid_moves_name_both_states(world, path, target):
    problem = world.problem(workaround="Restart")
    for state in path:
        problem = services.move_problem(problem, state, actor=world.agent, note="n")
    with pytest.raises(ValidationError) as error:
        services.move_problem(problem, target, actor=world.agent)
    message = error.value.message_dict["state"][0]
    assert message.startswith("A problem cannot go from")


def test_unknown_state_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.move_problem(world.problem(), "frozen", actor=world.agent)
    assert "Unknown state" in error.value.message_dict["state"][0]


def test_a_stale_version_is_a_conflict(world):
    from stanchion.core.errors import ConflictError

    problem = world.problem()
    services.update_problem(problem, {"title": "New title"}, actor=world.agent)
    with pytest.raises(ConflictError):
        services.update_problem(
            problem, {"title": "Mine"}, actor=world.agent, expected_version=problem.version
        )


def test_editing_records_the_fields_on_the_timeline(world):
    problem = world.problem()
    services.update_problem(
        problem,
        {"root_cause_category": world.capacity, "services": [world.vpn, world.mail]},
        actor=world.agent,
    )
    problem.refresh_from_db()
    assert problem.version == 2
    event = problem.events.get(kind="updated")
    assert sorted(event.data["fields"]) == ["root_cause_category", "services"]
    assert {s.name for s in problem.services.all()} == {"VPN", "Mail"}
    # Nothing changes: no new version, no event.
    services.update_problem(problem, {"services": [world.mail, world.vpn]}, actor=world.agent)
    problem.refresh_from_db()
    assert problem.version == 2


def test_linking_incidents(world):
    problem = world.problem()
    incident = world.incident()
    link = services.link_incident(problem, incident.number.lower(), actor=world.agent, note="Same")
    assert link.incident == incident and link.linked_by == world.agent
    event = problem.events.get(kind="incident_linked")
    assert event.data["incident"] == incident.number
    with pytest.raises(ValidationError) as error:
        services.link_incident(problem, incident, actor=world.agent)
    assert error.value.message_dict["incident"] == [
        f"{incident.number} is already linked to {problem.number}."
    ]
    services.unlink_incident(link, actor=world.agent)
    assert not ProblemIncident.objects.exists()
    assert problem.events.filter(kind="incident_unlinked").count() == 1


def test_links_to_missing_tickets_and_requests_are_refused(world):
    problem = world.problem()
    for bad, message in (
        ("INC-999999", "There is no incident INC-999999."),
        ("", "Give the incident's number."),
        (None, "Choose the incident."),
    ):
        with pytest.raises(ValidationError) as error:
            services.link_incident(problem, bad, actor=world.agent)
        assert error.value.message_dict["incident"] == [message]
    request = world.request()
    with pytest.raises(ValidationError) as error:
        services.link_incident(problem, request, actor=world.agent)
    assert "service request" in error.value.message_dict["incident"][0]
    assert not ProblemIncident.objects.exists()


def test_a_closed_problem_takes_no_links(world):
    problem = world.problem()
    problem = services.move_problem(problem, "closed", actor=world.agent)
    with pytest.raises(ValidationError) as error:
        services.link_incident(problem, world.incident(), actor=world.agent)
    assert "closed" in error.value.message_dict["problem"][0]


def test_comments(world):
    problem = world.problem()
    with pytest.raises(ValidationError) as error:
        services.add_comment(problem, actor=world.agent, body="   ")
    assert "body" in error.value.message_dict
    services.add_comment(problem, actor=world.agent, body="Looking at the gateway logs.")
    assert ProblemEvent.objects.filter(problem=problem, kind="comment").count() == 1
    with pytest.raises(PermissionDenied):
        services.add_comment(problem, actor=world.auditor, body="Hi")


def test_recurrence_settings_are_one_row_kept_by_admins(world):
    assert RecurrenceSettings.current().window_days == 30  # the default, unsaved
    saved = services.update_recurrence_settings({"window_days": 14}, actor=world.admin)
    assert saved.version == 1
    again = services.update_recurrence_settings(
        {"min_cluster_size": 4}, actor=world.admin, expected_version=1
    )
    assert again.pk == saved.pk and again.version == 2
    assert RecurrenceSettings.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.update_recurrence_settings({"window_days": 7}, actor=world.agent)
    for changes, field in (
        ({"window_days": 0}, "window_days"),
        ({"min_cluster_size": 1}, "min_cluster_size"),
        ({"similarity_threshold": 1.5}, "similarity_threshold"),
        ({"colour": 1}, "colour"),
    ):
        with pytest.raises(ValidationError) as error:
            services.update_recurrence_settings(changes, actor=world.admin)
        assert field in error.value.message_dict
