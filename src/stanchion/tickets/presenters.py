"""What the agent ticket timeline shows, written in Python, and the helpers
the queue rows (queue_rows.py) share with it.

A ticket page can show hundreds of timeline events. Rendered one template
include per event, with a dozen tags and filters each (dates formatted three
ways, labels, Markdown), the template engine took most of the page's time,
several times what its queries took. Here each event is read as a plain row
and its list item written with f-strings whose every value is escaped as
autoescaping would (``_e``); the template puts the result in place.

Times are shown in the given or the active time zone, formatted exactly as
the ``date`` filter formats them.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from html import escape as escape_text
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from stanchion.catalog.choices import Priority
from stanchion.core.markdown import render_markdown

from .choices import EventKind, LinkKind, PendingReason, ResolutionCode, TicketState

EMPTY = mark_safe("")


# Dates -------------------------------------------------------------------------------


class LocalTimes:
    """Formats aware datetimes in the active time zone, the ways the pages
    use (the ``date`` filter's "c", "Y-m-d H:i T", "Y-m-d H:i", "M j, H:i")."""

    def __init__(self, zone=None):
        self.zone = zone or timezone.get_current_timezone()
        # The month abbreviations in the active language, as "M" gives them.
        self.months = {}

    def local(self, moment):
        return moment.astimezone(self.zone) if timezone.is_aware(moment) else moment

    def month(self, number):
        name = self.months.get(number)
        if name is None:
            name = self.months[number] = str(MONTHS_3[number]).title()
        return name

    @staticmethod
    def iso(local):
        return local.isoformat()

    @staticmethod
    def minute(local):
        return local.strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def minute_zone(local):
        zone = local.tzinfo
        name = str(zone.tzname(local)) if zone is not None else ""
        return f"{local.strftime('%Y-%m-%d %H:%M')} {name}"

    def short(self, local):
        return f"{self.month(local.month)} {local.day}, {local.strftime('%H:%M')}"


# Small text helpers, as the templates' filters render -------------------------------
#
# The same as the tickets_agent template tags (which other templates use),
# kept apart on purpose: tests render the old templates, through those tags,
# as the reference these pages are compared with.


def _label(choices, value):
    """The ``label`` template filter: a choice's label, else the value itself."""
    if value in (None, ""):
        return ""
    return choices.label(value) if value in choices else value


def span(seconds):
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "under a minute"


def due_in(moment, now):
    """ "in 1 h 20 min" or "25 min ago", from ``now``."""
    delta = (moment - now).total_seconds()
    return f"in {span(delta)}" if delta >= 0 else f"{span(delta)} ago"


def ago(moment, now):
    """ "just now", "5 minutes ago" (what the ``ago`` filter says)."""
    if (now - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, now)} ago"


