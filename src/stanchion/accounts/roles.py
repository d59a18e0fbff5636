"""Roles and the permissions each grants.

A user has one role. Permissions are ``"<model>.<action>"`` strings; views
and API viewsets name the permission each action needs, and querysets narrow
what the holder sees (a requester sees only their own records).
"""

from stanchion.core.choices import ChoiceSet
from stanchion.knowledge import permissions as knowledge
from stanchion.majorincidents import permissions as majorincidents
from stanchion.problems import permissions as problems


class Role(ChoiceSet):
    CHOICES = (
        ("requester", "Requester", "grey"),
        ("agent", "Agent", "blue"),
        ("team_manager", "Team manager", "teal"),
        ("change_approver", "Change approver", "purple"),
        ("it_admin", "IT administrator", "red"),
        ("auditor", "Auditor", "amber"),
    )


_DIRECTORY_READ = {"person.view", "team.view", "location.view", "department.view"}
# The service catalog: employees browse what they can ask for; IT sees the
# whole portfolio, its calendars and SLA/OLA policies.
_CATALOG_MODELS = (
    "service",
    "servicedependency",
    "servicelink",
    "catalogitem",
    "fulfilmenttasktemplate",
    "businesscalendar",
    "slapolicy",
    "olapolicy",
)
_CATALOG_READ = {f"{model}.view" for model in _CATALOG_MODELS}
_PORTAL_READ = {"service.view", "catalogitem.view"}
_OWN = {"apitoken.view", "apitoken.add", "apitoken.delete"}
# The service desk. Every employee reports, requests, replies on their own
# tickets and decides the approvals addressed to them; IT staff work tickets.
_TICKETS_OWN = {
    "ticket.view",
    "ticket.add",
    "ticket.comment",
    "approval.decide",
    "attachment.add",
    "category.view",
}
_TICKETS_READ = {
    "ticket.view",
    "task.view",
    "approval.view",
    "slaclock.view",
    "timelineevent.view",
    "attachment.view",
    "category.view",
    "csatsurvey.view",
}
_TICKETS_WORK = _TICKETS_READ | _TICKETS_OWN | {"ticket.change", "ticket.note", "task.change"}

# KPIs, dashboards and reviews: every IT role reads them; IT administrators
# set the organisation's targets.
_KPI_READ = {"kpi.view", "kpitarget.view"}
# Change management. Every IT role reads the change calendar and raises
# changes and keeps its own iCalendar feeds and approval delegations; team
# managers and change approvers decide approvals; change approvers also run
# the CAB, keep windows and blackouts, and may override schedule conflicts.
_CHANGES_READ = {
    f"{model}.view"
    for model in (
        "change",
        "changetemplate",
        "changeapproval",
        "changeincident",
        "changeevent",
        "cabmeeting",
        "maintenancewindow",
        "blackout",
    )
}
_CHANGES_WORK = _CHANGES_READ | {
    "change.add",
    "change.change",
    "change.comment",
    "changeincident.add",
    "changeincident.delete",
    "calendarfeed.view",
    "calendarfeed.add",
    "calendarfeed.delete",
    "approvaldelegation.view",
    "approvaldelegation.add",
    "approvaldelegation.delete",
}
_CHANGES_DECIDE = {"changeapproval.decide"}
_CHANGES_MANAGE = _CHANGES_DECIDE | {
    "change.override_conflicts",
    *(
        f"{model}.{action}"
        for model in ("cabmeeting", "maintenancewindow", "blackout", "changetemplate")
        for action in ("add", "change", "delete")
    ),
}
# Newer apps keep their blocks beside their models (``<app>/permissions.py``:
# EVERYONE for every employee, READ for every IT role, WORK for IT staff,
# MANAGE for IT administrators); they are merged here.
_APP_BLOCKS = (majorincidents, problems, knowledge)
_APPS_EVERYONE = set().union(*(block.EVERYONE for block in _APP_BLOCKS))
_APPS_READ = set().union(*(block.READ for block in _APP_BLOCKS))
_APPS_WORK = set().union(*(block.WORK for block in _APP_BLOCKS))
_APPS_MANAGE = set().union(*(block.MANAGE for block in _APP_BLOCKS))
_AGENT = (
    _DIRECTORY_READ
    | _CATALOG_READ
    | _OWN
    | _TICKETS_WORK
    | _KPI_READ
    | _CHANGES_WORK
    | _APPS_WORK
    | {"teammembership.view"}
)
_ADMIN_WRITE = {
    f"{model}.{action}"
    for model in (
        "person",
        "team",
        "teammembership",
        "location",
        "department",
        "user",
        *_CATALOG_MODELS,
        "category",
        "prioritymatrix",
        "kpitarget",
    )
    for action in ("add", "change", "delete")
}

PERMISSIONS = {
    # Requesters see their own person record and manage their own tokens.
    Role.REQUESTER: {"person.view"} | _PORTAL_READ | _OWN | _TICKETS_OWN | _APPS_EVERYONE,
    Role.AGENT: _AGENT,
    Role.TEAM_MANAGER: _AGENT
    | _CHANGES_DECIDE
    | {"teammembership.add", "teammembership.delete", "user.view"},
    Role.CHANGE_APPROVER: _AGENT | _CHANGES_MANAGE,
    Role.IT_ADMIN: _AGENT
    | _ADMIN_WRITE
    | _CHANGES_MANAGE
    | _APPS_MANAGE
    | {"user.view", "auditentry.view", "apitoken.view_all"},
    # Auditors read everything, including the audit trail, and write nothing
    # but their own API tokens.
    Role.AUDITOR: _DIRECTORY_READ
    | _CATALOG_READ
    | _TICKETS_READ
    | _KPI_READ
    | _CHANGES_READ
    | _APPS_READ
    | _OWN
    | {"teammembership.view", "user.view", "auditentry.view", "apitoken.view_all"},
}

STAFF_ROLES = {r for r in Role.values() if r != Role.REQUESTER}


def has_perm(user, permission):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return permission in PERMISSIONS.get(user.role, set())


def is_staff_role(user):
    return bool(user and user.is_authenticated and user.role in STAFF_ROLES)
