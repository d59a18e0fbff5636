"""The audit trail page: filters, before/after values, keyset pages."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stanchion.accounts import services
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.core.models import AuditEntry
from stanchion.core.services import update_fields


def seqs_on(body):
    return [int(n) for n in re.findall(r'<span class="cell-sub">#(\d+)</span>', body)]


def test_shows_actor_action_record_and_changed_values(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    update_fields(team, {"name": "Service Desk"}, actor=admin_user, expected_version=1)
    body = client_for(admin_user).get(reverse("audit-list")).content.decode()
    assert admin_user.email in body
    assert "Created" in body and "Updated" in body
    assert f'href="/teams/{team.pk}/">Service Desk</a>' in body
    assert '<del title="Desk">Desk</del> → <ins title="Service Desk">Service Desk</ins>' in body


def test_filters_by_record(admin_user, client_for):
    desk = services.create_team(actor=admin_user, name="Desk", tier="l1")
    services.create_team(actor=admin_user, name="Network", tier="l2")
    client = client_for(admin_user)
    body = client.get(
        reverse("audit-list"), {"model": "accounts.team", "object_id": desk.pk}
    ).content.decode()
    expected = list(
        AuditEntry.objects.filter(model="accounts.team", object_id=str(desk.pk))
        .order_by("-seq")
        .values_list("seq", flat=True)
    )
    assert seqs_on(body) == expected and len(expected) == 1
    assert "Network" not in body


def test_filters_by_actor_action_source_and_time(admin_user, make_user, client_for):
    other_admin = make_user(Role.IT_ADMIN)
    services.create_team(actor=admin_user, name="Mine", tier="l1")
    services.create_team(actor=other_admin, name="Theirs", tier="l1")
    client = client_for(admin_user)
    url = reverse("audit-list")

    by_actor = client.get(url, {"actor": other_admin.email.upper()}).content.decode()
    assert "Theirs" in by_actor and ">Mine<" not in by_actor

    by_action = client.get(url, {"action": "update"}).content.decode()
    assert "No entries match these filters" in by_action

    by_source = client.get(url, {"source": "web"}).content.decode()
    assert "No entries match these filters" in by_source  # both were written outside a request

    later = (timezone.now() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert "No entries match" in client.get(url, {"since": later}).content.decode()
    assert "Theirs" in client.get(url, {"until": later}).content.decode()


def test_bad_filter_values_get_field_errors(admin_user, client_for):
    client = client_for(admin_user)
    response = client.get(
        reverse("audit-list"),
        {"since": "yesterday", "action": "explode", "model": "nope.nothing"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a valid date/time." in body
    assert body.count("Select a valid choice.") == 2
    ordered = client.get(
        reverse("audit-list"), {"since": "2030-01-02T00:00", "until": "2030-01-01T00:00"}
    ).content.decode()
    assert "“Until” must be later than “From”." in ordered


def test_keyset_pages_without_offset_or_count(admin_user, client_for):
    for n in range(60):
        services.create_team(actor=admin_user, name=f"T{n:02d}", tier="l1")
    newest = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    client = client_for(admin_user)
    url = reverse("audit-list")

    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url, {"model": "accounts.team"}).content.decode()
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "OFFSET" not in sql and "COUNT(" not in sql

    first_seqs = seqs_on(first)
    assert first_seqs == list(range(newest, newest - 50, -1))
    older = re.search(r'href="\?([^"]*before=\d+)"', first).group(1).replace("&amp;", "&")
    assert f"before={newest - 49}" in older and "model=accounts.team" in older

    second = client.get(f"{url}?{older}").content.decode()
    team_seqs = sorted(
        AuditEntry.objects.filter(model="accounts.team").values_list("seq", flat=True),
        reverse=True,
    )
    assert seqs_on(second) == team_seqs[50:]
    assert "Older →</span>" in second  # the last page: no older link

    newer = re.search(r'href="\?([^"]*after=\d+)"', second).group(1).replace("&amp;", "&")
    assert seqs_on(client.get(f"{url}?{newer}").content.decode()) == first_seqs


def test_history_link_from_team_page_filters_to_that_team(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    client = client_for(admin_user)
    detail = client.get(reverse("accounts:team-detail", args=[team.pk])).content.decode()
    link = f"/audit/?model=accounts.team&amp;object_id={team.pk}"
    assert f'href="{link}"' in detail
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert ">Desk</a>" in page


def test_history_link_hidden_from_roles_without_the_audit_trail(admin_user, make_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    body = (
        client_for(make_user(Role.AGENT))
        .get(reverse("accounts:team-detail", args=[team.pk]))
        .content.decode()
    )
    assert "/audit/" not in body
    assert Team.objects.count() == 1
