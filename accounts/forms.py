from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.authentication import throttle_message


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )
    error_messages = {
        "invalid_login": _("The username, mobile number or password is wrong."),
        "inactive": _("This account is inactive."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        reason = throttle.refusal(username, self.request) if username else None
        if reason is not None:
            raise ValidationError(throttle_message(reason), code=reason)
        return super().clean()
