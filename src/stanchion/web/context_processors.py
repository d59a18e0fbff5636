from dataclasses import dataclass
from itertools import groupby

from django.urls import reverse

from stanchion.core.registry import registry


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    key: str  # "p" makes "g p" jump here
    active: bool


def navigation(request):
    """The sidebar: the registry's entries this user may open, grouped by section."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    items = registry.nav_for(user)
    order = {}
    for item in items:
        order.setdefault(item.section, item.order)
    items = sorted(items, key=lambda i: (order[i.section], i.order))
    sections = []
    for section, group in groupby(items, key=lambda i: i.section):
        links = []
        for item in group:
            url = reverse(item.url_name)
            links.append(NavLink(item.label, url, item.key, request.path.startswith(url)))
        sections.append((section, links))
    return {"nav_sections": sections}
