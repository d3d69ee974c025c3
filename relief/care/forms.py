from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.forms import YuanField
from households.forms import ServiceForm
from relief.care.models import Station

DATE = forms.DateInput(attrs={"type": "date"})


class CareAidForm(forms.Form):
    """Aid to a single mother or a seriously ill woman worker: which, why, how much."""

    reason = forms.ChoiceField(
        label=_("Aid for"),
        choices=[
            ("single_mother", _("A single mother (单亲母亲)")),
            ("serious_illness", _("A seriously ill woman worker")),
        ],
    )
    need = forms.CharField(label=_("The situation"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    amount = YuanField(label=_("Amount (yuan)"), min_value=0)

    def clean_amount(self) -> Any:
        value = self.cleaned_data.get("amount")
        if value is None or value <= 0:
            raise forms.ValidationError(_("Enter the amount of the aid."))
        return YuanField().fen(value)


class StationForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Station.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=200)
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE, required=False)


class MarkForm(ServiceForm):
    sanitation_worker = forms.BooleanField(label=_("Sanitation worker (环卫工人)"), required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=120, required=False)
    women_care_needs = forms.CharField(label=_("Women worker's care needs"), max_length=300, required=False)


class HealthCheckForm(ServiceForm):
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    result = forms.CharField(label=_("Result"), max_length=300)
    referral = forms.CharField(label=_("Referred to"), max_length=200, required=False)


class EventForm(ServiceForm):
    name = forms.CharField(label=_("Event"), max_length=120)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class AttendanceForm(ServiceForm):
    member = forms.TypedChoiceField(label=_("Who attended"), coerce=int)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]
