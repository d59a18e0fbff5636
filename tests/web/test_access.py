"""Every page renders for the roles that may see it and refuses the others."""

import pytest
from django.urls import reverse

from stanchion.accounts.roles import Role

ALL = set(Role.values())
STAFF = ALL - {Role.REQUESTER}
ADMIN = {Role.IT_ADMIN}

# Written out by hand from the role table in docs/roles.md, not derived from the code.
PAGES = {
    "home": ALL,
    "accounts:person-list": ALL,
    "accounts:team-list": STAFF,
    "accounts:user-list": {Role.TEAM_MANAGER, Role.IT_ADMIN, Role.AUDITOR},
    "accounts:token-list": ALL,
    "accounts:token-create": ALL,
    "audit-list": {Role.IT_ADMIN, Role.AUDITOR},
    "accounts:person-create": ADMIN,
    "accounts:team-create": ADMIN,
    "accounts:user-create": ADMIN,
}


@pytest.mark.parametrize("role", Role.values())
@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_page_access_by_role(url_name, role, make_user, client_for):
    response = client_for(make_user(role)).get(reverse(url_name))
    expected = 200 if role in PAGES[url_name] else 403
    assert response.status_code == expected, response.content[:300]
    if expected == 403:
        assert b"You do not have access to this page." in response.content


@pytest.mark.parametrize("url_name", sorted(PAGES))
def test_anonymous_is_sent_to_login(url_name, client):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_detail_pages_by_role(roles, make_person, client_for):
    from stanchion.accounts import services

    admin = roles[Role.IT_ADMIN]
    person = make_person()
    team = services.create_team(actor=admin, name="Network")
    details = {
        reverse("accounts:person-detail", args=[person.pk]): STAFF,
        reverse("accounts:team-detail", args=[team.pk]): STAFF,
        reverse("accounts:user-detail", args=[admin.pk]): {
            Role.TEAM_MANAGER,
            Role.IT_ADMIN,
            Role.AUDITOR,
        },
        reverse("accounts:team-edit", args=[team.pk]): ADMIN,
        reverse("accounts:person-edit", args=[person.pk]): ADMIN,
        reverse("accounts:user-edit", args=[admin.pk]): ADMIN,
        reverse("accounts:team-delete", args=[team.pk]): ADMIN,
    }
    for url, allowed in details.items():
        for role, user in roles.items():
            status = client_for(user).get(url).status_code
            if role in allowed:
                assert status == 200, (url, role)
            else:
                # A record outside what the role may see is 404; a page its
                # role lacks is 403. Either way nothing is shown.
                assert status in (403, 404), (url, role, status)


def test_requester_sees_only_their_own_person(make_user, make_person, client_for):
    mine = make_person(name="Rita Requester")
    make_person(name="Olga Other")
    requester = make_user(Role.REQUESTER, person=mine)
    client = client_for(requester)

    listing = client.get(reverse("accounts:person-list"))
    assert listing.status_code == 200
    assert b"Rita Requester" in listing.content
    assert b"Olga Other" not in listing.content
    assert b"1\xe2\x80\x931 of 1" in listing.content  # "1–1 of 1"

    other = mine.__class__.objects.get(name="Olga Other")
    assert client.get(reverse("accounts:person-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("accounts:person-detail", args=[other.pk])).status_code == 404


def test_unknown_record_is_404_page(roles, client_for):
    response = client_for(roles[Role.IT_ADMIN]).get("/teams/999999/")
    assert response.status_code == 404
    assert b"Not found." in response.content


def test_navigation_shows_only_permitted_entries(roles, client_for):
    requester_page = client_for(roles[Role.REQUESTER]).get("/").content.decode()
    admin_page = client_for(roles[Role.IT_ADMIN]).get("/").content.decode()
    for label in ("Teams", "Users", "Audit trail"):
        assert f">{label} <kbd" in admin_page or f">{label}</a>" in admin_page
    assert ">Teams <kbd" not in requester_page
    assert ">Audit trail" not in requester_page
    assert ">Users</a>" not in requester_page
    assert 'href="/api/docs/"' in requester_page
