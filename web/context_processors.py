from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts import visibility
from web import navigation


def navigation_menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reach": {"role": None, "unit": None, "actions": set()}, "nav": []}
    reach = visibility.describe(user)
    return {"reach": reach, "nav": navigation.menu(reach["actions"], request.path)}
