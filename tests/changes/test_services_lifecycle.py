"""The change lifecycle services: raising, submitting, scheduling,
implementing, reviewing, closing, cancelling and re-planning changes.
Expected values are worked out by hand from the ``org`` fixture."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stanchion.changes import services
from stanchion.changes.models import Change, ChangeApproval
from stanchion.core.errors import ConflictError

from .conftest import NOW

pytestmark = pytest.mark.django_db


def errors(excinfo):
    return excinfo.value.message_dict


def events(change):
    return list(change.events.values_list("kind", flat=True))


def states(change):
    return [
        (e.data["from"], e.data["to"]) for e in change.events.filter(kind="state").order_by("pk")
    ]


def approve_all(change, org, now=NOW):
    for approval in change.approvals.filter(state="pending"):
        approver = approval.approvers.order_by("pk").first()
        services.decide(approval, actor=approver, approve=True, now=now)


# Raising --------------------------------------------------------------------


def test_a_standard_change_starts_from_its_template(org):
    start = NOW + timedelta(days=3)
    change = services.create_change(
        actor=org.agent,
        change_type="standard",
        title="Patch the wiki in March",
        template=org.template,
        planned_start=start,
        now=NOW,
    )
    assert re.fullmatch(r"CHG-\d{6}", change.number)
    assert change.state == "draft"
    assert change.requested_by == org.agent and change.owner == org.agent
    assert change.implementation_plan == "Apply the OS updates, reboot."
    assert change.backout_plan == "Restore the snapshot."
    assert change.test_plan == "Sign in to the wiki."
    assert change.validation_checklist == [
        {"item": "Wiki answers", "done": False},
        {"item": "Search works", "done": False},
    ]
    assert change.implementer_team == org.platform
    assert list(change.services.all()) == [org.wiki]
    # The template's expected duration, 90 minutes.
    assert change.planned_end == start + timedelta(minutes=90)
    assert events(change) == ["created"]


def test_numbers_count_up(org):
    first, second = org.normal(), org.normal()
    assert int(second.number[4:]) == int(first.number[4:]) + 1


@pytest.mark.parametrize(
    ("change_type", "template_state", "message"),
    [
        ("standard", None, "A standard change is raised from a template."),
        ("standard", "inactive", "“Monthly Wiki patching” is no longer offered."),
        ("normal", "active", "Only standard changes are raised from a template."),
    ],
)
def test_templates_belong_to_standard_changes(org, change_type, template_state, message):
    template = None
    if template_state:
        template = org.template
        template.is_active = template_state == "active"
        template.save()
    with pytest.raises(ValidationError) as excinfo:
        services.create_change(
            actor=org.agent, change_type=change_type, title="x", template=template
        )
    assert errors(excinfo) == {"template": [message]}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"change_type": "sideways"}, "change_type", "Unknown change type “sideways”."),
        ({"title": "  "}, "title", "Give the change a title."),
        ({"services": [999999]}, "services", "Unknown service: 999999."),
        ({"services": ["wiki"]}, "services", "“wiki” is not a service id."),
        (
            {"validation_checklist": [{"item": ""}]},
            "validation_checklist",
            "Step 1 needs a description.",
        ),
        (
            {"validation_checklist": [{"item": "ok", "done": "yes"}]},
            "validation_checklist",
            "Step 1: done is true or false.",
        ),
        ({"number": "CHG-1"}, "number", "This field cannot be set here."),
        ({"owner": 987654}, "owner", "Unknown user: 987654."),
        ({"implementer_team": "x"}, "implementer_team", "Unknown team: x."),
        ({"state": "closed"}, "state", "This field cannot be set here."),
    ],
)
def test_bad_input_names_the_field(org, fields, field, message):
    arguments = {"change_type": "normal", "title": "A change", **fields}
    with pytest.raises(ValidationError) as excinfo:
        services.create_change(actor=org.agent, **arguments)
    assert errors(excinfo) == {field: [message]}
    assert not Change.objects.exists()


def test_end_before_start_is_refused(org):
    start = NOW + timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        services.create_change(
            actor=org.agent,
            change_type="normal",
            title="Backwards",
            planned_start=start,
            planned_end=start - timedelta(minutes=1),
        )
    assert errors(excinfo) == {"planned_end": ["The planned end must be after the planned start."]}


def test_an_unknown_risk_answer_names_the_field(org):
    with pytest.raises(ValidationError) as excinfo:
        org.normal(risk_answers={"user_impact": "catastrophic"})
    assert list(errors(excinfo)) == ["risk_answers"]


def test_requesters_cannot_raise_changes(org):
    with pytest.raises(PermissionDenied):
        services.create_change(actor=org.requester, change_type="normal", title="Mine")
    with pytest.raises(PermissionDenied):
        services.create_change(actor=org.auditor, change_type="normal", title="Mine")


# Submitting -----------------------------------------------------------------


def test_a_standard_change_without_conflicts_is_scheduled_on_submit(org):
    change = services.create_change(
        actor=org.agent,
        change_type="standard",
        title="Patch",
        template=org.template,
        planned_start=NOW + timedelta(days=10),
        now=NOW,
    )
    change = services.submit(change, actor=org.agent, now=NOW)
    assert change.state == "scheduled"
    assert change.submitted_at == NOW and change.approved_at == NOW
    assert states(change) == [("draft", "assessment"), ("assessment", "scheduled")]
    assert not change.approvals.exists()
    # Tier 3, no dependents, no history, both plans, ten days ahead: only the
    # four unanswered questions count, at their riskiest (5 + 4 + 3 + 3).
    assert (change.risk_score, change.risk_level) == (15, "low")
    assert sum(f["points"] for f in change.risk_factors) == 15


def test_a_normal_change_is_assessed_on_submit(org):
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    assert change.state == "assessment"
    assert change.submitted_at == NOW and change.approved_at is None
    # Tier 3, nothing depends on the wiki, plans present, a week ahead, the
    # least risky answers: no points at all.
    assert (change.risk_score, change.risk_level) == (0, "low")
    assert change.conflicts == []
    assert events(change) == ["created", "state", "assessed"]


def test_submit_finds_an_overlapping_change(org):
    first = services.submit(org.normal(title="First"), actor=org.agent, now=NOW)
    second = services.submit(org.normal(title="Second", hours=3), actor=org.agent, now=NOW)
    assert [(c["kind"], c["change_number"]) for c in second.conflicts] == [
        ("overlap", first.number)
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"services": []}, "services", "Choose at least one affected service."),
        ({"implementation_plan": ""}, "implementation_plan", "Describe how the change is made."),
        ({"planned_start": None}, "planned_start", "Give the planned start."),
        ({"planned_end": None}, "planned_end", "Give the planned end."),
        (
            {"planned_start": NOW - timedelta(hours=1), "planned_end": NOW + timedelta(hours=1)},
            "planned_start",
            "The planned start is in the past; choose a time ahead.",
        ),
    ],
)
def test_submit_needs_a_complete_plan(org, fields, field, message):
    change = org.normal(**{k: v for k, v in fields.items() if k != "services"})
    if "services" in fields:
        change.services.set(fields["services"])
    with pytest.raises(ValidationError) as excinfo:
        services.submit(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {field: [message]}
    change.refresh_from_db()
    assert change.state == "draft" and change.submitted_at is None


def test_an_emergency_change_may_start_at_once(org):
    change = org.normal(
        change_type="emergency",
        planned_start=NOW - timedelta(minutes=5),
        planned_end=NOW + timedelta(hours=1),
    )
    change = services.submit(change, actor=org.agent, now=NOW)
    assert change.state == "assessment"


# Invalid transitions --------------------------------------------------------


def test_invalid_transitions_name_both_states(org):
    change = org.normal()
    with pytest.raises(ValidationError) as excinfo:
        services.start_implementation(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {"state": ["A change cannot go from Draft to Implementing."]}
    with pytest.raises(ValidationError) as excinfo:
        services.close(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {"state": ["A change cannot go from Draft to Closed."]}
    with pytest.raises(ValidationError) as excinfo:
        services.finish_implementation(change, actor=org.agent, outcome="successful", now=NOW)
    assert errors(excinfo) == {"state": ["A change cannot go from Draft to Review."]}
    services.submit(change, actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.submit(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {"state": ["A change cannot go from Assessment to Assessment."]}
    change.refresh_from_db()
    assert change.state == "assessment"


def test_a_normal_change_cannot_be_scheduled_without_approval(org):
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.schedule(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {"approvals": ["Request approval first."]}
    services.request_approval(change, actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.schedule(change, actor=org.agent, now=NOW)
    assert list(errors(excinfo)) == ["approvals"]
    assert "Manager of the implementer team" in errors(excinfo)["approvals"][0]
    change.refresh_from_db()
    assert change.state == "authorisation"


def test_implementation_without_approval_is_refused(org):
    """Even a change that reached scheduled some other way (an import, a
    bug) does not start without its approval."""
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    Change.objects.filter(pk=change.pk).update(state="scheduled")
    with pytest.raises(ValidationError) as excinfo:
        services.start_implementation(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {
        "approved_at": ["This change has not been approved and cannot be implemented."]
    }


def test_a_change_being_implemented_cannot_be_cancelled(org):
    change = _scheduled(org)
    services.start_implementation(change, actor=org.agent, now=NOW + timedelta(days=7))
    with pytest.raises(ValidationError) as excinfo:
        services.cancel(change, actor=org.agent, reason="Never mind")
    assert errors(excinfo) == {"state": ["A change cannot go from Implementing to Cancelled."]}


# The whole life -------------------------------------------------------------


def _scheduled(org, **fields):
    change = services.submit(org.normal(**fields), actor=org.agent, now=NOW)
    services.request_approval(change, actor=org.agent, now=NOW)
    approve_all(change, org)
    return services.schedule(change, actor=org.agent, now=NOW)


def test_a_normal_change_through_its_whole_life(org):
    change = org.normal(validation_checklist=["Front page loads", "Search works"])
    change = services.submit(change, actor=org.agent, now=NOW)
    change = services.request_approval(change, actor=org.agent, now=NOW)
    assert change.state == "authorisation"
    approve_all(change, org, now=NOW + timedelta(hours=1))
    change.refresh_from_db()
    assert change.approved_at == NOW + timedelta(hours=1)
    change = services.schedule(change, actor=org.agent, now=NOW + timedelta(hours=2))
    assert change.state == "scheduled"

    began = change.planned_start
    change = services.start_implementation(change, actor=org.agent, now=began)
    assert (change.state, change.actual_start) == ("implementing", began)
    ended = began + timedelta(minutes=75)
    change = services.finish_implementation(
        change, actor=org.agent, outcome="successful", now=ended
    )
    assert (change.state, change.outcome, change.actual_end) == ("review", "successful", ended)

    with pytest.raises(ValidationError) as excinfo:
        services.close(change, actor=org.agent, now=ended)
    assert errors(excinfo) == {
        "validation_checklist": ["Complete the validation first: Front page loads, Search works."]
    }
    change = services.update_validation(
        change,
        actor=org.agent,
        checklist=[
            {"item": "Front page loads", "done": True},
            {"item": "Search works", "done": True},
        ],
        now=ended,
    )
    change = services.close(change, actor=org.agent, now=ended + timedelta(hours=1))
    assert (change.state, change.closed_at) == ("closed", ended + timedelta(hours=1))
    assert states(change) == [
        ("draft", "assessment"),
        ("assessment", "authorisation"),
        ("authorisation", "scheduled"),
        ("scheduled", "implementing"),
        ("implementing", "review"),
        ("review", "closed"),
    ]
    with pytest.raises(ValidationError) as excinfo:
        services.update_change(change, {"title": "Renamed"}, actor=org.agent)
    assert errors(excinfo) == {"state": ["A closed change cannot be edited."]}


def test_a_failed_change_says_what_went_wrong(org):
    change = _scheduled(org)
    services.start_implementation(change, actor=org.agent, now=NOW + timedelta(days=7))
    with pytest.raises(ValidationError) as excinfo:
        services.finish_implementation(change, actor=org.agent, outcome="rolled_back")
    assert errors(excinfo) == {"outcome_notes": ["Say what went wrong."]}
    with pytest.raises(ValidationError) as excinfo:
        services.finish_implementation(change, actor=org.agent, outcome="meh", notes="x")
    assert list(errors(excinfo)) == ["outcome"]
    change = services.finish_implementation(
        change, actor=org.agent, outcome="rolled_back", notes="Login broke; rolled back."
    )
    assert (change.outcome, change.outcome_notes) == ("rolled_back", "Login broke; rolled back.")


def test_an_emergency_change_closes_only_with_its_retrospective(org, fixed_risk):
    fixed_risk("high")
    change = org.normal(
        change_type="emergency",
        planned_start=NOW + timedelta(minutes=30),
        planned_end=NOW + timedelta(hours=1),
    )
    services.submit(change, actor=org.agent, now=NOW)
    services.request_approval(change, actor=org.agent, now=NOW)
    approve_all(change, org)
    services.schedule(change, actor=org.agent, now=NOW)
    services.start_implementation(change, actor=org.agent, now=NOW + timedelta(minutes=30))
    services.finish_implementation(change, actor=org.agent, outcome="successful")
    with pytest.raises(ValidationError) as excinfo:
        services.close(change, actor=org.agent)
    assert errors(excinfo) == {
        "retrospective": ["An emergency change needs its retrospective review before closing."]
    }
    change = services.close(change, actor=org.agent, retrospective="Root cause: expired cert.")
    assert (change.state, change.retrospective) == ("closed", "Root cause: expired cert.")


def test_cancelling_needs_a_reason_and_supersedes_the_approvals(org):
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    services.request_approval(change, actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.cancel(change, actor=org.agent, reason=" ")
    assert errors(excinfo) == {"reason": ["Say why the change is cancelled."]}
    change = services.cancel(change, actor=org.agent, reason="Vendor withdrew the patch", now=NOW)
    assert (change.state, change.cancelled_reason, change.closed_at) == (
        "cancelled",
        "Vendor withdrew the patch",
        NOW,
    )
    assert set(change.approvals.values_list("state", flat=True)) == {"superseded"}


def test_comments_go_on_the_timeline(org):
    change = org.normal()
    event = services.add_comment(change, actor=org.agent, body="  Vendor confirmed.  ")
    assert (event.kind, event.body, event.actor) == ("comment", "Vendor confirmed.", org.agent)
    with pytest.raises(ValidationError) as excinfo:
        services.add_comment(change, actor=org.agent, body="")
    assert errors(excinfo) == {"body": ["Write something."]}
    with pytest.raises(PermissionDenied):
        services.add_comment(change, actor=org.auditor, body="Hm")


# Editing and re-planning ----------------------------------------------------


def test_a_stale_version_is_refused(org):
    change = org.normal()
    seen = change.version
    services.update_change(change, {"title": "First edit"}, actor=org.agent, expected_version=seen)
    with pytest.raises(ConflictError):
        services.update_change(
            change, {"title": "Second edit"}, actor=org.tm, expected_version=seen
        )
    change.refresh_from_db()
    assert (change.title, change.version) == ("First edit", seen + 1)


def test_transitions_check_the_version_too(org):
    change = org.normal()
    services.update_change(change, {"title": "Edited"}, actor=org.agent)
    with pytest.raises(ConflictError):
        services.submit(change, actor=org.agent, now=NOW, expected_version=change.version)


def test_replanning_an_approved_change_sends_it_back_to_assessment(org):
    change = _scheduled(org)
    assert change.approved_at is not None
    start, end = org.plan(days=8)
    change = services.update_change(
        change, {"planned_start": start, "planned_end": end}, actor=org.agent, now=NOW
    )
    assert change.state == "assessment"
    assert change.approved_at is None
    assert set(change.approvals.values_list("state", flat=True)) == {"superseded"}
    replanned = change.events.get(kind="replanned")
    assert replanned.data["changes"]["planned_start"][1] == start.isoformat()
    # A new round of approvals is needed before it is scheduled again.
    services.request_approval(change, actor=org.agent, now=NOW)
    assert change.approvals.filter(state="pending").count() == 1


def test_owner_and_team_may_be_given_by_id(org):
    change = org.normal()
    change = services.update_change(
        change, {"owner": org.tm.pk, "implementer_team": org.identity.pk}, actor=org.agent
    )
    assert (change.owner, change.implementer_team) == (org.tm, org.identity)
    edited = change.events.get(kind="edited").data["changes"]
    assert edited["owner"] == [org.agent.pk, org.tm.pk]


def test_editing_words_keeps_the_approvals(org):
    change = _scheduled(org)
    change = services.update_change(change, {"description": "More detail"}, actor=org.agent)
    assert change.state == "scheduled" and change.approved_at is not None
    assert change.events.filter(kind="edited").count() == 1


def test_an_unchanged_edit_writes_nothing(org):
    change = org.normal()
    version = change.version
    services.update_change(change, {"title": change.title}, actor=org.agent)
    change.refresh_from_db()
    assert change.version == version and events(change) == ["created"]


def test_the_plan_is_frozen_once_work_starts(org):
    change = _scheduled(org)
    services.start_implementation(change, actor=org.agent, now=NOW + timedelta(days=7))
    start, end = org.plan(days=9)
    with pytest.raises(ValidationError) as excinfo:
        services.update_change(change, {"planned_start": start}, actor=org.agent)
    assert errors(excinfo) == {
        "planned_start": ["The plan of a change that is being implemented cannot change."]
    }


def test_a_replanned_standard_change_is_scheduled_again(org):
    change = services.create_change(
        actor=org.agent,
        change_type="standard",
        title="Patch",
        template=org.template,
        planned_start=NOW + timedelta(days=3),
        now=NOW,
    )
    services.submit(change, actor=org.agent, now=NOW)
    later = NOW + timedelta(days=4)
    change = services.update_change(
        change,
        {"planned_start": later, "planned_end": later + timedelta(hours=1)},
        actor=org.agent,
        now=NOW,
    )
    assert change.state == "scheduled"
    assert states(change)[-2:] == [("scheduled", "assessment"), ("assessment", "scheduled")]


# Conflicts ------------------------------------------------------------------


def test_conflicts_block_approval_until_overridden_with_a_reason(org):
    first = services.submit(org.normal(title="First"), actor=org.agent, now=NOW)
    second = services.submit(org.normal(title="Second"), actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(second, actor=org.agent, now=NOW)
    assert errors(excinfo) == {
        "conflicts": [
            "The plan has 1 schedule conflict: re-plan the change, or have the "
            "conflicts overridden with a reason."
        ]
    }
    with pytest.raises(PermissionDenied):
        services.override_conflicts(second, actor=org.agent, reason="Both are small")
    with pytest.raises(ValidationError) as excinfo:
        services.override_conflicts(second, actor=org.cab1, reason="")
    assert list(errors(excinfo)) == ["reason"]
    with pytest.raises(ValidationError) as excinfo:
        services.override_conflicts(first, actor=org.cab1, reason="x")
    # The first was submitted alone: it has nothing to override.
    assert errors(excinfo) == {"conflicts": ["This change has no conflicts to override."]}

    second = services.override_conflicts(second, actor=org.cab1, reason="Both are small")
    assert (second.conflict_override_reason, second.conflict_override_by) == (
        "Both are small",
        org.cab1,
    )
    second = services.request_approval(second, actor=org.agent, now=NOW)
    assert second.state == "authorisation"


def test_a_conflict_that_appears_later_cancels_the_override(org):
    services.submit(org.normal(title="First"), actor=org.agent, now=NOW)
    second = services.submit(org.normal(title="Second"), actor=org.agent, now=NOW)
    services.override_conflicts(second, actor=org.cab1, reason="Both are small")
    services.request_approval(second, actor=org.agent, now=NOW)
    approve_all(second, org)
    # A third change lands on the same slot while the second waits.
    services.submit(org.normal(title="Third"), actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.schedule(second, actor=org.agent, now=NOW)
    assert "2 schedule conflicts" in errors(excinfo)["conflicts"][0]
    second.refresh_from_db()
    assert second.state == "authorisation"


def test_a_standard_change_with_a_conflict_waits_for_the_override(org):
    services.submit(org.normal(title="Normal work"), actor=org.agent, now=NOW)
    start, _ = org.plan()
    change = services.create_change(
        actor=org.agent,
        change_type="standard",
        title="Patch",
        template=org.template,
        planned_start=start,
        now=NOW,
    )
    change = services.submit(change, actor=org.agent, now=NOW)
    assert change.state == "assessment" and len(change.conflicts) == 1
    change = services.override_conflicts(change, actor=org.cab1, reason="Same engineer", now=NOW)
    assert change.state == "scheduled" and change.approved_at == NOW
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(change, actor=org.agent)
    assert errors(excinfo) == {
        "change_type": ["A standard change is pre-approved; it needs no approval."]
    }


def test_no_approval_rows_are_left_by_a_refused_request(org, fixed_risk):
    fixed_risk("low")
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    org.platform.manager = None
    org.platform.save()
    org.tm_b.memberships.all().delete()
    with pytest.raises(ValidationError):
        services.request_approval(change, actor=org.agent, now=NOW)
    assert not ChangeApproval.objects.exists()
