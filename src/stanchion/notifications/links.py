"""Where a notification points. The agent workspace and the portal own the
ticket and approval pages; links are built from their URL names, tried in
order, so a page that does not exist yet falls back to one that does
instead of failing the notification."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# (URL name, the attribute it takes), tried in order.
STAFF_TICKET_URLS = (("tickets:ticket", "number"),)
REQUESTER_TICKET_URLS = (("tickets:portal-ticket", "number"),)
APPROVAL_URLS = (("tickets:approval-detail", "pk"),)


def _first(candidates, instance):
    for name, attribute in candidates:
        try:
            return reverse(name, args=[getattr(instance, attribute)])
        except NoReverseMatch:
            continue
    return None


def ticket_path(ticket, *, staff):
    candidates = STAFF_TICKET_URLS if staff else REQUESTER_TICKET_URLS
    return _first(candidates, ticket) or reverse("notifications:list")


def approval_path(approval, *, staff):
    return _first(APPROVAL_URLS, approval) or ticket_path(approval.ticket, staff=staff)


def absolute(path):
    """An address for email: the configured BASE_URL, never the request's
    Host header (which an attacker could choose)."""
    return settings.BASE_URL.rstrip("/") + path
