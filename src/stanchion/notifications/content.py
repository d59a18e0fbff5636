"""What a notification says: a headline, a body and where it links, per
kind. The body only ever quotes public timeline text to a requester; the
recipient rules already guarantee that, and the ``public`` checks here make
sure of it a second time."""

from dataclasses import dataclass, field

from django.utils import timezone

from stanchion.tickets import csat
from stanchion.tickets.choices import ClockKind, TicketKind

from . import links
from .choices import NotificationKind as Kind


@dataclass
class Content:
    headline: str
    body: str
    path: str  # where it links, without the host
    rating_links: list = field(default_factory=list)

    def subject(self, ticket):
        # Mail headers cannot hold line breaks; titles are one line anyway.
        return " ".join(f"[{ticket.number}] {self.headline}".split())[:300]

    def title(self, ticket):
        return " ".join(f"{ticket.number} {self.headline}".split())[:300]


def _when(moment):
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def _public_text(event):
    return event.body if event is not None and event.public else ""


def _noun(ticket):
    return "request" if ticket.kind == TicketKind.REQUEST else "ticket"


def _opened(ticket, ctx, staff):
    body = (
        f"We received your {_noun(ticket)} “{ticket.title}” and gave it the number "
        f"{ticket.number}. You will hear from us here and by email; reply on the "
        "ticket page to add anything."
    )
    return f"We received your {_noun(ticket)}: {ticket.title}", body


def _reply(ticket, ctx, staff):
    return f"New reply: {ticket.title}", _public_text(ctx.get("event"))


def _question(ticket, ctx, staff):
    text = _public_text(ctx.get("event")) or "IT needs more information from you."
    return (
        f"A question about your {_noun(ticket)}: {ticket.title}",
        f"{text}\n\nReply on the ticket page; the work resumes as soon as you answer.",
    )


def _resolved(ticket, ctx, staff):
    body = ticket.resolution_notes
    if ctx.get("survey") is not None:
        body += "\n\nHow did we do? One click on a rating below tells us."
    body += "\n\nNot fixed? Reopen the ticket from its page."
    return f"Resolved: {ticket.title}", body


def _approval_decided(ticket, ctx, staff):
    approval = ctx["approval"]
    if approval.state == "approved":
        return (
            f"Approved: {ticket.title}",
            f"{approval.decided_by or 'Your approver'} approved your request; "
            "work on it starts now.",
        )
    reason = approval.comment or "No reason was given."
    return (
        f"Rejected: {ticket.title}",
        f"{approval.decided_by or 'Your approver'} rejected your request.\n\nReason: {reason}",
    )


def _summary(ticket):
    return (
        f"{ticket.title}\nPriority {ticket.priority.upper()} · requested by {ticket.requester}"
        f"{' · ' + str(ticket.service) if ticket.service_id else ''}"
    )


def _assigned(ticket, ctx, staff):
    return f"Assigned to you: {ticket.title}", _summary(ticket)


def _team_assigned(ticket, ctx, staff):
    return (
        f"New in {ticket.assignment_team}'s queue: {ticket.title}",
        f"{_summary(ticket)}\n\nNobody holds it yet.",
    )


def _requester_replied(ticket, ctx, staff):
    return f"{ticket.requester} replied: {ticket.title}", _public_text(ctx.get("event"))


def _reopened(ticket, ctx, staff):
    return f"Reopened: {ticket.title}", f"{_summary(ticket)}\n\nReopened {ticket.reopen_count}×."


def _approval_requested(ticket, ctx, staff):
    return (
        f"Approval needed: {ticket.title}",
        f"{ticket.requester} asks for “{ticket.title}”. Approve or reject it with a comment.",
    )


def _task_opened(ticket, ctx, staff):
    task = ctx["task"]
    return (
        f"Task {task.number} for {task.team}: {task.title}",
        f"{task.title}\n{task.description}".strip()
        + f"\n\nPart of {ticket.number} {ticket.title}.",
    )


def _clock_text(clock):
    label = ClockKind.label(clock.kind)
    return f"{label} ({clock.team})" if clock.team_id else label


def _sla_warning(ticket, ctx, staff):
    clock = ctx["clock"]
    return (
        f"SLA warning, 75% used: {ticket.title}",
        f"{_clock_text(clock)} target is 75% used; it is due at {_when(clock.due_at)}.\n"
        f"{_summary(ticket)}",
    )


def _sla_breached(ticket, ctx, staff):
    clock = ctx["clock"]
    return (
        f"SLA breached: {ticket.title}",
        f"{_clock_text(clock)} target was due at {_when(clock.due_at)} and was missed.\n"
        f"{_summary(ticket)}",
    )


WRITERS = {
    Kind.OPENED: _opened,
    Kind.REPLY: _reply,
    Kind.QUESTION: _question,
    Kind.RESOLVED: _resolved,
    Kind.APPROVAL_DECIDED: _approval_decided,
    Kind.ASSIGNED: _assigned,
    Kind.TEAM_ASSIGNED: _team_assigned,
    Kind.REQUESTER_REPLIED: _requester_replied,
    Kind.REOPENED: _reopened,
    Kind.APPROVAL_REQUESTED: _approval_requested,
    Kind.TASK_OPENED: _task_opened,
    Kind.SLA_WARNING: _sla_warning,
    Kind.SLA_BREACHED: _sla_breached,
}


def describe(kind, ticket, context, *, staff):
    headline, body = WRITERS[kind](ticket, context, staff)
    if kind == Kind.APPROVAL_REQUESTED:
        path = links.approval_path(context["approval"], staff=staff)
    else:
        path = links.ticket_path(ticket, staff=staff)
    survey = context.get("survey")
    ratings = csat.rating_links(survey) if kind == Kind.RESOLVED and survey else []
    return Content(headline, body, path, ratings)
