"""The notifications page (constant queries however many there are), mark
read with htmx, the header badge and the preferences page."""

import pytest
from django.urls import reverse

from stanchion.accounts.roles import Role
from stanchion.notifications.models import Notification, NotificationPreference


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT)


def add(user, count, *, start=1):
    Notification.objects.bulk_create(
        Notification(user=user, kind="assigned", title=f"INC-{n:06d} Assigned to you", url="/")
        for n in range(start, start + count)
    )


def test_list_shows_own_notifications_newest_first_with_constant_queries(
    agent, make_user, client_for, django_assert_num_queries
):
    other = make_user(Role.AGENT)
    add(other, 1, start=900)
    client = client_for(agent)
    add(agent, 3)
    with django_assert_num_queries(4) as few:  # session, user, page, unread count
        client.get(reverse("notifications:list"))
    add(agent, 60, start=4)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notifications:list"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("INC-000063") < body.index("INC-000014")  # newest first
    assert "INC-000013" not in body  # 50 per page
    assert "INC-000900" not in body  # never someone else's
    assert "63 unread" in body


def test_older_pages_by_keyset(agent, client_for):
    add(agent, 60)
    client = client_for(agent)
    first = client.get(reverse("notifications:list")).content.decode()
    boundary = Notification.objects.get(title="INC-000011 Assigned to you").pk
    assert f"?before={boundary}" in first
    older = client.get(reverse("notifications:list"), {"before": boundary}).content.decode()
    assert "INC-000010" in older and "INC-000001" in older and "INC-000011" not in older


def test_bad_page_parameter_is_a_clear_400(agent, client_for):
    page = client_for(agent).get(reverse("notifications:list"), {"before": "abc"})
    assert page.status_code == 400
    assert "“before” must be a notification number." in page.content.decode()


def test_mark_read_with_htmx_swaps_the_row_and_refreshes_the_badge(agent, client_for):
    add(agent, 2)
    first, second = Notification.objects.order_by("id")
    client = client_for(agent)
    assert client.get(reverse("notifications:badge")).content.decode().count(">2<") == 1
    response = client.post(
        reverse("notifications:read", args=[first.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html and "<html" not in html
    assert "Mark read" not in html
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert ">1<" in client.get(reverse("notifications:badge")).content.decode()


def test_nobody_marks_someone_elses_notification(agent, make_user, client_for):
    other = make_user(Role.AGENT)
    add(other, 1)
    theirs = Notification.objects.get()
    response = client_for(agent).post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_and_get_is_not_allowed(agent, client_for):
    add(agent, 3)
    client = client_for(agent)
    assert client.get(reverse("notifications:read-all")).status_code == 405
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get(reverse("notifications:badge")).content.decode().strip() == ""


def test_badge_caps_at_99_and_the_header_loads_it(agent, client_for):
    add(agent, 120)
    client = client_for(agent)
    assert "99+" in client.get(reverse("notifications:badge")).content.decode()
    home = client.get(reverse("notifications:list")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in home


def test_pages_need_a_login(client):
    for name in ("notifications:list", "notifications:badge", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_preferences_page_saves_choices(agent, client_for):
    client = client_for(agent)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "An SLA was breached" in page.content.decode()
    response = client.post(
        reverse("notifications:preferences"),
        {"in_app": "", "email_kinds": ["assigned", "sla_breached"]},
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=agent)
    assert preference.in_app is False
    assert preference.wants_email("assigned") and preference.wants_email("sla_breached")
    assert not preference.wants_email("sla_warning") and not preference.wants_email("reply")
    assert preference.version == 1
    # Saving the same choices again changes nothing (and no new version).
    client.post(
        reverse("notifications:preferences"),
        {"in_app": "", "email_kinds": ["assigned", "sla_breached"]},
    )
    preference.refresh_from_db()
    assert preference.version == 1


def test_preferences_name_an_unknown_kind(agent, client_for):
    response = client_for(agent).post(
        reverse("notifications:preferences"), {"in_app": "on", "email_kinds": ["nonsense"]}
    )
    assert response.status_code == 200  # the form again, with the error by the field
    assert "Select a valid choice. nonsense is not one of the available choices." in (
        response.content.decode()
    )
    assert not NotificationPreference.objects.exists()


def test_requesters_see_only_the_kinds_they_can_receive(make_user, client_for):
    requester = make_user(Role.REQUESTER)
    page = client_for(requester).get(reverse("notifications:preferences")).content.decode()
    assert "Your ticket was resolved" in page and "An SLA was breached" not in page
    client_for(requester).post(
        reverse("notifications:preferences"), {"in_app": "on", "email_kinds": ["resolved"]}
    )
    preference = NotificationPreference.objects.get(user=requester)
    assert not preference.wants_email("opened") and preference.wants_email("resolved")
    # Kinds not shown to a requester stay as they were (on).
    assert preference.wants_email("sla_breached")
