"""大字模式 (large text): who sees the pages in large text, and how the choice is remembered.

A signed-in person's choice is their own (``User.large_text``), on every device they use. Before
login the choice belongs to the device: a cookie, which the switch on the login page sets. A device
switched to large text before login switches its user on at login (never off: an older worker who
turned it on is not turned back to small text by an old cookie); switching while signed in updates
both, so the device stays as its last user left it after logging out.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

COOKIE = "text_size"
LARGE = "large"
NORMAL = "normal"
SIZES = (LARGE, NORMAL)
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: the device keeps the choice between visits


def device_wants_large(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE) == LARGE


def is_large(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.large_text)
    return device_wants_large(request)


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``large_text`` for the base template and the pages that simplify."""
    return {"large_text": is_large(request)}
