"""What the service desk adds to the shell: navigation, demo steps and
receivers. Each part keeps its own function below."""


def register_agent_ui():
    """The agent workspace: one entry per queue and the intake form, for IT
    staff. ``slaclock.view`` is the gate because every staff role (auditors
    too) holds it and employees, who see their own tickets, do not."""
    from stanchion.core.registry import NavItem, registry

    from .views_agent_queues import QUEUES

    section = "Service desk"
    for position, queue in enumerate(QUEUES.values()):
        registry.add_nav(
            NavItem(
                queue.label,
                f"tickets:queue-{queue.slug}",
                "slaclock.view",
                section,
                order=20 + position,
                key=queue.nav_key,
            )
        )
    registry.add_nav(NavItem("New incident", "tickets:incident-new", "ticket.change", section, 29))


def register_portal():
    """The employee portal, for every role's own business: asking for help
    (not auditors, who only read), one's tickets, and approvals (the inbox
    says so when nothing waits)."""
    from stanchion.core.registry import NavItem, registry

    section = "Self-service"
    registry.add_nav(NavItem("Get help", "tickets:portal-home", "ticket.add", section, order=5))
    registry.add_nav(
        NavItem("My tickets", "tickets:my-tickets", "ticket.view", section, order=6, key="m")
    )
    registry.add_nav(
        NavItem("Approvals", "tickets:approval-list", "approval.decide", section, order=12)
    )


def register_notifications():
    """Ticket events notify people (stanchion.notifications); the periodic
    jobs warn about and breach SLA clocks, close old resolved tickets and
    retry email that could not be sent."""
    from django.conf import settings

    from stanchion.core.registry import registry
    from stanchion.notifications import mailer
    from stanchion.notifications.services import on_ticket_event

    from . import events, jobs

    events.ticket_event.connect(on_ticket_event, dispatch_uid="stanchion.notifications")
    registry.add_periodic("sla-check", jobs.check_sla_clocks, settings.SLA_CHECK_SECONDS)
    registry.add_periodic("email-retry", mailer.send_due_email, 30)


def register_demo():
    """A year of service desk history, after the directory (10) and the
    catalog (20)."""
    from stanchion.core.registry import registry

    from .demo import create_ticket_history

    registry.add_demo("tickets", create_ticket_history, order=30)


def register_sla_reapply():
    """Let the catalog's "reapply to open tickets" reach the tickets."""
    from stanchion.catalog.sla import REAPPLIERS

    from .services.reapply import reapply_sla_policy

    if reapply_sla_policy not in REAPPLIERS:
        REAPPLIERS.append(reapply_sla_policy)


def register_kpis():
    """The service desk's KPIs (tickets/kpis.py) join the KPI engine's registry."""
    from . import kpis

    kpis.register()


def register_kpi_rollups():
    """The desk's KPI roll-ups forget the days a changed record counted."""
    from . import kpi_rollups

    kpi_rollups.register()


def register():
    register_kpis()
    register_kpi_rollups()
    register_sla_reapply()
    register_agent_ui()
    register_portal()
    register_notifications()
    register_demo()
