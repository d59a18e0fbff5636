"""Telling people about major incidents: every stakeholder update goes to
the subscribers of the affected services and the requesters of child
incidents (in-app and by email, per their preferences); a missed update
deadline goes to the commander and the communications lead; an overdue
review action goes to its owner. Written after the transaction commits; a
failure is logged and never undoes the work."""

from django.urls import reverse
from django.utils import timezone

from stanchion.accounts.models import User
from stanchion.notifications.messages import Channel, EmailOnly, deliver

UPDATE, OVERDUE, ACTION_OVERDUE = "major_incident", "update_overdue", "action_overdue"
SIGNATURE = "Stanchion major incidents"

CHANNEL = Channel("Major incident")
muted = CHANNEL.muted


def _deliver(messages, kind, path):
    return deliver(messages, kind, path, signature=SIGNATURE)


def update_recipients(mi):
    """Active subscribers of the affected services, then the requesters of
    child incidents (by login, or by directory email without one)."""
    from .models import ServiceSubscription

    people = list(
        User.objects.filter(
            is_active=True,
            pk__in=ServiceSubscription.objects.filter(service__in=mi.services.values("pk")).values(
                "user_id"
            ),
        )
    )
    requesters = [
        child.ticket.requester for child in mi.children.select_related("ticket__requester")
    ]
    logins = {
        user.person_id: user for user in User.objects.filter(person__in=[p.pk for p in requesters])
    }
    for person in requesters:
        user = logins.get(person.pk)
        if user is not None:
            if user.is_active:
                people.append(user)
        elif person.email and person.employment_status != "terminated":
            people.append(EmailOnly(person.email, person.name))
    return people


def update_posted(update_id):
    def work():
        from .models import MajorIncidentUpdate

        update = MajorIncidentUpdate.objects.select_related("major_incident").get(pk=update_id)
        mi = update.major_incident
        title = f"{mi.number} {mi.get_state_display()}: {mi.title}"
        when = timezone.localtime(update.created_at)
        body = f"Update at {when:%Y-%m-%d %H:%M}:\n\n{update.body}"
        messages = [(person, title, body) for person in update_recipients(mi)]
        _deliver(messages, UPDATE, reverse("majorincidents:status"))

    CHANNEL.after_commit(work)


def update_overdue(mi_id, deadline):
    def work():
        from .models import MajorIncident

        mi = MajorIncident.objects.select_related("commander", "comms_lead").get(pk=mi_id)
        title = f"{mi.number} Stakeholder update overdue: {mi.title}"
        body = (
            f"The next update was due at {timezone.localtime(deadline):%Y-%m-%d %H:%M} "
            "and none has been posted. Post one from the major incident page."
        )
        people = [u for u in (mi.commander, mi.comms_lead) if u is not None and u.is_active]
        path = reverse("majorincidents:detail", args=[mi.number])
        _deliver([(u, title, body) for u in people], OVERDUE, path)

    CHANNEL.after_commit(work)


def action_overdue(action_id):
    def work():
        from .models import ReviewAction

        action = ReviewAction.objects.select_related("owner", "review__major_incident").get(
            pk=action_id
        )
        mi = action.review.major_incident
        title = f"{mi.number} Review action overdue: {action.title}"
        body = (
            f"You own this action from the post-incident review of {mi.number} "
            f"“{mi.title}”; it was due on {action.due_date:%Y-%m-%d}. "
            "Mark it done, or agree a new due date."
        )
        if action.owner.is_active:
            path = reverse("majorincidents:review", args=[mi.number])
            _deliver([(action.owner, title, body)], ACTION_OVERDUE, path)

    CHANNEL.after_commit(work)
