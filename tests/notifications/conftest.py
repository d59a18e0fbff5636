"""A real SMTP server on a free loopback port (aiosmtpd), and the service
desk fixture from tests/tickets (loaded by path: test folders are not
packages here)."""

import importlib.util
import logging
import socket
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

_spec = importlib.util.spec_from_file_location(
    "tickets_conftest_for_notifications", Path(__file__).parents[1] / "tickets" / "conftest.py"
)
_tickets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tickets)
desk = _tickets.desk
T0 = _tickets.T0

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    sender: str
    recipients: list
    message: object  # email.message.EmailMessage

    @property
    def subject(self):
        return str(self.message["Subject"])

    @property
    def text(self):
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self):
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else ""


class Mailbox:
    """What the SMTP server accepted, in order."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 Message accepted"

    def to(self, address):
        return [m for m in self.received if address in m.recipients]

    @property
    def recipients(self):
        return sorted(r for m in self.received for r in m.recipients)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """The app's email goes to a real SMTP server for the test."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "", ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.BASE_URL = "https://desk.example.com"
    yield mailbox
    controller.stop()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run a block and then what would run after its commit (events,
    receivers, email), as in a real request."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def client_for(db):
    def make(user):
        client = Client()
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return make
