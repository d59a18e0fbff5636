"""GET /metrics: the KPIs of the current month in the Prometheus text format,
parsed back with prometheus_client's own parser and checked line by line.

The reporting moment is pinned to October 2026 (see test_api.py for the
hand-worked figures): MTTA 53.33 min over 3 incidents, Mail 10 min, VPN 75.
"""

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from stanchion.accounts.roles import Role
from stanchion.catalog.models import Service
from stanchion.metrics import periods, prometheus
from stanchion.metrics.models import KpiTarget
from stanchion.metrics.registry import kpis

from .conftest import BERLIN, LATER, utc
from .test_api import make_october

OCTOBER = periods.parse("month", at="2026-10-15", tz=BERLIN)
FAMILIES = {
    "stanchion_kpi_value",
    "stanchion_kpi_target",
    "stanchion_kpi_warning",
    "stanchion_kpi_records",
}
# One sample line of the text format: name{label="value",...} number
LABEL = r'[a-z_]+="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(rf"^stanchion_kpi_[a-z]+\{{{LABEL}(?:,{LABEL})*\}} -?[0-9.e+-]+$")


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(prometheus, "reporting_moment", lambda: (OCTOBER, LATER))


@pytest.fixture
def october(org):
    return make_october(org)


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT)


def scrape(client, query=""):
    response = client.get(f"/metrics{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return response.content.decode()


def parsed(text):
    """{(family, kpi, segment, segment_value): (value, labels)}"""
    found = {}
    families = list(text_string_to_metric_families(text))
    assert {family.name for family in families} == FAMILIES
    for family in families:
        assert family.type == "gauge"
        assert family.documentation
        for sample in family.samples:
            labels = sample.labels
            key = (sample.name, labels["kpi"], labels["segment"], labels["segment_value"])
            assert key not in found, f"duplicate sample {key}"
            found[key] = (sample.value, labels)
    return found


def test_token_scrape_gives_every_kpi_overall_and_by_service(october, agent, api_client):
    org = october["org"]
    text = scrape(api_client(agent, scope="read"))
    samples = parsed(text)
    value, labels = samples[("stanchion_kpi_value", "mtta", "all", "all")]
    assert value == pytest.approx(160 / 3)
    assert labels == {
        "kpi": "mtta",
        "unit": "minutes",
        "period": "2026-10",
        "segment": "all",
        "segment_value": "all",
        "segment_label": "All",
    }
    assert samples[("stanchion_kpi_records", "mtta", "all", "all")][0] == 3
    assert samples[("stanchion_kpi_target", "mtta", "all", "all")][0] == 240
    assert samples[("stanchion_kpi_warning", "mtta", "all", "all")][0] == 480
    vpn = samples[("stanchion_kpi_value", "mtta", "service", str(org.vpn.pk))]
    assert vpn[0] == pytest.approx(75.0) and vpn[1]["segment_label"] == "VPN"
    mail = samples[("stanchion_kpi_records", "mtta", "service", str(org.mail.pk))]
    assert mail[0] == 1
    sla = samples[("stanchion_kpi_value", "sla_response_incidents", "all", "all")]
    assert sla[0] == 50.0
    # Every KPI has its records count overall, even with none (incident
    # volume of a quiet month is 0, not missing).
    overall = {key[1] for key in samples if key[0] == "stanchion_kpi_records" and key[2] == "all"}
    assert overall == {kpi.key for kpi in kpis.all()}
    # A KPI without records has no value sample (no made-up zero).
    assert ("stanchion_kpi_value", "csat_average", "all", "all") not in samples
    assert samples[("stanchion_kpi_records", "csat_average", "all", "all")][0] == 0


def test_every_line_is_strict_exposition_format(october, agent, api_client):
    text = scrape(api_client(agent))
    assert text.endswith("\n")
    seen_help, seen_type = [], []
    current = None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            current = line.split()[2]
            seen_help.append(current)
        elif line.startswith("# TYPE "):
            assert line == f"# TYPE {current} gauge"
            seen_type.append(current)
        else:
            assert SAMPLE.match(line), line
            assert line.startswith(current + "{"), "a sample outside its family"
    assert seen_help == seen_type == [name for name, _ in prometheus.FAMILIES]


def test_label_values_are_escaped(october, agent, api_client):
    org = october["org"]
    odd = Service.objects.create(
        name='Say "hi" \\ now\nnext',
        tier="3",
        owner_team=org.l1,
        support_team=org.l1,
        calendar=org.calendar,
    )
    org.ticket(
        service=odd,
        created_at=utc(2026, 10, 6, 8),
        first_response_at=utc(2026, 10, 6, 8, 20),
    )
    text = scrape(api_client(agent))
    assert 'segment_label="Say \\"hi\\" \\\\ now\\nnext"' in text
    samples = parsed(text)
    value, labels = samples[("stanchion_kpi_value", "mtta", "service", str(odd.pk))]
    assert value == pytest.approx(20.0)
    assert labels["segment_label"] == odd.name


def test_organisation_targets_are_exposed(october, agent, api_client):
    KpiTarget.objects.create(kpi="mtta", target=30.0, warning=45.0)
    samples = parsed(scrape(api_client(agent)))
    assert samples[("stanchion_kpi_target", "mtta", "all", "all")][0] == 30
    assert samples[("stanchion_kpi_warning", "mtta", "all", "all")][0] == 45


def test_other_segment_or_none(october, agent, api_client):
    client = api_client(agent)
    by_priority = parsed(scrape(client, "?segment=priority"))
    p1 = by_priority[("stanchion_kpi_value", "mtta", "priority", "p1")]
    assert p1[0] == pytest.approx(10.0)
    assert by_priority[("stanchion_kpi_target", "mtta", "priority", "p1")][0] == 10
    assert not any(key[2] == "service" for key in by_priority)
    overall_only = parsed(scrape(client, "?segment=none"))
    assert {key[2] for key in overall_only} == {"all"}
    bad = client.get("/metrics?segment=colour")
    assert bad.status_code == 400
    assert "segment" in bad.json()["error"]["fields"]


def test_staff_session_may_scrape(october, client, agent):
    client.force_login(agent)
    assert "stanchion_kpi_value" in scrape(client)


def test_anonymous_is_401(db):
    response = APIClient().get("/metrics")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "stanchion_kpi" not in response.content.decode()


def test_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/metrics").status_code == 401


@pytest.mark.parametrize("how", ["token", "session"])
def test_requester_is_403(db, make_user, api_client, client, how):
    requester = make_user(Role.REQUESTER)
    if how == "token":
        client = api_client(requester)
    else:
        client.force_login(requester)
    response = client.get("/metrics")
    assert response.status_code == 403
    assert "stanchion_kpi" not in response.content.decode()


def test_reporting_moment_is_this_month_in_the_reporting_zone(monkeypatch):
    monkeypatch.undo()  # the real one, not the pinned fixture
    from django.utils import timezone

    # 23:30 UTC on Oct 31 is already November in Berlin.
    monkeypatch.setattr(timezone, "now", lambda: utc(2026, 10, 31, 23, 30))
    period, now = prometheus.reporting_moment()
    assert (period.kind, period.key) == ("month", "2026-11")
    assert now == utc(2026, 10, 31, 23, 30)
