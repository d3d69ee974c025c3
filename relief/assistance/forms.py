from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.forms import YuanField
from relief.assistance.models import PAID_BY_UNION, Referral, Scheme

DEFAULT_OFFICE = "旗民政局"


class AssistanceForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    need = forms.CharField(
        label=_("What happened and what is needed"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = YuanField(label=_("Amount (yuan, temporary relief only)"), required=False, min_value=0)
    office = forms.CharField(label=_("Office referred to (other schemes)"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scheme = data.get("scheme")
        if scheme in PAID_BY_UNION:
            if not data.get("amount"):
                self.add_error("amount", _("Enter the amount of temporary relief."))
            else:
                try:
                    data["amount"] = YuanField().fen(data["amount"])
                except forms.ValidationError as exc:
                    self.add_error("amount", exc)
        else:
            if data.get("amount"):
                self.add_error("amount", _("The office pays this scheme; the union pays no amount."))
            data["amount"] = 0
            data["office"] = (data.get("office") or "").strip() or DEFAULT_OFFICE
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(Referral.Outcome.GRANTED, _("Granted")), (Referral.Outcome.REFUSED, _("Refused"))]
    )
    outcome_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What the office decided"), max_length=200)
    monthly_amount = YuanField(label=_("Granted a month (yuan), if any"), required=False, min_value=0)
