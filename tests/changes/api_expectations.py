"""Change management's endpoints in the API permission matrix and list
tests (see tests/api/api_expectations_loader.py), written by hand.

Every IT role reads changes, the calendar's windows and blackouts, CAB
meetings and approvals; agents, team managers, change approvers and IT
administrators raise and work changes and keep their own approval
delegations; change approvers and IT administrators also keep templates,
windows, blackouts and CAB meetings and may override conflicts. Approvals are
decided only by the people they are addressed to. Auditors read; employees
(requesters) have no part in change management.

Targets are built through the change services, in the state each action
needs, and planned from the real clock (the matrix has no fixed "now").
"""

import itertools
from datetime import timedelta

from django.utils import timezone

from stanchion.accounts.roles import Role
from stanchion.catalog import services as catalog
from stanchion.catalog.models import BusinessCalendar
from stanchion.changes import services as changes
from stanchion.changes.models import Blackout, ChangeTemplate, MaintenanceWindow
from stanchion.changes.services import approvals, cab, delegation, links, records
from stanchion.core.services import creator
from stanchion.tickets import services as tickets

REQ, AGENT, TM, CA, ADMIN, AUD = (
    Role.REQUESTER,
    Role.AGENT,
    Role.TEAM_MANAGER,
    Role.CHANGE_APPROVER,
    Role.IT_ADMIN,
    Role.AUDITOR,
)
ROLES = [REQ, AGENT, TM, CA, ADMIN, AUD]
STAFF = set(ROLES) - {REQ}
WORKERS = STAFF - {AUD}
MANAGERS = {CA, ADMIN}
_n = itertools.count(1)

LOWEST_RISK = {
    "user_impact": "none",
    "reversibility": "minutes",
    "experience": "routine",
    "teams_involved": "one",
}


def status_for(ok, allowed, otherwise=403):
    return {role: ok if role in allowed else otherwise for role in ROLES}


def _crud(prefix, managers=MANAGERS):
    return {
        (prefix, "list"): status_for(200, STAFF),
        (prefix, "retrieve"): status_for(200, STAFF),
        (prefix, "create"): status_for(201, managers),
        (prefix, "update"): status_for(200, managers),
        (prefix, "partial_update"): status_for(200, managers),
        (prefix, "destroy"): status_for(204, managers),
    }


_WORK = ("submit", "request_approval", "schedule", "start", "finish", "validation", "close")

EXPECTED = {
    ("changes", "list"): status_for(200, STAFF),
    ("changes", "retrieve"): status_for(200, STAFF),
    ("changes", "create"): status_for(201, WORKERS),
    ("changes", "partial_update"): status_for(200, WORKERS),
    **{("changes", action): status_for(200, WORKERS) for action in _WORK},
    ("changes", "cancel"): status_for(200, WORKERS),
    ("changes", "comment"): status_for(201, WORKERS),
    ("changes", "override_conflicts"): status_for(200, MANAGERS),
    ("changes", "link_incident"): status_for(201, WORKERS),
    ("changes", "unlink_incident"): status_for(200, WORKERS),
    ("changes", "timeline"): status_for(200, STAFF),
    ("changes", "risk"): status_for(200, STAFF),
    ("changes", "risk_questions"): status_for(200, STAFF),
    # A question, not a write: auditors may ask it too.
    ("changes", "conflict_check"): status_for(200, STAFF),
    ("change-approvals", "list"): status_for(200, STAFF),
    ("change-approvals", "retrieve"): status_for(200, STAFF),
    # The target is an emergency approval, addressed to the change approvers:
    # team managers and administrators hold the permission but are not asked.
    ("change-approvals", "approve"): status_for(200, {CA}),
    ("change-approvals", "reject"): status_for(200, {CA}),
    # Delegations are personal: auditors do not read them.
    ("change-delegations", "list"): status_for(200, WORKERS),
    # The target is someone else's delegation: only administrators see
    # those, and only they may end them.
    ("change-delegations", "retrieve"): {
        **status_for(200, {ADMIN}, otherwise=404),
        REQ: 403,
        AUD: 403,
    },
    ("change-delegations", "create"): status_for(201, WORKERS),
    ("change-delegations", "destroy"): {
        **status_for(204, {ADMIN}, otherwise=404),
        REQ: 403,
        AUD: 403,
    },
    **_crud("change-templates"),
    **_crud("maintenance-windows"),
    ("maintenance-windows", "occurrences"): status_for(200, STAFF),
    **_crud("blackouts"),
    ("cab-meetings", "list"): status_for(200, STAFF),
    ("cab-meetings", "retrieve"): status_for(200, STAFF),
    ("cab-meetings", "create"): status_for(201, MANAGERS),
    ("cab-meetings", "partial_update"): status_for(200, MANAGERS),
    **{
        ("cab-meetings", action): status_for(200, MANAGERS)
        for action in ("build_agenda", "decide", "attendance", "hold", "cancel")
    },
}


