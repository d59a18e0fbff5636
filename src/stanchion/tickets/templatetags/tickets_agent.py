"""Template helpers of the agent workspace: compact badges, relative due
times, durations and Markdown."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from stanchion.catalog.choices import Priority
from stanchion.core.markdown import render_markdown

from ..choices import ClockKind, EventKind, LinkKind, PendingReason, ResolutionCode, TicketState
from ..presenters import span

register = template.Library()

LABELS = {
    "state": TicketState,
    "pending": PendingReason,
    "resolution": ResolutionCode,
    "clock": ClockKind,
    "event": EventKind,
    "link": LinkKind,
    "priority": Priority,
}


@register.simple_tag
def priority_badge(priority):
    """ "P1" in the priority's colour, with the full label as its title."""
    if not priority:
        return ""
    return format_html(
        '<span class="badge badge-{} prio" title="{}">{}</span>',
        Priority.colour(priority),
        Priority.label(priority),
        priority.upper(),
    )


@register.filter
def label(value, kind):
    """``{{ event.data.to|label:"state" }}`` -> "In progress"."""
    if value in (None, ""):
        return ""
    choices = LABELS.get(kind)
    return choices.label(value) if choices and value in choices else value


@register.filter
def seconds_span(value):
    """A number of seconds as "2 h 30 min"."""
    if value in (None, ""):
        return ""
    return span(value)


@register.filter
def timedelta_span(value):
    if value is None:
        return ""
    text = span(value.total_seconds())
    return f"{text} over" if value.total_seconds() < 0 else text


@register.filter
def due_in(moment):
    """ "in 1 h 20 min" or "25 min ago", from now."""
    if moment is None:
        return ""
    delta = (moment - timezone.now()).total_seconds()
    return f"in {span(delta)}" if delta >= 0 else f"{span(delta)} ago"


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def initials(user):
    name = str(user or "").strip()
    parts = [p for p in name.replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"
