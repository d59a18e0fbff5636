"""Team members via htmx, API tokens, and user administration."""

from django.urls import reverse

from stanchion.accounts import services
from stanchion.accounts.models import ApiToken, TeamMembership, User, hash_token
from stanchion.accounts.roles import Role
from stanchion.core.models import AuditEntry

MEMBERS = {"HX-Request": "true", "HX-Target": "team-members"}


def test_add_and_remove_member_with_htmx(admin_user, make_user, client_for):
    agent = make_user(Role.AGENT, full_name="Alex Agent")
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    client = client_for(admin_user)

    added = client.post(
        reverse("accounts:team-member-add", args=[team.pk]), {"user": agent.pk}, headers=MEMBERS
    )
    assert added.status_code == 200
    body = added.content.decode()
    assert "<html" not in body and 'id="team-members"' in body
    assert "Alex Agent" in body and "Alex Agent joined Desk." in body
    membership = TeamMembership.objects.get(team=team, user=agent)
    entry = AuditEntry.objects.get(model="accounts.teammembership", action="create")
    assert entry.actor_id == admin_user.pk and entry.source == "web"

    removed = client.post(
        reverse("accounts:team-member-remove", args=[team.pk, membership.pk]), headers=MEMBERS
    )
    assert removed.status_code == 200 and "No members yet" in removed.content.decode()
    assert not TeamMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(model="accounts.teammembership", action="delete").count() == 1


