"""A ticket reported from a browser session ends that session's knowledge
sessions as "not deflected" (see models.KnowledgeSession). The service desk
does not know about the knowledge base: this listens for new tickets and
reads the browser session from the request that created it."""

from django.db import transaction
from django.db.models.signals import post_save

from stanchion.core import context


def _ticket_created(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    request = context.current().request
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return
    from .services import mark_ticket_reported

    ticket_id = instance.pk

    def mark():
        from stanchion.tickets.models import Ticket

        mark_ticket_reported(key, Ticket.objects.filter(pk=ticket_id).first())

    transaction.on_commit(mark)


def connect():
    from stanchion.tickets.models import Ticket

    post_save.connect(_ticket_created, sender=Ticket, dispatch_uid="knowledge_ticket_created")
