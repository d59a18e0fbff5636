"""Creating and editing through the web saves via services, audits, and never
overwrites someone else's newer change."""

from datetime import time

from django.urls import reverse

from stanchion.accounts import services
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.core.models import AuditEntry
from stanchion.core.services import update_fields


def test_create_team_via_web_saves_and_audits(admin_user, client_for):
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:team-create"),
        {"name": "Network Operations", "tier": "l2", "description": "Switches and Wi-Fi"},
    )
    team = Team.objects.get(name="Network Operations")
    assert response.status_code == 302
    assert response["Location"] == f"/teams/{team.pk}/"
    assert team.tier == "l2" and team.description == "Switches and Wi-Fi"
    entry = AuditEntry.objects.get(model="accounts.team", object_id=str(team.pk))
    assert entry.action == "create"
    assert entry.actor_id == admin_user.pk
    assert entry.actor_repr == admin_user.email
    assert entry.source == "web"
    assert entry.changes["name"] == [None, "Network Operations"]


def test_edit_team_via_web_records_before_and_after(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    client = client_for(admin_user)
    page = client.get(reverse("accounts:team-edit", args=[team.pk]))
    assert b'name="version" value="1"' in page.content

    response = client.post(
        reverse("accounts:team-edit", args=[team.pk]),
        {"name": "Service Desk", "tier": "l1", "version": "1", "is_active": "on"},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.version) == ("Service Desk", 2)
    entry = AuditEntry.objects.filter(model="accounts.team", action="update").get()
    assert entry.changes["name"] == ["Desk", "Service Desk"]
    assert entry.source == "web"


def test_stale_version_shows_conflict_and_keeps_the_newer_value(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    # Someone else saves first: version 1 -> 2, tier l1 -> l2.
    update_fields(team, {"tier": "l2"}, actor=admin_user, expected_version=1)

    response = client_for(admin_user).post(
        reverse("accounts:team-edit", args=[team.pk]),
        {"name": "Desk renamed", "tier": "l1", "version": "1", "is_active": "on"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "someone else changed this team" in body
    assert "you edited version 1, it is now at version 2" in body
    # The current values are shown next to the user's.
    assert "L2 (specialist)" in body and "Desk renamed" in body
    # Saving again is allowed deliberately: the form now carries version 2.
    assert 'name="version" value="2"' in body
    team.refresh_from_db()
    assert (team.name, team.tier, team.version) == ("Desk", "l2", 2)
    assert AuditEntry.objects.filter(model="accounts.team", action="update").count() == 1


def test_missing_version_is_refused_with_a_message(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    response = client_for(admin_user).post(
        reverse("accounts:team-edit", args=[team.pk]), {"name": "Other", "tier": "l1"}
    )
    assert response.status_code == 400
    assert b"missing the record&#x27;s version" in response.content
    team.refresh_from_db()
    assert team.name == "Desk"


def test_validation_errors_are_shown_next_to_the_field(admin_user, client_for):
    services.create_team(actor=admin_user, name="Desk", tier="l1")
    response = client_for(admin_user).post(
        reverse("accounts:team-create"), {"name": "Desk", "tier": "l9"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_name_errors"' in body and "Team with this Name already exists." in body
    assert 'id="id_tier_errors"' in body and "Select a valid choice." in body
    assert Team.objects.count() == 1


def test_forms_offer_only_editable_fields_and_carry_csrf(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    client = client_for(admin_user)
    for url in (
        reverse("accounts:team-edit", args=[team.pk]),
        reverse("accounts:person-create"),
        reverse("accounts:user-create"),
        reverse("accounts:token-create"),
    ):
        body = client.get(url).content.decode()
        assert 'name="csrfmiddlewaretoken"' in body, url
        for internal in ("created_at", "updated_at", "key_hash", 'name="last_login"'):
            assert internal not in body, (url, internal)
    assert (
        'name="version" value="1"'
        in client.get(reverse("accounts:team-edit", args=[team.pk])).content.decode()
    )


def test_posts_without_csrf_token_are_rejected(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("accounts:team-create"), {"name": "X", "tier": "l1"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="X").exists()


def test_agent_cannot_post_edits(make_user, admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    response = client_for(make_user(Role.AGENT)).post(
        reverse("accounts:team-edit", args=[team.pk]),
        {"name": "Hacked", "tier": "l1", "version": "1"},
    )
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.name == "Desk"


def test_delete_team_asks_then_deletes_and_audits(admin_user, client_for):
    team = services.create_team(actor=admin_user, name="Old team", tier="l1")
    client = client_for(admin_user)
    confirm = client.get(reverse("accounts:team-delete", args=[team.pk]))
    assert b"Delete the team <strong>Old team</strong>?" in confirm.content
    response = client.post(reverse("accounts:team-delete", args=[team.pk]), {"version": "1"})
    assert response.status_code == 302 and response["Location"] == "/teams/"
    assert not Team.objects.filter(pk=team.pk).exists()
    assert AuditEntry.objects.filter(model="accounts.team", action="delete").count() == 1


def test_person_edit_rejects_management_cycle(admin_user, make_person, client_for):
    boss = make_person(name="Boss")
    worker = make_person(name="Worker", manager=boss)
    response = client_for(admin_user).post(
        reverse("accounts:person-edit", args=[boss.pk]),
        {
            "name": "Boss",
            "email": boss.email,
            "employee_id": boss.employee_id,
            "employment_status": "active",
            "manager": worker.pk,
            "version": str(boss.version),
        },
    )
    assert response.status_code == 400
    assert b"This would make a management cycle." in response.content
    boss.refresh_from_db()
    assert boss.manager_id is None


def test_deleting_a_team_still_owning_a_service_is_refused_with_a_message(admin_user, client_for):
    from stanchion.catalog import services as catalog_services

    team = services.create_team(actor=admin_user, name="Platform", tier="l2")
    calendar = catalog_services.create_calendar(
        actor=admin_user,
        name="Office hours",
        time_zone="UTC",
        intervals=[(day, time(9), time(17)) for day in range(5)],
    )
    catalog_services.create_service(
        actor=admin_user,
        name="Payroll",
        tier="2",
        owner_team=team,
        support_team=team,
        calendar=calendar,
    )
    client = client_for(admin_user)
    url = reverse("accounts:team-delete", args=[team.pk])
    response = client.post(url, {"version": str(team.version)}, follow=True)
    assert response.status_code == 200
    assert Team.objects.filter(pk=team.pk).exists()
    # The refusal names the model that still refers to the team (services).
    assert "Platform is still used by services; not deleted." in response.content.decode()
