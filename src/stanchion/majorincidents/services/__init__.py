"""The only code that writes major incidents (see core.services for the
rules). ``lifecycle``: declare, edit, mitigate, resolve; ``children``: child
incidents and suggestions; ``communication``: stakeholder updates,
subscriptions and the overdue-update job; ``reviews``: post-incident
reviews and their actions."""

from .children import link_child, suggestions, unlink_child
from .communication import (
    notify_overdue_updates,
    post_update,
    subscribe,
    unsubscribe,
)
from .lifecycle import declare, declare_directly, edit, mitigate, resolve
from .reviews import add_action, notify_overdue_actions, update_action, update_review

__all__ = [
    "add_action",
    "declare",
    "declare_directly",
    "edit",
    "link_child",
    "mitigate",
    "notify_overdue_actions",
    "notify_overdue_updates",
    "post_update",
    "resolve",
    "subscribe",
    "suggestions",
    "unlink_child",
    "unsubscribe",
    "update_action",
    "update_review",
]
