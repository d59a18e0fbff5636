"""CAB meetings (agenda, decisions, attendance, holding) and incidents
linked to the changes that caused them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stanchion.accounts import services as accounts
from stanchion.changes import services
from stanchion.changes.models import CabAttendance, ChangeIncident
from stanchion.tickets.models import Ticket

from .conftest import NOW

pytestmark = pytest.mark.django_db


def errors(excinfo):
    return excinfo.value.message_dict


def high_risk_change(org, fixed_risk, days=7, **fields):
    fixed_risk("high")
    change = services.submit(org.normal(days=days, **fields), actor=org.agent, now=NOW)
    return services.request_approval(change, actor=org.agent, now=NOW)


def meeting(org, **fields):
    return services.plan_cab_meeting(
        actor=org.cab1,
        title=fields.pop("title", "Weekly CAB"),
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=1),
        **fields,
    )


def test_planning_a_meeting_invites_the_chair_and_the_attendees(org):
    cab = meeting(org, attendees=[org.cab2, org.tm.pk], location="Room 4")
    assert (cab.chair, cab.state, cab.location) == (org.cab1, "planned", "Room 4")
    invited = set(CabAttendance.objects.filter(meeting=cab).values_list("user_id", "attended"))
    assert invited == {(org.cab1.pk, False), (org.cab2.pk, False), (org.tm.pk, False)}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"ends_at": NOW}, "ends_at"),
        ({"attendees": [987654]}, "attendees"),
    ],
)
def test_bad_meetings_name_the_field(org, fields, field):
    arguments = {
        "title": "CAB",
        "starts_at": NOW + timedelta(days=1),
        "ends_at": NOW + timedelta(days=1, hours=1),
        **fields,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.plan_cab_meeting(actor=org.cab1, **arguments)
    assert list(errors(excinfo)) == [field]


def test_only_change_approvers_run_the_cab(org, fixed_risk):
    with pytest.raises(PermissionDenied):
        services.plan_cab_meeting(
            actor=org.agent,
            title="Mine",
            starts_at=NOW + timedelta(days=1),
            ends_at=NOW + timedelta(days=1, hours=1),
        )
    cab = meeting(org)
    with pytest.raises(PermissionDenied):
        services.build_agenda(cab, actor=org.tm)


def test_the_agenda_lists_the_changes_awaiting_the_cab_soonest_first(org, fixed_risk):
    later = high_risk_change(org, fixed_risk, days=9, title="Later")
    sooner = high_risk_change(org, fixed_risk, days=8, title="Sooner")
    fixed_risk("low")
    services.request_approval(
        services.submit(org.normal(days=10, title="Low"), actor=org.agent, now=NOW),
        actor=org.agent,
        now=NOW,
    )
    cab = meeting(org)
    items = services.build_agenda(cab, actor=org.cab1)
    assert [(i.change.title, i.order) for i in items] == [("Sooner", 1), ("Later", 2)]
    # Built again: nothing twice; a change that arrived since comes last.
    newest = high_risk_change(org, fixed_risk, days=7, title="Newest")
    items = services.build_agenda(cab, actor=org.cab1)
    assert [(i.change_id, i.order) for i in items] == [
        (sooner.pk, 1),
        (later.pk, 2),
        (newest.pk, 3),
    ]


def test_a_cab_approval_decides_the_changes_cab_approval(org, fixed_risk):
    change = high_risk_change(org, fixed_risk)
    cab = meeting(org)
    (item,) = services.build_agenda(cab, actor=org.cab1)
    services.record_cab_decision(item, actor=org.cab2, decision="approved", now=NOW)
    approval = change.approvals.get(kind="cab")
    assert (approval.state, approval.decided_by) == ("approved", org.cab2)
    assert approval.comment == "Approved by the CAB (Weekly CAB)."
    item.refresh_from_db()
    assert item.decision == "approved"
    # The team manager and service owner approvals are still pending.
    change.refresh_from_db()
    assert change.approved_at is None
    with pytest.raises(ValidationError) as excinfo:
        services.record_cab_decision(item, actor=org.cab1, decision="rejected", note="No")
    assert errors(excinfo) == {"decision": ["The board already approved this change."]}


def test_a_cab_rejection_needs_a_reason_and_returns_the_change(org, fixed_risk):
    change = high_risk_change(org, fixed_risk)
    (item,) = services.build_agenda(meeting(org), actor=org.cab1)
    with pytest.raises(ValidationError) as excinfo:
        services.record_cab_decision(item, actor=org.cab1, decision="rejected")
    assert errors(excinfo) == {"note": ["Say why the board rejects the change."]}
    with pytest.raises(ValidationError) as excinfo:
        services.record_cab_decision(item, actor=org.cab1, decision="maybe")
    assert errors(excinfo) == {"decision": ["Choose approved, rejected or deferred."]}
    services.record_cab_decision(item, actor=org.cab1, decision="rejected", note="Too risky")
    change.refresh_from_db()
    assert change.state == "assessment"
    assert change.approvals.get(kind="cab").state == "rejected"


def test_a_deferred_change_comes_back_on_the_next_agenda(org, fixed_risk):
    change = high_risk_change(org, fixed_risk)
    first = meeting(org, title="CAB 1")
    (item,) = services.build_agenda(first, actor=org.cab1)
    services.record_cab_decision(item, actor=org.cab1, decision="deferred", note="Need a test plan")
    assert change.approvals.get(kind="cab").state == "pending"
    assert change.events.filter(kind="cab").get().body == "Need a test plan"
    second = meeting(org, title="CAB 2")
    assert [i.change_id for i in services.build_agenda(second, actor=org.cab1)] == [change.pk]


def test_attendance_and_holding_the_meeting(org, fixed_risk):
    high_risk_change(org, fixed_risk)
    cab = meeting(org, attendees=[org.cab2])
    (item,) = services.build_agenda(cab, actor=org.cab1)
    rows = services.record_attendance(
        cab, actor=org.cab1, attended_user_ids=[org.cab1.pk, org.tm.pk]
    )
    assert {(r.user_id, r.attended) for r in rows} == {
        (org.cab1.pk, True),
        (org.cab2.pk, False),
        (org.tm.pk, True),  # came uninvited
    }
    with pytest.raises(ValidationError) as excinfo:
        services.record_attendance(cab, actor=org.cab1, attended_user_ids=[123456789])
    assert errors(excinfo) == {"attended_user_ids": ["Unknown user: 123456789."]}
    with pytest.raises(ValidationError) as excinfo:
        services.hold_meeting(cab, actor=org.cab1, now=NOW)
    assert errors(excinfo) == {"state": ["The meeting has not started yet."]}
    cab = services.hold_meeting(
        cab, actor=org.cab1, minutes="Quiet week.", now=NOW + timedelta(days=1, minutes=5)
    )
    assert (cab.state, cab.minutes) == ("held", "Quiet week.")
    item.refresh_from_db()
    assert (item.decision, item.decision_note) == ("deferred", "Not reached in the meeting.")
    with pytest.raises(ValidationError) as excinfo:
        services.build_agenda(cab, actor=org.cab1)
    assert errors(excinfo) == {"state": ["The agenda of a held meeting cannot change."]}


def test_a_cancelled_meeting_takes_no_decisions(org, fixed_risk):
    high_risk_change(org, fixed_risk)
    cab = meeting(org)
    (item,) = services.build_agenda(cab, actor=org.cab1)
    services.cancel_cab_meeting(cab, actor=org.cab1)
    with pytest.raises(ValidationError) as excinfo:
        services.record_cab_decision(item, actor=org.cab1, decision="approved")
    assert errors(excinfo) == {
        "state": ["The meeting was cancelled; recording decisions is not possible."]
    }


# Incidents caused by a change ------------------------------------------------


@pytest.fixture
def incident(org):
    person = accounts.create_person(
        actor=None, name="Ida Employee", email="ida@example.com", employee_id="E77"
    )
    # Written straight into the table: these tests are about the link, not
    # about how incidents are opened.
    return Ticket.objects.create(
        kind="incident", number="INC-900001", requester=person, title="Wiki down", service=org.wiki
    )


def implemented(org):
    change = services.submit(org.normal(), actor=org.agent, now=NOW)
    services.request_approval(change, actor=org.agent, now=NOW)
    services.decide(change.approvals.get(), actor=org.tm, approve=True, now=NOW)
    services.schedule(change, actor=org.agent, now=NOW)
    return services.start_implementation(change, actor=org.agent, now=NOW + timedelta(days=7))


def test_an_incident_is_linked_as_caused_by_a_change(org, incident):
    change = implemented(org)
    link = services.link_incident(change, incident, actor=org.agent, note="Started right after")
    assert (link.change, link.incident, link.linked_by) == (change, incident, org.agent)
    event = change.events.get(kind="incident_linked")
    assert (event.data["incident"], event.body) == (incident.number, "Started right after")
    with pytest.raises(ValidationError) as excinfo:
        services.link_incident(change, incident, actor=org.agent)
    assert errors(excinfo) == {
        "incident": [f"{incident.number} is already linked to {change.number}."]
    }
    with pytest.raises(PermissionDenied):
        services.unlink_incident(link, actor=org.auditor)
    services.unlink_incident(link, actor=org.agent)
    assert not ChangeIncident.objects.exists()
    assert change.events.filter(kind="incident_unlinked").count() == 1


def test_only_incidents_of_implemented_changes_are_linked(org, incident):
    draft = org.normal()
    with pytest.raises(ValidationError) as excinfo:
        services.link_incident(draft, incident, actor=org.agent)
    assert errors(excinfo) == {
        "change": [f"{draft.number} was never implemented, so it cannot cause an incident."]
    }
    change = implemented(org)
    Ticket.objects.filter(pk=incident.pk).update(kind="request")
    incident.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.link_incident(change, incident, actor=org.agent)
    assert list(errors(excinfo)) == ["incident"]
    with pytest.raises(PermissionDenied):
        services.link_incident(change, incident, actor=org.requester)
