"""The schedule side of the change API: the conflict check, maintenance
window occurrences (in the service calendar's time zone, across a DST
change), the risk preview and questionnaire, list filters and safe retries
of a create. Expected values are worked out by hand."""

from datetime import UTC, datetime, time, timedelta

from stanchion.catalog import services as catalog
from stanchion.changes import services
from stanchion.changes.models import Blackout, Change, MaintenanceWindow
from stanchion.changes.services import records
from stanchion.core.services import creator

from . import api_support as support
from .api_support import error, iso, ok, post
from .conftest import NOW

clock, clients = support.clock, support.clients


def check(client, services_, start, end, **extra):
    body = {"services": [s.pk for s in services_], "start": iso(start), "end": iso(end), **extra}
    return post(client, "/api/changes/conflict-check/", body)


def test_conflict_check_finds_overlaps_on_the_service_and_its_dependents(org, clients):
    start, end = org.plan(7)
    on_wiki = services.submit(org.normal(), actor=org.agent, now=NOW)
    # App depends on SSO: work on SSO overlaps work on App.
    on_app = services.submit(org.normal(services=[org.app], title="App"), actor=org.agent, now=NOW)

    answer = check(clients.agent, [org.wiki], start + timedelta(hours=1), end + timedelta(hours=1))
    assert (answer["services"], answer["start"], answer["end"]) == (
        [org.wiki.pk],
        iso(start + timedelta(hours=1)),
        iso(end + timedelta(hours=1)),
    )
    assert [
        (c["kind"], c["service"], c["change"], c["change_number"]) for c in answer["conflicts"]
    ] == [("overlap", org.wiki.pk, on_wiki.pk, on_wiki.number)]
    assert on_wiki.number in answer["conflicts"][0]["message"]
    # The change being moved does not conflict with itself.
    assert check(clients.agent, [org.wiki], start, end, exclude=on_wiki.pk)["conflicts"] == []
    # Right after it: no overlap (the end is exclusive).
    assert check(clients.agent, [org.wiki], end, end + timedelta(hours=1))["conflicts"] == []

    dependent = check(clients.auditor, [org.sso], start, end)["conflicts"]
    assert [(c["kind"], c["service"], c["change"]) for c in dependent] == [
        ("dependent_overlap", org.app.pk, on_app.pk)
    ]


def test_conflict_check_finds_blackouts_and_time_outside_windows(org, clients):
    start, end = org.plan(7)  # Monday 9 March 20:00-22:00 UTC
    creator(MaintenanceWindow)(
        actor=None,
        service=org.wiki,
        name="Tuesday nights",
        weekdays=[1],
        start_time=time(22),
        duration_minutes=240,
    )
    freeze = records.create_with_services(
        Blackout,
        {"name": "Quarter end", "starts_at": start - timedelta(days=1), "ends_at": end},
        actor=None,
    )
    window = MaintenanceWindow.objects.get(service=org.wiki)
    found = check(clients.agent, [org.wiki], start, end)["conflicts"]
    assert sorted((c["kind"], c["service"], c["blackout"], c["window"]) for c in found) == [
        ("blackout", org.wiki.pk, freeze.pk, None),
        ("outside_window", org.wiki.pk, None, window.pk),
    ]
    # Tuesday 10 March 22:00-02:00 is inside the window and after the freeze.
    inside = datetime(2026, 3, 10, 22, tzinfo=UTC)
    assert check(clients.agent, [org.wiki], inside, inside + timedelta(hours=2))["conflicts"] == []
    # Mail has no windows: only the (global) freeze applies.
    assert [c["kind"] for c in check(clients.agent, [org.mail], start, end)["conflicts"]] == [
        "blackout"
    ]


def test_submitted_change_shows_its_conflicts(org, clients):
    first = services.submit(org.normal(), actor=org.agent, now=NOW)
    second = org.normal(title="Wiki search")
    url = f"/api/changes/{second.pk}/"
    stored = post(clients.agent, url + "submit/")["conflicts"]
    assert [(c["kind"], c["change"]) for c in stored] == [("overlap", first.pk)]
    listed = ok(clients.agent.get("/api/changes/", {"has_conflicts": "true"}))["results"]
    assert [row["id"] for row in listed] == [second.pk]
    # Approval waits for the override.
    error(clients.agent.post(url + "request-approval/", {}, format="json"), 400, "conflicts")


