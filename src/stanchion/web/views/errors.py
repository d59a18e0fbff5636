"""Error pages; under /api/ they answer in the API's JSON error shape."""

from django.shortcuts import render

from stanchion.api.errors import json_error


def _respond(request, status, code, message):
    if request.path.startswith("/api/"):
        return json_error(request, status, code, message)
    return render(request, "web/error.html", {"status": status, "message": message}, status=status)


def not_found(request, exception=None):
    return _respond(request, 404, "not_found", "Not found.")


def forbidden(request, exception=None):
    return _respond(request, 403, "permission_denied", "You do not have access to this page.")


def bad_request(request, exception=None):
    return _respond(request, 400, "bad_request", "The request was malformed.")


def server_error(request):
    return _respond(request, 500, "server_error", "Something went wrong on our side.")
