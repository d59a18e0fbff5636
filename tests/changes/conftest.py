"""Shared fixtures for the change management tests.

``org``: a small IT organisation to take changes through their life:
- Platform team (implementer): manager ``tm``, a second team-manager member
  ``tm_b``, and the agent ``agent`` who raises changes;
- Identity team: manager ``tm_id``; owns the tier-1 service SSO;
- Platform owns Wiki (tier 3), App (tier 2, depends on SSO) and Mail
  (tier 3, depends on App): SSO has two dependents, transitively;
- change approvers ``cab1`` and ``cab2`` (the CAB and the emergency
  approvers), an IT administrator, an auditor and a requester;
- a deputy team manager ``deputy`` of another team, for delegation;
- the standard template "Monthly Wiki patching".
All on the seeded 24x7 calendar; ``NOW`` is a Monday at 09:00 UTC.

Other parts may add fixtures at the end of this file.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from stanchion.accounts import services as accounts
from stanchion.accounts.models import Team
from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar, ServiceDependency
from stanchion.changes.models import ChangeTemplate
from stanchion.core.services import create_record

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Org:
    platform: Team
    identity: Team
    other: Team
    agent: object
    tm: object
    tm_b: object
    tm_id: object
    deputy: object
    cab1: object
    cab2: object
    admin: object
    auditor: object
    requester: object
    sso: object
    wiki: object
    app: object
    mail: object
    template: ChangeTemplate

    def plan(self, days=7, hours=2):
        """(start, end): ``days`` after NOW at 20:00, lasting ``hours``."""
        start = NOW.replace(hour=20) + timedelta(days=days)
        return start, start + timedelta(hours=hours)

    def normal(self, *, services=None, days=7, hours=2, actor=None, **fields):
        """A draft normal change on Wiki with every plan written and the
        questionnaire answered with its least risky answers."""
        from stanchion.changes import services as changes

        start, end = self.plan(days, hours)
        fields.setdefault("planned_start", start)
        fields.setdefault("planned_end", end)
        fields.setdefault("implementation_plan", "Upgrade the package, restart.")
        fields.setdefault("backout_plan", "Reinstall the previous package.")
        fields.setdefault("test_plan", "Open the front page.")
        fields.setdefault("implementer_team", self.platform)
        fields.setdefault(
            "risk_answers",
            {
                "user_impact": "none",
                "reversibility": "minutes",
                "experience": "routine",
                "teams_involved": "one",
            },
        )
        fields.setdefault("change_type", "normal")
        return changes.create_change(
            actor=actor or self.agent,
            title=fields.pop("title", "Upgrade the wiki"),
            services=[self.wiki] if services is None else services,
            now=NOW,
            **fields,
        )


@pytest.fixture
def org(make_user):
    always = BusinessCalendar.objects.get(name="24x7")
    tm, tm_b, tm_id = (make_user(Role.TEAM_MANAGER) for _ in range(3))
    deputy = make_user(Role.TEAM_MANAGER)
    platform = create_record(Team, {"name": "Platform", "tier": "l2", "manager": tm})
    identity = create_record(Team, {"name": "Identity", "tier": "l2", "manager": tm_id})
    other = create_record(Team, {"name": "Networks", "tier": "l2", "manager": deputy})
    agent = make_user(Role.AGENT)
    for user in (agent, tm_b):
        accounts.add_team_member(platform, user, actor=None)

    def service(name, tier, team):
        return catalog.create_service(
            actor=None, name=name, tier=tier, owner_team=team, support_team=team, calendar=always
        )

    sso = service("SSO", "1", identity)
    wiki = service("Wiki", "3", platform)
    app = service("App", "2", platform)
    mail = service("Mail", "3", platform)
    ServiceDependency.objects.create(service=app, depends_on=sso)
    ServiceDependency.objects.create(service=mail, depends_on=app)
    template = create_record(
        ChangeTemplate,
        {
            "name": "Monthly Wiki patching",
            "implementer_team": platform,
            "implementation_plan": "Apply the OS updates, reboot.",
            "backout_plan": "Restore the snapshot.",
            "test_plan": "Sign in to the wiki.",
            "validation_checklist": ["Wiki answers", "Search works"],
            "expected_duration_minutes": 90,
        },
    )
    template.services.set([wiki])
    return Org(
        platform=platform,
        identity=identity,
        other=other,
        agent=agent,
        tm=tm,
        tm_b=tm_b,
        tm_id=tm_id,
        deputy=deputy,
        cab1=make_user(Role.CHANGE_APPROVER),
        cab2=make_user(Role.CHANGE_APPROVER),
        admin=make_user(Role.IT_ADMIN),
        auditor=make_user(Role.AUDITOR),
        requester=make_user(Role.REQUESTER),
        sso=sso,
        wiki=wiki,
        app=app,
        mail=mail,
        template=template,
    )


@pytest.fixture
def fixed_risk(monkeypatch):
    """fixed_risk("high"): every assessment gives that level (score 10, 40
    or 80 with one factor), for tests about what the level selects."""
    from stanchion.changes import risk

    def fix(level):
        points = {"low": 10, "medium": 40, "high": 80}[level]
        factor = {"key": "fixed", "label": "Fixed", "detail": "test", "points": points}
        monkeypatch.setattr(
            risk, "assess", lambda change, *, now: risk.Assessment(points, level, [factor])
        )

    return fix
