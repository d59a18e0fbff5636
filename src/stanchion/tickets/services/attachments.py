"""Files attached to tickets: checked before they are kept, always served
as downloads.

The allowlist below is the documented set of accepted types (docs/service-
desk.md). A file must have an allowed extension AND, for the binary types,
start with that type's signature, so an executable renamed to ``.png`` is
refused; text types must look like text. Files are stored through Django's
default storage (MEDIA_ROOT) under their content hash, never under the
uploader's file name.
"""

import hashlib
import re
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from stanchion.accounts.roles import is_staff_role
from stanchion.core.services import lock, save_validated, service

from ..choices import EventKind
from ..models import Attachment
from .timeline import record

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# extension -> (content type, accepted leading signatures; None = text)
ALLOWED_TYPES = {
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "zip": ("application/zip", _ZIP),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    "txt": ("text/plain", None),
    "log": ("text/plain", None),
    "csv": ("text/csv", None),
    "json": ("application/json", None),
    "eml": ("message/rfc822", None),
}
# What no text file starts with: Windows/Linux/macOS executables.
_EXECUTABLE = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_SNIFF_BYTES = 8192
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def allowed_extensions():
    return sorted(ALLOWED_TYPES)


def clean_name(raw):
    """The uploader's name, for display and the download only: no path, no
    control characters, at most 200 characters (the extension kept)."""
    name = PurePosixPath(str(raw).replace("\\", "/")).name
    name = _UNSAFE_NAME.sub("_", name).strip(" .") or "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) < 20 else name[:200]
    return name


def _extension(name):
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return suffix


def check_upload(upload):
    """(clean name, content type) of an acceptable upload, else a
    ValidationError on ``file`` saying why not."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "file": f"The file is {upload.size} bytes; the limit is {limit} bytes "
                f"({limit / 1024 / 1024:g} MB)."
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    name = clean_name(upload.name)
    extension = _extension(name)
    if extension not in ALLOWED_TYPES:
        shown = f"'.{extension}' files" if extension else "Files without an extension"
        raise ValidationError(
            {"file": f"{shown} are not accepted. Allowed: {', '.join(allowed_extensions())}."}
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    if signatures is not None and not head.startswith(signatures):
        raise ValidationError(
            {"file": f"The content is not a {extension.upper()} file, whatever its name says."}
        )
    if signatures is None and (b"\x00" in head or head.startswith(_EXECUTABLE)):
        raise ValidationError(
            {"file": f"The content is not text, so it cannot be a .{extension} file."}
        )
    return name, content_type


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@service
def add_attachment(ticket, *, actor, upload, public=True, now=None):
    """Attach ``upload`` (a Django UploadedFile) to ``ticket``. Employees
    attach public files only; internal ones are IT's."""
    if not public and not is_staff_role(actor):
        raise ValidationError({"public": "Only IT staff can attach internal files."})
    name, content_type = check_upload(upload)
    locked = lock(ticket)
    attachment = Attachment(
        ticket=locked,
        name=name,
        size=upload.size,
        content_type=content_type,
        sha256=_sha256(upload),
        public=public,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # Written to storage before the row commits: a rolled-back upload leaves
    # at worst an unreferenced file, never a row without its file.
    attachment.file.save(attachment.sha256, upload, save=False)
    save_validated(attachment)
    record(
        locked,
        EventKind.ATTACHMENT,
        actor=actor,
        public=public,
        at=now or timezone.now(),
        attachment=attachment.pk,
        name=name,
        size=attachment.size,
    )
    return attachment
