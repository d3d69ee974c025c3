"""Forms of the fairs pages: they check shape; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.pages import ServiceForm
from fairs import services
from fairs.models import Booth, Interview, JobFair
from households.forms import PickedMembers, UnitChoiceField, date_input, label
from households.models import Member, TargetGroup
from jobs.models import JobPosting


class FairForm(ServiceForm):
    name = forms.CharField(label=label(JobFair, "name"), max_length=120)
    kind = forms.ChoiceField(label=label(JobFair, "kind"), choices=JobFair.Kind.choices)
    org_unit = UnitChoiceField(label=label(JobFair, "org_unit"), queryset=OrgUnit.objects.none())
    starts_on = forms.DateField(label=label(JobFair, "starts_on"), widget=date_input())
    ends_on = forms.DateField(label=label(JobFair, "ends_on"), widget=date_input())
    interviews_start = forms.TimeField(
        label=label(JobFair, "interviews_start"), initial=dt.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    venue = forms.CharField(label=label(JobFair, "venue"), max_length=200, required=False)
    stream_url = forms.URLField(
        label=label(JobFair, "stream_url"), required=False, assume_scheme="https", max_length=services.MAX_URL_LENGTH
    )
    booth_codes = forms.CharField(
        label=label(JobFair, "booth_codes"),
        required=False,
        help_text=_("The venue's booths, e.g. “A01-A20, B01-B10”."),
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=label(JobFair, "target_groups"),
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registration_opens = forms.DateField(label=label(JobFair, "registration_opens"), widget=date_input())
    registration_closes = forms.DateField(label=label(JobFair, "registration_closes"), widget=date_input())
    capacity = forms.IntegerField(
        label=label(JobFair, "capacity"), min_value=1, max_value=services.MAX_CAPACITY, initial=300
    )
    max_interviews = forms.IntegerField(label=label(JobFair, "max_interviews"), min_value=1, max_value=20, initial=3)
    gap_minutes = forms.IntegerField(label=label(JobFair, "gap_minutes"), min_value=0, max_value=240, initial=10)
    description = forms.CharField(
        label=label(JobFair, "description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()  # type: ignore[attr-defined]


class BoothApplyForm(ServiceForm):
    postings = forms.ModelMultipleChoiceField(
        label=_("Jobs you bring"), queryset=JobPosting.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    slot_count = forms.IntegerField(label=label(Booth, "slot_count"), min_value=1, max_value=48, initial=8)
    slot_minutes = forms.IntegerField(label=label(Booth, "slot_minutes"), min_value=5, max_value=240, initial=15)
    slot_capacity = forms.IntegerField(label=label(Booth, "slot_capacity"), min_value=1, max_value=20, initial=1)
    note = forms.CharField(label=label(Booth, "note"), required=False, max_length=200)

    def __init__(self, *args: Any, postings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postings"].queryset = postings if postings is not None else JobPosting.objects.none()  # type: ignore[attr-defined]


class BoothDecisionForm(ServiceForm):
    code = forms.ChoiceField(label=label(Booth, "code"), required=False)
    note = forms.CharField(label=label(Booth, "note"), required=False, max_length=200)

    def __init__(self, *args: Any, codes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—"), *((c, c) for c in codes or [])]  # type: ignore[attr-defined]


class SlotsForm(ServiceForm):
    slot_count = forms.IntegerField(label=label(Booth, "slot_count"), min_value=1, max_value=48)


class WalkInForm(ServiceForm):
    code = forms.CharField(label=_("Check-in code"), max_length=2000)
    slot = forms.TypedChoiceField(label=_("Slot"), coerce=int)

    def __init__(self, *args: Any, slots: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slots or []  # type: ignore[attr-defined]


class OutcomeForm(ServiceForm):
    outcome = forms.ChoiceField(
        label=label(Interview, "outcome"), choices=[c for c in Interview.Outcome.choices if c[0]]
    )
    posting = forms.ModelChoiceField(label=_("Job"), queryset=JobPosting.objects.none(), required=False)
    start_date = forms.DateField(label=_("Start date (for a hire)"), required=False, widget=date_input())
    monthly_wage = forms.IntegerField(label=_("Monthly wage (for a hire)"), required=False, min_value=1)

    def __init__(self, *args: Any, postings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["posting"]
        if isinstance(postings, list):
            # A list read once by the caller: a page with one form per interview renders the same
            # choices in each form without a query per form; the queryset still checks the answer.
            field.queryset = JobPosting.objects.filter(pk__in=[p.pk for p in postings])  # type: ignore[attr-defined]
            field.choices = [("", field.empty_label), *((p.pk, field.label_from_instance(p)) for p in postings)]  # type: ignore[attr-defined]
        else:
            field.queryset = postings if postings is not None else JobPosting.objects.none()  # type: ignore[attr-defined]


class MemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name} · {obj.household.number}"


class RegisterManyForm(ServiceForm):
    """Several people found with the people picker, registered at once."""

    service_fields = {"member": "members"}

    members = PickedMembers(label=_("People to register"), queryset=Member.objects.none())

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PickedMembers, self.fields["members"])
        field.queryset = members if members is not None else Member.objects.none()


class RegisterOtherForm(ServiceForm):
    member = MemberChoiceField(label=_("Person to register"), queryset=Member.objects.none())

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.none()  # type: ignore[attr-defined]
