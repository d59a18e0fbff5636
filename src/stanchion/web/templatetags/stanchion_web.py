"""Template helpers shared by every page: status badges and permission checks."""

import functools

from django import template
from django.apps import apps
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from stanchion.accounts.roles import has_perm
from stanchion.core.choices import ChoiceSet

register = template.Library()


def _choice_sets():
    """Every ChoiceSet by "<app>.<ClassName>", e.g. "accounts.EmploymentStatus"."""
    found, pending = {}, list(ChoiceSet.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        parts = cls.__module__.split(".")
        app = parts[1] if len(parts) > 1 and parts[0] == "stanchion" else parts[0]
        found[f"{app}.{cls.__name__}"] = cls
    return found


@register.simple_tag
def badge(value, choice_set):
    """``{% badge person.employment_status "accounts.EmploymentStatus" %}``: the
    value's label in its ChoiceSet colour."""
    cls = _choice_sets().get(choice_set)
    if cls is None:
        raise template.TemplateSyntaxError(f"Unknown ChoiceSet {choice_set!r}")
    if value in (None, ""):
        return ""
    return format_html(
        '<span class="badge badge-{}">{}</span>', cls.colour(value), cls.label(value)
    )


@register.simple_tag
def flag_badge(value, yes="Active", no="Inactive"):
    """A green/grey badge for booleans such as ``is_active``."""
    colour, label = ("green", yes) if value else ("grey", no)
    return format_html('<span class="badge badge-{}">{}</span>', colour, label)


@register.filter
def can(user, permission):
    """``{% if user|can:"team.change" %}``"""
    return has_perm(user, permission)


@register.filter
def field_label(attname):
    """Audit change keys are attribute names: "manager_id" reads as "manager"."""
    name = attname[:-3] if attname.endswith("_id") else attname
    return name.replace("_", " ")


@register.filter
def duration(value):
    """A timedelta as words: "15 minutes", "2 hours"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minutes" if rest else text


@functools.cache
def _record_type(label):
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label.split(".", 1)[-1]
    return str(model._meta.verbose_name)


@register.filter
def record_type(label):
    """ "accounts.teammembership" -> "team membership" (the model's own name)."""
    return _record_type(label)


@register.filter
def ago(moment):
    """ "just now", "5 minutes ago": a past time relative to now."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"
