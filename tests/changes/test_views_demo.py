"""The change pages over the demo's year of change management: every kind of
record the demo writes (each state and type of change, held CAB meetings,
windows, blackouts, templates) renders for a change manager, an auditor and
an agent, without an error."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from stanchion.accounts.models import User
from stanchion.changes.models import Blackout, CabMeeting, Change, MaintenanceWindow
from stanchion.core.demo import run_demo

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_demo(seed=11, employees=60, tickets=40, changes=80, now=NOW)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def sample_urls():
    urls = [
        reverse("changes:change-list"),
        reverse("changes:change-list") + "?state=closed&sort=-risk",
        reverse("changes:cab-list"),
        reverse("changes:template-list"),
        reverse("changes:window-list"),
        reverse("changes:blackout-list"),
    ]
    seen = set()
    for change in Change.objects.order_by("-pk"):
        key = (change.change_type, change.state, bool(change.conflicts))
        if key not in seen:
            seen.add(key)
            urls.append(reverse("changes:change-detail", args=[change.number]))
    urls += [reverse("changes:cab-detail", args=[m.pk]) for m in CabMeeting.objects.all()[:3]]
    urls += [
        reverse("changes:window-detail", args=[w.pk]) for w in MaintenanceWindow.objects.all()[:2]
    ]
    urls += [reverse("changes:blackout-detail", args=[b.pk]) for b in Blackout.objects.all()[:2]]
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["change_approver", "auditor", "agent"])
def test_the_change_pages_render_the_demo_history(demo, role):
    user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    assert user is not None, f"the demo has no {role}"
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    urls = sample_urls()
    assert len(urls) > 12
    failures = [(url, code) for url in urls if (code := client.get(url).status_code) != 200]
    assert failures == []
