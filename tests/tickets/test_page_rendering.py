"""The queue rows and the ticket timeline, rendered in Python for speed
(tickets.presenters), show exactly what the per-row and per-event template
includes they replaced showed.

The reference is those templates themselves, kept here verbatim and rendered
by Django's template engine over the same records: a second, deliberately
simple implementation (reference_templates/ beside this file). Whitespace
between block tags is not compared."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Location
from stanchion.core.services import create_record
from stanchion.tickets.models import Ticket, TimelineEvent
from stanchion.tickets.presenters import LocalTimes
from stanchion.tickets.views_agent_queues import sla_level

from .test_agent_world import login, open_ticket

# The templates as they were, one include per timeline event and per queue row.
REFERENCE = Path(__file__).parent / "reference_templates"
REFERENCE_EVENT = (REFERENCE / "event.html").read_text()
REFERENCE_ROW = (REFERENCE / "queue_row.html").read_text()

BLOCK = r"(?:li|/li|div|/div|tr|/tr|td|/td|ol|/ol|tbody|/tbody)"


def normalise(html):
    html = re.sub(r"\s+", " ", html)
    html = re.sub(rf"\s*(<{BLOCK}\b[^>]*>)\s*", r"\1", html)
    return html.strip()


def between(html, start, end):
    begin = html.index(start) + len(start)
    return html[begin : html.index(end, begin)]


def in_berlin(user):
    berlin = Location.objects.create(name="Berlin", time_zone="Europe/Berlin", country="DE")
    user.person = accounts.create_person(
        actor=None,
        name="Agent Person",
        email=f"{user.pk}-ap@example.com",
        employee_id=f"EB{user.pk}",
        location=berlin,
    )
    user.save()
    return ZoneInfo("Europe/Berlin")


def add_event(ticket, kind, *, actor=None, body="", public=False, at=None, **data):
    return create_record(
        TimelineEvent,
        {
            "ticket": ticket,
            "kind": kind,
            "actor": actor,
            "body": body,
            "public": public,
            "at": at or timezone.now(),
            "data": data,
        },
    )


EVENTS = [
    # (kind, public, body, data) — every phrase and branch the timeline has
    ("created", True, "Ignored on created", {"channel": "phone"}),
    ("created", True, "", {}),
    ("comment", True, "Try **restarting** the <script>x</script> client", {}),
    ("comment", False, "Hidden reply", {}),
    ("note", False, "Checked the [logs](https://example.com/l?a=1&b=2)", {}),
    ("note", False, "", {}),
    ("state", False, "", {"from": "new", "to": "in_progress"}),
    ("state", False, "", {"from": "resolved", "to": "in_progress"}),
    ("state", False, "", {"from": "in_progress", "to": "pending", "reason": "customer"}),
    ("state", False, "", {"from": "in_progress", "to": "resolved", "code": "solved"}),
    ("state", False, "", {"from": "weird", "to": "unknown_state", "reason": "odd"}),
    (
        "assignment",
        False,
        "",
        {"to_team": "Network", "tier": "l2", "to_assignee": "Sam <b>", "from_team": "Desk"},
    ),
    ("assignment", False, "", {"to_team": "Network", "from_team": "Network"}),
    ("assignment", False, "", {"to_team": None}),
    ("sla", False, "Response target <missed>", {"sla": "breached"}),
    ("sla", False, "75 % used", {"sla": "warning"}),
    ("sla", False, "", {}),
    ("approval", False, "", {"state": "pending", "approver": "Boss & Co"}),
    ("approval", False, "", {"state": "approved"}),
    ("task", False, "", {"task": "TASK-1", "title": "Ship laptop", "state": "done", "team": "IT"}),
    ("task", False, "", {"task": "TASK-2", "title": "Wipe", "state": "open"}),
    ("link", False, "", {"other": "INC-0000009", "link": "duplicate_of"}),
    ("link", False, "", {"other": "INC-0000010", "link": "made_up"}),
    (
        "field",
        False,
        "",
        {"changes": {"category_id": [None, 4], "urgency": ["2", "1"], "title": ["", "x"]}},
    ),
    ("field", False, "", {"changes": {}}),
    ("attachment", False, "screenshot.png", {}),
    ("csat", True, "Great help!", {"score": 5}),
]


@pytest.mark.django_db
def test_timeline_shows_what_the_event_template_showed(desk):
    ticket = open_ticket(desk, "Everything happens", team=desk.l1)
    zone = in_berlin(desk.agent)
    # Summer and winter time, so the zone's offset and name both change.
    moments = [datetime(2026, 7, 1, 22, 5, tzinfo=UTC), datetime(2026, 1, 9, 23, 59, tzinfo=UTC)]
    for index, (kind, public, body, data) in enumerate(EVENTS):
        actor = None if index % 5 == 4 else (desk.agent if index % 2 else desk.specialist)
        at = moments[index % 2] + timedelta(minutes=index)
        add_event(ticket, kind, actor=actor, body=body, public=public, at=at, **data)

    page = login(desk.agent).get(reverse("tickets:ticket", args=[ticket.number])).content.decode()
    shown = between(page, '<ol class="timeline" aria-label="Timeline">', "</ol>")

    events = list(
        TimelineEvent.objects.filter(ticket=ticket).select_related("actor").order_by("-at", "-id")
    )
    template = Template(REFERENCE_EVENT)
    with timezone.override(zone):
        expected = "".join(template.render(Context({"event": e})) for e in events)
    assert len(events) == len(EVENTS) + 3  # with the events opening the ticket wrote
    assert normalise(shown) == normalise(expected)
    # Spot checks written by hand, in case both sides went wrong the same way.
    assert "Jul 2, 00:" in shown and "CEST" in shown and "CET" in shown
    assert "&lt;script&gt;" in shown and "<script>" not in shown
    assert "Sam &lt;b&gt;" in shown and "Response target &lt;missed&gt;" in shown
    assert "category <del>—</del> → <ins>4</ins>" in shown
    assert "reopened the ticket" in shown and "(from Desk)" in shown
    assert f"{len(events)} events, newest first" in page


@pytest.mark.django_db
def test_empty_timeline_says_so(desk):
    ticket = open_ticket(desk, "Quiet", team=desk.l1)
    TimelineEvent.objects.filter(ticket=ticket).delete()
    page = login(desk.agent).get(reverse("tickets:ticket", args=[ticket.number])).content.decode()
    assert '<li class="muted">Nothing has happened yet.</li>' in page
    assert "0 events, newest first" in page


def _queue_tickets(desk):
    """Rows with every variation a row shows; times 30 s clear of a minute
    boundary, so "in 2 h 30 min" and "3 days ago" read the same a moment later."""
    now = timezone.now()
    plain = open_ticket(desk, "Plain <b>title</b>", team=desk.l1, assignee=desk.agent)
    major = open_ticket(desk, "Major one", team=desk.l1)
    pending = open_ticket(desk, "Waiting", team=desk.l1, assignee=desk.agent)
    breached = open_ticket(desk, "Late", team=desk.l1, impact="1", urgency="1")
    no_sla = open_ticket(desk, "No clock", team=desk.l1)
    open_ticket(desk, "Nobody holds it")
    open_ticket(desk, "Specialist's", team=desk.l2, assignee=desk.specialist)
    type(desk.specialist).objects.filter(pk=desk.specialist.pk).update(full_name="")
    Ticket.objects.filter(pk=major.pk).update(is_major=True, kind="request")
    Ticket.objects.filter(pk=pending.pk).update(state="pending", pending_reason="vendor")
    Ticket.objects.filter(pk=breached.pk).update(sla_due_at=now - timedelta(hours=5, seconds=30))
    Ticket.objects.filter(pk=no_sla.pk).update(sla_due_at=None)
    Ticket.objects.filter(pk=plain.pk).update(
        sla_due_at=now + timedelta(hours=2, minutes=30, seconds=30)
    )
    Ticket.objects.exclude(pk=plain.pk).update(
        updated_at=now - timedelta(days=3, minutes=30, seconds=30)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_queue_rows_show_what_the_row_template_showed(desk, zone, settings):
    settings.TIME_ZONE = zone
    _queue_tickets(desk)
    url = reverse("tickets:queue-all")
    page = login(desk.agent).get(url).content.decode()
    shown = between(between(page, 'class="data queue"', "</table>"), "<tbody>", "</tbody>")

    numbers = re.findall(r"data-row-link>(INC-\d+)<", shown)
    assert len(numbers) == 7
    tickets = {
        t.number: t
        for t in Ticket.objects.filter(number__in=numbers).select_related(
            "requester", "assignment_team", "assignee"
        )
    }
    now = timezone.now()
    template = Template(REFERENCE_ROW)
    expected = []
    for number in numbers:
        ticket = tickets[number]
        ticket.sla_level = sla_level(ticket, now)
        ticket.select_key = f"{ticket.pk}:{ticket.version}"
        context = Context({"ticket": ticket, "can_act": True, "kept": {}})
        expected.append(template.render(context))
    assert normalise(shown) == normalise("".join(expected))
    assert "Plain &lt;b&gt;title&lt;/b&gt;" in shown and "in 2 h 30 min" in shown
    assert "5 h ago" in shown and "3\xa0days ago" in shown and "Service request" in shown
    assert "No team" in shown and desk.specialist.email in shown and "Unassigned" in shown


def test_local_times_format_as_the_date_filter_does():
    template = Template(
        "{{ m|date:'c' }}|{{ m|date:'Y-m-d H:i T' }}|{{ m|date:'Y-m-d H:i' }}|"
        "{{ m|date:'M j, H:i' }}"
    )
    moments = [
        datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # Berlin changes to summer time at 01:00
        datetime(2026, 3, 29, 1, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 5, 1, 4, 5, tzinfo=UTC),
    ]
    for name in ("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata"):
        with timezone.override(ZoneInfo(name)):
            times = LocalTimes()
            for moment in moments:
                local = times.local(moment)
                ours = "|".join(
                    [times.iso(local), times.minute_zone(local), times.minute(local),
                     times.short(local)]
                )  # fmt: skip
                assert ours == template.render(Context({"m": moment})), (name, moment)


@pytest.mark.django_db
def test_queue_page_queries_do_not_grow_with_rows(desk):
    client = login(desk.agent)
    url = reverse("tickets:queue-teams")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    open_ticket(desk, "One", team=desk.l1)
    few = count()
    for n in range(30):
        open_ticket(desk, f"More {n}", team=desk.l1, assignee=desk.agent if n % 2 else None)
    assert count() == few


class Thing:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name

    def __str__(self):
        return self.name


@pytest.mark.parametrize(
    "choices, value, attrs",
    [
        ([("", "Any"), ("p1", "P1 <critical>"), ("p2", 'P2 & "high"')], "p1", {}),
        ([("", "Any"), (1, "One"), (2, "Two")], 2, {"id": "id_x", "required": True}),
        ([("a", "A"), ("b", "B")], None, {"disabled": False, "data-x": "1'2", "class": "c"}),
        ([("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")], "b", {"id": "g"}),
        ([], "", {}),
    ],
)
def test_quick_select_writes_what_djangos_select_writes(choices, value, attrs):
    from django import forms

    from stanchion.tickets.widgets import QuickSelect

    django_select = forms.Select(choices=choices, attrs={"title": "t"})
    quick = QuickSelect(choices=choices, attrs={"title": "t"})
    expected = django_select.render("f<name>", value, attrs=attrs)
    assert quick.render("f<name>", value, attrs=attrs) == expected


@pytest.mark.django_db
def test_quick_selects_render_model_choice_fields_as_django_does(desk):
    from django import forms

    from stanchion.tickets.forms_agent import AssignForm
    from stanchion.tickets.widgets import QuickSelect, quicken_selects

    plain, quick = (
        AssignForm(initial={"assignment_team": desk.l2.pk}),
        AssignForm(initial={"assignment_team": desk.l2.pk}),
    )
    quicken_selects(quick)
    assert type(quick.fields["assignee"].widget) is QuickSelect
    assert type(AssignForm.base_fields["assignee"].widget) is forms.Select  # a copy changed
    for name in ("assignment_team", "assignee"):
        assert str(quick[name]) == str(plain[name])
    bound = AssignForm(data={"assignment_team": "nope"})
    expected = str(bound["assignment_team"])
    assert str(quicken_selects(bound)["assignment_team"]) == expected
    assert 'aria-invalid="true"' in expected


# The bulk bar's two drop-downs as queue_results.html wrote them before.
REFERENCE_BULK = (
    '{% load stanchion_web %}<select name="assignment_team" id="bulk-team"><option value="">'
    'Team…</option>{% for team in teams %}<option value="{{ team.pk }}"{% if kept.assignment_team'
    ' == team.pk|stringformat:"d" %} selected{% endif %}>{{ team.name }}</option>{% endfor %}'
    '</select><select name="assignee" id="bulk-assignee"><option value="">Anyone in the team'
    '</option><option value="{{ user.pk }}"{% if kept.assignee == user.pk|stringformat:"d" %}'
    " selected{% endif %}>Me ({{ user }})</option>{% for person in assignees %}{% if person.pk"
    ' != user.pk %}<option value="{{ person.pk }}"{% if kept.assignee == person.pk|'
    'stringformat:"d" %} selected{% endif %}>{{ person }}</option>{% endif %}{% endfor %}'
    "</select>"
)


@pytest.mark.django_db
@pytest.mark.parametrize("kept_team, kept_assignee", [(None, None), ("l2", "specialist")])
def test_bulk_bar_lists_teams_and_people_as_before(desk, kept_team, kept_assignee):
    from stanchion.accounts.models import Team
    from stanchion.tickets.forms_agent import staff_users

    type(desk.specialist).objects.filter(pk=desk.specialist.pk).update(
        full_name="", email="spec<ial>@example.com"
    )
    desk.specialist.refresh_from_db()
    open_ticket(desk, "Something to act on", team=desk.l1)
    data = {"action": "assign", "queue": "teams"}  # no ticket ticked: refused
    kept = {}
    if kept_team:
        data["assignment_team"] = kept["assignment_team"] = str(getattr(desk, kept_team).pk)
        data["assignee"] = kept["assignee"] = str(getattr(desk, kept_assignee).pk)
    response = login(desk.agent).post(
        reverse("tickets:bulk"), data, headers={"HX-Request": "true", "HX-Target": "queue-results"}
    )
    body = response.content.decode()
    shown = body[body.index('<select name="assignment_team" id="bulk-team">') :]
    shown = shown[: shown.index('<button type="submit" name="action" value="assign"')]
    expected = Template(REFERENCE_BULK).render(
        Context(
            {
                "teams": Team.objects.filter(is_active=True).order_by("name"),
                "assignees": staff_users(),
                "user": desk.agent,
                "kept": kept,
            }
        )
    )
    shown = re.sub(r'\s*<label class="sr-only" for="bulk-assignee">Assignee</label>\s*', "", shown)
    assert normalise(shown) == normalise(expected)
    assert "spec&lt;ial&gt;@example.com" in shown
    assert (f'value="{desk.l2.pk}" selected' in shown) == bool(kept_team)
