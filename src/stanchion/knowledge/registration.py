"""Where the knowledge base plugs into the shell: its navigation (the IT
list for IT roles, the help articles for everyone) and the Knowledge card on
the agent's ticket page."""

SECTION = "Knowledge"


def register():
    from stanchion.core.registry import NavItem, registry

    from .panel import ticket_panel

    registry.add_nav(
        NavItem("Knowledge base", "knowledge:article-list", "articleversion.view", SECTION, 60)
    )
    # Beside "Get help" in the employee portal's section.
    registry.add_nav(
        NavItem("Help articles", "knowledge:portal-list", "article.view", "Self-service", 7)
    )
    registry.add_ticket_panel("knowledge", ticket_panel, order=60)
