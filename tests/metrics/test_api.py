"""The KPI API against a small October 2026 worked out by hand.

Reporting zone Europe/Berlin: October 2026 runs from 2026-09-30 22:00 UTC
to 2026-10-31 23:00 UTC. MTTA counts incidents first answered in the month:

    t1  Mail  P1  opened 10-02 10:00, answered 10 min later           10 min
    t2  VPN   P3  opened 10-03 09:00, answered 30 min later           30 min
    t3  VPN   P3  opened 09-30 20:00, answered 09-30 22:00 UTC        120 min
                  (midnight in Berlin: the first instant of October)
    t4  VPN   P3  answered 09-30 21:59 UTC: September, left out
    t5  a request answered in October: not an incident, left out

Overall (10 + 30 + 120) / 3 = 53.33 min over 3 incidents; Mail 10 min (1),
VPN 75 min (2); P1 10 min (target 10: on), P3 75 min (target 240: on).
SLA response attainment for incidents: t1's clock met, t2's missed, both
stopped in October: 50 % of 2 (target 95, warning 90: off).
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from stanchion.accounts.roles import Role
from stanchion.metrics.models import KpiTarget
from stanchion.metrics.registry import kpis

from .conftest import utc

OCT = {"period": "month", "at": "2026-10-15"}


def make_october(org):
    """The tickets and clocks of the worked example above."""

    def answered(service, priority, created, minutes=None, responded=None, **fields):
        return org.ticket(
            service=service,
            priority=priority,
            created_at=created,
            first_response_at=responded or created + timedelta(minutes=minutes),
            **fields,
        )

    t1 = answered(org.mail, "p1", utc(2026, 10, 2, 10), 10)
    t2 = answered(org.vpn, "p3", utc(2026, 10, 3, 9), 30)
    t3 = answered(org.vpn, "p3", utc(2026, 9, 30, 20), responded=utc(2026, 9, 30, 22))
    t4 = answered(org.vpn, "p3", utc(2026, 9, 30, 20), responded=utc(2026, 9, 30, 21, 59))
    t5 = answered(org.mail, "p3", utc(2026, 10, 5, 9), 5, kind="request")
    c1 = org.clock(t1, "response", "met", utc(2026, 10, 2, 10, 10))
    c2 = org.clock(t2, "response", "missed", utc(2026, 10, 3, 9, 30))
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "c1": c1, "c2": c2, "org": org}


@pytest.fixture
def october(org):
    return make_october(org)


@pytest.fixture
def agent_client(make_user, api_client):
    return api_client(make_user(Role.AGENT))


def values(client, key, **params):
    response = client.get(f"/api/kpis/{key}/values/", {**OCT, **params})
    assert response.status_code == 200, response.content
    return response.json()


def walk_records(client, url):
    """Every record behind a value, following the cursor links one row at a time."""
    ids, count, pages = [], None, 0
    while url:
        response = client.get(url if "cursor=" in url else f"{url}&page_size=1")
        assert response.status_code == 200, response.content
        body = response.json()
        count = body["count"] if count is None else count
        assert body["count"] == count
        ids += [(row["type"], row["id"], row["ticket"], row["number"]) for row in body["results"]]
        url, pages = body["next"], pages + 1
    return ids, count, pages


def test_kpi_list_is_the_registry_with_targets(db, agent_client):
    KpiTarget.objects.create(kpi="mttr", priority="p1", target=90.0, warning=180.0)
    KpiTarget.objects.create(kpi="fcr", priority="", target=70.0, warning=65.0)
    body = agent_client.get("/api/kpis/").json()
    assert body["count"] == len(body["results"]) == len(kpis.all())
    rows = {row["key"]: row for row in body["results"]}
    assert set(rows) == {kpi.key for kpi in kpis.all()}
    mtta = rows["mtta"]
    assert mtta["unit"] == "minutes" and mtta["direction"] == "lower"
    assert (mtta["target"], mtta["warning"]) == (240.0, 480.0)
    assert mtta["priority_targets"]["p1"] == {"target": 10.0, "warning": 15.0}
    assert mtta["periods"] == ["week", "month", "quarter", "custom"]
    assert {"key": "service", "label": "Service"} in mtta["segments"]
    assert "first public reply" in mtta["formula"]
    # The organisation's own targets replace the defaults.
    assert rows["mttr"]["priority_targets"]["p1"] == {"target": 90.0, "warning": 180.0}
    assert rows["mttr"]["priority_targets"]["p2"] == {"target": 480.0, "warning": 960.0}
    assert (rows["fcr"]["target"], rows["fcr"]["warning"]) == (70.0, 65.0)
    assert (rows["fcr"]["default_target"], rows["fcr"]["default_warning"]) == (60.0, 50.0)
    availability = agent_client.get("/api/kpis/availability/").json()
    assert [s["key"] for s in availability["segments"]] == ["service", "service_tier"]


def test_overall_value_with_target_status_and_records_link(october, agent_client):
    body = values(agent_client, "mtta")
    assert body["period"]["key"] == "2026-10"
    assert body["period"]["start"] == "2026-10-01T00:00:00+02:00"
    assert body["period"]["end"] == "2026-11-01T00:00:00+01:00"
    assert body["segment"] is None
    [row] = body["values"]
    assert row["segment_value"] == "all" and row["label"] == "All"
    assert row["denominator"] == 3
    assert row["numerator"] == pytest.approx((10 + 30 + 120) * 60)
    assert row["value"] == pytest.approx(160 / 3)
    assert (row["target"], row["warning"], row["status"]) == (240.0, 480.0, "on")
    link = urlparse(row["records"])
    assert link.path == "/kpis/mtta/records/"
    assert parse_qs(link.query) == {"period": ["month"], "at": ["2026-10-01"]}
    assert urlparse(row["records_api"]).path == "/api/kpis/mtta/records/"
    assert row["numerator_records"] is None  # an average has no numerator records


def test_organisation_target_changes_the_status(october, agent_client):
    KpiTarget.objects.create(kpi="mtta", priority="", target=20.0, warning=60.0)
    [row] = values(agent_client, "mtta")["values"]
    assert (row["target"], row["warning"], row["status"]) == (20.0, 60.0, "near")


def test_values_by_service_with_labels_and_drill_down(october, agent_client):
    org = october["org"]
    body = values(agent_client, "mtta", segment="service")
    assert body["segment"] == "service" and body["segment_label"] == "Service"
    rows = {row["label"]: row for row in body["values"]}
    assert set(rows) == {"Mail", "VPN"}
    assert rows["VPN"]["segment_value"] == str(org.vpn.pk)
    assert (rows["VPN"]["denominator"], rows["VPN"]["value"]) == (2, pytest.approx(75.0))
    assert (rows["Mail"]["denominator"], rows["Mail"]["value"]) == (1, pytest.approx(10.0))
    query = parse_qs(urlparse(rows["VPN"]["records"]).query)
    assert query == {
        "period": ["month"],
        "at": ["2026-10-01"],
        "segment": ["service"],
        "value": [str(org.vpn.pk)],
    }
    ids, count, pages = walk_records(agent_client, rows["VPN"]["records_api"])
    expected = {october["t2"], october["t3"]}
    assert count == rows["VPN"]["denominator"] == len(ids) == pages == 2
    assert sorted(ids) == sorted(("ticket", t.pk, t.pk, t.number) for t in expected)


def test_values_by_priority_use_priority_targets(october, agent_client):
    rows = {
        row["segment_value"]: row
        for row in values(agent_client, "mtta", segment="priority")["values"]
    }
    assert set(rows) == {"p1", "p3"}
    assert (rows["p1"]["value"], rows["p1"]["target"], rows["p1"]["status"]) == (
        pytest.approx(10.0),
        10.0,
        "on",
    )
    assert rows["p3"]["label"] == "P3 — moderate"
    assert (rows["p3"]["value"], rows["p3"]["target"]) == (pytest.approx(75.0), 240.0)


def test_custom_range(october, agent_client):
    body = values(agent_client, "mtta", period="custom", start="2026-10-01", end="2026-10-02")
    assert body["period"]["key"] == "2026-10-01..2026-10-02"
    [row] = body["values"]
    # t3 (answered at the first instant of Oct 1) and t1 (Oct 2).
    assert (row["denominator"], row["value"]) == (2, pytest.approx(65.0))
    query = parse_qs(urlparse(row["records"]).query)
    assert query == {"period": ["custom"], "start": ["2026-10-01"], "end": ["2026-10-02"]}


def test_percentage_records_and_numerator_records(october, agent_client):
    [row] = values(agent_client, "sla_response_incidents")["values"]
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 50.0)
    assert (row["target"], row["warning"], row["status"]) == (95.0, 90.0, "off")
    assert parse_qs(urlparse(row["numerator_records"]).query)["part"] == ["numerator"]
    ids, count, _ = walk_records(agent_client, row["records_api"])
    c1, c2, t1, t2 = october["c1"], october["c2"], october["t1"], october["t2"]
    assert count == 2
    assert sorted(ids) == sorted(
        [("slaclock", c1.pk, t1.pk, t1.number), ("slaclock", c2.pk, t2.pk, t2.number)]
    )
    response = agent_client.get(
        "/api/kpis/sla_response_incidents/records/", {**OCT, "part": "numerator"}
    )
    body = response.json()
    assert body["count"] == 1
    assert [(r["id"], r["number"]) for r in body["results"]] == [(c1.pk, t1.number)]
    assert body["results"][0]["detail"] == "SLA first response: Met"


def test_records_without_a_segment_value(october, agent_client):
    org = october["org"]
    org.ticket(created_at=utc(2026, 10, 8, 8), first_response_at=utc(2026, 10, 8, 9))
    rows = values(agent_client, "mtta", segment="service")["values"]
    none = [row for row in rows if row["segment_value"] is None]
    assert [(row["label"], row["denominator"]) for row in none] == [("No service", 1)]
    assert parse_qs(urlparse(none[0]["records"]).query)["value"] == ["none"]
    body = agent_client.get(none[0]["records_api"]).json()
    assert body["count"] == 1 and body["results"][0]["title"].startswith("Ticket ")


def test_records_query_count_stays_flat(october, agent_client, django_assert_max_num_queries):
    url = "/api/kpis/sla_response_incidents/records/"
    agent_client.get(url, OCT)  # stamps the token's last use
    # Token, the count, the page (clocks joined to their tickets).
    with django_assert_max_num_queries(3):
        assert agent_client.get(url, OCT).json()["count"] == 2


BAD = [
    ("values", {"period": "fortnight"}, "period"),
    ("values", {"at": "yesterday"}, "at"),
    ("values", {"at": "9999-12-31"}, "at"),
    ("values", {"period": "custom", "start": "2026-10-01"}, "end"),
    ("values", {"period": "custom", "end": "2026-10-01"}, "start"),
    ("values", {"period": "custom", "start": "2026-10-10", "end": "2026-10-01"}, "end"),
    ("values", {"period": "custom", "start": "2020-01-01", "end": "2026-10-01"}, "end"),
    ("values", {"segment": "colour"}, "segment"),
    ("records", {"segment": "colour"}, "segment"),
    ("records", {"value": "3"}, "value"),
    ("records", {"segment": "service", "value": "abc"}, "value"),
    ("records", {"part": "everything"}, "part"),
    ("records", {"cursor": "garbage"}, "cursor"),
]


@pytest.mark.parametrize(("action", "params", "field"), BAD, ids=lambda v: str(v))
def test_bad_input_is_a_400_naming_the_field(db, agent_client, action, params, field):
    response = agent_client.get(f"/api/kpis/mtta/{action}/", params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"] and error["fields"][field][0]


def test_segment_the_kpi_cannot_be_split_by(db, agent_client):
    response = agent_client.get("/api/kpis/availability/values/", {"segment": "team"})
    assert response.status_code == 400
    assert "service, service_tier" in response.json()["error"]["fields"]["segment"][0]


def test_numerator_of_an_average_is_refused(db, agent_client):
    response = agent_client.get("/api/kpis/mtta/records/", {"part": "numerator"})
    assert response.status_code == 400
    assert "not a percentage" in response.json()["error"]["fields"]["part"][0]


@pytest.mark.parametrize("action", ["", "values/", "records/"])
def test_unknown_kpi_is_404(db, agent_client, action):
    response = agent_client.get(f"/api/kpis/no_such_kpi/{action}")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "There is no KPI 'no_such_kpi'."


def test_requester_is_refused(db, make_user, api_client):
    client = api_client(make_user(Role.REQUESTER))
    for url in ("/api/kpis/", "/api/kpis/mtta/values/", "/api/kpis/mtta/records/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "permission_denied"


# -- targets ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(make_user, api_client):
    return api_client(make_user(Role.IT_ADMIN))


def test_admin_sets_a_target_that_values_then_use(october, admin_client):
    created = admin_client.post(
        "/api/kpi-targets/",
        {"kpi": "mtta", "priority": "p3", "target": 60, "warning": 70},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created["ETag"] == '"1"'
    rows = {
        row["segment_value"]: row
        for row in values(admin_client, "mtta", segment="priority")["values"]
    }
    assert (rows["p3"]["target"], rows["p3"]["warning"], rows["p3"]["status"]) == (
        60.0,
        70.0,
        "off",
    )


TARGET_ERRORS = [
    ({"kpi": "nope", "target": 1}, "kpi"),
    ({"kpi": "fcr", "priority": "p1", "target": 60}, "priority"),
    ({"kpi": "fcr", "target": 60, "warning": 70}, "warning"),  # higher is better: warning below
    ({"kpi": "mtta", "target": 60, "warning": 30}, "warning"),  # lower is better: warning above
    ({"kpi": "fcr", "target": 160}, "target"),
    ({"kpi": "fcr", "target": -1}, "target"),
    ({"kpi": "fcr"}, "target"),
    ({"kpi": "fcr", "target": 60, "colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("body", "field"), TARGET_ERRORS, ids=lambda v: str(v))
def test_invalid_targets_are_400_naming_the_field(db, admin_client, body, field):
    response = admin_client.post("/api/kpi-targets/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not KpiTarget.objects.exists()


def test_a_second_target_for_the_same_kpi_is_refused(db, admin_client):
    assert (
        admin_client.post(
            "/api/kpi-targets/", {"kpi": "fcr", "target": 60}, format="json"
        ).status_code
        == 201
    )
    again = admin_client.post("/api/kpi-targets/", {"kpi": "fcr", "target": 65}, format="json")
    assert again.status_code == 400
    assert KpiTarget.objects.get().target == 60.0


def test_target_updates_check_the_version(db, admin_client):
    made = admin_client.post(
        "/api/kpi-targets/", {"kpi": "fcr", "target": 60}, format="json"
    ).json()
    url = f"/api/kpi-targets/{made['id']}/"
    first = admin_client.patch(url, {"target": 62, "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = admin_client.patch(url, {"target": 64, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["current"]["target"] == 62.0
    stale_header = admin_client.patch(url, {"target": 64}, format="json", HTTP_IF_MATCH='"1"')
    assert stale_header.status_code == 412
    assert KpiTarget.objects.get().target == 62.0
    assert admin_client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert not KpiTarget.objects.exists()


def test_staff_read_targets_but_only_admins_write(db, make_user, api_client):
    KpiTarget.objects.create(kpi="fcr", target=60.0)
    auditor = api_client(make_user(Role.AUDITOR))
    assert [row["kpi"] for row in auditor.get("/api/kpi-targets/").json()["results"]] == ["fcr"]
    refused = auditor.post("/api/kpi-targets/", {"kpi": "mtta", "target": 60}, format="json")
    assert refused.status_code == 403
    assert KpiTarget.objects.count() == 1
