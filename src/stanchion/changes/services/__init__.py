"""The only code that writes changes (see core.services for the rules).

Split by sub-domain: ``lifecycle`` (raise, edit, submit, schedule,
implement, review, close, cancel, comment), ``assessing`` (plan checks,
risk and conflicts), ``approvals`` (requesting and deciding approvals),
``delegation`` (deputies while away), ``cab`` (CAB meetings), ``links``
(incidents caused by a change), ``records`` (templates, blackouts and
maintenance windows).
"""

from .approvals import decide, may_decide, request_approval
from .cab import (
    build_agenda,
    cancel_cab_meeting,
    hold_meeting,
    plan_cab_meeting,
    record_attendance,
    record_cab_decision,
)
from .delegation import delegate_approvals, revoke_delegation
from .lifecycle import (
    add_comment,
    cancel,
    close,
    create_change,
    finish_implementation,
    override_conflicts,
    schedule,
    start_implementation,
    submit,
    update_change,
    update_validation,
)
from .links import link_incident, unlink_incident
from .records import create_window, create_with_services, update_with_services

__all__ = [
    "add_comment",
    "build_agenda",
    "cancel",
    "cancel_cab_meeting",
    "close",
    "create_change",
    "create_window",
    "create_with_services",
    "decide",
    "delegate_approvals",
    "finish_implementation",
    "hold_meeting",
    "link_incident",
    "may_decide",
    "override_conflicts",
    "plan_cab_meeting",
    "record_attendance",
    "record_cab_decision",
    "request_approval",
    "revoke_delegation",
    "schedule",
    "start_implementation",
    "submit",
    "unlink_incident",
    "update_change",
    "update_validation",
    "update_with_services",
]