# Builders. ``w`` is tests/api's world: one user per role, the team manager
# manages ``w.managed_team``.
def _now():
    return timezone.now()


def _service(w, tier="3"):
    return catalog.create_service(
        actor=None,
        name=f"Changed service {next(_n)}",
        tier=tier,
        owner_team=w.managed_team,
        support_team=w.managed_team,
        calendar=BusinessCalendar.objects.get(name="24x7"),
    )


def _raiser(w, mk):
    """Who requests the changes: nobody approves their own change, so not
    one of the world's role users."""
    if getattr(w, "change_raiser", None) is None:
        w.change_raiser = mk(AGENT)
    return w.change_raiser


def _normal(w, mk, *, services=None, start_in=timedelta(days=5), **fields):
    start = _now() + start_in
    fields.setdefault("implementation_plan", "Upgrade, restart.")
    fields.setdefault("backout_plan", "Downgrade.")
    fields.setdefault("test_plan", "Open the front page.")
    fields.setdefault("risk_answers", LOWEST_RISK)
    fields.setdefault("implementer_team", w.managed_team)
    return changes.create_change(
        actor=None,
        requested_by=_raiser(w, mk),
        change_type=fields.pop("change_type", "normal"),
        title=f"Change {next(_n)}",
        services=[_service(w)] if services is None else services,
        planned_start=start,
        planned_end=start + timedelta(hours=2),
        **fields,
    )


def _submitted(w, mk, **fields):
    return changes.submit(_normal(w, mk, **fields), actor=None)


def _in_authorisation(w, mk, **fields):
    return approvals.request_approval(_submitted(w, mk, **fields), actor=None)


def _approved(w, mk):
    change = _in_authorisation(w, mk)
    for approval in change.approvals.all():
        approvals.decide(approval, actor=None, approve=True)
    return change


def _template(w, checklist=("Smoke test",)):
    return records.create_with_services(
        ChangeTemplate,
        {
            "name": f"Patching {next(_n)}",
            "implementation_plan": "Patch, reboot.",
            "backout_plan": "Restore the snapshot.",
            "test_plan": "Sign in.",
            "validation_checklist": list(checklist),
            "implementer_team": w.managed_team,
        },
        actor=None,
        services=[_service(w)],
    )


def _scheduled_standard(w, mk):
    start = _now() + timedelta(days=3)
    change = changes.create_change(
        actor=None,
        requested_by=_raiser(w, mk),
        change_type="standard",
        title=f"Patching run {next(_n)}",
        template=_template(w),
        planned_start=start,
    )
    return changes.submit(change, actor=None)


def _implementing(w, mk):
    return changes.start_implementation(_scheduled_standard(w, mk), actor=None)


def _in_review(w, mk):
    change = changes.finish_implementation(_implementing(w, mk), actor=None, outcome="successful")
    checklist = [{**step, "done": True} for step in change.validation_checklist]
    return changes.update_validation(change, actor=None, checklist=checklist)


def _with_conflict(w, mk):
    service = _service(w)
    _submitted(w, mk, services=[service])
    return _submitted(w, mk, services=[service])


def _incident(w):
    return tickets.open_incident(actor=None, requester=w.other_person, title=f"Down {next(_n)}")


def _linked(w, mk):
    change = _implementing(w, mk)
    links.link_incident(change, _incident(w), actor=None)
    return change


def _emergency_approval(w, mk):
    change = _in_authorisation(w, mk, change_type="emergency", start_in=timedelta(hours=1))
    return change.approvals.get()


