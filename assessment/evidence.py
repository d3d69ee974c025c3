"""What an evidence upload may be: a photo, a PDF or an office document, at most 10 MB.

The name's extension and the file's first bytes must agree: a renamed executable or web page is
refused, whatever its name says. The file is stored under a name we choose (``models.evidence_path``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# extension: (content type, how the file starts)
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,)),
}


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str
    size: int
    token: str
    original_name: str


def check_upload(upload: UploadedFile | None) -> CheckedFile:
    if upload is None:
        raise InvalidInput(_("Choose a file to upload."), field="file")
    name = (upload.name or "").strip()
    size = upload.size or 0
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    if size > MAX_BYTES:
        raise InvalidInput(
            _("The file is %(size)s MB; evidence may be at most 10 MB.") % {"size": f"{size / 1024 / 1024:.1f}"},
            field="file",
        )
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    kind = KINDS.get(extension)
    allowed = _("PDF, JPEG, PNG, Excel (.xlsx) or Word (.docx)")
    if kind is None:
        raise InvalidInput(_("Evidence must be a %(kinds)s file.") % {"kinds": allowed}, field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind[1]):
        raise InvalidInput(
            _("The file's content is not what its name says (%(extension)s). Upload the original document.")
            % {"extension": extension},
            field="file",
        )
    return CheckedFile(
        extension=extension,
        content_type=kind[0],
        size=size,
        token=secrets.token_hex(16),
        original_name=name[-200:],
    )
