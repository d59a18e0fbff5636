"""List pages: filters, sorting, pagination, htmx partials and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stanchion.accounts import services
from stanchion.accounts.roles import Role


def test_htmx_request_gets_only_the_table_partial(
    admin_user, make_person, client_for, htmx_headers
):
    make_person(name="Ada Lovelace")
    client = client_for(admin_user)
    full = client.get(reverse("accounts:person-list")).content.decode()
    partial = client.get(reverse("accounts:person-list"), headers=htmx_headers()).content.decode()
    assert "<html" in full and 'id="list-results"' in full
    assert "<html" not in partial and '<nav class="nav"' not in partial
    assert "Ada Lovelace" in partial and "<table" in partial
    # The filter form's hidden sort value follows the table out of band.
    assert 'id="list-sort"' in partial and 'hx-swap-oob="true"' in partial


def test_history_restore_gets_the_full_page(admin_user, client_for):
    headers = {
        "HX-Request": "true",
        "HX-Target": "list-results",
        "HX-History-Restore-Request": "true",
    }
    body = client_for(admin_user).get(reverse("accounts:person-list"), headers=headers).content
    assert b"<html" in body


def test_filters_and_links_are_wired_for_htmx(admin_user, client_for):
    body = client_for(admin_user).get(reverse("accounts:team-list")).content.decode()
    assert 'hx-get="/teams/"' in body and 'hx-target="#list-results"' in body
    assert 'hx-push-url="true"' in body
    assert "data-search" in body  # "/" focuses this box


def test_person_list_filters_by_department_location_status(
    admin_user, make_person, places, client_for
):
    make_person(name="Fin Berlin", department=places["finance"], location=places["berlin"])
    make_person(name="Fin Austin", department=places["finance"], location=places["austin"])
    make_person(name="Sales Berlin", department=places["sales"], location=places["berlin"])
    make_person(
        name="Gone Berlin",
        department=places["finance"],
        location=places["berlin"],
        employment_status="terminated",
    )
    client = client_for(admin_user)
    url = reverse("accounts:person-list")
    query = {
        "department": places["finance"].pk,
        "location": places["berlin"].pk,
        "employment_status": "active",
    }
    body = client.get(url, query).content.decode()
    assert "Fin Berlin" in body
    for name in ("Fin Austin", "Sales Berlin", "Gone Berlin"):
        assert name not in body
    assert "Ada" not in client.get(url, {"q": "austin"}).content.decode()
    assert "Fin Austin" in client.get(url, {"q": "Fin Aus"}).content.decode()


def test_invalid_filter_value_shows_error_not_500(admin_user, client_for):
    response = client_for(admin_user).get(reverse("accounts:person-list"), {"department": "abc"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert b"Nothing matches these filters" in response.content


def test_sorting_uses_whitelisted_columns_only(admin_user, make_person, client_for):
    for name in ("Bea", "Cid", "Abe"):
        make_person(name=name)
    client = client_for(admin_user)
    url = reverse("accounts:person-list")

    def order(sort):
        body = client.get(url, {"sort": sort}).content.decode()
        return sorted(("Abe", "Bea", "Cid"), key=body.index)

    assert order("name") == ["Abe", "Bea", "Cid"]
    assert order("-name") == ["Cid", "Bea", "Abe"]
    # An unknown or private column falls back to the default order.
    assert order("email") == ["Abe", "Bea", "Cid"]
    assert order("version__gt") == ["Abe", "Bea", "Cid"]
    assert 'aria-sort="descending"' in client.get(url, {"sort": "-name"}).content.decode()


def test_pagination_pages_of_fifty(admin_user, make_person, client_for):
    for n in range(55):
        make_person(name=f"Member {n:02d}")
    client = client_for(admin_user)
    url = reverse("accounts:person-list")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert "1–50 of 55" in first and "Member 49" in first and "Member 50" not in first
    assert "51–55 of 55" in second and "Member 54" in second and "Member 00" not in second
    assert "page=2" in first
    # Out-of-range and junk page numbers do not fail.
    assert client.get(url, {"page": "999"}).status_code == 200
    assert client.get(url, {"page": "x"}).status_code == 200


def test_empty_list_says_what_to_do(admin_user, client_for):
    body = client_for(admin_user).get(reverse("accounts:team-list")).content.decode()
    assert "No teams yet" in body and 'href="/teams/new/"' in body


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def many_rows(admin_user, make_person, make_user, places):
    """Adds rows to every list; call with how many of each."""

    def add(n):
        for _ in range(n):
            person = make_person(department=places["finance"], location=places["berlin"])
            user = make_user(Role.AGENT, person=person)
            team = services.create_team(actor=admin_user, name=f"Team {person.pk}", manager=user)
            services.add_team_member(team, user, actor=admin_user)
            services.issue_token(
                actor=admin_user, user=admin_user, name=f"t{person.pk}", scope="read"
            )

    return add


LIST_URLS = [
    "/people/",
    "/teams/",
    "/users/",
    "/tokens/",
    "/tokens/?owner=all",
    "/audit/",
    "/",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_query_count_does_not_grow_with_rows(
    url, admin_user, client_for, many_rows, django_assert_max_num_queries
):
    client = client_for(admin_user)
    many_rows(3)
    few = _count_queries(client, url)
    many_rows(30)
    with django_assert_max_num_queries(12):
        client.get(url)
    after = _count_queries(client, url)
    assert after == few
