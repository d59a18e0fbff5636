"""Where problem management plugs into the shell: navigation (every IT role
reads problems; IT administrators keep the taxonomy and the thresholds) and
the card on the agent's ticket page."""

SECTION = "Problem management"


def register():
    from stanchion.core.registry import NavItem, registry

    from .panel import ticket_panel

    pages = [
        ("Problems", "problems:problem-list", "problem.view"),
        ("Problem candidates", "problems:candidates", "problem.view"),
        ("Root-cause categories", "problems:rootcause-list", "rootcausecategory.view"),
        ("Detection thresholds", "problems:settings", "recurrencesettings.change"),
    ]
    for order, (label, url_name, permission) in enumerate(pages, start=55):
        registry.add_nav(NavItem(label, url_name, permission, SECTION, order=order))
    registry.add_ticket_panel("problems", ticket_panel, order=20)
