from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.forms import YuanField
from relief.medical.models import Cover, DiseaseGroup


class ClaimForm(forms.Form):
    disease_group = forms.ModelChoiceField(label=_("Disease group"), queryset=DiseaseGroup.objects.all())
    diagnosis = forms.CharField(label=_("Diagnosis"), max_length=100)
    bill_total = YuanField(label=_("Bill total (yuan)"), min_value=0)
    insured_paid = YuanField(label=_("Paid by insurance (yuan)"), min_value=0)
    self_paid = YuanField(label=_("Paid by the family (yuan)"), min_value=0)
    bill_numbers = forms.CharField(label=_("Bill numbers"), max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("bill_total", "insured_paid", "self_paid"):
            if data.get(name) is not None:
                try:
                    data[name] = YuanField().fen(data[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        total, insured, own = data.get("bill_total"), data.get("insured_paid"), data.get("self_paid")
        if isinstance(total, int) and isinstance(own, int) and own > total:
            self.add_error("self_paid", _("The self-paid share cannot be more than the bill."))
        elif isinstance(total, int) and isinstance(own, int) and isinstance(insured, int) and insured + own > total:
            self.add_error(
                "insured_paid", _("What insurance paid and what the family paid add up to more than the bill.")
            )
        if isinstance(total, int) and total <= 0:
            self.add_error("bill_total", _("The bill must be more than zero."))
        return data


class CoverForm(forms.ModelForm):
    class Meta:
        model = Cover
        fields = ["basic", "serious_illness", "mutual_aid_from", "mutual_aid_until", "seriously_ill"]
        widgets = {
            "mutual_aid_from": forms.DateInput(attrs={"type": "date"}),
            "mutual_aid_until": forms.DateInput(attrs={"type": "date"}),
        }
