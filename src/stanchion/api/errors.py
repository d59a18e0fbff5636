"""One error shape for the whole API:

{"error": {"code": "invalid", "message": "...", "fields": {"name": ["..."]}}}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from stanchion.core.errors import TransitionError


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def error_body(code, message, fields=None, **extra):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    body["error"].update(extra)
    return body


def _from_validation_error(detail):
    if isinstance(detail, dict):
        fields = _flatten(detail)
        general = fields.pop("non_field_errors", None) or fields.pop("__all__", None)
        if general:
            message = "; ".join(general) if isinstance(general, list) else str(general)
        else:
            names = ", ".join(sorted(fields))
            message = f"Invalid input in: {names}." if names else "Invalid input."
        if general and fields:
            message = f"{message} Invalid input in: {', '.join(sorted(fields))}."
        return error_body("invalid", message, fields)
    messages = _flatten(detail)
    return error_body("invalid", "; ".join(str(m) for m in messages) or "Invalid input.")


def exception_handler(exc, context):
    response = _error_response(exc, context)
    if response is not None:
        _render_as_json(context.get("request"))
    return response


def _render_as_json(request):
    # An error is JSON even where the view would have sent a file or another
    # format (?format=..., Accept): the one error shape has one media type.
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def _error_response(exc, context):
    if isinstance(exc, ProtectedError | RestrictedError):
        names = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        message = f"Still in use by {', '.join(names)}; remove those references first."
        return Response(error_body("protected", message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        # A uniqueness race that slipped past validation: report, never 500.
        return Response(
            error_body("conflict", "This conflicts with an existing record."),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TransitionError):
        # The request was well formed; the record's state does not allow it.
        return Response(
            error_body("invalid_transition", exc.messages[0], {"state": exc.messages}),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response(_from_validation_error(detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _from_validation_error(exc.detail)
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = code if isinstance(code, str) else "error"
    response.data = error_body(code, str(detail))
    return response


def json_error(request, status_code, code, message):
    return JsonResponse(error_body(code, message), status=status_code)
