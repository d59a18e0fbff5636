"""Changes through the pages: raising one (standard, normal, emergency), bad
input named by field, each action on the change page and who may take it,
stale versions, conflicts and their override, approvals decided from the
inbox and through a delegation."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Location
from stanchion.accounts.roles import Role
from stanchion.changes import services
from stanchion.changes.models import Blackout, Change, ChangeApproval
from stanchion.core.services import create_record
from stanchion.tickets import services as tickets

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SAFEST = {
    "risk-user_impact": "none",
    "risk-reversibility": "minutes",
    "risk-experience": "routine",
    "risk-teams_involved": "one",
}


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def slot(days=10, hours=2):
    """A planned start and end ``days`` ahead at 20:00 UTC, as aware times."""
    day = (timezone.now() + timedelta(days=days)).date()
    start = datetime(day.year, day.month, day.day, 20, 0, tzinfo=UTC)
    return start, start + timedelta(hours=hours)


def typed(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def new_change_form(org, **overrides):
    start, end = slot()
    data = {
        "type": "normal",
        "title": "Upgrade the wiki to 2.0",
        "description": "The new editor.",
        "justification": "Security fixes.",
        "services": [str(org.wiki.pk)],
        "planned_start": typed(start),
        "planned_end": typed(end),
        "owner": str(org.agent.pk),
        "implementer_team": str(org.platform.pk),
        "implementation_plan": "Upgrade the package, restart.",
        "backout_plan": "Reinstall 1.9.",
        "test_plan": "Open the front page.",
        "validation_checklist": "Front page answers\n\nSearch works\n",
        **SAFEST,
    }
    data.update(overrides)
    return data


def act(client, change, action, **data):
    """Post an action with the change's current version (``HTTP_*`` keys are
    request headers)."""
    change.refresh_from_db()
    headers = {k: data.pop(k) for k in list(data) if k.startswith("HTTP_")}
    data.setdefault("version", change.version)
    url = reverse("changes:change-action", args=[change.number, action])
    return client.post(url, data, **headers)


def page(client, change):
    return client.get(reverse("changes:change-detail", args=[change.number])).content.decode()


def test_a_normal_change_goes_from_draft_to_closed_through_the_pages(org):
    agent, manager = signed_in(org.agent), signed_in(org.tm)
    response = agent.post(reverse("changes:change-new"), new_change_form(org))
    change = Change.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("changes:change-detail", args=[change.number])
    start, end = slot()
    assert (change.change_type, change.state, change.title) == (
        "normal",
        "draft",
        "Upgrade the wiki to 2.0",
    )
    assert (change.planned_start, change.planned_end) == (start, end)
    assert list(change.services.all()) == [org.wiki]
    assert change.requested_by == org.agent and change.implementer_team == org.platform
    assert change.validation_checklist == [
        {"item": "Front page answers", "done": False},
        {"item": "Search works", "done": False},
    ]
    assert change.risk_answers == {
        "user_impact": "none",
        "reversibility": "minutes",
        "experience": "routine",
        "teams_involved": "one",
    }
    assert "Submit for assessment" in page(agent, change)

    assert act(agent, change, "submit").status_code == 302
    change.refresh_from_db()
    assert change.state == "assessment" and change.risk_factors
    body = page(agent, change)
    # Each factor with its contribution, and the score they add up to.
    for factor in change.risk_factors:
        assert str(factor["label"]) in body
        assert f'<td class="num">{factor["points"]}</td>' in body
    assert f"<strong>{change.risk_score}</strong>" in body
    assert "Request approval" in body

    assert act(agent, change, "request-approval").status_code == 302
    change.refresh_from_db()
    assert change.state == "authorisation"
    approval = ChangeApproval.objects.get(change=change)
    assert approval.kind == "team_manager" and approval.state == "pending"
    # Not approved yet: the schedule button says why it cannot be used.
    assert "disabled title=" in page(agent, change)

    inbox = manager.get(reverse("changes:approval-inbox")).content.decode()
    assert change.number in inbox and f'data-approval="{approval.pk}"' in inbox
    response = manager.post(
        reverse("changes:approval-decide", args=[approval.pk]),
        {"decision": "approve", "comment": "Fine by me."},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    change.refresh_from_db()
    assert approval.state == "approved" and approval.decided_by == org.tm
    assert change.approved_at is not None

    for action, state in (("schedule", "scheduled"), ("start", "implementing")):
        assert act(agent, change, action).status_code == 302
        change.refresh_from_db()
        assert change.state == state, action
    assert act(agent, change, "validation", done=["0", "1"]).status_code == 302
    change.refresh_from_db()
    assert [step["done"] for step in change.validation_checklist] == [True, True]
    response = act(agent, change, "finish", **{"finish-outcome": "successful"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.state, change.outcome) == ("review", "successful")
    assert act(agent, change, "close").status_code == 302
    change.refresh_from_db()
    assert change.state == "closed" and change.closed_at is not None
    body = page(agent, change)
    assert "Fine by me." in body
    assert "Submit for assessment" not in body and "Cancel…" not in body


def test_htmx_actions_answer_with_the_workspace_and_its_new_version(org):
    agent = signed_in(org.agent)
    agent.post(reverse("changes:change-new"), new_change_form(org))
    change = Change.objects.get()
    stale = change.version
    assert act(agent, change, "submit", HTTP_HX_REQUEST="true").status_code == 200
    response = agent.post(
        reverse("changes:change-action", args=[change.number, "submit"]),
        {"version": stale},
        HTTP_HX_REQUEST="true",
    )
    # Already submitted by the first post: the second saw a stale version.
    assert response.status_code == 409
    body = response.content.decode()
    assert body.lstrip().startswith("<div") and 'id="change-workspace"' in body
    change.refresh_from_db()
    assert f'data-version="{change.version}"' in body
    assert "Someone else changed this change" in body


def test_a_stale_version_changes_nothing(org):
    agent = signed_in(org.agent)
    agent.post(reverse("changes:change-new"), new_change_form(org))
    change = Change.objects.get()
    seen = change.version
    services.add_comment(change, actor=org.tm, body="Looks good")
    services.update_change(change, {"title": "Renamed"}, actor=org.tm)
    response = agent.post(
        reverse("changes:change-action", args=[change.number, "submit"]), {"version": seen}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == "draft"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("changed by someone else" in m for m in messages)
    # A form without its version is refused too.
    response = agent.post(reverse("changes:change-action", args=[change.number, "submit"]), {})
    change.refresh_from_db()
    assert change.state == "draft"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"title": ""}, "title", "This field is required."),
        (
            {"planned_end": "2030-01-01T10:00", "planned_start": "2030-01-01T12:00"},
            "planned_end",
            "The end must be after the start.",
        ),
        ({"planned_start": "next tuesday"}, "planned_start", "Enter a valid date/time."),
        ({"services": ["999999"]}, "services", "Select a valid choice."),
        ({"implementer_team": "abc"}, "implementer_team", "Select a valid choice."),
        ({"risk-experience": "sometimes"}, "risk-experience", "Select a valid choice."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
    ],
)
def test_bad_input_on_the_new_change_form_is_named_by_field(org, overrides, field, message):
    response = signed_in(org.agent).post(
        reverse("changes:change-new"), new_change_form(org, **overrides)
    )
    assert response.status_code == 400
    body = response.content.decode()
    # The error sits in the named field's error list.
    errors = body.split(f'id="id_{field}_errors"', 1)
    assert len(errors) == 2, f"no error list for {field}"
    assert message in errors[1].split("</ul>", 1)[0]
    assert not Change.objects.exists()


def test_a_past_start_is_refused_on_submit_naming_the_field(org):
    agent = signed_in(org.agent)
    past = timezone.now() - timedelta(days=2)
    agent.post(
        reverse("changes:change-new"),
        new_change_form(
            org,
            planned_start=typed(past),
            planned_end=typed(past + timedelta(hours=1)),
        ),
    )
    change = Change.objects.get()
    response = act(agent, change, "submit", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Planned start: The planned start is in the past" in response.content.decode()
    change.refresh_from_db()
    assert change.state == "draft"


def test_the_new_change_page_offers_templates_and_refuses_an_unknown_kind(org):
    client = signed_in(org.agent)
    body = client.get(reverse("changes:change-new")).content.decode()
    assert f'href="?template={org.template.pk}"' in body and "Monthly Wiki patching" in body
    assert 'href="?type=normal"' in body and 'href="?type=emergency"' in body
    assert client.get(reverse("changes:change-new") + "?type=whatever").status_code == 400
    assert client.get(reverse("changes:change-new") + "?template=abc").status_code == 400
    response = client.post(reverse("changes:change-new"), {"type": "nonsense", "title": "x"})
    assert response.status_code == 400


def test_times_are_typed_in_the_viewers_zone(org):
    berlin = create_record(
        Location, {"name": "Berlin", "time_zone": "Europe/Berlin", "country": "DE"}
    )
    person = accounts.create_person(
        actor=None, name="Bea Berlin", email="bea@example.com", employee_id="E1", location=berlin
    )
    org.agent.person = person
    org.agent.save()
    start, end = slot()
    agent = signed_in(org.agent)
    # 21:00 in Berlin (winter time, UTC+1) is 20:00 UTC.
    typed_start = start.replace(hour=21).strftime("%Y-%m-%dT%H:%M")
    typed_end = end.replace(hour=23).strftime("%Y-%m-%dT%H:%M")
    agent.post(
        reverse("changes:change-new"),
        new_change_form(org, planned_start=typed_start, planned_end=typed_end),
    )
    change = Change.objects.get()
    hours = int(start.astimezone(ZoneInfo("Europe/Berlin")).utcoffset().total_seconds() // 3600)
    assert change.planned_start == start.replace(hour=21) - timedelta(hours=hours)
    assert "Europe/Berlin" in page(agent, change)


def test_a_standard_change_from_a_template_is_scheduled_at_submit(org):
    agent = signed_in(org.agent)
    start, _end = slot(days=5)
    response = agent.post(
        reverse("changes:change-new"),
        {
            "template": str(org.template.pk),
            "title": "Wiki patching, December",
            "services": [str(org.wiki.pk)],
            "planned_start": typed(start),
            "owner": str(org.agent.pk),
        },
    )
    assert response.status_code == 302
    change = Change.objects.get()
    assert change.change_type == "standard" and change.template == org.template
    assert change.implementation_plan == "Apply the OS updates, reboot."
    assert change.planned_end == start + timedelta(minutes=90)
    assert act(agent, change, "submit").status_code == 302
    change.refresh_from_db()
    assert change.state == "scheduled"
    assert "Standard changes are pre-approved" in page(agent, change)


def test_an_emergency_change_needs_its_retrospective_to_close(org):
    agent, approver = signed_in(org.agent), signed_in(org.cab1)
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=30)
    agent.post(
        reverse("changes:change-new"),
        new_change_form(
            org,
            type="emergency",
            planned_start=typed(start),
            planned_end=typed(start + timedelta(hours=1)),
            validation_checklist="",
        ),
    )
    change = Change.objects.get()
    assert change.change_type == "emergency"
    act(agent, change, "submit")
    act(agent, change, "request-approval")
    approval = ChangeApproval.objects.get(change=change)
    assert approval.kind == "emergency"
    approver.post(reverse("changes:approval-decide", args=[approval.pk]), {"decision": "approve"})
    for action in ("schedule", "start"):
        act(agent, change, action)
    act(agent, change, "finish", **{"finish-outcome": "successful_with_issues"})
    change.refresh_from_db()
    assert change.state == "review"
    response = act(agent, change, "close", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Retrospective: An emergency change needs its retrospective" in (
        response.content.decode()
    )
    response = act(
        agent, change, "close", **{"close-retrospective": "Disk filled up; alert added."}
    )
    change.refresh_from_db()
    assert change.state == "closed" and change.retrospective == "Disk filled up; alert added."


def submitted(org, client, **overrides):
    client.post(reverse("changes:change-new"), new_change_form(org, **overrides))
    change = Change.objects.order_by("-pk").first()
    act(client, change, "submit")
    change.refresh_from_db()
    return change


def test_conflicts_are_shown_with_the_conflicting_items_and_overridden_with_a_reason(org):
    start, end = slot()
    blackout = create_record(
        Blackout,
        {
            "name": "Year-end freeze",
            "starts_at": start - timedelta(days=1),
            "ends_at": end + timedelta(days=1),
        },
    )
    agent, approver = signed_in(org.agent), signed_in(org.cab1)
    first = submitted(org, agent, title="First")
    change = submitted(org, agent, title="Second")
    assert change.state == "assessment" and change.conflicts
    body = page(agent, change)
    assert reverse("changes:blackout-detail", args=[blackout.pk]) in body
    assert reverse("changes:change-detail", args=[first.number]) in body
    assert "Override conflicts…" not in body  # agents may not override
    assert "Override conflicts…" in page(approver, change)

    # Approval is blocked while they stand.
    response = act(agent, change, "request-approval", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    change.refresh_from_db()
    assert change.state == "assessment"

    assert act(agent, change, "override", **{"override-reason": "Urgent"}).status_code == 302
    change.refresh_from_db()
    assert change.conflict_override_reason == ""  # refused: not the agent's to do

    response = act(approver, change, "override", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'id="id_override-reason_errors"' in response.content.decode()
    response = act(
        approver, change, "override", **{"override-reason": "Board agreed: security fix."}
    )
    change.refresh_from_db()
    assert change.conflict_override_reason == "Board agreed: security fix."
    assert change.conflict_override_by == org.cab1
    assert "Board agreed: security fix." in page(agent, change)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.AGENT])
def test_actions_the_role_does_not_hold_are_403_and_change_nothing(org, make_user, role):
    signed_in(org.agent).post(reverse("changes:change-new"), new_change_form(org))
    change = Change.objects.get()
    client = signed_in(make_user(role))
    refused = ["decide", "override"] + (
        ["submit", "comment", "cancel"] if role == "auditor" else []
    )
    for action in refused:
        response = act(client, change, action, HTTP_HX_REQUEST="true")
        assert response.status_code == 403, action
    change.refresh_from_db()
    assert change.state == "draft" and not change.events.filter(kind="comment").exists()
    assert act(client, change, "explode").status_code in (302, 404)
    response = act(client, change, "explode", HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_cancel_comment_and_incident_links_reject_bad_input_by_field(org):
    agent = signed_in(org.agent)
    change = submitted(org, agent)
    response = act(agent, change, "cancel", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'id="id_cancel-reason_errors"' in response.content.decode()
    response = act(agent, change, "comment", HTTP_HX_REQUEST="true", **{"comment-body": ""})
    assert response.status_code == 400
    response = act(agent, change, "comment", **{"comment-body": "Ready when you are."})
    assert "Ready when you are." in page(agent, change)
    response = act(agent, change, "link", HTTP_HX_REQUEST="true", **{"link-number": "INC-424242"})
    assert response.status_code == 400
    assert "There is no incident INC-424242." in response.content.decode()
    response = act(agent, change, "cancel", **{"cancel-reason": "Superseded by CHG-2."})
    change.refresh_from_db()
    assert change.state == "cancelled" and change.cancelled_reason == "Superseded by CHG-2."


def test_an_incident_caused_by_an_implemented_change_is_linked_and_unlinked(org):
    agent = signed_in(org.agent)
    change = submitted(org, agent)
    act(agent, change, "request-approval")
    approval = ChangeApproval.objects.get(change=change)
    services.decide(approval, actor=org.tm, approve=True)
    act(agent, change, "schedule")
    act(agent, change, "start")
    person = accounts.create_person(
        actor=None, name="Rita", email="rita@example.com", employee_id="E2"
    )
    incident = tickets.open_incident(
        actor=org.agent, requester=person, title="Wiki is down", description="Since 20:05."
    )
    response = act(
        agent, change, "link", **{"link-number": incident.number.lower(), "link-note": "Restart"}
    )
    assert response.status_code == 302
    link = change.incident_links.get()
    assert link.incident == incident and link.note == "Restart"
    assert incident.number in page(agent, change)
    act(agent, change, "unlink", link=str(link.pk))
    assert not change.incident_links.exists()


def test_a_rejection_needs_a_reason_and_returns_the_change_to_assessment(org):
    agent, manager = signed_in(org.agent), signed_in(org.tm)
    change = submitted(org, agent)
    act(agent, change, "request-approval")
    approval = ChangeApproval.objects.get(change=change)
    url = reverse("changes:approval-decide", args=[approval.pk])
    response = manager.post(url, {"decision": "reject", "comment": " "})
    assert response.status_code == 400
    assert "Say why you reject the change." in response.content.decode()
    response = manager.post(url, {"decision": "maybe"})
    assert response.status_code == 400
    approval.refresh_from_db()
    assert approval.state == "pending"
    # Someone who is not an approver cannot decide it.
    response = signed_in(org.tm_id).post(url, {"decision": "approve"})
    approval.refresh_from_db()
    assert approval.state == "pending"
    response = manager.post(url, {"decision": "reject", "comment": "Not during the audit."})
    approval.refresh_from_db()
    change.refresh_from_db()
    assert approval.state == "rejected" and change.state == "assessment"
    # Deciding it again is refused with the reason, not a 500.
    response = manager.post(url, {"decision": "approve"}, follow=True)
    assert response.status_code == 200
    assert "already rejected" in response.content.decode()


def test_a_delegate_decides_from_their_inbox_on_behalf_of_the_manager(org):
    agent, manager = signed_in(org.agent), signed_in(org.tm)
    now = timezone.now()
    response = manager.post(
        reverse("changes:delegations"),
        {
            "delegate": str(org.deputy.pk),
            "starts_at": typed(now - timedelta(hours=1)),
            "ends_at": typed(now + timedelta(days=3)),
            "reason": "On holiday",
        },
    )
    assert response.status_code == 302
    body = manager.get(reverse("changes:delegations")).content.decode()
    assert str(org.deputy) in body and "On holiday" in body
    change = submitted(org, agent)
    act(agent, change, "request-approval")
    deputy = signed_in(org.deputy)
    approval = ChangeApproval.objects.get(change=change)
    inbox = deputy.get(reverse("changes:approval-inbox")).content.decode()
    assert change.number in inbox and "you stand in for" in inbox
    deputy.post(reverse("changes:approval-decide", args=[approval.pk]), {"decision": "approve"})
    approval.refresh_from_db()
    assert approval.state == "approved"
    assert (approval.decided_by, approval.on_behalf_of) == (org.deputy, org.tm)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"delegate": ""}, "delegate"),
        ({"delegate": "999999"}, "delegate"),
        ({"ends_at": "2020-01-01T00:00", "starts_at": "2020-01-02T00:00"}, "ends_at"),
        ({"starts_at": "soon"}, "starts_at"),
    ],
)
def test_bad_delegations_are_refused_naming_the_field(org, data, field):
    now = timezone.now()
    form = {
        "delegate": str(org.deputy.pk),
        "starts_at": typed(now),
        "ends_at": typed(now + timedelta(days=1)),
        **data,
    }
    response = signed_in(org.tm).post(reverse("changes:delegations"), form)
    assert response.status_code == 400
    assert f'id="id_{field}_errors"' in response.content.decode()


def test_editing_the_plan_keeps_versions_and_names_bad_input(org):
    agent = signed_in(org.agent)
    agent.post(reverse("changes:change-new"), new_change_form(org))
    change = Change.objects.get()
    url = reverse("changes:change-edit", args=[change.number])
    form = new_change_form(org, title="Upgrade the wiki to 2.1", version=str(change.version))
    form.pop("type")
    assert agent.post(url, form).status_code == 302
    change.refresh_from_db()
    assert change.title == "Upgrade the wiki to 2.1"
    stale = dict(form, title="Someone else's title", version=str(change.version - 1))
    response = agent.post(url, stale)
    assert response.status_code == 409
    change.refresh_from_db()
    assert change.title == "Upgrade the wiki to 2.1"
    bad = dict(form, planned_end=form["planned_start"], version=str(change.version))
    response = agent.post(url, bad)
    assert response.status_code == 400
    assert 'id="id_planned_end_errors"' in response.content.decode()


def test_the_change_page_costs_the_same_queries_for_a_short_or_long_history(
    org, django_assert_max_num_queries
):
    agent = signed_in(org.agent)
    change = submitted(org, agent)
    act(agent, change, "request-approval")
    url = reverse("changes:change-detail", args=[change.number])

    def queries():
        with django_assert_max_num_queries(30) as captured:
            assert agent.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(25):
        services.add_comment(change, actor=org.tm if n % 2 else org.agent, body=f"Note {n}")
    assert queries() == few


def test_the_change_page_links_to_its_week_on_the_calendar(org):
    agent = signed_in(org.agent)
    agent.post(reverse("changes:change-new"), new_change_form(org))
    change = Change.objects.get()
    link = f"{reverse('changes:calendar')}?view=week&amp;date={change.planned_start:%Y-%m-%d}"
    assert link in page(agent, change)
    calendar = agent.get(
        f"{reverse('changes:calendar')}?view=week&date={change.planned_start:%Y-%m-%d}"
    )
    assert calendar.status_code == 200


def test_a_template_prefills_the_new_standard_change(org):
    body = (
        signed_in(org.agent)
        .get(reverse("changes:change-new") + f"?template={org.template.pk}")
        .content.decode()
    )
    assert 'value="Monthly Wiki patching"' in body
    assert f'<option value="{org.wiki.pk}" selected>Wiki</option>' in body
    assert f'<option value="{org.platform.pk}" selected>Platform</option>' in body
    # The template's plans are copied, so the plan fields are not asked for.
    assert 'name="implementation_plan"' not in body and 'name="risk-user_impact"' not in body


def test_once_work_starts_only_the_words_and_owner_can_be_edited(org):
    agent = signed_in(org.agent)
    change = submitted(org, agent)
    act(agent, change, "request-approval")
    services.decide(ChangeApproval.objects.get(change=change), actor=org.tm, approve=True)
    act(agent, change, "schedule")
    act(agent, change, "start")
    change.refresh_from_db()
    url = reverse("changes:change-edit", args=[change.number])
    body = agent.get(url).content.decode()
    assert 'name="title"' in body and 'name="planned_start"' not in body
    planned = change.planned_start
    response = agent.post(
        url,
        {
            "title": "Upgrade the wiki (in progress)",
            "owner": str(org.tm_b.pk),
            "planned_start": "2031-01-01T00:00",
            "version": str(change.version),
        },
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.title == "Upgrade the wiki (in progress)" and change.owner == org.tm_b
    assert change.planned_start == planned and change.state == "implementing"
