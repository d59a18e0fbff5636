"""The only code that writes changes (see core.services for the rules).

Split by sub-domain: ``lifecycle`` (raise, edit, submit, schedule,
implement, review, close, cancel, comment), ``assessing`` (plan checks,
risk and conflicts).
"""

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

__all__ = [
    "add_comment",
    "cancel",
    "close",
    "create_change",
    "finish_implementation",
    "override_conflicts",
    "schedule",
    "start_implementation",
    "submit",
    "update_change",
    "update_validation",
]
