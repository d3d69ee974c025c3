"""Forms of the ventures pages. They check shape and turn yuan into fen; the rules are the services'."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from funds.forms import YuanField
from households.forms import PickedMember, date_input
from households.models import Member


def _fen(form: forms.Form, name: str) -> int:
    value = form.cleaned_data.get(name)
    return YuanField().fen(value) if value is not None else 0


class ApplyForm(ServiceForm):
    product = forms.TypedChoiceField(label=_("Kind of support"), coerce=int)
    business_name = forms.CharField(label=_("Business name"), max_length=100)
    business = forms.CharField(label=_("What the business does"), widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Where"), max_length=200)
    total_cost = YuanField(label=_("Total cost (yuan)"))
    own_funds = YuanField(label=_("Own funds (yuan)"), required=False)
    amount = YuanField(label=_("Amount asked (yuan)"))
    expected_monthly_income = YuanField(label=_("Expected monthly income (yuan)"), required=False)
    jobs_expected = forms.IntegerField(
        label=_("Jobs for others"), min_value=0, required=False, help_text=_("People the business will hire.")
    )

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *products]

    def clean_total_cost(self) -> int:
        return _fen(self, "total_cost")

    def clean_own_funds(self) -> int:
        return _fen(self, "own_funds")

    def clean_amount(self) -> int:
        return _fen(self, "amount")

    def clean_expected_monthly_income(self) -> int:
        return _fen(self, "expected_monthly_income")


class StaffApplyForm(ApplyForm):
    """A helper or organizer applies for someone found with the people picker."""

    member = PickedMember(label=_("Member applying"), queryset=Member.objects.none())

    field_order = ["member"]

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PickedMember, self.fields["member"]).queryset = members


class ReviewForm(ServiceForm):
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Required when refusing: the applicant reads it."),
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


class GuidanceForm(ServiceForm):
    mentor = forms.CharField(label=_("Mentor"), max_length=64)
    held_on = forms.DateField(label=_("Held on"), widget=date_input(), initial=timezone.localdate)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}))


class OpenLoanForm(ServiceForm):
    budget = forms.TypedChoiceField(label=_("Budget"), coerce=int, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    disbursed_on = forms.DateField(label=_("Paid out by the bank on"), widget=date_input(), required=False)

    def __init__(self, *args: Any, budgets: list[tuple[int, str]], bank: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bank:
            del self.fields["budget"]
        else:
            del self.fields["bank_name"], self.fields["disbursed_on"]
            field = self.fields["budget"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = budgets


class RepaymentForm(ServiceForm):
    amount = YuanField(label=_("Amount repaid (yuan)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=date_input(), initial=timezone.localdate)
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)

    def clean_amount(self) -> int:
        return _fen(self, "amount")


class WriteOffForm(ServiceForm):
    reason = forms.CharField(label=_("Why can the loan not be repaid?"), max_length=200)


class ClaimForm(ServiceForm):
    period = forms.CharField(
        label=_("Period"), max_length=7, help_text=_("A year (2026), a month (2026-11) or a quarter (2026-Q4).")
    )
    interest_paid = YuanField(label=_("Interest paid to the bank (yuan)"))
    statement = forms.CharField(label=_("Bank statement number"), max_length=64)

    def clean_interest_paid(self) -> int:
        return _fen(self, "interest_paid")


ITEM_ROWS = 3


class InKindForm(ServiceForm):
    service_fields = {"items": "item_1_name"}

    supplier = forms.CharField(label=_("Supplier"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ITEM_ROWS + 1):
            required = n == 1
            self.fields[f"item_{n}_name"] = forms.CharField(label=_("Item %(n)s") % {"n": n}, required=required)
            self.fields[f"item_{n}_quantity"] = forms.IntegerField(label=_("Quantity"), min_value=1, required=required)
            self.fields[f"item_{n}_value"] = YuanField(label=_("Value each (yuan)"), required=required)

    def items(self) -> list[tuple[str, int, int]]:
        rows = []
        for n in range(1, ITEM_ROWS + 1):
            name = (self.cleaned_data.get(f"item_{n}_name") or "").strip()
            if name:
                value = self.cleaned_data.get(f"item_{n}_value")
                rows.append(
                    (name, self.cleaned_data.get(f"item_{n}_quantity") or 0, YuanField().fen(value) if value else 0)
                )
        return rows


class EmployerLinkForm(ServiceForm):
    employer = forms.TypedChoiceField(label=_("Employer record of the business"), coerce=int)

    def __init__(self, *args: Any, employers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employer"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *employers]
