from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from funds.forms import YuanField
from relief.warmth.models import Campaign


class WarmthForm(forms.Form):
    """The application's own field: the campaign. Usually the organizer lists households from the
    ranking; a helper may add one the ranking missed, the same way."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    score = forms.IntegerField(required=False, min_value=0, max_value=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Campaign.objects.filter(closes_on__gte=today).order_by("opens_on")


class CampaignForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Campaign.Occasion.choices)
    budget = forms.TypedChoiceField(label=_("Paid from (a warmth budget)"), coerce=int)
    limit = YuanField(label=_("Campaign budget (yuan)"), min_value=0)
    cash_per_household = YuanField(label=_("Cash per household (yuan)"), required=False, min_value=0)
    goods = forms.CharField(
        label=_("Goods per household"),
        required=False,
        help_text=_("One line each: item, quantity, value each in yuan. For example: 大米 10kg, 1, 60"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, budgets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["budget"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = budgets


class SignOffForm(forms.Form):
    received_by_name = forms.CharField(label=_("Received by"), max_length=64)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
