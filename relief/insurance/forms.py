from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from funds.forms import YuanField
from households.forms import PickedMember
from households.models import Member
from relief.insurance.models import InsuranceKind

DATE = forms.DateInput(attrs={"type": "date"})


class StatusForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Insurance"), choices=InsuranceKind.choices)
    insured = forms.BooleanField(label=_("Insured"), required=False)
    since = forms.DateField(label=_("Since"), widget=DATE, required=False)
    flexible = forms.BooleanField(label=_("As flexible employment (灵活就业)"), required=False)


class ArrearsForm(ServiceForm):
    member = PickedMember(label=_("For"), queryset=Member.objects.none())
    employer = forms.TypedChoiceField(label=_("Employer that owes"), coerce=int)
    kind = forms.ChoiceField(label=_("Insurance"), choices=InsuranceKind.choices)
    months = forms.IntegerField(label=_("Months owed"), min_value=1, max_value=600)
    amount = YuanField(label=_("Amount owed (yuan)"))
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_due = forms.DateField(label=_("Next action due"), widget=DATE, required=False)

    def __init__(self, *args: Any, members: QuerySet[Member], employers: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(PickedMember, self.fields["member"]).queryset = members
        self.fields["employer"].choices = employers  # type: ignore[attr-defined]


class SettleForm(ServiceForm):
    agreed_amount = YuanField(label=_("补缴 agreed (yuan)"))
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE, required=False)
    paid_amount = YuanField(label=_("补缴 paid (yuan)"), required=False)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, required=False)
