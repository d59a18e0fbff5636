"""Parts the change pages share with the service desk's (web/includes):
the plain ?page= pager of the CAB meeting list, and the notice above the
change workspace after an action."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.changes import services

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def test_the_cab_list_pages_by_25(org):
    start = timezone.now() + timedelta(days=1)
    for n in range(26):
        at = start + timedelta(days=n)
        services.plan_cab_meeting(
            actor=org.cab1, title=f"CAB {n}", starts_at=at, ends_at=at + timedelta(hours=1)
        )
    client = signed_in(org.cab1)
    first = client.get(reverse("changes:cab-list")).content.decode()
    assert "Page 1 of 2" in first
    assert 'href="?page=2">Next</a>' in first
    assert "?page=1" not in first
    second = client.get(reverse("changes:cab-list") + "?page=2").content.decode()
    assert "Page 2 of 2" in second
    assert 'href="?page=1">Previous</a>' in second
    assert ">Next</a>" not in second


def test_a_single_page_has_no_pager(org):
    client = signed_in(org.cab1)
    assert 'class="pager"' not in client.get(reverse("changes:cab-list")).content.decode()


def test_a_stale_action_shows_the_conflict_heading_for_a_change(org):
    change = services.create_change(
        actor=org.agent, change_type="normal", title="Upgrade the wiki", services=[org.wiki]
    )
    client = signed_in(org.agent)
    url = reverse("changes:change-action", args=[change.number, "comment"])
    response = client.post(url, {"comment-body": "Looks good."}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-notice="success"' in body and "Comment added." in body
    stale = reverse("changes:change-action", args=[change.number, "cancel"])
    response = client.post(
        stale,
        {"version": str(change.version - 1), "cancel-reason": "Not needed."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "<h2>Someone else changed this change</h2>" in response.content.decode()
