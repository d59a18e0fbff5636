"""CAB meetings and the admin pages (templates, windows, blackouts) through
the pages: planning, the generated agenda, decisions, attendance, holding;
creating, editing and deleting with bad input named by field."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.changes import services
from stanchion.changes.models import (
    Blackout,
    CabAgendaItem,
    CabAttendance,
    CabMeeting,
    ChangeApproval,
    ChangeTemplate,
    MaintenanceWindow,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def typed(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def errors_of(response, field):
    body = response.content.decode()
    parts = body.split(f'id="id_{field}_errors"', 1)
    assert len(parts) == 2, f"no error list for {field}"
    return parts[1].split("</ul>", 1)[0]


@pytest.fixture
def awaiting_cab(org, fixed_risk):
    """A high-risk change in authorisation, waiting for the CAB."""
    fixed_risk("high")
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    change = services.create_change(
        actor=org.agent,
        change_type="normal",
        title="Migrate SSO to the new cluster",
        services=[org.sso],
        planned_start=start,
        planned_end=start + timedelta(hours=3),
        implementer_team=org.platform,
        implementation_plan="Fail over, migrate, fail back.",
    )
    services.submit(change, actor=org.agent)
    services.request_approval(change, actor=org.agent)
    return change


def test_a_cab_meeting_is_planned_its_agenda_generated_decided_attended_and_held(org, awaiting_cab):
    client = signed_in(org.cab1)
    now = timezone.now().replace(second=0, microsecond=0)
    response = client.post(
        reverse("changes:cab-new"),
        {
            "title": "Weekly CAB",
            "starts_at": typed(now - timedelta(minutes=10)),
            "ends_at": typed(now + timedelta(minutes=50)),
            "location": "Room 4",
            "chair": str(org.cab1.pk),
            "attendees": [str(org.cab2.pk), str(org.tm.pk)],
        },
    )
    meeting = CabMeeting.objects.get()
    assert response["Location"] == reverse("changes:cab-detail", args=[meeting.pk])
    assert set(CabAttendance.objects.filter(meeting=meeting).values_list("user", flat=True)) == {
        org.cab1.pk,
        org.cab2.pk,
        org.tm.pk,
    }
    action = lambda name: reverse("changes:cab-action", args=[meeting.pk, name])  # noqa: E731

    client.post(action("build-agenda"))
    item = CabAgendaItem.objects.get(meeting=meeting)
    assert item.change == awaiting_cab
    body = client.get(reverse("changes:cab-detail", args=[meeting.pk])).content.decode()
    assert awaiting_cab.number in body and "Record decision" in body

    response = client.post(action("decide"), {"item": str(item.pk), "decision": ""})
    assert response.status_code == 400
    assert "This field is required." in errors_of(response, "decision")
    response = client.post(action("decide"), {"item": str(item.pk), "decision": "rejected"})
    item.refresh_from_db()
    assert item.decision == ""  # a rejection needs its note (the service says so)
    client.post(
        action("decide"), {"item": str(item.pk), "decision": "approved", "note": "Go ahead."}
    )
    item.refresh_from_db()
    assert (item.decision, item.decision_note) == ("approved", "Go ahead.")
    cab = ChangeApproval.objects.get(change=awaiting_cab, kind="cab")
    assert cab.state == "approved" and cab.decided_by == org.cab1

    client.post(action("attendance"), {"attended": ["abc"]})
    assert not CabAttendance.objects.filter(meeting=meeting, attended=True).exists()
    client.post(action("attendance"), {"attended": [str(org.cab1.pk), str(org.cab2.pk)]})
    present = CabAttendance.objects.filter(meeting=meeting, attended=True)
    assert set(present.values_list("user", flat=True)) == {org.cab1.pk, org.cab2.pk}

    client.post(action("hold"), {"minutes": "One change approved."})
    meeting.refresh_from_db()
    assert (meeting.state, meeting.minutes) == ("held", "One change approved.")
    body = client.get(reverse("changes:cab-detail", args=[meeting.pk])).content.decode()
    assert "Record decision" not in body and "One change approved." in body
    assert "Weekly CAB" in client.get(reverse("changes:cab-list")).content.decode()


def test_cab_bad_input_and_roles(org, awaiting_cab):
    client = signed_in(org.cab1)
    now = timezone.now()
    response = client.post(
        reverse("changes:cab-new"),
        {
            "title": "CAB",
            "starts_at": typed(now + timedelta(hours=2)),
            "ends_at": typed(now + timedelta(hours=1)),
        },
    )
    assert response.status_code == 400
    assert "The end must be after the start." in errors_of(response, "ends_at")
    response = client.post(reverse("changes:cab-new"), {"title": "", "starts_at": "later"})
    assert response.status_code == 400
    errors_of(response, "title"), errors_of(response, "starts_at")
    assert not CabMeeting.objects.exists()

    meeting = services.plan_cab_meeting(
        actor=org.cab1, title="CAB", starts_at=now, ends_at=now + timedelta(hours=1)
    )
    agent = signed_in(org.agent)
    url = reverse("changes:cab-action", args=[meeting.pk, "build-agenda"])
    assert agent.post(url).status_code == 403
    assert not CabAgendaItem.objects.exists()
    unknown = reverse("changes:cab-action", args=[meeting.pk, "explode"])
    assert client.post(unknown).status_code == 302
    # An item that is not on this meeting's agenda is a 404.
    decide = reverse("changes:cab-action", args=[meeting.pk, "decide"])
    assert client.post(decide, {"item": "999", "decision": "approved"}).status_code == 404


def test_templates_are_created_edited_and_refused_with_named_errors(org):
    client = signed_in(org.admin)
    url = reverse("changes:template-create")
    response = client.post(url, {"name": "", "expected_duration_minutes": "abc"})
    assert response.status_code == 400
    errors_of(response, "name"), errors_of(response, "expected_duration_minutes")
    response = client.post(
        url, {"name": org.template.name, "expected_duration_minutes": "30", "is_active": "on"}
    )
    assert response.status_code == 400
    assert "already exists" in errors_of(response, "name")
    response = client.post(
        url,
        {
            "name": "Certificate renewal",
            "services": [str(org.sso.pk), str(org.app.pk)],
            "implementer_team": str(org.identity.pk),
            "implementation_plan": "Renew and deploy.",
            "validation_checklist": "Sign-in works\nExpiry is a year ahead",
            "expected_duration_minutes": "45",
            "is_active": "on",
        },
    )
    template = ChangeTemplate.objects.get(name="Certificate renewal")
    assert response["Location"] == reverse("changes:template-detail", args=[template.pk])
    assert set(template.services.all()) == {org.sso, org.app}
    assert template.validation_checklist == ["Sign-in works", "Expiry is a year ahead"]
    assert template.expected_duration_minutes == 45

    edit = reverse("changes:template-edit", args=[template.pk])
    form = {
        "name": "Certificate renewal",
        "services": [str(org.sso.pk)],
        "implementer_team": str(org.identity.pk),
        "implementation_plan": "Renew and deploy.",
        "validation_checklist": "Sign-in works",
        "expected_duration_minutes": "60",
        "is_active": "on",
        "version": str(template.version),
    }
    assert client.post(edit, form).status_code == 302
    template.refresh_from_db()
    assert list(template.services.all()) == [org.sso]
    assert template.expected_duration_minutes == 60
    stale = dict(form, expected_duration_minutes="90")
    assert client.post(edit, stale).status_code == 409
    template.refresh_from_db()
    assert template.expected_duration_minutes == 60


def test_a_template_used_by_a_change_is_not_deleted(org):
    start = timezone.now() + timedelta(days=3)
    services.create_change(
        actor=org.agent,
        change_type="standard",
        template=org.template,
        title="Patch",
        planned_start=start,
    )
    client = signed_in(org.admin)
    url = reverse("changes:template-delete", args=[org.template.pk])
    response = client.post(url, {"version": str(org.template.version)}, follow=True)
    assert ChangeTemplate.objects.filter(pk=org.template.pk).exists()
    assert "still used by" in response.content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"weekdays": []}, "weekdays", "Choose at least one weekday."),
        ({"weekdays": ["9"]}, "weekdays", "Select a valid choice."),
        ({"duration_minutes": "0"}, "duration_minutes", "between 1 minute and 7 days"),
        ({"start_time": "25:00"}, "start_time", "Enter a valid time."),
        ({"service": "999999"}, "service", "Select a valid choice."),
        (
            {"valid_from": "2027-02-01", "valid_until": "2027-01-01"},
            "valid_until",
            "The end date is before the start date.",
        ),
    ],
)
def test_bad_maintenance_windows_are_refused_naming_the_field(org, data, field, message):
    form = {
        "service": str(org.wiki.pk),
        "name": "Sunday night",
        "weekdays": ["6"],
        "start_time": "02:00",
        "duration_minutes": "240",
        **data,
    }
    response = signed_in(org.cab1).post(reverse("changes:window-create"), form)
    assert response.status_code == 400
    assert message in errors_of(response, field)
    assert not MaintenanceWindow.objects.exists()


def test_a_maintenance_window_is_created_and_shown(org):
    client = signed_in(org.cab1)
    response = client.post(
        reverse("changes:window-create"),
        {
            "service": str(org.wiki.pk),
            "name": "Weeknights",
            "weekdays": ["0", "2"],
            "start_time": "22:30",
            "duration_minutes": "90",
        },
    )
    window = MaintenanceWindow.objects.get()
    assert response["Location"] == reverse("changes:window-detail", args=[window.pk])
    assert (window.weekdays, window.start_time, window.duration_minutes) == (
        [0, 2],
        time(22, 30),
        90,
    )
    body = client.get(reverse("changes:window-detail", args=[window.pk])).content.decode()
    assert "Monday, Wednesday" in body and "22:30" in body
    assert "Weeknights" in client.get(reverse("changes:window-list")).content.decode()
    # Agents read windows but do not keep them.
    agent = signed_in(org.agent)
    assert agent.post(reverse("changes:window-create"), {}).status_code == 403


def test_blackouts_global_or_per_service(org):
    client = signed_in(org.admin)
    now = timezone.now().replace(second=0, microsecond=0)
    url = reverse("changes:blackout-create")
    response = client.post(
        url,
        {"name": "Freeze", "starts_at": typed(now), "ends_at": typed(now - timedelta(hours=1))},
    )
    assert response.status_code == 400
    assert "The end must be after the start." in errors_of(response, "ends_at")
    response = client.post(
        url,
        {
            "name": "Year-end freeze",
            "reason": "Closing the books.",
            "starts_at": typed(now + timedelta(days=20)),
            "ends_at": typed(now + timedelta(days=30)),
        },
    )
    blackout = Blackout.objects.get()
    assert blackout.starts_at == now + timedelta(days=20)
    assert not blackout.services.exists()
    body = client.get(reverse("changes:blackout-detail", args=[blackout.pk])).content.decode()
    assert "Every service" in body
    edit = reverse("changes:blackout-edit", args=[blackout.pk])
    response = client.post(
        edit,
        {
            "name": "Year-end freeze",
            "reason": "Closing the books.",
            "starts_at": typed(now + timedelta(days=20)),
            "ends_at": typed(now + timedelta(days=30)),
            "services": [str(org.app.pk)],
            "version": str(blackout.version),
        },
    )
    assert response.status_code == 302
    assert list(blackout.services.all()) == [org.app]
    delete = reverse("changes:blackout-delete", args=[blackout.pk])
    blackout.refresh_from_db()
    client.post(delete, {"version": str(blackout.version)})
    assert not Blackout.objects.exists()


def test_a_planned_meeting_is_cancelled_and_then_read_only(org):
    now = timezone.now()
    meeting = services.plan_cab_meeting(
        actor=org.cab1, title="CAB", starts_at=now, ends_at=now + timedelta(hours=1)
    )
    client = signed_in(org.cab1)
    client.post(reverse("changes:cab-action", args=[meeting.pk, "cancel"]))
    meeting.refresh_from_db()
    assert meeting.state == "cancelled"
    body = client.get(reverse("changes:cab-detail", args=[meeting.pk])).content.decode()
    assert "Cancel meeting" not in body and "Build the agenda" not in body
    response = client.post(reverse("changes:cab-action", args=[meeting.pk, "hold"]), follow=True)
    assert "already cancelled" in response.content.decode()
