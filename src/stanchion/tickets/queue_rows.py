"""The rows of an agent queue page, read as plain values and written as HTML
in Python.

A queue page shows 50 tickets. Read as model instances (with their
requester, team and assignee) and rendered through template tags and filters
cell by cell, they cost several times the page's queries; here a row is one
tuple from the database, and its ``<tr>`` one f-string whose every value is
escaped (``presenters._e``, what autoescaping does).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import mark_safe

from .choices import OPEN_STATES, PendingReason
from .presenters import (
    LocalTimes,
    _e,
    _label,
    ago,
    due_in,
    priority_badge,
    state_badge,
    ticket_urls,
)

# What a row shows, sorts on and acts on, in QueueRow's order.
QUEUE_ROW_COLUMNS = (
    *("pk", "number", "version", "kind", "title", "is_major", "priority", "state"),
    *("pending_reason", "sla_due_at", "created_at", "updated_at", "requester__name"),
    *("assignment_team__name", "assignee_id", "assignee__full_name", "assignee__email"),
    "sla_warn_at",  # annotated by views_agent_queues.queue_rows
)


@dataclass(slots=True)
class QueueRow:
    pk: int
    number: str
    version: int
    kind: str
    title: str
    is_major: bool
    priority: str
    state: str
    pending_reason: str
    sla_due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    requester_name: str | None
    team_name: str | None  # None: no team holds the ticket
    assignee_id: int | None
    assignee_full_name: str | None
    assignee_email: str | None
    sla_warn_at: datetime | None  # the warning point of the clock due first

    @classmethod
    def from_values(cls, values):
        return cls(*values)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def assignee_name(self):
        """As the assignee's User.__str__ reads (full name, else email)."""
        if self.assignee_id is None:
            return ""
        return self.assignee_full_name or self.assignee_email or ""

    @property
    def select_key(self):
        # The version rides along so a bulk action refuses rows changed since.
        return f"{self.pk}:{self.version}"


def _due_cell(row, level, times, now):
    if row.sla_due_at is None:
        return '<span class="muted">—</span>'
    local = times.local(row.sla_due_at)
    css = f" due-{_e(level)}" if level else ""
    return (
        f'<time datetime="{_e(times.iso(local))}" title="{_e(times.minute_zone(local))}" '
        f'class="due{css}">{_e(due_in(row.sla_due_at, now))}</time>'
    )


def row_html(row, *, level, can_act, kept, url, times, now):
    """One ``<tr>``: ``level`` is the SLA warning level ("breached",
    "warning" or ""), ``kept`` the select keys to show ticked."""
    link = _e(url(row.number))
    number = _e(row.number)
    select = ""
    if can_act:
        checked = " checked" if row.select_key in kept else ""
        select = (
            f'<td class="select"><input type="checkbox" name="ticket" value="{_e(row.select_key)}"'
            f' aria-label="Select {number}"{checked}></td>'
        )
    major = ' <span class="badge badge-red" title="Major incident">Major</span>'
    request = '<span class="cell-sub">Service request</span>'
    pending = _label(PendingReason, row.pending_reason)
    pending = f'<span class="cell-sub">{_e(pending)}</span>' if pending else ""
    if row.team_name is not None:
        assignee = row.assignee_name or "Unassigned"
        team = f'{_e(row.team_name)}<span class="cell-sub">{_e(assignee)}</span>'
    else:
        team = '<span class="muted">No team</span>'
    updated = times.local(row.updated_at)
    return (
        f'<tr data-row data-href="{link}">\n'
        f"  {select}\n"
        f'  <td class="nowrap"><a href="{link}" class="mono" data-row-link>{number}</a>'
        f"{major if row.is_major else ''}</td>\n"
        f'  <td class="title-cell">{_e(row.title)}{request if row.kind == "request" else ""}</td>\n'
        f'  <td class="hide-narrow">{_e(row.requester_name or "")}</td>\n'
        f"  <td>{priority_badge(row.priority)}</td>\n"
        f"  <td>{state_badge(row.state)}{pending}</td>\n"
        f'  <td class="hide-narrow">{team}</td>\n'
        f'  <td class="nowrap">{_due_cell(row, level, times, now)}</td>\n'
        f'  <td class="hide-narrow nowrap"><time datetime="{_e(times.iso(updated))}" '
        f'title="{_e(times.minute(updated))}">{_e(ago(row.updated_at, now))}</time></td>\n'
        "</tr>\n"
    )


def rows_html(rows, *, level, can_act, kept, now):
    """The queue table's body rows. ``level(row)`` gives a row's SLA level;
    times are shown in the active time zone."""
    times, url = LocalTimes(), ticket_urls()
    kept = set(kept or ())
    html = "".join(
        row_html(row, level=level(row), can_act=can_act, kept=kept, url=url, times=times, now=now)
        for row in rows
    )
    return mark_safe(html)  # noqa: S308 - every value in it went through _e


def options_html(choices, selected=""):
    """``<option>``s for (value, label) pairs, ``selected`` (a string, as
    posted) marked selected."""
    html = "".join(
        f'<option value="{_e(value)}"{" selected" if str(value) == selected else ""}>'
        f"{_e(label)}</option>"
        for value, label in choices
    )
    return mark_safe(html)  # noqa: S308 - every value in it went through _e
