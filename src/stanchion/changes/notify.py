"""Telling people about change approvals: approvers (and whoever stands in
for them) when their approval is requested, the requester and the change
owner when an approval is decided.

Notifications use the notification centre's kinds "approval_requested" and
"approval_decided", so each person's preferences apply as for tickets. They
are written after the change's transaction commits; a failure is logged and
never undoes the change.
"""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from stanchion.notifications.messages import Channel
from stanchion.notifications.messages import deliver as _deliver

from .choices import ApproverKind

REQUESTED, DECIDED = "approval_requested", "approval_decided"
# The change page, then the approvals inbox, as the change pages name them.
CHANGE_URLS = (("changes:change-detail", "number"),)
FALLBACK_URLS = ("changes:approval-inbox", "changes:change-list", "notifications:list")

CHANNEL = Channel("Change")
# Notify nobody inside: for writing history (the demo's past year).
muted = CHANNEL.muted
_after_commit = CHANNEL.after_commit


def deliver(messages, kind, path, *, now=None):
    """In-app notifications and queued emails, per each person's preferences."""
    return _deliver(messages, kind, path, now=now, signature="Stanchion change management")


def change_path(change):
    for name, attribute in CHANGE_URLS:
        try:
            return reverse(name, args=[getattr(change, attribute)])
        except NoReverseMatch:
            continue
    for name in FALLBACK_URLS:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


def _messages_for_request(approval, delegates):
    change = approval.change
    what = ApproverKind.label(approval.kind).lower()
    when = ""
    if change.planned_start:
        when = f" It is planned for {timezone.localtime(change.planned_start):%Y-%m-%d %H:%M}."
    title = f"{change.number} Approval needed: {change.title}"
    body = (
        f"{change.requested_by} asks for the {what} approval of {change.number} "
        f"“{change.title}” (risk {change.risk_level or 'not assessed'}).{when} "
        "Approve or reject it with a comment."
    )
    out = []
    for approver in approval.approvers.filter(is_active=True):
        out.append((approver, title, body))
        for delegate in delegates.get(approver.pk, []):
            out.append((delegate, title, f"{body}\n\nYou stand in for {approver}."))
    return out


def _messages_for_decision(approval):
    change = approval.change
    verdict = "approved" if approval.state == "approved" else "rejected"
    who = str(approval.decided_by or "An approver")
    if approval.on_behalf_of_id:
        who += f" (for {approval.on_behalf_of})"
    title = f"{change.number} {verdict.capitalize()}: {change.title}"
    body = f"{who} {verdict} the {ApproverKind.label(approval.kind).lower()} approval."
    if approval.comment:
        body += f"\n\n{approval.comment}"
    people = {}
    for user in (change.requested_by, change.owner):
        if user is not None and user.is_active and user.pk != approval.decided_by_id:
            people[user.pk] = user
    return [(user, title, body) for user in people.values()]


def approvals_requested(approval_ids, *, now=None):
    """Tell each approver (and whoever stands in for them at ``now``) of
    their new approvals."""

    def work():
        from .models import ChangeApproval
        from .services.delegation import delegates_of

        for approval in ChangeApproval.objects.filter(pk__in=approval_ids).select_related(
            "change__requested_by"
        ):
            approver_ids = list(approval.approvers.values_list("pk", flat=True))
            messages = _messages_for_request(approval, delegates_of(approver_ids, now=now))
            deliver(messages, REQUESTED, change_path(approval.change))

    _after_commit(work)


def approval_decided(approval_id):
    """Tell the requester and the change owner of a decision."""

    def work():
        from .models import ChangeApproval

        approval = (
            ChangeApproval.objects.select_related(
                "change__requested_by", "change__owner", "decided_by", "on_behalf_of"
            )
            .filter(pk=approval_id)
            .first()
        )
        if approval is not None:
            deliver(_messages_for_decision(approval), DECIDED, change_path(approval.change))

    _after_commit(work)