def test_window_occurrences_in_the_service_time_zone_across_dst(org, clients):
    berlin = catalog.create_calendar(
        actor=None,
        name="Berlin office",
        time_zone="Europe/Berlin",
        intervals=[(d, time(8), time(18)) for d in range(5)],
    )
    erp = catalog.create_service(
        actor=None,
        name="ERP",
        tier="2",
        owner_team=org.platform,
        support_team=org.platform,
        calendar=berlin,
    )
    window = post(
        clients.admin,
        "/api/maintenance-windows/",
        {
            "service": erp.pk,
            "name": "Monday evenings",
            "weekdays": [0],
            "start_time": "22:00",
            "duration_minutes": 90,
        },
        status=201,
    )
    assert window["time_zone"] == "Europe/Berlin"
    url = f"/api/maintenance-windows/{window['id']}/occurrences/"
    # Clocks go forward in Berlin on Sunday 29 March 2026: 22:00 is 21:00 UTC
    # on 23 March and 20:00 UTC on 30 March.
    body = ok(
        clients.agent.get(
            url,
            {"start": "2026-03-23T00:00:00Z", "end": "2026-04-06T00:00:00Z"},
        )
    )
    assert body["occurrences"] == [
        {"start": "2026-03-23T21:00:00Z", "end": "2026-03-23T22:30:00Z"},
        {"start": "2026-03-30T20:00:00Z", "end": "2026-03-30T21:30:00Z"},
    ]
    # Default range: the next 14 days from now (Monday 2 March 09:00 UTC).
    default = ok(clients.agent.get(url))
    assert (default["start"], default["end"]) == (iso(NOW), iso(NOW + timedelta(days=14)))
    assert [o["start"] for o in default["occurrences"]] == [
        "2026-03-02T21:00:00Z",
        "2026-03-09T21:00:00Z",
    ]


def test_risk_preview_of_a_draft_and_the_questionnaire(org, clients):
    # SSO is tier 1 (20) with two services depending on it (App, and Mail
    # through App: 4); planned a week ahead, both plans, least risky answers.
    change = org.normal(services=[org.sso])
    preview = ok(clients.auditor.get(f"/api/changes/{change.pk}/risk/"))
    points = {f["key"]: f["points"] for f in preview["factors"]}
    assert (preview["score"], preview["level"]) == (24, "low")
    assert sum(points.values()) == 24
    assert (points["tier"], points["dependents"]) == (20, 4)
    # Nothing is stored on a draft.
    assert preview["stored"] == {"score": None, "level": "", "factors": []}
    assert Change.objects.get(pk=change.pk).risk_score is None

    questions = ok(clients.agent.get("/api/changes/risk-questions/"))
    assert [q["key"] for q in questions] == [
        "user_impact",
        "reversibility",
        "experience",
        "teams_involved",
    ]
    assert questions[0]["choices"][2] == {
        "value": "outage",
        "label": "An outage of the service",
        "points": 5,
    }


def test_change_list_filters_and_ordering(org, clients):
    later = org.normal(title="Later wiki work", days=9)
    sooner = services.submit(org.normal(title="Sooner wiki work", days=8), actor=org.agent, now=NOW)
    app = org.normal(title="App upgrade", services=[org.app], change_type="emergency", days=10)

    def ids(**query):
        return [row["id"] for row in ok(clients.agent.get("/api/changes/", query))["results"]]

    assert ids(state="draft", ordering="planned_start") == [later.pk, app.pk]
    assert ids(state=["draft", "assessment"], ordering="-planned_start") == [
        app.pk,
        later.pk,
        sooner.pk,
    ]
    assert ids(change_type="emergency") == [app.pk]
    assert ids(service=org.wiki.pk, ordering="planned_start") == [sooner.pk, later.pk]
    assert ids(q="sooner") == [sooner.pk]
    assert ids(q=app.number) == [app.pk]
    assert ids(risk_level="low") == [sooner.pk]
    # Later ends Wednesday 11 March 22:00; App starts Thursday 12 March 20:00.
    assert ids(planned_from="2026-03-11T22:00:00Z") == [app.pk]
    bad = clients.agent.get("/api/changes/", {"state": "done"})
    error(bad, 400, "state")


def test_planned_range_filters(org, clients):
    a = org.normal(days=7)  # 9 March 20:00-22:00
    b = org.normal(days=8)  # 10 March 20:00-22:00

    def ids(**query):
        rows = ok(clients.agent.get("/api/changes/", {**query, "ordering": "id"}))["results"]
        return [row["id"] for row in rows]

    # Overlapping [9 March 21:00, 10 March 20:30): both.
    assert ids(planned_from="2026-03-09T21:00:00Z", planned_until="2026-03-10T20:30:00Z") == [
        a.pk,
        b.pk,
    ]
    # From 9 March 22:00 (a has ended): only b.
    assert ids(planned_from="2026-03-09T22:00:00Z") == [b.pk]
    # Until 10 March 20:00 (b has not started): only a.
    assert ids(planned_until="2026-03-10T20:00:00Z") == [a.pk]


def test_create_with_an_idempotency_key_is_made_once(org, clients):
    start, end = org.plan(7)
    body = {
        "title": "Rotate keys",
        "services": [org.wiki.pk],
        "planned_start": iso(start),
        "planned_end": iso(end),
    }
    first = post(clients.agent, "/api/changes/", body, status=201, HTTP_IDEMPOTENCY_KEY="k-1")
    again = clients.agent.post("/api/changes/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Change.objects.filter(title="Rotate keys").count() == 1


def test_timeline_and_comments(org, clients):
    change = org.normal()
    url = f"/api/changes/{change.pk}/"
    event = post(clients.tm, url + "comment/", {"body": "  Check with the vendor.  "}, status=201)
    assert (event["kind"], event["actor"], event["body"]) == (
        "comment",
        org.tm.pk,
        "Check with the vendor.",
    )
    kinds = [e["kind"] for e in ok(clients.auditor.get(url + "timeline/"))["results"]]
    assert kinds == ["created", "comment"]
