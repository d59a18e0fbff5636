"""Approval policies, deciding, delegation, the approvals inbox and the
notifications approvers get. Who approves is worked out by hand from the
``org`` fixture (see conftest)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stanchion.changes import services
from stanchion.changes.models import ApprovalDelegation, Change, ChangeApproval
from stanchion.notifications.models import Notification, OutboundEmail

from .conftest import NOW

pytestmark = pytest.mark.django_db


def errors(excinfo):
    return excinfo.value.message_dict


def asked(change):
    """{(kind, team name or None): {approver emails}} of the pending approvals."""
    return {
        (a.kind, a.team.name if a.team else None): {u.email for u in a.approvers.all()}
        for a in change.approvals.filter(state="pending")
    }


def emails(*users):
    return {u.email for u in users}


def in_authorisation(org, level=None, fixed_risk=None, **fields):
    if level:
        fixed_risk(level)
    change = services.submit(org.normal(**fields), actor=org.agent, now=NOW)
    return services.request_approval(change, actor=org.agent, now=NOW)


# Policies -------------------------------------------------------------------


def test_low_risk_asks_the_implementer_teams_managers(org, fixed_risk):
    change = in_authorisation(org, "low", fixed_risk, services=[org.wiki, org.sso])
    # Platform's manager and its team-manager member; nobody else.
    assert asked(change) == {("team_manager", "Platform"): emails(org.tm, org.tm_b)}


def test_medium_risk_also_asks_the_owners_of_the_services(org, fixed_risk):
    change = in_authorisation(org, "medium", fixed_risk, services=[org.wiki, org.sso])
    # Wiki is Platform's own (asked once, as the implementer team); SSO is
    # Identity's.
    assert asked(change) == {
        ("team_manager", "Platform"): emails(org.tm, org.tm_b),
        ("service_owner", "Identity"): emails(org.tm_id),
    }


def test_high_risk_also_asks_the_cab(org, fixed_risk):
    change = in_authorisation(org, "high", fixed_risk, services=[org.wiki, org.sso])
    assert asked(change) == {
        ("team_manager", "Platform"): emails(org.tm, org.tm_b),
        ("service_owner", "Identity"): emails(org.tm_id),
        ("cab", None): emails(org.cab1, org.cab2),
    }


def test_an_emergency_change_asks_the_emergency_approvers_only(org, fixed_risk):
    change = in_authorisation(
        org, "high", fixed_risk, change_type="emergency", services=[org.wiki, org.sso]
    )
    assert asked(change) == {("emergency", None): emails(org.cab1, org.cab2)}


def test_the_real_risk_score_selects_the_policy(org):
    # Tier 3, no dependents, both plans, a week ahead, least risky answers:
    # score 0, low risk, the team managers only.
    change = in_authorisation(org)
    assert (change.risk_score, change.risk_level) == (0, "low")
    assert asked(change) == {("team_manager", "Platform"): emails(org.tm, org.tm_b)}


def test_nobody_approves_their_own_change(org, fixed_risk):
    fixed_risk("low")
    change = services.submit(org.normal(actor=org.tm_b), actor=org.tm_b, now=NOW)
    services.request_approval(change, actor=org.tm_b, now=NOW)
    assert asked(change) == {("team_manager", "Platform"): emails(org.tm)}


def test_an_approval_nobody_can_give_is_refused_with_the_reason(org, fixed_risk):
    fixed_risk("medium")
    org.identity.manager = None
    org.identity.save()
    change = services.submit(org.normal(services=[org.sso]), actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {
        "services": [
            "Identity, owner of SSO, has no manager (other than the requester) "
            "to approve this change."
        ]
    }
    change.refresh_from_db()
    assert change.state == "assessment"


def test_a_change_without_an_implementer_team_cannot_be_approved(org, fixed_risk):
    fixed_risk("low")
    change = services.submit(org.normal(implementer_team=None), actor=org.agent, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {
        "implementer_team": ["Choose the implementer team: its manager approves."]
    }


def test_approval_is_requested_from_assessment_only(org):
    change = org.normal()
    with pytest.raises(ValidationError) as excinfo:
        services.request_approval(change, actor=org.agent, now=NOW)
    assert errors(excinfo) == {"state": ["A change cannot go from Draft to Authorisation."]}


# Deciding -------------------------------------------------------------------


def test_all_approvals_given_set_approved_at(org, fixed_risk):
    change = in_authorisation(org, "medium", fixed_risk, services=[org.wiki, org.sso])
    platform = change.approvals.get(kind="team_manager")
    identity = change.approvals.get(kind="service_owner")
    services.decide(platform, actor=org.tm_b, approve=True, now=NOW + timedelta(hours=1))
    change.refresh_from_db()
    assert change.approved_at is None
    services.decide(
        identity, actor=org.tm_id, approve=True, comment="Fine", now=NOW + timedelta(hours=2)
    )
    change.refresh_from_db()
    assert change.approved_at == NOW + timedelta(hours=2)
    identity.refresh_from_db()
    assert (identity.state, identity.decided_by, identity.comment, identity.on_behalf_of) == (
        "approved",
        org.tm_id,
        "Fine",
        None,
    )
    kinds = list(
        change.events.filter(kind__in=("approval", "approved")).values_list("kind", flat=True)
    )
    assert kinds == ["approval", "approval", "approved"]


def test_only_the_approvers_decide(org, fixed_risk):
    change = in_authorisation(org, "low", fixed_risk)
    approval = change.approvals.get()
    with pytest.raises(PermissionDenied):
        services.decide(approval, actor=org.tm_id, approve=True)  # another team's manager
    with pytest.raises(PermissionDenied):
        services.decide(approval, actor=org.agent, approve=True)  # no decide permission
    approval.refresh_from_db()
    assert approval.state == "pending"


def test_a_rejection_needs_a_reason_and_returns_the_change_to_assessment(org, fixed_risk):
    change = in_authorisation(org, "medium", fixed_risk, services=[org.wiki, org.sso])
    platform = change.approvals.get(kind="team_manager")
    with pytest.raises(ValidationError) as excinfo:
        services.decide(platform, actor=org.tm, approve=False, comment="  ")
    assert errors(excinfo) == {"comment": ["Say why the change is rejected."]}
    services.decide(platform, actor=org.tm, approve=False, comment="Not during quarter close")
    change.refresh_from_db()
    assert change.state == "assessment" and change.approved_at is None
    assert dict(change.approvals.values_list("kind", "state")) == {
        "team_manager": "rejected",
        "service_owner": "superseded",
    }
    assert change.events.filter(kind="state").last().body == "Rejected: Not during quarter close"
    with pytest.raises(ValidationError) as excinfo:
        services.decide(platform, actor=org.tm, approve=True)
    assert errors(excinfo) == {"state": ["This approval is already rejected."]}


def test_a_decision_is_made_once(org, fixed_risk):
    change = in_authorisation(org, "low", fixed_risk)
    approval = change.approvals.get()
    services.decide(approval, actor=org.tm, approve=True)
    with pytest.raises(ValidationError) as excinfo:
        services.decide(approval, actor=org.tm_b, approve=False, comment="Too late")
    assert errors(excinfo) == {"state": ["This approval is already approved."]}


# Delegation -----------------------------------------------------------------


def test_a_delegate_decides_for_the_approver_while_they_are_away(org, fixed_risk):
    away = services.delegate_approvals(
        actor=org.tm_id,
        delegate=org.deputy,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=14),
        reason="Holiday",
        now=NOW,
    )
    assert (away.delegator, away.delegate) == (org.tm_id, org.deputy)
    change = in_authorisation(org, "medium", fixed_risk, services=[org.sso])
    identity = change.approvals.get(kind="service_owner")
    # The deputy is not an approver of Platform's own approval.
    with pytest.raises(PermissionDenied):
        services.decide(
            change.approvals.get(kind="team_manager"), actor=org.deputy, approve=True, now=NOW
        )
    services.decide(identity, actor=org.deputy, approve=True, now=NOW + timedelta(days=1))
    identity.refresh_from_db()
    assert (identity.decided_by, identity.on_behalf_of) == (org.deputy, org.tm_id)
    event = change.events.get(kind="approval")
    assert event.data["on_behalf_of"] == org.tm_id.pk


def test_a_delegation_counts_only_while_it_lasts(org, fixed_risk):
    services.delegate_approvals(
        actor=org.tm_id,
        delegate=org.deputy,
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=2),
        now=NOW,
    )
    change = in_authorisation(org, "medium", fixed_risk, services=[org.sso])
    identity = change.approvals.get(kind="service_owner")
    with pytest.raises(PermissionDenied):
        services.decide(identity, actor=org.deputy, approve=True, now=NOW)
    with pytest.raises(PermissionDenied):
        services.decide(identity, actor=org.deputy, approve=True, now=NOW + timedelta(days=2))


@pytest.mark.parametrize(
    ("who", "starts", "ends", "field", "message"),
    [
        ("agent", 0, 5, "delegate", "may not decide change approvals."),
        ("tm_id", 0, 5, "delegate", "Choose someone other than yourself."),
        ("deputy", 5, 1, "ends_at", "The end must be after the start."),
        ("deputy", -5, -1, "ends_at", "The end is in the past."),
    ],
)
def test_bad_delegations_name_the_field(org, who, starts, ends, field, message):
    with pytest.raises(ValidationError) as excinfo:
        services.delegate_approvals(
            actor=org.tm_id,
            delegate=getattr(org, who),
            starts_at=NOW + timedelta(days=starts),
            ends_at=NOW + timedelta(days=ends),
            now=NOW,
        )
    assert list(errors(excinfo)) == [field]
    assert errors(excinfo)[field][0].endswith(message)
    assert not ApprovalDelegation.objects.exists()


def test_only_the_delegator_or_an_administrator_revokes(org):
    delegation = services.delegate_approvals(
        actor=org.tm_id,
        delegate=org.deputy,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=1),
        now=NOW,
    )
    with pytest.raises(PermissionDenied):
        services.revoke_delegation(delegation, actor=org.deputy)
    services.revoke_delegation(delegation, actor=org.admin)
    assert not ApprovalDelegation.objects.exists()


def test_requesters_cannot_delegate(org):
    with pytest.raises(PermissionDenied):
        services.delegate_approvals(
            actor=org.requester, delegate=org.tm, starts_at=NOW, ends_at=NOW + timedelta(days=1)
        )


# The inbox and what people see ----------------------------------------------


def test_the_inbox_lists_what_each_person_may_decide(org, fixed_risk):
    low = in_authorisation(org, "low", fixed_risk, title="Low")
    medium = in_authorisation(org, "medium", fixed_risk, title="Medium", services=[org.sso], days=9)
    services.delegate_approvals(
        actor=org.tm_id,
        delegate=org.deputy,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=3),
        now=NOW,
    )

    def inbox(user, now=NOW):
        return {
            (a.change.title, a.kind)
            for a in ChangeApproval.objects.awaiting(user, now=now).select_related("change")
        }

    assert inbox(org.tm) == {("Low", "team_manager"), ("Medium", "team_manager")}
    assert inbox(org.tm_id) == {("Medium", "service_owner")}
    assert inbox(org.deputy) == {("Medium", "service_owner")}
    assert inbox(org.deputy, now=NOW + timedelta(days=4)) == set()
    assert inbox(org.agent) == set()  # may not decide at all
    services.decide(low.approvals.get(), actor=org.tm, approve=True)
    assert inbox(org.tm) == {("Medium", "team_manager")}
    assert inbox(org.tm_b) == {("Medium", "team_manager")}
    del medium


def test_who_sees_changes(org):
    org.normal()
    assert Change.objects.visible_to(org.agent).count() == 1
    assert Change.objects.visible_to(org.auditor).count() == 1
    assert Change.objects.visible_to(org.requester).count() == 0


def test_delegations_are_seen_by_their_people(org):
    services.delegate_approvals(
        actor=org.tm_id,
        delegate=org.deputy,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=1),
        now=NOW,
    )
    for user, count in ((org.tm_id, 1), (org.deputy, 1), (org.tm, 0), (org.admin, 1)):
        assert ApprovalDelegation.objects.visible_to(user).count() == count, user


# Notifications --------------------------------------------------------------


def test_approvers_and_their_delegates_are_notified(
    org, fixed_risk, django_capture_on_commit_callbacks
):
    services.delegate_approvals(
        actor=org.tm_id,
        delegate=org.deputy,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=30),
        now=NOW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        change = in_authorisation(org, "medium", fixed_risk, services=[org.sso])
    told = {(n.user.email, n.kind) for n in Notification.objects.select_related("user")}
    assert told == {
        (org.tm.email, "approval_requested"),
        (org.tm_b.email, "approval_requested"),
        (org.tm_id.email, "approval_requested"),
        (org.deputy.email, "approval_requested"),
    }
    note = Notification.objects.get(user=org.tm_id)
    assert note.title == f"{change.number} Approval needed: Upgrade the wiki"
    assert note.ticket is None and note.url == f"/changes/{change.number}/"
    assert "You stand in for" in Notification.objects.get(user=org.deputy).body
    assert set(OutboundEmail.objects.values_list("to", flat=True)) == emails(
        org.tm, org.tm_b, org.tm_id, org.deputy
    )

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            change.approvals.get(kind="team_manager"),
            actor=org.tm,
            approve=False,
            comment="Wait for the freeze to end",
        )
    decided = Notification.objects.get()
    assert (decided.user, decided.kind) == (org.agent, "approval_decided")
    assert decided.title == f"{change.number} Rejected: Upgrade the wiki"
    assert "Wait for the freeze to end" in decided.body


def test_nothing_is_notified_when_the_request_fails(
    org, fixed_risk, django_capture_on_commit_callbacks
):
    fixed_risk("low")
    change = services.submit(org.normal(implementer_team=None), actor=org.agent, now=NOW)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.request_approval(change, actor=org.agent, now=NOW)
    assert not Notification.objects.exists()


def test_a_muted_history_notifies_nobody(org, fixed_risk, django_capture_on_commit_callbacks):
    from stanchion.changes import notify

    with notify.muted(), django_capture_on_commit_callbacks(execute=True):
        in_authorisation(org, "low", fixed_risk)
    assert not Notification.objects.exists()