def _high_risk(w, mk):
    """Tier 1 with three dependent services (20 + 7), starting within a day
    (10), no backout or test plan (5 + 5), the questionnaire unanswered (15):
    62, high risk, so the CAB is asked."""
    core = _service(w, tier="1")
    for _ in range(3):
        catalog.add_dependency(_service(w), core, actor=None)
    return _in_authorisation(
        w,
        mk,
        services=[core],
        start_in=timedelta(hours=3),
        backout_plan="",
        test_plan="",
        risk_answers={},
    )


def _meeting(w, mk, *, starts_in=timedelta(hours=-1)):
    start = _now() + starts_in
    return cab.plan_cab_meeting(
        actor=None,
        title=f"CAB {next(_n)}",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        chair=w.users[CA],
        attendees=[w.users[ADMIN]],
    )


def _meeting_with_agenda(w, mk):
    _high_risk(w, mk)
    meeting = _meeting(w, mk)
    cab.build_agenda(meeting, actor=None)
    return meeting


def _delegation(w, mk):
    start = _now()
    return delegation.delegate_approvals(
        actor=mk(TM), delegate=mk(CA), starts_at=start, ends_at=start + timedelta(days=7)
    )


def _window(w, mk):
    return creator(MaintenanceWindow)(
        actor=None,
        service=_service(w),
        name=f"Nightly {next(_n)}",
        weekdays=[1, 3],
        start_time="22:00",
        duration_minutes=120,
    )


def _blackout(w, mk):
    start = _now() + timedelta(days=30)
    return records.create_with_services(
        Blackout,
        {
            "name": f"Year-end freeze {next(_n)}",
            "starts_at": start,
            "ends_at": start + timedelta(days=5),
        },
        actor=None,
        services=[_service(w)],
    )


TARGETS = {
    "changes": lambda w, mk: _normal(w, mk),
    "change-approvals": _emergency_approval,
    "change-delegations": _delegation,
    "change-templates": lambda w, mk: _template(w),
    "maintenance-windows": _window,
    "blackouts": _blackout,
    "cab-meetings": _meeting,
}

ACTION_TARGETS = {
    ("changes", "request_approval"): _submitted,
    ("changes", "schedule"): _approved,
    ("changes", "start"): _scheduled_standard,
    ("changes", "finish"): _implementing,
    ("changes", "validation"): _implementing,
    ("changes", "close"): _in_review,
    ("changes", "override_conflicts"): _with_conflict,
    ("changes", "link_incident"): _implementing,
    ("changes", "unlink_incident"): _linked,
    ("cab-meetings", "decide"): _meeting_with_agenda,
}


def _plan_body(w, days=5):
    start = _now() + timedelta(days=days)
    return {
        "services": [_service(w).pk],
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }


ACTION_BODIES = {
    ("changes", "finish"): lambda w, t: {"outcome": "successful"},
    ("changes", "validation"): lambda w, t: {
        "validation_checklist": [{"item": "Smoke test", "done": True}]
    },
    ("changes", "close"): lambda w, t: {"retrospective": ""},
    ("changes", "cancel"): lambda w, t: {"reason": "Not needed any more"},
    ("changes", "comment"): lambda w, t: {"body": "Vendor confirmed the date."},
    ("changes", "override_conflicts"): lambda w, t: {"reason": "Both touch separate nodes."},
    ("changes", "link_incident"): lambda w, t: {"incident": _incident(w).pk},
    ("changes", "unlink_incident"): lambda w, t: {"incident": t.incident_links.get().incident_id},
    ("changes", "conflict_check"): lambda w, t: _plan_body(w),
    ("change-approvals", "approve"): lambda w, t: {"comment": "Go ahead"},
    ("change-approvals", "reject"): lambda w, t: {"comment": "Not during the release"},
    ("cab-meetings", "decide"): lambda w, t: {
        "item": t.agenda.get().pk,
        "decision": "approved",
        "note": "Fine",
    },
    ("cab-meetings", "attendance"): lambda w, t: {"attended": [w.users[CA].pk]},
    ("cab-meetings", "hold"): lambda w, t: {"minutes": "One change approved."},
}


def _change_body(w, mk):
    start = _now() + timedelta(days=4)
    return {
        "change_type": "normal",
        "title": "Rotate the TLS certificates",
        "services": [_service(w).pk],
        "implementation_plan": "Deploy the new certificates.",
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(hours=1)).isoformat(),
        "implementer_team": w.managed_team.pk,
    }


