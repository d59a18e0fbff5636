"""The KPI targets page: IT administrators set the organisation's targets
(version-checked, audited, validated with messages naming the field);
every other IT role reads them; requesters see nothing."""

import re

import pytest

from stanchion.accounts.roles import Role
from stanchion.core.models import AuditEntry
from stanchion.metrics.models import KpiTarget

URL = "/kpis/targets/"


@pytest.fixture
def admin(make_user):
    return make_user(Role.IT_ADMIN)


def post(client, **fields):
    data = {"kpi": "mtta", "priority": "", "version": "0", "action": "save", **fields}
    return client.post(URL, data)


def test_admin_sets_a_per_priority_target_and_the_audit_trail_records_it(client, admin):
    client.force_login(admin)
    response = post(client, priority="p1", target="5", warning="8")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#kpi-mtta-p1"
    saved = KpiTarget.objects.get(kpi="mtta", priority="p1")
    assert (saved.target, saved.warning, saved.version) == (5.0, 8.0, 1)
    entry = AuditEntry.objects.get(model="metrics.kpitarget", object_id=str(saved.pk))
    assert entry.action == "create"
    assert entry.actor_id == admin.pk
    # The page now shows the organisation's value in the row's inputs.
    html = client.get(URL).content.decode()
    row = html[html.index('id="kpi-mtta-p1"') :]
    row = row[: row.index("</tr>")]
    assert 'name="target" form="form-mtta-p1" value="5.0"' in row
    assert 'name="version" value="1"' in row
    assert "Your own target" in row


def test_changing_a_saved_target_needs_the_version_the_admin_saw(client, admin):
    client.force_login(admin)
    post(client, target="200", warning="400")
    saved = KpiTarget.objects.get(kpi="mtta", priority="")
    assert post(client, target="180", warning="400", version="1").status_code == 302
    saved.refresh_from_db()
    assert (saved.target, saved.version) == (180.0, 2)
    assert AuditEntry.objects.filter(model="metrics.kpitarget", action="update").count() == 1
    # A second admin's page still says version 1: their save is refused.
    stale = post(client, target="100", warning="400", version="1")
    assert stale.status_code == 409
    assert (
        "Someone changed the target for Mean time to acknowledge (MTTA)" in stale.content.decode()
    )
    assert "it is now 180" in stale.content.decode()
    saved.refresh_from_db()
    assert saved.target == 180.0
    # A row created meanwhile by someone else is a conflict too.
    assert post(client, priority="p2", target="20", version="0").status_code == 302
    late = post(client, priority="p2", target="25", version="0")
    assert late.status_code == 409
    assert KpiTarget.objects.get(kpi="mtta", priority="p2").target == 20.0


def test_reset_returns_to_the_default(client, admin):
    client.force_login(admin)
    post(client, kpi="fcr", target="70", warning="65")
    response = post(client, kpi="fcr", version="1", action="reset", target="")
    assert response.status_code == 302
    assert not KpiTarget.objects.filter(kpi="fcr").exists()
    assert AuditEntry.objects.filter(model="metrics.kpitarget", action="delete").count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"target": ""}, "target", "Enter a target: a number such as 95."),
        ({"target": "fast"}, "target", "The target must be a number, such as 95."),
        ({"target": "nan"}, "target", "The target must be a number, such as 95."),
        ({"target": "240", "warning": "soon"}, "warning", "The warning threshold must be a number"),
        # MTTA is better when lower: its warning must be above the target.
        ({"target": "240", "warning": "100"}, "warning", "must be above the target"),
        ({"kpi": "fcr", "target": "120"}, "target", "A percentage is between 0 and 100."),
        ({"target": "-5", "warning": ""}, "target", "A target cannot be negative."),
    ],
)
def test_invalid_targets_are_refused_with_the_field_named(client, admin, fields, field, message):
    client.force_login(admin)
    response = post(client, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.findall(r'<ul class="errorlist">(.*?)</ul>', html, re.S)
    assert any(f"{field.capitalize()}: " in e and message in e for e in errors), errors
    assert not KpiTarget.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kpi": "nope"}, "kpi"),
        ({"priority": "p9", "target": "5"}, "priority"),
        ({"kpi": "fcr", "priority": "p1", "target": "5"}, "priority"),
    ],
)
def test_unknown_kpi_or_priority_is_a_400_naming_it(client, admin, fields, field):
    client.force_login(admin)
    response = post(client, **{"target": "5", **fields})
    assert response.status_code == 400
    assert f"<strong>{field}:</strong>" in response.content.decode()
    assert not KpiTarget.objects.exists()


def test_other_roles_read_targets_but_cannot_change_them(client, make_user):
    for role in (Role.AUDITOR, Role.AGENT, Role.TEAM_MANAGER):
        user = make_user(role)
        client.force_login(user)
        page = client.get(URL)
        assert page.status_code == 200
        assert "Save</button>" not in page.content.decode()
        assert "≤ 240.0 min" in page.content.decode()
        assert post(client, target="1").status_code == 403
        assert post(client, action="reset").status_code == 403
    assert not KpiTarget.objects.exists()
    requester = make_user(Role.REQUESTER)
    client.force_login(requester)
    assert client.get(URL).status_code == 403
    assert post(client, target="1").status_code == 403


def test_a_new_target_changes_the_dashboard_status(client, admin, org):
    """P1 MTTA of 20 minutes: off target by default (10), on target after
    the organisation sets 30."""
    from datetime import timedelta

    from .conftest import utc

    created = utc(2026, 9, 3, 8, 0)
    org.ticket(created_at=created, first_response_at=created + timedelta(minutes=20),
               priority="p1")  # fmt: skip
    client.force_login(admin)

    def p1_tile():
        html = client.get("/kpis/?period=month&at=2026-09-01").content.decode()
        start = html.index(">MTTA, P1</a>")
        return html[html.rindex('<div class="kpi-tile', 0, start) : start + 1000]

    assert "status-off" in p1_tile()
    post(client, priority="p1", target="30", warning="45")
    tile = p1_tile()
    assert "status-on" in tile
    assert "Target ≤ 30.0 min" in tile


def test_under_htmx_a_save_answers_with_just_its_row(client, admin):
    client.force_login(admin)
    headers = {"HX-Request": "true", "HX-Target": "kpi-mttr-p2"}
    data = {"kpi": "mttr", "priority": "p2", "version": "0", "action": "save"}
    saved = client.post(URL, {**data, "target": "400", "warning": "800"}, headers=headers)
    assert saved.status_code == 200
    html = saved.content.decode()
    assert html.lstrip().startswith('<tr id="kpi-mttr-p2">')
    assert "The target for Mean time to restore (MTTR) (P2) was saved." in html
    assert 'name="version" value="1"' in html
    assert "<html" not in html
    refused = client.post(URL, {**data, "version": "1", "target": "400", "warning": "10"},
                          headers=headers)  # fmt: skip
    assert refused.status_code == 400
    assert refused.content.decode().lstrip().startswith('<tr id="kpi-mttr-p2">')
    assert "Warning: The warning threshold must be above the target" in refused.content.decode()
    # The whole page still works without htmx.
    assert client.post(URL, {**data, "version": "1", "target": "300"}).status_code == 302
    assert KpiTarget.objects.get(kpi="mttr", priority="p2").target == 300.0