def test_add_member_without_htmx_redirects_to_the_team(admin_user, make_user, client_for):
    agent = make_user(Role.AGENT)
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    response = client_for(admin_user).post(
        reverse("accounts:team-member-add", args=[team.pk]), {"user": agent.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/teams/{team.pk}/"
    assert TeamMembership.objects.filter(team=team, user=agent).exists()


def test_member_choices_exclude_requesters_and_inactive(admin_user, make_user, client_for):
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    requester = make_user(Role.REQUESTER, full_name="Rex Requester")
    make_user(Role.AGENT, full_name="Ina Inactive", is_active=False)
    make_user(Role.AGENT, full_name="Ann Agent")
    client = client_for(admin_user)
    body = client.get(reverse("accounts:team-detail", args=[team.pk])).content.decode()
    assert "Ann Agent" in body
    assert "Rex Requester" not in body and "Ina Inactive" not in body
    response = client.post(
        reverse("accounts:team-member-add", args=[team.pk]),
        {"user": requester.pk},
        headers=MEMBERS,
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not TeamMembership.objects.filter(team=team).exists()


def test_agent_cannot_change_members(admin_user, make_user, client_for):
    agent = make_user(Role.AGENT)
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    body = client_for(agent).get(reverse("accounts:team-detail", args=[team.pk])).content
    assert b"Add member" not in body
    response = client_for(agent).post(
        reverse("accounts:team-member-add", args=[team.pk]), {"user": agent.pk}, headers=MEMBERS
    )
    assert response.status_code == 403
    assert not TeamMembership.objects.filter(team=team).exists()


def test_team_manager_manages_own_team_only(admin_user, make_user, client_for):
    manager = make_user(Role.TEAM_MANAGER)
    agent = make_user(Role.AGENT)
    own = services.create_team(actor=admin_user, name="Own", tier="l1", manager=manager)
    other = services.create_team(actor=admin_user, name="Other", tier="l1")
    client = client_for(manager)
    ok = client.post(
        reverse("accounts:team-member-add", args=[own.pk]), {"user": agent.pk}, headers=MEMBERS
    )
    assert ok.status_code == 200
    refused = client.post(
        reverse("accounts:team-member-add", args=[other.pk]), {"user": agent.pk}, headers=MEMBERS
    )
    assert refused.status_code == 403


def test_token_key_is_shown_once_and_stored_hashed(make_user, client_for):
    agent = make_user(Role.AGENT)
    client = client_for(agent)
    response = client.post(
        reverse("accounts:token-create"), {"name": "Monitoring", "scope": "read"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    start = body.index('<code id="token-key">') + len('<code id="token-key">')
    raw = body[start : body.index("</code>", start)]
    assert raw.startswith("stn_") and len(raw) > 40
    token = ApiToken.objects.get(user=agent)
    assert token.key_hash == hash_token(raw) and token.name == "Monitoring"

    listing = client.get(reverse("accounts:token-list")).content.decode()
    assert "Monitoring" in listing and token.key_prefix in listing
    assert raw not in listing


def test_token_expiry_in_the_past_is_refused(make_user, client_for):
    response = client_for(make_user(Role.AGENT)).post(
        reverse("accounts:token-create"),
        {"name": "Old", "scope": "read", "expires_on": "2001-01-01"},
    )
    assert response.status_code == 400
    assert b"The expiry date must be today or later." in response.content
    assert not ApiToken.objects.exists()


def test_revoke_own_token_but_not_someone_elses(make_user, client_for):
    alice, bob = make_user(Role.AGENT), make_user(Role.AGENT)
    alice_token, _ = services.issue_token(actor=alice, user=alice, name="a", scope="read")
    client = client_for(bob)
    assert "a</td>" not in client.get(reverse("accounts:token-list")).content.decode()
    refused = client.post(reverse("accounts:token-revoke", args=[alice_token.pk]))
    assert refused.status_code == 404
    alice_token.refresh_from_db()
    assert alice_token.revoked_at is None

    revoked = client_for(alice).post(reverse("accounts:token-revoke", args=[alice_token.pk]))
    assert revoked.status_code == 302
    alice_token.refresh_from_db()
    assert alice_token.revoked_at is not None


def test_admin_lists_everyones_tokens_only_on_request(admin_user, make_user, client_for):
    agent = make_user(Role.AGENT)
    services.issue_token(actor=agent, user=agent, name="agent-token", scope="read")
    client = client_for(admin_user)
    assert "agent-token" not in client.get("/tokens/").content.decode()
    assert "agent-token" in client.get("/tokens/?owner=all").content.decode()
    # An agent asking for everyone's gets their own only.
    other = make_user(Role.AGENT)
    assert "agent-token" not in client_for(other).get("/tokens/?owner=all").content.decode()


def test_admin_creates_user_with_role_person_and_password(admin_user, make_person, client_for):
    person = make_person(name="Nina New")
    response = client_for(admin_user).post(
        reverse("accounts:user-create"),
        {
            "email": "Nina.New@Example.com",
            "full_name": "Nina New",
            "role": "agent",
            "person": person.pk,
            "password": "Plenty-Long-Pass-91",
        },
    )
    user = User.objects.get(email="nina.new@example.com")
    assert response.status_code == 302 and response["Location"] == f"/users/{user.pk}/"
    assert (user.role, user.person_id) == ("agent", person.pk)
    assert user.check_password("Plenty-Long-Pass-91")


def test_weak_initial_password_is_refused_next_to_the_field(admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("accounts:user-create"),
        {"email": "x@example.com", "full_name": "X", "role": "agent", "password": "short"},
    )
    assert response.status_code == 400
    assert 'id="id_password_errors"' in response.content.decode()
    assert not User.objects.filter(email="x@example.com").exists()


def test_admin_edits_role_and_cannot_demote_themselves(admin_user, make_user, client_for):
    agent = make_user(Role.AGENT)
    client = client_for(admin_user)
    response = client.post(
        reverse("accounts:user-edit", args=[agent.pk]),
        {"full_name": agent.full_name, "role": "auditor", "version": agent.version},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.role, agent.is_active) == ("auditor", False)

    own = client.post(
        reverse("accounts:user-edit", args=[admin_user.pk]),
        {"full_name": "Me", "role": "agent", "version": admin_user.version},
    )
    assert own.status_code == 400
    body = own.content.decode()
    assert "You cannot change your own role." in body
    assert "You cannot deactivate your own login." in body
    admin_user.refresh_from_db()
    assert admin_user.role == Role.IT_ADMIN and admin_user.is_active


def test_auditor_reads_users_but_cannot_edit(admin_user, make_user, client_for):
    auditor = make_user(Role.AUDITOR)
    client = client_for(auditor)
    detail = client.get(reverse("accounts:user-detail", args=[admin_user.pk])).content.decode()
    assert admin_user.email in detail and "/edit/" not in detail
    assert client.get(reverse("accounts:user-edit", args=[admin_user.pk])).status_code == 403
    response = client.post(
        reverse("accounts:user-edit", args=[admin_user.pk]),
        {"full_name": "Changed", "role": "requester", "version": 1},
    )
    assert response.status_code == 403


def test_person_detail_shows_manager_reports_and_teams(
    admin_user, make_person, make_user, client_for
):
    boss = make_person(name="Bea Boss")
    worker = make_person(name="Will Worker", manager=boss)
    make_person(name="Rae Report", manager=worker)
    login = make_user(Role.AGENT, person=worker)
    team = services.create_team(actor=admin_user, name="Desk", tier="l1")
    services.add_team_member(team, login, actor=admin_user)
    body = (
        client_for(admin_user)
        .get(reverse("accounts:person-detail", args=[worker.pk]))
        .content.decode()
    )
    assert "Bea Boss" in body and "Rae Report" in body and "Desk" in body
    assert login.email in body
    assert f"/audit/?model=accounts.person&amp;object_id={worker.pk}" in body
