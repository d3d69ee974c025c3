"""What a case document may be: a PDF, JPEG or PNG file, judged by its first bytes (a renamed
executable is refused whatever its name says), of at most 10 MB."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
# (content type, extension, the bytes a file of the type starts with)
SIGNATURES = (
    ("application/pdf", ".pdf", b"%PDF-"),
    ("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    ("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file starting with ``head``; None when it is none of ours."""
    for content_type, extension, signature in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_upload(upload: Any, field: str = "file") -> tuple[str, str]:
    """The upload's (content type, extension), or ``InvalidInput`` naming what is wrong."""
    if upload is None:
        raise InvalidInput(_("Choose a file."), field=field)
    size = upload.size or 0
    if size > MAX_BYTES:
        raise InvalidInput(
            _("The file is %(mb).1f MB; a document may be at most 10 MB.") % {"mb": size / 1024 / 1024},
            field=field,
            code="too_large",
        )
    if size == 0:
        raise InvalidInput(_("The file is empty."), field=field)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise InvalidInput(
            _("A document must be a PDF, JPEG or PNG file (this one is not, whatever its name)."),
            field=field,
            code="wrong_type",
        )
    return found
