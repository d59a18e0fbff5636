"""What the service desk's viewsets share: strict action bodies, optional
versions on actions, and read-only viewsets with permission-restricted rows."""

from django.db import transaction
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.api.errors import error_body
from stanchion.core.api import parse_if_match
from stanchion.core.errors import ConflictError
from stanchion.core.services import lock

VERSION_HELP = (
    "The version you read. Optional on actions: when sent (or as If-Match), a stale one "
    "is refused (409 for this field, 412 for If-Match) with the record as it is now."
)


class ActionSerializer(serializers.Serializer):
    """The body of an action: a JSON object with only the known fields."""

    def run_validation(self, data=serializers.empty):
        if data is None:
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(key for key in data if key not in self.fields)
        if unknown:
            raise ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class VersionedActionSerializer(ActionSerializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP
    )


def expected_version(request, data):
    """(version, status for a stale one) from If-Match or the body; (None,
    None) when the client did not say which version it acted on."""
    version = data.pop("version", None)
    header = request.headers.get("If-Match")
    if header:
        return parse_if_match(header), status.HTTP_412_PRECONDITION_FAILED
    if version is not None:
        return version, status.HTTP_409_CONFLICT
    return None, None


def run_versioned(request, record, data, work, *, represent):
    """Run ``work(record, data)`` in one transaction after checking the
    version the client acted on; a stale one answers with the current
    record (``represent(record)``) and changes nothing."""
    expected, conflict_status = expected_version(request, data)
    try:
        with transaction.atomic():
            if expected is not None:
                # Held until the end of the transaction: nobody slips in
                # between the check and the service's own lock.
                lock(record, expected)
            return work(record, data), None
    except ConflictError as conflict:
        body = error_body("conflict", str(conflict), current=represent(conflict.instance))
        return None, Response(body, status=conflict_status)


def with_etag(response, record):
    response["ETag"] = f'"{record.version}"'
    return response


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and retrieve the rows the user may see; retrieve sends an ETag."""

    permissions: dict[str, str | None] = {}

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return with_etag(Response(self.get_serializer(instance).data), instance)


__all__ = [
    "ActionSerializer",
    "ReadOnlyViewSet",
    "VersionedActionSerializer",
    "run_versioned",
    "with_etag",
]
