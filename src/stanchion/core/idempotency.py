"""Safe retries of create requests: the ``Idempotency-Key`` header.

A client that sends ``Idempotency-Key: <any unique string>`` with a create
may repeat the request (after a timeout, a dropped connection) and gets the
answer of the first one, status and body, without a second record. The key
belongs to the user and the endpoint; reusing it with a different body is a
client error (409, naming the header), never a silent second create.

Two identical requests at the same instant both miss the stored key, both
create, and both try to store it: the unique constraint lets one commit, and
the other's transaction, record included, rolls back and answers with the
stored result.

Usage: put ``IdempotentCreateMixin`` before the viewset class.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from stanchion.api.errors import error_body

from .jobs import job
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("ETag", "Location")

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (e.g. a UUID). Repeating the request with the same key "
    "and body returns the first answer instead of creating again; the same key with "
    "another body gets 409.",
)


@job
def purge_idempotency_keys(now=None):
    """Forget stored keys after ``IDEMPOTENCY_KEY_DAYS``: a retry comes
    within minutes, and the table would otherwise grow with every create.
    Returns how many were removed."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IDEMPOTENCY_KEY_DAYS)
    removed, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return removed


def checked_key(raw):
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError(
            {HEADER: [f"Use 1 to {MAX_KEY_LENGTH} printable ASCII characters (e.g. a UUID)."]}
        )
    return key


def _file_digest(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": upload.name, "size": upload.size, "sha256": digest.hexdigest()}


def fingerprint(request):
    """A hash of what was sent: JSON bodies canonically, uploads by content."""
    data = request.data
    if hasattr(data, "lists"):  # a form or multipart body: keep every value
        data = {key: values for key, values in data.lists()}
    if getattr(request, "FILES", None):
        data = {**data, **{name: _file_digest(f) for name, f in request.FILES.items()}}
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(stored, sent_fingerprint):
    if stored.fingerprint != sent_fingerprint:
        message = (
            f"This {HEADER} was already used for a different request; "
            "send a new key for a new request."
        )
        return Response(
            error_body("idempotency_key_reused", message, {HEADER: [message]}),
            status=status.HTTP_409_CONFLICT,
        )
    response = Response(stored.body, status=stored.status)
    for name, value in stored.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotentCreateMixin:
    """Makes ``create`` honour ``Idempotency-Key``; without the header,
    ``create`` behaves as before."""

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])
    def create(self, request, *args, **kwargs):
        raw = request.headers.get(HEADER)
        if raw is None:
            return super().create(request, *args, **kwargs)
        key = checked_key(raw)
        scope = {"user": request.user, "key": key, "endpoint": request.path}
        sent = fingerprint(request)
        stored = IdempotencyKey.objects.filter(**scope).first()
        if stored is not None:
            return _replay(stored, sent)
        try:
            with transaction.atomic():
                response = super().create(request, *args, **kwargs)
                self._remember(scope, sent, response)
        except IntegrityError:
            # Someone (the same client, retrying) stored this key while we
            # were creating: our record is rolled back, theirs is the answer.
            stored = IdempotencyKey.objects.filter(**scope).first()
            if stored is None:
                raise
            return _replay(stored, sent)
        return response

    @staticmethod
    def _remember(scope, sent, response):
        # The rendered JSON, so the replay is byte-for-byte the same data.
        body = json.loads(JSONRenderer().render(response.data) or b"null")
        headers = {name: response[name] for name in REPLAYED_HEADERS if name in response}
        object_id = body.get("id", "") if isinstance(body, dict) else ""
        IdempotencyKey.objects.create(
            **scope,
            fingerprint=sent,
            status=response.status_code,
            body=body,
            headers=headers,
            object_id=str(object_id),
        )
