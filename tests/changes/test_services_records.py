"""Templates, blackouts and maintenance windows are written by one set of
services (changes.services.records), which the API and the pages share: the
version check, "only the services changed" still being a new version, and
nothing written when nothing changed."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stanchion.changes import services
from stanchion.changes.models import Blackout, ChangeTemplate, MaintenanceWindow
from stanchion.core.errors import ConflictError
from stanchion.core.models import AuditEntry

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def freeze(org):
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    return services.create_with_services(
        Blackout,
        {"name": "Freeze", "starts_at": start, "ends_at": start + timedelta(days=2)},
        actor=org.admin,
        services=[org.wiki],
    )


def test_create_sets_fields_and_services(org, freeze):
    assert freeze.version == 1
    assert list(freeze.services.all()) == [org.wiki]
    window = services.create_window(
        actor=org.admin,
        service=org.app,
        name="Sunday night",
        weekdays=[6],
        start_time=time(2),
        duration_minutes=120,
    )
    assert MaintenanceWindow.objects.get().pk == window.pk
    assert window.service == org.app


def test_only_the_services_changing_is_a_new_version_and_a_stale_writer_is_refused(org, freeze):
    saved = services.update_with_services(
        freeze, {"services": [org.wiki, org.app]}, actor=org.admin, expected_version=1
    )
    assert saved.version == 2
    assert {s.pk for s in Blackout.objects.get().services.all()} == {org.wiki.pk, org.app.pk}
    with pytest.raises(ConflictError):
        services.update_with_services(
            freeze, {"services": [org.mail]}, actor=org.admin, expected_version=1
        )
    assert Blackout.objects.get().version == 2


def test_the_same_values_write_nothing(org, freeze):
    audited = AuditEntry.objects.count()
    saved = services.update_with_services(
        freeze,
        {"name": "Freeze", "services": [org.wiki]},
        actor=org.admin,
        expected_version=1,
    )
    assert saved.version == 1
    assert AuditEntry.objects.count() == audited


def test_the_page_edit_of_only_the_services_is_version_checked_like_the_api(org):
    template = ChangeTemplate.objects.get(pk=org.template.pk)
    client = signed_in(org.admin)
    edit = reverse("changes:template-edit", args=[template.pk])
    form = {
        "name": template.name,
        "services": [str(org.wiki.pk), str(org.app.pk)],
        "implementer_team": str(org.platform.pk),
        "implementation_plan": template.implementation_plan,
        "backout_plan": template.backout_plan,
        "test_plan": template.test_plan,
        "validation_checklist": "\n".join(template.validation_checklist),
        "expected_duration_minutes": str(template.expected_duration_minutes),
        "is_active": "on",
        "version": str(template.version),
    }
    assert client.post(edit, form).status_code == 302
    template.refresh_from_db()
    assert template.version == 2
    assert {s.pk for s in template.services.all()} == {org.wiki.pk, org.app.pk}
    # The same form again carries version 1: refused, the services stay.
    response = client.post(edit, dict(form, services=[str(org.mail.pk)]))
    assert response.status_code == 409
    assert {s.pk for s in template.services.all()} == {org.wiki.pk, org.app.pk}
