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
    """The sidebar: the registry's entries this user may open, grouped by
    section. The entry whose URL is the longest prefix of the page's path is
    the one highlighted (the change calendar under /changes/calendar/ is not
    also "Changes")."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    items = registry.nav_for(user)
    order = {}
    for item in items:
        order.setdefault(item.section, item.order)
    items = sorted(items, key=lambda i: (order[i.section], i.order))
    urls = {item.url_name: reverse(item.url_name) for item in items}
    active = max(
        (url for url in urls.values() if request.path.startswith(url)), key=len, default=None
    )
    sections = []
    for section, group in groupby(items, key=lambda i: i.section):
        links = []
        for item in group:
            url = urls[item.url_name]
            links.append(NavLink(item.label, url, item.key, url == active))
        sections.append((section, links))
    return {"nav_sections": sections}
