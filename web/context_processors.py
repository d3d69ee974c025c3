from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts import visibility


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reach": {"role": None, "unit": None, "actions": set()}}
    return {"reach": visibility.describe(user)}
