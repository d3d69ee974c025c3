from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from funds.forms import YuanField
from households.forms import PickedMember
from households.models import Member
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
    """Who attended, found with the people picker among the people in reach of the event's unit."""

    member = PickedMember(label=_("Who attended"), queryset=Member.objects.none())

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PickedMember, self.fields["member"]).queryset = members
