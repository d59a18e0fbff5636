import re

from .context import Source, acting

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when well-formed) and
    opens the actor context that the audit trail reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else None
        source = Source.API if request.path.startswith("/api/") else Source.WEB
        with acting(source=source, request=request, request_id=request_id) as ctx:
            request.request_id = ctx.request_id
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response
