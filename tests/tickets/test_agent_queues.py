"""Agent queues: which tickets each queue holds, filters, sorts, saved views,
keyset pages, query counts and who may open them."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stanchion.accounts.roles import Role
from stanchion.tickets.models import SavedView, Ticket
from stanchion.tickets.tables import keyset_page

from .test_agent_world import HTMX, QUEUE_MEMBERS, build_world, login, open_ticket


@pytest.fixture
def world(desk, make_user):
    return build_world(desk, make_user)


def numbers(response):
    """Ticket numbers in the rows of a queue page, in order (once each)."""
    body = response.content.decode()
    rows = re.findall(r'<tr data-row data-href="/desk/tickets/([A-Z]+-\d{6})/"', body)
    return rows


def letters(world, response):
    by_number = {t.number: letter for letter, t in world.tickets.items()}
    return {by_number[n] for n in numbers(response)}


def test_each_queue_shows_exactly_its_tickets(world):
    client = login(world.agent)
    for queue, expected in QUEUE_MEMBERS.items():
        response = client.get(reverse(f"tickets:queue-{queue}"))
        assert response.status_code == 200
        assert letters(world, response) == expected, queue


def test_unassigned_depends_on_the_viewers_teams(world):
    # Olga is in Identity (L3): its unpicked ticket H is hers to see, B is not.
    response = login(world.outsider).get(reverse("tickets:queue-unassigned"))
    assert letters(world, response) == {"C", "H"}


def test_open_queues_sort_by_sla_due_soonest_first_with_no_due_last(world):
    response = login(world.agent).get(reverse("tickets:queue-all"), {"sort": "sla"})
    order = [{t.number: k for k, t in world.tickets.items()}[n] for n in numbers(response)]
    # D (past due) < C (30 min) < A (1 h) < B (5 h) < H (8 h), then no due time by id.
    assert order[:5] == ["D", "C", "A", "B", "H"]
    assert order[5:] == ["E", "F", "G", "I"]


def test_sort_by_priority_and_created(world):
    t = world.tickets
    p1 = open_ticket(world.desk, "Zulu outage", impact="1", urgency="1")
    client = login(world.agent)
    first = numbers(client.get(reverse("tickets:queue-all"), {"sort": "priority"}))[0]
    assert first == p1.number
    newest = numbers(client.get(reverse("tickets:queue-all"), {"sort": "-created"}))
    assert newest[0] == p1.number and newest[-1] == t["A"].number
    oldest = numbers(client.get(reverse("tickets:queue-all"), {"sort": "created"}))
    assert oldest == newest[::-1]


def test_unknown_sort_falls_back_to_the_queue_default(world):
    response = login(world.agent).get(reverse("tickets:queue-mine"), {"sort": "password"})
    assert response.status_code == 200
    assert numbers(response) == [world.tickets["A"].number, world.tickets["E"].number]


FILTER_CASES = [
    ({"q": "bravo"}, {"B"}),
    ({"q": "inc-000003"}, {"C"}),
    ({"state": "pending"}, {"E"}),
    ({"state": "resolved"}, {"F", "G"}),
    ({"kind": "request"}, {"I"}),
    ({"assignee": "AGENT"}, {"A", "E", "F"}),
    ({"assignment_team": "L2"}, {"D"}),
    ({"requester": "rita@"}, set("ABCDEFGHI")),
    ({"requester": "nobody-like-this"}, set()),
    ({"channel": "portal"}, set("ABCDEFGHI")),
    ({"channel": "phone"}, set()),
    ({"is_major": "true"}, set()),
    ({"is_major": "false"}, set("ABCDEFGHI")),
]


def test_filters(world):
    client = login(world.agent)
    for params, expected in FILTER_CASES:
        params = dict(params)
        if params.get("assignee") == "AGENT":
            params["assignee"] = world.agent.pk
        if params.get("assignment_team") == "L2":
            params["assignment_team"] = world.desk.l2.pk
        response = client.get(reverse("tickets:queue-all"), params)
        assert letters(world, response) == expected, params


def test_priority_service_category_and_created_range_filters(world):
    client = login(world.agent)
    url = reverse("tickets:queue-all")
    p1 = open_ticket(world.desk, "Zulu outage", impact="1", urgency="1")
    assert numbers(client.get(url, {"priority": "p1"})) == [p1.number]
    assert len(numbers(client.get(url, {"service": world.desk.service.pk}))) == 10
    today = timezone.localdate()
    assert len(numbers(client.get(url, {"created_from": today.isoformat()}))) == 10
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert numbers(client.get(url, {"created_from": tomorrow})) == []
    yesterday = (today - timedelta(days=1)).isoformat()
    assert numbers(client.get(url, {"created_to": yesterday})) == []


def test_bad_filter_values_are_named_not_500(world):
    client = login(world.agent)
    response = client.get(reverse("tickets:queue-all"), {"assignment_team": "abc"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    response = client.get(
        reverse("tickets:queue-all"), {"created_from": "2026-03-05", "created_to": "2026-03-01"}
    )
    assert "must not be before" in response.content.decode()
    response = client.get(reverse("tickets:queue-all"), {"after": "not-a-cursor"})
    assert response.status_code == 200
    assert b"This page link is not valid" in response.content


def test_htmx_filter_request_gets_only_the_results(world):
    response = login(world.agent).get(
        reverse("tickets:queue-all"),
        {"q": "alpha"},
        headers={**HTMX, "HX-Target": "queue-results"},
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="bulk-form"' in body
    assert numbers(response) == [world.tickets["A"].number]


# ---- Saved views ------------------------------------------------------


def test_save_a_view_and_see_it_in_the_switcher(world):
    client = login(world.agent)
    response = client.post(
        reverse("tickets:view-save"),
        {"name": "L2 fires", "queue": "all", "assignment_team": world.desk.l2.pk, "sort": "sla"},
        headers=HTMX,
    )
    assert response.status_code == 204
    saved = SavedView.objects.get(user=world.agent)
    assert saved.queue == "all"
    assert saved.params == f"assignment_team={world.desk.l2.pk}&sort=sla"
    assert response["HX-Redirect"] == f"/desk/all/?{saved.params}"
    page = client.get(f"/desk/all/?{saved.params}").content.decode()
    assert "L2 fires" in page and 'aria-current="page" title="All tickets">L2 fires' in page
    assert letters(world, client.get(f"/desk/all/?{saved.params}")) == {"D"}


def test_saved_views_are_personal(world):
    mine = SavedView.objects.create(user=world.agent, name="Mine only", queue="mine")
    theirs = SavedView.objects.create(user=world.peer, name="Peer view", queue="teams")
    client = login(world.agent)
    page = client.get(reverse("tickets:queue-mine")).content.decode()
    assert "Mine only" in page and "Peer view" not in page
    response = client.post(reverse("tickets:view-delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("tickets:view-delete", args=[mine.pk]))
    assert not SavedView.objects.filter(pk=mine.pk).exists()


def test_saving_a_duplicate_name_says_so(world):
    SavedView.objects.create(user=world.agent, name="Dup", queue="mine")
    response = login(world.agent).post(
        reverse("tickets:view-save"), {"name": "Dup", "queue": "mine"}, headers=HTMX
    )
    assert response.status_code == 400
    assert b"already have a view with this name" in response.content


# ---- Keyset pages -----------------------------------------------------


def test_keyset_pages_neither_overlap_nor_skip_with_equal_sort_keys(world):
    # Many tickets share one due time and many have none: ties are broken by id.
    due = timezone.now() + timedelta(hours=3)
    extra = [open_ticket(world.desk, f"Tie {n}") for n in range(13)]
    Ticket.objects.filter(pk__in=[t.pk for t in extra[:7]]).update(sla_due_at=due)
    Ticket.objects.filter(pk__in=[t.pk for t in extra[7:]]).update(sla_due_at=None)
    everyone = Ticket.objects.all()
    total = everyone.count()
    for sort in ("sla", "-sla", "priority", "-priority", "created", "-updated"):
        pages, after = [], None
        while True:
            page = keyset_page(everyone, sort, after=after, size=4)
            pages.append(page)
            if not page.next_cursor:
                break
            after = page.next_cursor
        seen = [t.pk for page in pages for t in page.rows]
        assert len(seen) == total and len(set(seen)) == total, sort
        assert not pages[0].previous_cursor
        # "Previous" from each page gives exactly the page before it.
        for earlier, later in zip(pages, pages[1:], strict=False):
            back = keyset_page(everyone, sort, before=later.previous_cursor, size=4)
            assert [t.pk for t in back.rows] == [t.pk for t in earlier.rows], sort


def test_next_and_previous_links_walk_the_queue(world):
    for n in range(55):
        open_ticket(world.desk, f"Bulk {n}")
    client = login(world.agent)
    first = client.get(reverse("tickets:queue-all"), {"sort": "-created"})
    body = first.content.decode()
    page1 = numbers(first)
    assert len(page1) == 50 and 'rel="prev"' not in body
    next_url = re.search(r'href="([^"]*after=[^"]+)"', body).group(1).replace("&amp;", "&")
    second = client.get(next_url)
    page2 = numbers(second)
    assert len(page2) == 64 - 50
    assert not set(page1) & set(page2)
    prev_url = re.search(r'href="([^"]*before=[^"]+)"', second.content.decode()).group(1)
    assert numbers(client.get(prev_url.replace("&amp;", "&"))) == page1


# ---- Query counts -----------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_is_constant(world):
    """3 tickets in "My work"/"My teams", then 40 more: the same queries."""
    client = login(world.agent)
    urls = [reverse(f"tickets:queue-{q}") for q in ("mine", "teams", "all", "breaching")]
    for url in urls:
        _queries(client, url)  # warm caches (sessions, calendars)
    few = [_queries(client, url) for url in urls]
    for n in range(40):
        open_ticket(world.desk, f"More {n}", team=world.desk.l1, assignee=world.agent)
    many = [_queries(client, url) for url in urls]
    assert few == many
    assert max(many) <= 16


def test_queue_page_is_one_ticket_query(world):
    client = login(world.agent)
    client.get(reverse("tickets:queue-teams"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("tickets:queue-teams"))
    ticket_queries = [q["sql"] for q in ctx.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    assert len(ticket_queries) == 1
    assert "LIMIT 51" in ticket_queries[0] and "OFFSET" not in ticket_queries[0]
    assert "COUNT(" not in ticket_queries[0]


# ---- Who may open the queues ------------------------------------------


def test_requester_gets_403_on_every_agent_page(world):
    client = login(world.desk.requester_login)
    number = world.tickets["A"].number
    for url in [
        reverse("tickets:queue-mine"),
        reverse("tickets:queue-all"),
        reverse("tickets:ticket", args=[number]),
        reverse("tickets:incident-new"),
        reverse("tickets:person-search"),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("tickets:bulk"), {}).status_code == 403
    assert client.post(reverse("tickets:ticket-action", args=[number, "reply"])).status_code == 403


def test_anonymous_goes_to_login(db):
    from django.test import Client

    response = Client().get(reverse("tickets:queue-mine"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_auditor_sees_queues_without_bulk_actions(world):
    response = login(world.auditor).get(reverse("tickets:queue-all"))
    body = response.content.decode()
    assert response.status_code == 200
    assert letters(world, response) == QUEUE_MEMBERS["all"]
    assert 'name="ticket"' not in body and "Change state" not in body
    assert "New incident" not in body


def test_navigation_lists_the_queues_for_staff_only(world, make_user):
    staff = login(world.agent).get(reverse("tickets:queue-mine")).content.decode()
    assert "Service desk" in staff and 'href="/desk/breaching/"' in staff
    employee = make_user(Role.REQUESTER)
    home = login(employee).get("/").content.decode()
    assert 'href="/desk/mine/"' not in home
