"""Template helpers of the catalog pages."""

from django import template

from ..views_common import business_duration as _business_duration

register = template.Library()

# What an outage of each tier costs (docs/catalog.md says the same).
TIER_MEANINGS = {
    "1": "Critical: most of the company cannot work, or a security control is down. "
    "Worked around the clock for P1 and P2.",
    "2": "Important: a team or a business process is blocked, with a workaround or a "
    "deadline measured in hours.",
    "3": "Standard: inconvenient for individuals; can wait for office hours.",
}


@register.filter
def business_duration(value):
    """``{{ policy.response_target|business_duration }}`` -> "10 min", "4 h", "40 h"."""
    return _business_duration(value)


@register.filter
def tier_meaning(tier):
    return TIER_MEANINGS.get(str(tier), "")


@register.filter
def hours(value):
    """A number of hours, without a trailing ".0": 10.0 -> "10", 9.5 -> "9.5"."""
    if value is None:
        return ""
    return f"{value:g}" if value == round(value, 2) else f"{value:.2f}"
