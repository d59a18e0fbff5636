from django.utils import timezone

from stanchion.core.services import create_record

from ..models import TimelineEvent


def record(ticket, kind, *, actor=None, body="", public=False, at=None, **data):
    """Append one typed event to the ticket's timeline."""
    return create_record(
        TimelineEvent,
        {
            "ticket": ticket,
            "kind": kind,
            "actor": actor if getattr(actor, "pk", None) else None,
            "body": body,
            "public": public,
            "at": at or timezone.now(),
            "data": data,
        },
    )
