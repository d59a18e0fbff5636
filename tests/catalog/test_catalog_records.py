"""Catalog records: services and their dependency graph, calendars, policies."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services
from stanchion.catalog.calendars import engine_calendar, week_view
from stanchion.catalog.models import BusinessCalendar, Service, SlaPolicy
from stanchion.catalog.sla import FrozenTargets, freeze_sla, sla_policy_for
from stanchion.core.models import AuditEntry

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_17 = [(day, time(9), time(17)) for day in range(5)]


@pytest.fixture
def admin(make_user):
    return make_user(Role.IT_ADMIN)


@pytest.fixture
def berlin(admin):
    return services.create_calendar(
        actor=admin,
        name="Berlin office",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        holiday_subdivision="BE",
        intervals=WEEKDAYS_9_TO_17,
    )


@pytest.fixture
def team(db):
    return Team.objects.create(name="Identity & Access", tier="l2")


@pytest.fixture
def make_service(admin, berlin, team):
    def make(name, tier="2"):
        return services.create_service(
            actor=admin,
            name=name,
            tier=tier,
            owner_team=team,
            support_team=team,
            calendar=berlin,
        )

    return make


def test_dependency_cycle_is_rejected_naming_the_chain(make_service, admin):
    sso, directory, vpn = make_service("SSO"), make_service("Directory"), make_service("VPN")
    services.add_dependency(vpn, sso, actor=admin)
    services.add_dependency(sso, directory, actor=admin)
    with pytest.raises(ValidationError) as raised:
        services.add_dependency(directory, vpn, actor=admin)
    message = raised.value.message_dict["depends_on"][0]
    assert "Directory → VPN → SSO → Directory" in message
    assert list(directory.depends_on.all()) == []


def test_self_and_duplicate_dependencies_are_rejected(make_service, admin):
    sso, directory = make_service("SSO"), make_service("Directory")
    with pytest.raises(ValidationError, match="itself"):
        services.add_dependency(sso, sso, actor=admin)
    services.add_dependency(sso, directory, actor=admin)
    with pytest.raises(ValidationError, match="already depends"):
        services.add_dependency(sso, directory, actor=admin)


def test_overlapping_working_intervals_are_rejected(admin):
    with pytest.raises(ValidationError) as raised:
        services.create_calendar(
            actor=admin,
            name="Bad",
            time_zone="Europe/Berlin",
            intervals=[(0, time(9), time(13)), (0, time(12), time(17))],
        )
    assert "intervals" in raised.value.message_dict
    assert not BusinessCalendar.objects.filter(name="Bad").exists()


def test_unknown_holiday_region_is_named(admin):
    with pytest.raises(ValidationError) as raised:
        services.create_calendar(
            actor=admin,
            name="Atlantis",
            time_zone="UTC",
            holiday_country="XX",
            intervals=WEEKDAYS_9_TO_17,
        )
    assert "holiday_country" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.create_calendar(
            actor=admin,
            name="Germany",
            time_zone="Europe/Berlin",
            holiday_country="DE",
            holiday_subdivision="ZZ",
            intervals=WEEKDAYS_9_TO_17,
        )
    assert "holiday_subdivision" in raised.value.message_dict


def test_week_view_skips_public_holidays_and_closures(berlin, admin):
    # Week of 2026-12-21: Christmas Day (Fri 25th) is a public holiday in Berlin,
    # and the office closes on Thursday 24th.
    services.add_closure(berlin, actor=admin, date=date(2026, 12, 24), name="Christmas Eve")
    berlin.refresh_from_db()
    intervals, closed = week_view(berlin, date(2026, 12, 21))
    assert [(a.date().isoformat(), a.hour, b.hour) for a, b in intervals] == [
        ("2026-12-21", 9, 17),
        ("2026-12-22", 9, 17),
        ("2026-12-23", 9, 17),
    ]
    assert closed[date(2026, 12, 24)] == "Christmas Eve"
    assert date(2026, 12, 25) in closed


def test_closure_retires_the_cached_engine_calendar(berlin, admin):
    before = engine_calendar(berlin)
    assert date(2026, 6, 1) not in before.closed_dates
    services.add_closure(berlin, actor=admin, date=date(2026, 6, 1), name="Office move")
    berlin.refresh_from_db()
    after = engine_calendar(berlin)
    assert after is not before
    assert after.closed_dates[date(2026, 6, 1)] == "Office move"


def test_set_week_replaces_hours_and_is_audited(berlin, admin):
    services.set_week(berlin, [(0, time(22), time(6))], actor=admin, expected_version=1)
    berlin.refresh_from_db()
    assert berlin.version == 2
    assert [str(i) for i in berlin.intervals.all()] == ["Monday 22:00-06:00 (overnight)"]
    deleted = AuditEntry.objects.filter(model="catalog.workinginterval", action="delete")
    assert deleted.count() == 5


def test_service_policy_overrides_the_tier_policy(make_service, admin, berlin):
    sso = make_service("SSO", tier="1")
    tier_policy = sla_policy_for(sso, "p2")
    assert tier_policy.name == "Tier 1 P2"  # seeded default
    assert tier_policy.response_target == timedelta(minutes=30)
    own = SlaPolicy.objects.create(
        name="SSO P2",
        service=sso,
        priority="p2",
        response_target=timedelta(minutes=15),
        resolution_target=timedelta(hours=2),
    )
    assert sla_policy_for(sso, "p2") == own
    frozen = freeze_sla(sso, "p2")
    assert frozen == FrozenTargets(
        policy_id=own.pk,
        policy_name="SSO P2",
        response_seconds=900,
        resolution_seconds=7200,
        calendar_id=berlin.pk,
        pause_states=(),
    )
    assert FrozenTargets.from_dict(frozen.as_dict()) == frozen


def test_policy_validation_names_the_field(make_service):
    sso = make_service("SSO")
    bad = [
        ({"tier": "1", "service": sso}, "tier"),
        ({"tier": "", "service": None}, "tier"),
        ({"tier": "1", "response_target": timedelta(0)}, "response_target"),
        ({"tier": "1", "response_target": timedelta(hours=5)}, "response_target"),
        ({"tier": "1", "pause_states": ["on_holiday"]}, "pause_states"),
    ]
    for overrides, field in bad:
        fields = {
            "name": "x",
            "priority": "p3",
            "response_target": timedelta(hours=1),
            "resolution_target": timedelta(hours=4),
            **overrides,
        }
        with pytest.raises(ValidationError) as raised:
            SlaPolicy(**fields).full_clean()
        assert field in raised.value.message_dict, (overrides, raised.value.message_dict)


def test_seeded_defaults_cover_every_tier_and_priority(db):
    pairs = set(SlaPolicy.objects.filter(service=None).values_list("tier", "priority"))
    assert pairs == {(t, p) for t in "123" for p in ("p1", "p2", "p3", "p4")}
    p1 = SlaPolicy.objects.get(tier="1", priority="p1")
    assert p1.response_target == timedelta(minutes=10)
    assert p1.calendar.is_24x7


def test_due_time_on_a_service_calendar(berlin):
    # Friday 2026-12-18 16:00 Berlin + 4 business hours: 1h on Friday, then
    # Monday 21st 09:00 + 3h = 12:00 Berlin = 11:00 UTC.
    from stanchion.catalog import slaclock

    start = datetime(2026, 12, 18, 16, 0, tzinfo=BERLIN)
    due = slaclock.due(engine_calendar(berlin), start, timedelta(hours=4))
    assert due == datetime(2026, 12, 21, 11, 0, tzinfo=ZoneInfo("UTC"))


def test_service_name_is_unique(make_service):
    make_service("Email")
    with pytest.raises(ValidationError) as raised:
        make_service("Email")
    assert "name" in raised.value.message_dict
    assert Service.objects.filter(name="Email").count() == 1
