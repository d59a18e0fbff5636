"""Sign in by email, lockout after repeated failures, sign out by POST only."""

from django.test import Client
from django.urls import reverse

PASSWORD = "Correct-Horse-42"  # the admin_user fixture's password


def test_login_page_asks_for_email(client):
    body = client.get(reverse("login")).content.decode()
    assert '<label for="id_username" class="required">Email</label>' in body
    assert 'type="email"' in body and 'name="csrfmiddlewaretoken"' in body


def test_login_with_email_and_password(admin_user):
    client = Client()
    response = client.post(
        reverse("login"), {"username": admin_user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_clear_error(admin_user):
    response = Client().post(reverse("login"), {"username": admin_user.email, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct email and password." in response.content


def test_five_failures_lock_the_account_out(admin_user):
    client = Client()
    for _ in range(4):
        response = client.post(reverse("login"), {"username": admin_user.email, "password": "x"})
        assert response.status_code == 200
    fifth = client.post(reverse("login"), {"username": admin_user.email, "password": "x"})
    assert fifth.status_code == 429
    assert b"Sign-in temporarily locked" in fifth.content
    assert b"15 minutes" in fifth.content
    # Even the right password is refused while locked.
    right = client.post(reverse("login"), {"username": admin_user.email, "password": PASSWORD})
    assert right.status_code == 429
    assert b"Sign-in temporarily locked" in right.content
    assert client.get("/").status_code == 302
    # Changing the case of the email does not get around the lock.
    upper = client.post(
        reverse("login"), {"username": admin_user.email.upper(), "password": PASSWORD}
    )
    assert upper.status_code == 429


def test_lockout_is_per_account(admin_user, make_user):
    other = make_user(password="Other-Horse-77")
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": admin_user.email, "password": "x"})
    response = client.post(
        reverse("login"), {"username": other.email, "password": "Other-Horse-77"}
    )
    assert response.status_code == 302


def test_logout_requires_post(admin_user, client_for):
    client = client_for(admin_user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/").status_code == 200  # still signed in
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_pages_show_a_post_logout_form(admin_user, client_for):
    body = client_for(admin_user).get("/").content.decode()
    assert '<form method="post" action="/logout/">' in body


def test_static_files_are_served_by_the_app(client):
    for path in ("/static/web/vendor/htmx.min.js", "/static/web/stanchion.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(content) > 1000
