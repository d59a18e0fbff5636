"""Where major incidents plug into the shell: navigation, the card on the
agent's ticket page and the periodic jobs (overdue stakeholder updates,
overdue review actions)."""

SECTION = "Major incidents"
PORTAL = "Self-service"


def register():
    from stanchion.core.registry import NavItem, registry

    from . import panel, services

    registry.add_nav(
        NavItem("Major incidents", "majorincidents:list", "majorincident.view", SECTION, order=30)
    )
    # Every employee: the status page and the services they follow.
    registry.add_nav(
        NavItem("Service status", "majorincidents:status", "majorincident.status", PORTAL, order=7)
    )
    registry.add_nav(
        NavItem(
            "Followed services",
            "majorincidents:subscriptions",
            "servicesubscription.view",
            PORTAL,
            order=8,
        )
    )
    registry.add_ticket_panel("major_incident", panel.ticket_panel, order=10)
    registry.add_periodic("majorincidents.overdue_updates", services.notify_overdue_updates, 60)
    registry.add_periodic("majorincidents.overdue_actions", services.notify_overdue_actions, 3600)
