"""docs/kpis.md documents exactly the registered KPIs, and `stanchion kpis`
lists, shows and regenerates them."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stanchion.metrics import docs
from stanchion.metrics.registry import kpis


def test_docs_match_the_registry():
    text = docs.docs_path().read_text()
    assert docs.render(text) == text, "docs/kpis.md is stale: run `stanchion kpis docs --write`"
    for kpi in kpis.all():
        assert f"(`{kpi.key}`)" in text
        assert kpi.formula in text


def test_every_service_desk_kpi_the_issue_names_is_registered():
    keys = {kpi.key for kpi in kpis.all()}
    assert {
        "incident_volume", "mtta", "mttr", "sla_response_incidents", "sla_resolution_incidents",
        "sla_response_requests", "sla_resolution_requests", "ola_attainment",
        "l2l3_first_response", "fcr", "reassignment_rate", "reopen_rate", "backlog_over_7d",
        "backlog_over_14d", "backlog_over_30d", "fulfilment_time", "fulfilment_on_promise",
        "csat_average", "csat_positive", "csat_response_rate", "availability", "mtbf",
        "escalated_volume",
    } <= keys  # fmt: skip


def test_render_keeps_the_hand_written_parts():
    existing = f"# KPIs\nintro\n\n{docs.START}\nSTALE TEXT\n{docs.END}\n\n## API\nkept\n"
    rendered = docs.render(existing)
    assert rendered.startswith("# KPIs\nintro\n")
    assert rendered.endswith("\n\n## API\nkept\n")
    assert "STALE TEXT" not in rendered
    assert "#### Mean time to restore (MTTR) (`mttr`)" in rendered


def test_list_names_every_kpi():
    out = StringIO()
    call_command("kpis", "list", stdout=out)
    assert len(out.getvalue().splitlines()) == len(kpis.all())


@pytest.mark.django_db
def test_show_prints_values_with_their_record_counts():
    from stanchion.accounts import services as accounts
    from stanchion.tickets.services.lifecycle import open_incident

    rita = accounts.create_person(
        actor=None, name="Rita", email="rita@example.com", employee_id="E1"
    )
    now = datetime.now(UTC) - timedelta(minutes=5)
    for title in ("VPN down", "Printer jam"):
        open_incident(actor=None, requester=rita, title=title, now=now)
    out = StringIO()
    call_command("kpis", "show", "--period", "month", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("incident_volume"))
    assert line.split()[1] == "2"
    assert "(2 records)" in line


@pytest.mark.parametrize(
    "args, message",
    [
        (["--segment", "colour"], "--segment: Unknown segment 'colour'"),
        (["--period", "fortnight"], "--period: Unknown period 'fortnight'"),
        (["--period", "custom", "--start", "2026-10-05", "--end", "2026-10-01"], "--end:"),
        (["--at", "yesterday"], "--at: at must be a date"),
    ],
)
@pytest.mark.django_db
def test_show_names_the_bad_option(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("kpis", "show", *args, stdout=StringIO())


def test_groups_follow_the_apps_in_installation_order_not_the_alphabet():
    # The service desk (tickets) is installed before changes, so its group
    # leads although "C" sorts before "S"; the dashboard and docs follow.
    groups = list(kpis.groups())
    assert groups[:2] == ["Service desk", "Change management"]
    assert [kpi.group for kpi in kpis.all()][0] == "Service desk"
    text = docs.docs_path().read_text()
    assert text.index("### Service desk") < text.index("### Change management")