def initials(user):
    name = str(user or "").strip()
    parts = [p for p in name.replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@functools.lru_cache(maxsize=64)
def priority_badge(priority):
    """ "P1" in the priority's colour, with the full label as its title."""
    if not priority:
        return EMPTY
    return format_html(
        '<span class="badge badge-{} prio" title="{}">{}</span>',
        Priority.colour(priority),
        Priority.label(priority),
        priority.upper(),
    )


@functools.lru_cache(maxsize=64)
def state_badge(state):
    if state in (None, ""):
        return EMPTY
    return format_html(
        '<span class="badge badge-{}">{}</span>',
        TicketState.colour(state),
        TicketState.label(state),
    )


def ticket_urls():
    """A function giving ``reverse("tickets:ticket", args=[number])`` for
    many numbers at the cost of one reverse (a reverse per row cost more than
    the row's query)."""
    marker = "0TICKET0"
    before, after = reverse("tickets:ticket", args=[marker]).split(marker)
    safe = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
    return lambda number: f"{before}{quote(number, safe=safe)}{after}"


# Timeline events --------------------------------------------------------------------
#
# Built with f-strings over ``_e`` (what autoescaping does: escape plain
# values, keep safe ones such as sanitised Markdown) rather than format_html,
# whose per-argument overhead was most of a 200-event timeline's cost.


def _e(value):
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape_text(str(value))


ENTRY_FIELDS = ("kind", "public", "body", "data", "at", "actor_id", "actor__full_name")
ENTRY_FIELDS += ("actor__email",)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One timeline event as the page shows it, read without building model
    instances (a ticket page reads hundreds)."""

    kind: str
    public: bool
    body: str
    data: dict
    at: datetime
    actor: str | None  # the actor's name as User.__str__ gives it; None: Stanchion

    @classmethod
    def read(cls, queryset):
        """``queryset`` of TimelineEvent, in the order to show."""
        return [
            cls(kind, public, body, data, at, (name or email) if actor_id else None)
            for kind, public, body, data, at, actor_id, name, email in queryset.values_list(
                *ENTRY_FIELDS
            )
        ]


def _state_phrase(data):
    if data.get("from") == "resolved" and data.get("to") == "in_progress":
        text = "reopened the ticket"
    else:
        text = "changed the state"
    text += (
        f'\n        <span class="transition">{_e(_label(TicketState, data.get("from", "")))} → '
        f"<strong>{_e(_label(TicketState, data.get('to', '')))}</strong></span>"
    )
    if data.get("reason"):
        text += f' <span class="muted">({_e(_label(PendingReason, data["reason"]))})</span>'
    if data.get("code"):
        text += f' <span class="muted">({_e(_label(ResolutionCode, data["code"]))})</span>'
    return text


def _assignment_phrase(data):
    text = f"assigned the ticket to <strong>{_e(data.get('to_team', ''))}</strong>"
    if data.get("tier"):
        text += f' <span class="badge badge-purple">{_e(str(data["tier"]).upper())}</span>'
    if data.get("to_assignee"):
        text += f" / <strong>{_e(data['to_assignee'])}</strong>"
    if data.get("from_team") and data.get("from_team") != data.get("to_team"):
        text += f' <span class="muted">(from {_e(data["from_team"])})</span>'
    return text


def _item(sequence, index):
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return ""


def _field_phrase(data):
    changes = data.get("changes") or {}
    items = changes.items() if isinstance(changes, dict) else ()
    listed = ", ".join(
        f"{_e(str(name).replace('_id', ''))} <del>{_e(_item(change, 0) or '—')}</del> → "
        f"<ins>{_e(_item(change, 1) or '—')}</ins>"
        for name, change in items
    )
    return f"updated {listed}"


def _task_phrase(data):
    text = (
        f'task <span class="mono">{_e(data.get("task", ""))}</span> {_e(data.get("title", ""))}'
        f" is <strong>{_e(data.get('state', ''))}</strong>"
    )
    if data.get("team"):
        text += f' <span class="muted">({_e(data["team"])})</span>'
    return text


def _head_phrase(event, data):
    """What the actor did: the words after their name in the event head (HTML)."""
    kind = event.kind
    if kind == "created":
        channel = data.get("channel")
        return f"opened the ticket via {_e(channel)}" if channel else "opened the ticket"
    if kind == "comment":
        if event.public:
            return "replied"
        return 'replied <span class="badge badge-amber">not shown to requester</span>'
    if kind == "note":
        return "added an <strong>internal note</strong>"
    if kind == "state":
        return _state_phrase(data)
    if kind == "assignment":
        return _assignment_phrase(data)
    if kind == "sla":
        sla = data.get("sla", "")
        colour = "badge-red" if sla == "breached" else "badge-amber"
        return f'<span class="badge {colour}">SLA {_e(sla or "event")}</span>'
    if kind == "approval":
        if data.get("state") == "pending":
            return f"asked <strong>{_e(data.get('approver', ''))}</strong> for approval"
        return f"<strong>{_e(data.get('state', ''))}</strong> the request"
    if kind == "task":
        return _task_phrase(data)
    if kind == "link":
        link = str(_label(LinkKind, data.get("link", ""))).lower()
        return (
            f'linked <span class="mono">{_e(data.get("other", ""))}</span> '
            f'<span class="muted">({_e(link)})</span>'
        )
    if kind == "field":
        return _field_phrase(data)
    return _e(_label(EventKind, kind))


def event_html(event, times):
    """One timeline event (a TimelineEntry or a TimelineEvent) as its
    ``<li>``: who did what, when, and the text they wrote (Markdown,
    sanitised; SLA events' text is plain)."""
    kind = event.kind
    data = event.data if isinstance(event.data, dict) else {}
    extra = ""
    if kind == "note":
        extra = " internal"
    elif kind == "sla":
        extra = f" sla-{_e(data.get('sla', ''))}"
    actor = event.actor
    mark = _e(initials(actor)) if kind in ("comment", "note") else ""
    who = _e(actor) if actor is not None else "Stanchion"
    text = ""
    if event.body and kind != "created":
        body = _e(event.body) if kind == "sla" else render_markdown(event.body)
        text = f'\n    <div class="event-text prose">{body}</div>'
    local = times.local(event.at)
    kind = _e(kind)
    return (
        f'<li class="event event-{kind}{extra}" data-kind="{kind}">\n'
        f'  <div class="event-mark" aria-hidden="true">{mark}</div>\n'
        '  <div class="event-body">\n'
        '    <div class="event-head">\n'
        f'      <span class="event-who">{who}</span>\n'
        f"      {_head_phrase(event, data)}\n"
        f'      <time class="event-when" datetime="{_e(times.iso(local))}" '
        f'title="{_e(times.minute_zone(local))}">{_e(times.short(local))}</time>\n'
        f"    </div>{text}\n"
        "  </div>\n"
        "</li>\n"
    )


def timeline_html(events, zone=None):
    """The timeline's list items, in the order of ``events``, times in
    ``zone`` (else the active time zone)."""
    times = LocalTimes(zone)
    html = "".join(event_html(event, times) for event in events)
    return mark_safe(html)  # noqa: S308 - every value in it went through _e or nh3
