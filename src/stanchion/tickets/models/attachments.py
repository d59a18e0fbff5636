from django.db import models

from stanchion.core.models import BaseModel

from ..querysets import AttachmentQuerySet


def attachment_path(instance, filename):
    # Never the uploader's file name on disk: it is kept in ``name`` only.
    return f"attachments/{instance.ticket_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(BaseModel):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "id"]

    def __str__(self):
        return self.name
