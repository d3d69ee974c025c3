"""Signed QR codes: what a trainee shows at a session and an attendee at a fair's entrance.

A code holds a small payload signed with the project's key and a salt per use, so it cannot be made
up or altered, and one use's code is never accepted by another. The same payload always gives the
same code (no timestamp): a page shows the same QR every time it is opened, printed or cached
offline. Rendered as inline SVG: no image request, nothing to load on a weak connection.
"""

from __future__ import annotations

from typing import Any

import segno
from django.core import signing
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def sign(payload: dict[str, Any], *, salt: str) -> str:
    return signing.Signer(salt=salt).sign_object(payload, compress=True)


def unsign(token: str, *, salt: str) -> dict[str, Any] | None:
    """The payload of a genuine code for ``salt``; None for anything forged, altered or malformed."""
    try:
        payload = signing.Signer(salt=salt).unsign_object((token or "").strip())
    except (signing.BadSignature, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def svg(data: str, *, title: str = "") -> SafeString:
    """``data`` as an inline SVG QR code (medium error correction: survives a smudged screen)."""
    code = segno.make(data, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    if title:
        return format_html('<figure class="qr" aria-label="{}">{}</figure>', title, mark_safe(code))
    return mark_safe(code)
