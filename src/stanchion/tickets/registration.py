"""What the service desk adds to the shell: navigation, demo steps and
receivers. Each part keeps its own function below."""


def register_agent_ui():
    pass


def register_portal():
    pass


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
    pass


def register():
    register_agent_ui()
    register_portal()
    register_notifications()
    register_demo()
