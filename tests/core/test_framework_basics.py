"""The small pieces of the framework layer that every app relies on."""

import pytest

from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.core.choices import ChoiceSet
from stanchion.core.errors import ConflictError
from stanchion.core.models import AuditEntry
from stanchion.core.registry import NavItem, Registry
from stanchion.core.services import next_number, update_fields


class Colour(ChoiceSet):
    CHOICES = (
        ("new", "New", "blue"),
        ("in_progress", "In progress", "amber"),
    )


def test_choiceset_exposes_values_labels_and_colours():
    assert Colour.NEW == "new"
    assert Colour.IN_PROGRESS == "in_progress"
    assert Colour.choices() == [("new", "New"), ("in_progress", "In progress")]
    assert Colour.label("in_progress") == "In progress"
    assert Colour.colour("new") == "blue"
    assert Colour.colour("unknown") == "grey"
    assert "new" in Colour and "closed" not in Colour
    assert Colour.max_length() == len("in_progress")


@pytest.mark.django_db
def test_human_numbers_are_gapless_per_prefix():
    assert [next_number("INC") for _ in range(3)] == ["INC-000001", "INC-000002", "INC-000003"]
    assert next_number("CHG") == "CHG-000001"
    assert next_number("INC") == "INC-000004"
    assert next_number("PRB", width=4) == "PRB-0001"


def test_registry_shows_navigation_only_to_roles_with_the_permission(make_user):
    registry = Registry()
    registry.add_nav(NavItem("Audit", "audit", "auditentry.view", order=2))
    registry.add_nav(NavItem("Home", "home", None, order=1))
    registry.add_nav(NavItem("Home again", "home", None, order=3))  # same url: ignored
    agent, auditor = make_user(Role.AGENT), make_user(Role.AUDITOR)
    assert [i.label for i in registry.nav_for(agent)] == ["Home"]
    assert [i.label for i in registry.nav_for(auditor)] == ["Home", "Audit"]


def test_service_records_the_actor_and_rejects_a_stale_version(make_user):
    admin = make_user(Role.IT_ADMIN)
    team = Team.objects.create(name="Network", tier="l2")
    update_fields(team, {"description": "WAN and Wi-Fi"}, actor=admin, expected_version=1)
    team.refresh_from_db()
    assert team.version == 2
    entry = AuditEntry.objects.filter(model="accounts.team", action="update").get()
    assert entry.actor_id == admin.pk
    assert entry.changes["description"] == ["", "WAN and Wi-Fi"]

    with pytest.raises(ConflictError) as raised:
        update_fields(team, {"description": "lost"}, actor=admin, expected_version=1)
    assert raised.value.instance.version == 2
    team.refresh_from_db()
    assert team.description == "WAN and Wi-Fi"


def test_update_fields_names_unknown_fields(make_user):
    from django.core.exceptions import ValidationError

    admin = make_user(Role.IT_ADMIN)
    team = Team.objects.create(name="Identity", tier="l2")
    with pytest.raises(ValidationError) as raised:
        update_fields(team, {"colour": "red"}, actor=admin, expected_version=1)
    assert "colour" in raised.value.message_dict
