from itertools import groupby

from stanchion.core.registry import registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    items = registry.nav_for(user)
    order = {}
    for item in items:
        order.setdefault(item.section, item.order)
    items = sorted(items, key=lambda i: (order[i.section], i.order))
    return {
        "nav_sections": [
            (section, list(group)) for section, group in groupby(items, key=lambda i: i.section)
        ],
    }
