"""What every agent workspace page shares: who may open it, and the viewer's
time zone.

The workspace is for IT staff. Employees (requester role) hold ``ticket.view``
for their own tickets in the portal, so the ticket permission alone is not
enough: they get 403 here. Auditors open every page but act on nothing
(``ticket.change`` is what acting needs).
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.core.views import PermissionRequiredMixin


class AgentMixin(PermissionRequiredMixin):
    permission = "ticket.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AgentActionMixin(AgentMixin):
    """Pages that change tickets."""

    permission = "ticket.change"


def can_act(user):
    return has_perm(user, "ticket.change")


def viewer_zone(user):
    """The zone of the viewer's office (from their directory record), else
    the installation's."""
    name = settings.TIME_ZONE
    person = getattr(user, "person", None)
    if person is not None and person.location_id:
        name = person.location.time_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
