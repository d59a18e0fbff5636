"""/api/attachments/: upload to a ticket (multipart), list, download.

Downloads are always served as attachments with a generic content type and
``nosniff``, so no uploaded file is ever rendered by the browser.
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from stanchion.core.idempotency import IdempotentCreateMixin

from ..models import Attachment
from ..services.attachments import add_attachment
from . import serializers_work as serializers
from .base import ReadOnlyViewSet

DOWNLOAD_TYPE = "application/octet-stream"


class AttachmentViewSet(IdempotentCreateMixin, ReadOnlyViewSet):
    """Files on tickets. Employees see and add the public files of their own
    tickets; internal files are IT's."""

    queryset = Attachment.objects.all()
    serializer_class = serializers.AttachmentSerializer
    # The queryset narrows reading to the tickets (and public files) the user
    # may see, so reading needs only the right to see tickets.
    permissions = {
        "list": "ticket.view",
        "retrieve": "ticket.view",
        "download": "ticket.view",
        "create": "attachment.add",
    }
    filterset_fields = ["ticket", "public", "uploaded_by"]
    ordering_fields = ["id", "created_at", "size", "name"]

    # Uploads are multipart forms; nothing else here takes a body.
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={201: serializers.AttachmentSerializer},
    )
    def create(self, request, *args, **kwargs):
        body = serializers.AttachmentUploadSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        attachment = add_attachment(
            data["ticket"], actor=request.user, upload=data["file"], public=data["public"]
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, DOWNLOAD_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as a download."
            )
        }
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request, pk=None):
        """The file, always as a download (any Accept that takes JSON errors
        will do: the file itself is not content-negotiated)."""
        attachment = self.get_object()
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=DOWNLOAD_TYPE,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
