"""Template helpers for KPI pages: status words and colours."""

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS = {
    "on": ("On target", "green"),
    "near": ("Near target", "amber"),
    "off": ("Off target", "red"),
    None: ("No target", "grey"),
}


@register.simple_tag
def status_badge(status, empty=""):
    """``{% status_badge value.status %}``: on/near/off target as a badge;
    ``empty`` is shown instead when there is no status."""
    if status is None and empty:
        return format_html('<span class="muted small">{}</span>', empty)
    label, colour = STATUS.get(status, STATUS[None])
    return format_html('<span class="badge badge-{}">{}</span>', colour, label)


@register.filter
def status_word(status):
    return STATUS.get(status, STATUS[None])[0]


@register.filter
def duration_seconds(seconds):
    """A number of seconds as "45 min", "4 h" or "2 h 30 min"."""
    if seconds in (None, ""):
        return "—"
    minutes = int(seconds) // 60
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@register.simple_tag
def value_badge(value, empty=""):
    """The status of an engine Value: "No data" when it has no records."""
    if value is None or value.value is None:
        if empty:
            return format_html('<span class="muted small">{}</span>', empty)
        return format_html('<span class="badge badge-{}">{}</span>', "grey", "No data")
    return status_badge(value.status, empty)