def _delegation_body(w, mk):
    start = _now()
    return {
        "delegate": mk(CA).pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=3)).isoformat(),
        "reason": "Holiday",
    }


def _template_body(w, mk):
    return {
        "name": f"Certificate renewal {next(_n)}",
        "services": [_service(w).pk],
        "implementation_plan": "Renew, deploy.",
        "validation_checklist": ["Site answers over TLS"],
    }


def _window_body(w, mk):
    return {
        "service": _service(w).pk,
        "name": "Sunday mornings",
        "weekdays": [6],
        "start_time": "06:00",
        "duration_minutes": 180,
    }


def _blackout_body(w, mk):
    start = _now() + timedelta(days=60)
    return {
        "name": "Black Friday",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=4)).isoformat(),
        "services": [],
    }


def _meeting_body(w, mk):
    start = _now() + timedelta(days=2)
    return {
        "title": "Weekly CAB",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "attendees": [w.users[CA].pk],
    }


CREATE_BODIES = {
    "changes": _change_body,
    "change-delegations": _delegation_body,
    "change-templates": _template_body,
    "maintenance-windows": _window_body,
    "blackouts": _blackout_body,
    "cab-meetings": _meeting_body,
}

PUT_BODIES = {
    "change-templates": lambda t: {"name": f"Renamed {t.pk}", "is_active": True},
    "maintenance-windows": lambda t: {
        "service": t.service_id,
        "name": "Renamed",
        "weekdays": [2],
        "start_time": "23:00",
        "duration_minutes": 60,
    },
    "blackouts": lambda t: {
        "name": "Renamed freeze",
        "starts_at": t.starts_at.isoformat(),
        "ends_at": t.ends_at.isoformat(),
        "services": [],
    },
}

PATCH_BODIES = {
    "changes": {"title": "Upgrade the wiki to 2.0"},
    "change-templates": {"description": "Monthly"},
    "maintenance-windows": {"duration_minutes": 90},
    "blackouts": {"reason": "Peak trading"},
    "cab-meetings": {"location": "Room 4"},
}


# List tests: ``count`` rows of each, with the related records they show.
class _ListWorld:
    """Enough of tests/api's world for the builders above."""

    def __init__(self, admin, make_user):
        from stanchion.accounts import services as accounts

        self.managed_team = accounts.create_team(
            actor=None, name=f"Team {next(_n)}", manager=make_user(TM)
        )
        self.users = {ADMIN: admin, CA: make_user(CA)}
        self.change_raiser = make_user(AGENT)


def _changes(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    service = _service(w)
    for _ in range(count):
        _normal(w, make_user, services=[service, _service(w)])


def _approvals(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        _in_authorisation(w, make_user)


def _delegations(count, admin, make_user):
    delegate = make_user(CA)
    start = _now()
    for n in range(count):
        delegation.delegate_approvals(
            actor=admin, delegate=delegate, starts_at=start, ends_at=start + timedelta(days=n + 1)
        )


def _templates(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        _template(w)


def _windows(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        _window(w, make_user)


def _blackouts(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    for _ in range(count):
        _blackout(w, make_user)


def _meetings(count, admin, make_user):
    w = _ListWorld(admin, make_user)
    _high_risk(w, make_user)
    for _ in range(count):
        meeting = _meeting(w, make_user, starts_in=timedelta(days=1))
        cab.build_agenda(meeting, actor=None)


LIST_ROW_MAKERS = {
    "changes": _changes,
    "change-approvals": _approvals,
    "change-delegations": _delegations,
    "change-templates": _templates,
    "maintenance-windows": _windows,
    "blackouts": _blackouts,
    "cab-meetings": _meetings,
}

# Authenticating the token, the page, and one query per nested list:
# a change's services and incident links; an approval's approvers; a
# template's or blackout's services; a meeting's agenda (with the changes'
# numbers) and attendance. Windows join their service's calendar.
LIST_QUERY_BUDGET = {
    "changes": 4,
    "change-approvals": 3,
    "change-delegations": 2,
    "change-templates": 3,
    "maintenance-windows": 2,
    "blackouts": 3,
    "cab-meetings": 4,
}
