"""Forms of the fund pages. They check shape and turn yuan into fen; the rules are the services'."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from core.errors import InvalidInput
from funds.models import PaymentRequest
from funds.money import to_fen


def new_idempotency_key() -> str:
    """One per rendered pay button: a double click sends the same key twice and pays once."""
    return f"page-{uuid.uuid4().hex}"


class YuanField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
        super().__init__(**kwargs)

    def fen(self, value: Any) -> int:
        try:
            return to_fen(value)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc


class PaymentRequestForm(ServiceForm):
    service_fields = {"payee": "payee", "payee_name": "payee_name", "amount": "amount", "period": "period"}

    budget = forms.TypedChoiceField(label=_("Budget"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind of payment"), choices=PaymentRequest.Kind.choices)
    payee = forms.TypedChoiceField(
        label=_("Payee (a member of the archive)"), coerce=int, required=False, empty_value=None
    )
    payee_name = forms.CharField(
        label=_("Or a payee outside the archive"),
        max_length=100,
        required=False,
        help_text=_("A supplier of goods in kind, or someone not registered yet: the payment will be flagged."),
    )
    amount = YuanField(label=_("Amount (yuan)"))
    period = forms.CharField(
        label=_("Period"), max_length=7, help_text=_("A year (2026), a month (2026-11) or a quarter (2026-Q4).")
    )
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)

    def __init__(self, *args: Any, budgets: list[tuple[int, str]], members: list[tuple[int, str]], **kwargs: Any):
        kwargs.setdefault("initial", {"period": timezone.localdate().strftime("%Y-%m")})
        super().__init__(*args, **kwargs)
        budget_field = self.fields["budget"]
        payee_field = self.fields["payee"]
        assert isinstance(budget_field, forms.ChoiceField) and isinstance(payee_field, forms.ChoiceField)
        budget_field.choices = [("", "—"), *budgets]
        payee_field.choices = [("", "—"), *members]

    def clean_amount(self) -> int:
        return YuanField().fen(self.cleaned_data["amount"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("payee") and not (data.get("payee_name") or "").strip():
            self.add_error("payee", _("Choose a member from the archive or name the payee."))
        return data


class DecisionForm(ServiceForm):
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Required when rejecting: the requester reads it."),
        widget=forms.TextInput(),
    )


class PayForm(forms.Form):
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)


class ReverseForm(ServiceForm):
    reason = forms.CharField(label=_("Why is this posting reversed?"), max_length=200)


class ResolveForm(ServiceForm):
    resolution = forms.CharField(label=_("What was found"), max_length=200)
