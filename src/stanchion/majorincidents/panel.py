"""The card on the agent's ticket page: the major incident this ticket is,
or is a child of; else, for an open P1/P2 incident and someone allowed to,
the form that declares it."""

from django.template.loader import render_to_string

from stanchion.accounts.roles import has_perm

from .choices import MajorPriority
from .forms import DeclareForm
from .models import ChildIncident, MajorIncident


def ticket_panel(request, ticket):
    user = request.user
    if not has_perm(user, "majorincident.view"):
        return ""
    mi = MajorIncident.objects.filter(ticket_id=ticket.pk).first()
    parent = None
    if mi is None:
        child = (
            ChildIncident.objects.filter(ticket_id=ticket.pk)
            .select_related("major_incident")
            .first()
        )
        parent = child.major_incident if child else None
    declarable = (
        mi is None
        and parent is None
        and ticket.kind == "incident"
        and ticket.is_open
        and ticket.priority in MajorPriority
        and has_perm(user, "majorincident.add")
    )
    if mi is None and parent is None and not declarable:
        return ""
    return render_to_string(
        "majorincidents/ticket_panel.html",
        {
            "ticket": ticket,
            "mi": mi,
            "parent": parent,
            "declarable": declarable,
            "form": DeclareForm(initial={"title": ticket.title}) if declarable else None,
        },
        request=request,
    )
