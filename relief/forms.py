from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from households.forms import PickedMember
from households.models import Member
from relief.models import Application


class ApplyForm(ServiceForm):
    """Who the application is for, and (staff) how the worker consented. The track's own fields
    are a second form on the same page (``Track.form``)."""

    member = forms.TypedChoiceField(label=_("For"), coerce=int)
    consent_note = forms.CharField(
        label=_("How the worker agreed (a signed form, a call and its date)"),
        max_length=200,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        members: list[tuple[int, str]] | None = None,
        staff: bool,
        in_reach: QuerySet[Member] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            # Staff find the person with the people picker: anyone in reach, no capped list.
            self.fields["member"] = PickedMember(
                label=_("For"), queryset=in_reach if in_reach is not None else Member.objects.none()
            )
        else:
            field = self.fields["member"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = members or []
        if not staff:
            del self.fields["consent_note"]
        else:
            self.fields["consent_note"].required = True


class ReviewForm(ServiceForm):
    note = forms.CharField(
        label=_("Note (the reason, when refusing: the worker reads it)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_state = forms.ChoiceField(choices=Application.State.choices, widget=forms.HiddenInput)


class GiveForm(ServiceForm):
    on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("What was received"), max_length=200, required=False)


class BatchForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = choices
