"""Declaring, children, updates, the overdue job and resolving. Expected
values are worked out by hand from the fixture (see conftest)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from stanchion.majorincidents import services
from stanchion.majorincidents.models import MajorIncident, PostIncidentReview, ReviewAction
from stanchion.notifications.models import Notification, OutboundEmail
from stanchion.problems import services as problems
from stanchion.tickets.models import Ticket

from .conftest import NOW, minutes


def message(error, field):
    return " ".join(error.value.message_dict[field])


def declared(mi_org, **kw):
    ticket = mi_org.incident()
    return services.declare(ticket, actor=mi_org.agent, now=NOW + minutes(5), **kw)


def test_declare_from_a_p1_incident(mi_org):
    ticket = mi_org.incident()
    mi = services.declare(ticket, actor=mi_org.agent, comms_lead=mi_org.comms, now=NOW + minutes(5))
    assert mi.number == "MI-000001"
    assert (mi.priority, mi.state, mi.title) == ("p1", "declared", "Wiki is down")
    assert mi.commander == mi_org.agent and mi.comms_lead == mi_org.comms
    assert list(mi.services.all()) == [mi_org.wiki]
    # Impact from the ticket's opening; the first update due 30 min after declaring.
    assert mi.impact_start == NOW and mi.detected_at == NOW
    assert mi.next_update_due == NOW + minutes(35)
    ticket.refresh_from_db()
    assert ticket.is_major is True and ticket.impact_start == NOW and ticket.impact_end is None
    assert ticket.events.filter(body="Declared major incident MI-000001.").exists()


def test_p2_cadence_is_an_hour(mi_org):
    ticket = mi_org.incident(impact="1", urgency="2")
    mi = services.declare(ticket, actor=mi_org.agent, now=NOW)
    assert mi.priority == "p2" and mi.next_update_due == NOW + timedelta(hours=1)


@pytest.mark.parametrize(("impact", "urgency", "shown"), [("1", "3", "P3"), ("3", "3", "P4")])
def test_only_p1_and_p2_can_be_declared(mi_org, impact, urgency, shown):
    ticket = mi_org.incident(impact=impact, urgency=urgency)
    with pytest.raises(ValidationError) as error:
        services.declare(ticket, actor=mi_org.agent, now=NOW)
    assert f"is {shown}" in message(error, "ticket")
    assert not MajorIncident.objects.exists()
    ticket.refresh_from_db()
    assert ticket.is_major is False


def test_declare_twice_or_a_closed_ticket_is_refused(mi_org):
    mi = declared(mi_org)
    with pytest.raises(ValidationError) as error:
        services.declare(mi.ticket, actor=mi_org.agent, now=NOW + minutes(9))
    assert "already a major incident" in message(error, "ticket")


def test_declare_directly_opens_the_ticket(mi_org):
    mi = services.declare_directly(
        actor=mi_org.agent,
        requester=mi_org.alice.person,
        title="Mail bounces for everyone",
        impact="1",
        urgency="1",
        service=mi_org.mail,
        now=NOW,
    )
    assert mi.ticket.number == "INC-000001" and mi.ticket.is_major
    assert list(mi.services.all()) == [mi_org.mail]


def test_declare_directly_below_p2_leaves_no_ticket(mi_org):
    with pytest.raises(ValidationError) as error:
        services.declare_directly(
            actor=mi_org.agent,
            requester=mi_org.alice.person,
            title="Slow mail",
            impact="2",
            urgency="2",
            now=NOW,
        )
    assert "is P3" in message(error, "ticket")
    assert Ticket.objects.count() == 0


def test_suggestions_are_open_incidents_on_affected_services_near_the_impact(mi_org):
    mi = declared(mi_org)
    near = mi_org.incident(requester=mi_org.bob.person, at=NOW + minutes(20), impact="3")
    early = mi_org.incident(requester=mi_org.bob.person, at=NOW - minutes(110), impact="3")
    mi_org.incident(at=NOW - timedelta(hours=3), impact="3")  # outside the window
    mi_org.incident(service=mi_org.mail, at=NOW + minutes(1), impact="3")  # other service
    resolved = mi_org.incident(at=NOW + minutes(2), impact="3")
    from stanchion.tickets import services as tickets

    tickets.resolve(resolved, actor=mi_org.agent, code="solved", notes="ok", now=NOW + minutes(3))
    assert [t.pk for t in services.suggestions(mi)] == [early.pk, near.pk]
    services.link_child(mi, near, actor=mi_org.agent)
    assert [t.pk for t in services.suggestions(mi)] == [early.pk]


def test_linking_refusals(mi_org):
    mi = declared(mi_org)
    other = services.declare(
        mi_org.incident(service=mi_org.mail), actor=mi_org.agent, now=NOW + minutes(6)
    )
    child = mi_org.incident(impact="2", urgency="1", at=NOW + minutes(1))  # a P2
    services.link_child(mi, child, actor=mi_org.agent)
    cases = [
        (mi, mi.ticket, "own ticket"),
        (mi, child, "already a child incident of this"),
        (other, child, "already a child incident of MI-000001"),
        (mi, other.ticket, "is the ticket of major incident MI-000002"),
        (other, mi.ticket, "is the ticket of major incident MI-000001"),
    ]
    for target, ticket, expected in cases:
        with pytest.raises(ValidationError) as error:
            services.link_child(target, ticket, actor=mi_org.agent)
        assert expected in message(error, "ticket"), expected
    # Declaring a child is refused too (it would be both).
    with pytest.raises(ValidationError) as error:
        services.declare(child, actor=mi_org.agent, now=NOW + minutes(9))
    assert "child incident of MI-000001" in message(error, "ticket")


def test_a_request_cannot_be_a_child(mi_org):
    from stanchion.catalog import services as catalog
    from stanchion.tickets import services as tickets

    item = catalog.create_catalog_item(
        actor=None,
        service=mi_org.wiki,
        name="Wiki space",
        approval="none",
        delivery_target=timedelta(hours=8),
        form_definition=[],
    )
    request = tickets.open_request(
        actor=None, requester=mi_org.alice.person, item=item, answers={}, now=NOW
    )
    mi = declared(mi_org)
    with pytest.raises(ValidationError) as error:
        services.link_child(mi, request, actor=mi_org.agent)
    assert "is a service request" in message(error, "ticket")


def test_unlink(mi_org):
    mi = declared(mi_org)
    child = mi_org.incident(impact="3")
    services.link_child(mi, child, actor=mi_org.agent)
    services.unlink_child(mi, child, actor=mi_org.agent)
    assert not mi.children.exists()
    with pytest.raises(ValidationError) as error:
        services.unlink_child(mi, child, actor=mi_org.agent)
    assert "is not a child" in message(error, "ticket")


def test_blank_update_is_refused(mi_org):
    mi = declared(mi_org)
    with pytest.raises(ValidationError) as error:
        services.post_update(mi, actor=mi_org.agent, body="  \n ")
    assert "stakeholders" in message(error, "body")
    assert not mi.updates.exists()


def test_update_goes_to_subscribers_and_child_requesters(
    mi_org, django_capture_on_commit_callbacks
):
    mi = declared(mi_org)
    services.subscribe(mi_org.wiki, actor=mi_org.bob)
    services.subscribe(mi_org.mail, actor=mi_org.admin)  # another service: not told
    services.link_child(mi, mi_org.incident(impact="3", requester=mi_org.carol), actor=None)
    services.link_child(mi, mi_org.incident(impact="3", requester=mi_org.alice.person), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        update = services.post_update(
            mi, actor=mi_org.comms, body="We are failing over.", now=NOW + minutes(20)
        )
    mi.refresh_from_db()
    assert update.state == "declared"
    assert mi.last_update_at == NOW + minutes(20)
    assert mi.next_update_due == NOW + minutes(50)
    told = Notification.objects.filter(kind="major_incident")
    assert sorted(n.user.email for n in told) == [
        "alice.login@example.com",
        "bob.login@example.com",
    ]
    mails = OutboundEmail.objects.filter(kind="major_incident")
    # Carol has no login: she gets the email only.
    assert sorted(m.to for m in mails) == [
        "alice.login@example.com",
        "bob.login@example.com",
        "carol@example.com",
    ]
    assert all("We are failing over." in m.text for m in mails)
    assert all(m.subject == "MI-000001 Declared: Wiki is down" for m in mails)


def test_unsubscribe_stops_updates(mi_org, django_capture_on_commit_callbacks):
    mi = declared(mi_org)
    services.subscribe(mi_org.wiki, actor=mi_org.bob)
    services.subscribe(mi_org.wiki, actor=mi_org.bob)  # again: still one
    assert mi_org.bob.service_subscriptions.count() == 1
    services.unsubscribe(mi_org.wiki, actor=mi_org.bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(mi, actor=mi_org.comms, body="Still down.", now=NOW + minutes(20))
    assert not Notification.objects.filter(kind="major_incident").exists()


def test_overdue_update_is_told_once_per_deadline(mi_org, django_capture_on_commit_callbacks):
    mi = declared(mi_org, comms_lead=mi_org.comms)  # first update due at 09:35

    def overdue_told():
        return sorted(n.user.email for n in Notification.objects.filter(kind="update_overdue"))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_overdue_updates(now=NOW + minutes(35)) == 0  # not yet past
        assert services.notify_overdue_updates(now=NOW + minutes(36)) == 1
        assert services.notify_overdue_updates(now=NOW + minutes(50)) == 0  # same deadline
    assert overdue_told() == sorted([mi_org.agent.email, mi_org.comms.email])
    mi.refresh_from_db()
    assert mi.update_overdue(NOW + minutes(36))
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(mi, actor=mi_org.comms, body="Update.", now=NOW + minutes(60))
        assert services.notify_overdue_updates(now=NOW + minutes(89)) == 0
        assert services.notify_overdue_updates(now=NOW + minutes(91)) == 1  # due 10:30
    assert len(overdue_told()) == 4


def test_mitigate_then_resolve_resolves_children_and_opens_the_review(
    mi_org, django_capture_on_commit_callbacks
):
    mi = declared(mi_org)
    child = mi_org.incident(impact="3", requester=mi_org.bob.person, at=NOW + minutes(1))
    done_child = mi_org.incident(impact="3", requester=mi_org.bob.person, at=NOW + minutes(2))
    from stanchion.tickets import services as tickets

    tickets.resolve(done_child, actor=mi_org.agent, code="solved", notes="x", now=NOW + minutes(3))
    for ticket in (child, done_child):
        # A resolved ticket may still be linked (it heard the updates).
        from stanchion.core.services import create_record
        from stanchion.majorincidents.models import ChildIncident

        create_record(ChildIncident, {"major_incident": mi, "ticket": ticket})
    services.post_update(mi, actor=mi_org.comms, body="Failing over now.", now=NOW + minutes(10))
    mi = services.mitigate(mi, actor=mi_org.agent, now=NOW + minutes(40))
    assert mi.ticket.impact_end == NOW + minutes(40)
    with pytest.raises(ValidationError) as error:
        services.mitigate(mi, actor=mi_org.agent, now=NOW + minutes(41))
    assert "from Mitigated to Mitigated" in message(error, "state")
    with pytest.raises(ValidationError) as error:
        services.resolve(mi, actor=mi_org.agent, notes=" ", now=NOW + minutes(60))
    assert "fixed" in message(error, "resolution_notes")
    with django_capture_on_commit_callbacks(execute=True):
        mi = services.resolve(
            mi, actor=mi_org.agent, notes="Replaced the disk.", now=NOW + minutes(60)
        )
    assert mi.state == "resolved" and mi.resolved_at == NOW + minutes(60)
    assert mi.next_update_due is None
    ticket = Ticket.objects.get(pk=mi.ticket_id)
    assert ticket.state == "resolved" and ticket.impact_end == NOW + minutes(40)
    child.refresh_from_db()
    assert child.state == "resolved"
    assert child.resolution_notes == "Resolved with major incident MI-000001: Replaced the disk."
    done_child.refresh_from_db()
    assert done_child.resolution_notes == "x"
    # Bob hears of the resolution of his ticket as for any resolved ticket.
    assert Notification.objects.filter(kind="resolved", user=mi_org.bob).count() == 1
    review = PostIncidentReview.objects.get(major_incident=mi)
    lines = review.timeline.splitlines()
    assert lines[0] == "- 2026-03-02 09:00 — Impact started."
    assert "- 2026-03-02 09:10 — Stakeholder update: Failing over now." in lines
    assert "- 2026-03-02 09:40 — Mitigated: the impact stopped." in lines
    assert "- 2026-03-02 10:00 — Resolved: Replaced the disk." in lines
    with pytest.raises(ValidationError) as error:
        services.resolve(mi, actor=mi_org.agent, notes="again", now=NOW + minutes(61))
    assert "from Resolved to Resolved" in message(error, "state")
    with pytest.raises(ValidationError) as error:
        services.link_child(mi, mi_org.incident(impact="3"), actor=mi_org.agent)
    assert "is resolved" in message(error, "ticket")


def test_edit_keeps_the_ticket_impact_start_in_step(mi_org):
    mi = declared(mi_org)
    mi = services.edit(
        mi,
        {"impact_start": NOW - minutes(15), "services": [mi_org.wiki, mi_org.mail]},
        actor=mi_org.agent,
    )
    assert Ticket.objects.get(pk=mi.ticket_id).impact_start == NOW - minutes(15)
    assert set(mi.services.all()) == {mi_org.wiki, mi_org.mail}
    with pytest.raises(ValidationError) as error:
        services.edit(mi, {"detected_at": NOW - minutes(30)}, actor=mi_org.agent)
    assert "before the impact started" in message(error, "detected_at")
    with pytest.raises(ValidationError) as error:
        services.edit(mi, {"state": "resolved"}, actor=mi_org.agent)
    assert "cannot be changed" in message(error, "state")


def _review(mi_org):
    mi = declared(mi_org)
    mi = services.resolve(mi, actor=mi_org.agent, notes="Fixed.", now=NOW + minutes(30))
    return mi.review


def test_review_actions(mi_org, django_capture_on_commit_callbacks):
    review = _review(mi_org)
    problem = problems.create_problem(actor=mi_org.agent, title="Disks fill up unnoticed")
    today = date(2026, 3, 2)
    with pytest.raises(ValidationError) as error:
        services.add_action(
            review,
            actor=mi_org.agent,
            title="Alert on disk",
            owner=mi_org.comms,
            due_date=today - timedelta(days=1),
            now=NOW,
        )
    assert "past" in message(error, "due_date")
    with pytest.raises(ValidationError) as error:
        services.add_action(
            review, actor=mi_org.agent, title=" ", owner=None, due_date=today, now=NOW
        )
    assert set(error.value.message_dict) == {"title", "owner"}
    action = services.add_action(
        review,
        actor=mi_org.agent,
        title="Alert on disk",
        owner=mi_org.comms,
        due_date=today + timedelta(days=7),
        problem=problem,
        now=NOW,
    )
    assert ReviewAction.objects.get(pk=action.pk).problem == problem
    assert list(problem.review_actions.all()) == [action]
    later = NOW + timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_overdue_actions(now=NOW + timedelta(days=7)) == 0  # due today
        assert services.notify_overdue_actions(now=later) == 1
        assert services.notify_overdue_actions(now=later + timedelta(days=1)) == 0  # once
    [told] = Notification.objects.filter(kind="action_overdue")
    assert told.user == mi_org.comms and "Alert on disk" in told.title
    action = services.update_action(action, {"state": "done"}, actor=mi_org.comms, now=later)
    assert action.done_at == later
    action = services.update_action(action, {"state": "open"}, actor=mi_org.comms, now=later)
    assert action.done_at is None
    with pytest.raises(ValidationError) as error:
        services.update_action(action, {"state": "maybe"}, actor=mi_org.comms, now=later)
    assert "open, done" in message(error, "state")


def test_review_fields_are_edited_blameless_text(mi_org):
    review = _review(mi_org)
    review = services.update_review(
        review, {"root_cause": "A full disk.", "went_well": "Fast failover."}, actor=mi_org.agent
    )
    assert (review.root_cause, review.version) == ("A full disk.", 2)
    with pytest.raises(ValidationError) as error:
        services.update_review(review, {"major_incident": None}, actor=mi_org.agent)
    assert "cannot be changed" in message(error, "major_incident")


def test_history_written_with_a_past_now_stays_in_the_past(mi_org):
    """The demo writes a year of major incidents with explicit times: every
    entry they leave on the ticket's timeline (the is_major/impact field
    change included) carries that time, not the wall clock."""
    from stanchion.tickets.models import TimelineEvent

    mi = declared(mi_org)
    mi = services.mitigate(mi, actor=mi_org.agent, at=NOW + minutes(20), now=NOW + minutes(25))
    services.resolve(mi, actor=mi_org.agent, notes="Fixed.", now=NOW + minutes(40))
    times = list(TimelineEvent.objects.filter(ticket=mi.ticket).values_list("kind", "at"))
    assert any(kind == "field" for kind, _ in times)
    assert max(at for _, at in times) <= NOW + minutes(40)
