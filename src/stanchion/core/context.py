"""Who is acting, from where: read by the audit trail when a record is written.

The web and API middleware, the CLI and the job runner each set the context;
anything written outside one of them is recorded with source "system".
"""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass, field


class Source:
    WEB = "web"
    API = "api"
    CLI = "cli"
    JOB = "job"
    SYSTEM = "system"


@dataclass
class ActorContext:
    source: str = Source.SYSTEM
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    user: object = None
    request: object = None  # the HttpRequest, whose .user DRF fills in after auth

    def current_user(self):
        if self.user is not None:
            return self.user
        user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user
        return None


_current = contextvars.ContextVar("stanchion_actor", default=None)


def current():
    return _current.get() or ActorContext()


@contextlib.contextmanager
def acting(*, source, user=None, request=None, request_id=None):
    ctx = ActorContext(source=source, user=user, request=request)
    if request_id:
        ctx.request_id = request_id
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
