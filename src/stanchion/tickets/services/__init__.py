"""The only code that writes tickets (see core.services for the rules).

Split by sub-domain: ``lifecycle`` (open, assign, states, comments, resolve,
reopen), ``clocks`` (SLA and OLA clocks), ``requests`` (catalog requests,
approvals, fulfilment tasks).
"""

from .lifecycle import (
    add_comment,
    assign,
    cancel,
    change_state,
    close,
    link_tickets,
    open_incident,
    reopen,
    resolve,
    update_ticket,
)
from .requests import approve, complete_task, open_request, reject, start_task

__all__ = [
    "add_comment",
    "approve",
    "assign",
    "cancel",
    "change_state",
    "close",
    "complete_task",
    "link_tickets",
    "open_incident",
    "open_request",
    "reject",
    "reopen",
    "resolve",
    "start_task",
    "update_ticket",
]
