"""Generic API base classes that every app's ``api/views.py`` reuses.

``StanchionViewSet`` gives: permission-restricted querysets, a declared
permission per action, creation and updates through service functions, and
optimistic concurrency: an update must carry the version the client read,
either as ``If-Match: "<version>"`` (stale -> 412) or as a ``version`` field
(stale -> 409). The error response includes the record's current state.
"""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from stanchion.api.errors import error_body

from . import services
from .errors import ConflictError


class StanchionSerializer(serializers.ModelSerializer):
    """Rejects unknown fields (a typo must not be silently ignored) and
    exposes ``version``, which clients send back on update."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version you read; required on update unless If-Match is sent.",
    )

    def run_validation(self, data=serializers.empty):
        # A JSON null body would otherwise get DRF's vague "No data provided".
        if data is None:
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        known = set(self.fields)
        unknown = sorted(key for key in data if key not in known)
        if unknown:
            raise ValidationError({key: ["Unknown field."] for key in unknown})
        read_only = sorted(key for key in data if self.fields[key].read_only and key != "version")
        if read_only:
            raise ValidationError({key: ["This field is read-only."] for key in read_only})
        return super().to_internal_value(data)


_ACTION_VERBS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


def crud_permissions(model, *, writable=("create", "update", "partial_update", "destroy")):
    """The usual permission table of a viewset: ``<model>.view`` to read,
    ``.add``/``.change``/``.delete`` for the writable actions."""
    actions = ("list", "retrieve", *writable)
    return {action: f"{model}.{_ACTION_VERBS[action]}" for action in actions}


_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The version you read, as an ETag: "3". A stale one gets 412.',
)


def parse_if_match(value):
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise ValidationError({"If-Match": ['Use the ETag you received, e.g. "3".']})
    return int(value)


class StanchionViewSet(viewsets.ModelViewSet):
    """Subclasses set ``queryset``, ``serializer_class``, ``permissions`` and
    ``create_service``; they may override ``perform_versioned_update``."""

    permissions: dict[str, str | None] = {}
    create_service = None
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = f'"{instance.version}"'
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = self.create_service(actor=self.request.user, **data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        response = Response(
            self.get_serializer(serializer.instance).data, status=status.HTTP_201_CREATED
        )
        response["ETag"] = f'"{serializer.instance.version}"'
        return response

    def perform_versioned_update(self, instance, data, expected_version):
        return services.update_fields(
            instance, data, actor=self.request.user, expected_version=expected_version
        )

    def _expected_version(self, request, serializer_data):
        header = request.headers.get("If-Match")
        if header:
            return parse_if_match(header), status.HTTP_412_PRECONDITION_FAILED
        if "version" in serializer_data:
            return serializer_data["version"], status.HTTP_409_CONFLICT
        raise ValidationError(
            {"version": ["Send the version you read (this field or an If-Match header)."]}
        )

    @extend_schema(parameters=[_IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected, conflict_status = self._expected_version(request, data)
        data.pop("version", None)
        try:
            with transaction.atomic():
                updated = self.perform_versioned_update(instance, data, expected)
        except ConflictError as conflict:
            current = self.get_serializer(conflict.instance).data
            return Response(
                error_body("conflict", str(conflict), current=current), status=conflict_status
            )
        response = Response(self.get_serializer(updated).data)
        response["ETag"] = f'"{updated.version}"'
        return response

    @extend_schema(parameters=[_IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[_IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        header = request.headers.get("If-Match")
        expected = parse_if_match(header) if header else None
        try:
            self.perform_versioned_delete(instance, expected)
        except ConflictError as conflict:
            current = self.get_serializer(conflict.instance).data
            return Response(
                error_body("conflict", str(conflict), current=current),
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_versioned_delete(self, instance, expected_version):
        services.delete_record(instance, actor=self.request.user, expected_version=expected_version)
