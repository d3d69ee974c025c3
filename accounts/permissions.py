"""The API's side of the temporary password (see accounts/middleware.py): in the default
permissions, so no endpoint answers a person who has not yet chosen their own password."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

PASSWORD_CHANGE_REQUIRED = gettext_lazy(
    "Your password was reset by a helper: "
    "choose your own password on the password page of the site (/accounts/password/) first."
)


class PasswordChanged(BasePermission):
    message = PASSWORD_CHANGE_REQUIRED
    code = "password_change_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return not getattr(request.user, "must_change_password", False)
