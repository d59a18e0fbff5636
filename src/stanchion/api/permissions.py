from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions

from stanchion.accounts.choices import TokenScope
from stanchion.accounts.roles import has_perm


class RolePermission(permissions.BasePermission):
    """Every viewset names the permission each action needs in
    ``permissions``; an action without one is a configuration error, not an
    open door. Read-only tokens may only read."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        method = request.method.lower()
        if method not in view.http_method_names or not hasattr(view, method):
            # No handler for this method here: dispatch answers 405.
            return True
        token = request.auth
        if (
            token is not None
            and getattr(token, "scope", None) == TokenScope.READ
            and request.method not in permissions.SAFE_METHODS
        ):
            self.message = "This API token is read-only."
            return False
        needed = self.required(view)
        return needed is None or has_perm(user, needed)

    @staticmethod
    def required(view):
        table = getattr(view, "permissions", None)
        action = _action_of(view, table or {})
        if table is None or action not in table:
            raise ImproperlyConfigured(
                f"{type(view).__name__} does not say which permission '{action}' needs."
            )
        return table[action]


# OPTIONS runs as the "metadata" action, and DRF's metadata probes PUT/POST
# under it: such requests need the permission of the action they describe.
_WRITE_ACTIONS = {"post": "create", "put": "update", "patch": "partial_update", "delete": "destroy"}


def _action_of(view, table):
    action = getattr(view, "action", None)
    if action and action != "metadata":
        return action
    method = view.request.method.lower()
    detail = getattr(view, "detail", None)
    if method in table or detail is None:
        return method
    if method in _WRITE_ACTIONS:
        return _WRITE_ACTIONS[method]
    return "retrieve" if detail else "list"
