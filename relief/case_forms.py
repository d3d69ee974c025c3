from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from households.forms import PickedMember
from households.models import Member
from relief.models import Case, Office

DATE = forms.DateInput(attrs={"type": "date"})


class CaseOpenForm(ServiceForm):
    """Open a case: for whom, which kind, the counterpart, what it is about and the next action."""

    service_fields = {"track": "kind"}

    member = PickedMember(label=_("For"), queryset=Member.objects.none())
    kind = forms.ChoiceField(label=_("Kind of case"))
    summary = forms.CharField(label=_("What the case is about"), max_length=200)
    employer = forms.TypedChoiceField(label=_("Counterpart employer"), coerce=int, required=False, empty_value=None)
    office = forms.ChoiceField(label=_("Counterpart office"), choices=[("", "—"), *Office.choices], required=False)
    counterpart_name = forms.CharField(
        label=_("Counterpart (name of the office or person)"), max_length=100, required=False
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE)
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_due = forms.DateField(label=_("Next action due"), widget=DATE, required=False)

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Member],
        kinds: list[tuple[str, str]],
        employers: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(PickedMember, self.fields["member"]).queryset = members
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["employer"].choices = [("", "—"), *employers]  # type: ignore[attr-defined]


class CaseStepForm(ServiceForm):
    on = forms.DateField(label=_("On"), widget=DATE)
    action = forms.CharField(label=_("What was done"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_due = forms.DateField(label=_("Next action due"), widget=DATE, required=False)


class CaseDocumentForm(ServiceForm):
    service_fields = {"file": "upload"}

    title = forms.CharField(label=_("Document"), max_length=100, required=False)
    upload = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 10 MB)"))


class CaseCloseForm(ServiceForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Case.Outcome.choices], required=False)
    note = forms.CharField(label=_("Outcome in words"), max_length=300, required=False)
    on = forms.DateField(label=_("Closed on"), widget=DATE)
