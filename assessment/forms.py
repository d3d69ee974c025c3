"""Forms of the assessment pages: they check the shape of the input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pages import ServiceForm
from assessment import registry
from assessment.models import HouseholdReview, ScoringRule, WorkTask
from households.forms import date_input


def indicator_choices(*, adds_up_only: bool = False) -> list[tuple[str, str]]:
    return [(i.code, f"{i.name}（{i.unit.label}）") for i in registry.indicators() if i.adds_up or not adds_up_only]


class TargetRowForm(forms.Form):
    """One unit's target for the indicator being broken down (blank: leave it as it is)."""

    value = forms.DecimalField(label=_("Target"), required=False, min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class TargetImportForm(ServiceForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))


class SchemeForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    note = forms.CharField(
        label=_("How the assessment is done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SchemeLineForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=())
    weight = forms.DecimalField(label=_("Weight (points)"), min_value=0.01, max_value=1000, decimal_places=2)
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=ScoringRule.choices, initial=ScoringRule.LINEAR)
    cap = forms.DecimalField(label=_("Counted up to (%)"), min_value=1, max_value=200, decimal_places=2, initial=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "---------"), *indicator_choices()]  # type: ignore[attr-defined]


SchemeLineFormSet = forms.formset_factory(SchemeLineForm, extra=2, can_delete=True, max_num=60, absolute_max=80)


class SelfAssessmentForm(ServiceForm):
    self_assessment = forms.CharField(
        label=_("Self-assessment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("What the unit did this year against each target, and what is still to do."),
    )


class EvidenceForm(ServiceForm):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG, PNG, Excel (.xlsx) or Word (.docx), at most 10 MB."), required=False
    )
    line = forms.ChoiceField(label=_("For indicator"), required=False, choices=())
    description = forms.CharField(label=_("What it shows"), required=False, max_length=200)

    def __init__(self, *args: Any, lines: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("The whole scorecard")), *(lines or [])]  # type: ignore[attr-defined]


class FindingForm(ServiceForm):
    found_on = forms.DateField(label=_("Inspected on"), widget=date_input(), initial=timezone.localdate)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(ServiceForm):
    service_fields = {"reason": "reason"}
    reason = forms.CharField(label=_("Why it is returned"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AcceptForm(ServiceForm):
    note = forms.CharField(label=_("Acceptance note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WorkPlanForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The year's relief projects, key measures and special plans in a few lines."),
    )


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        unit = obj.org_unit.name if obj.org_unit else ""
        return f"{obj.display_name} · {unit}"


class TaskForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkTask.Kind.choices)
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = OwnerField(label=_("Owner"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=date_input())

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class TaskProgressForm(ServiceForm):
    status = forms.ChoiceField(label=_("Status"), choices=WorkTask.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    progress_note = forms.CharField(label=_("Progress note"), required=False, max_length=200)


class ReviewForm(ServiceForm):
    causes_checked = forms.BooleanField(label=_("Causes of hardship checked"), required=False)
    income_checked = forms.BooleanField(label=_("Income checked"), required=False)
    plan_checked = forms.BooleanField(label=_("Relief plan checked"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=HouseholdReview.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class UnitYearForm(forms.Form):
    """The unit and year a page is about (the choices: the units in reach)."""

    unit = forms.ChoiceField(label=_("Union unit"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = min((u.depth for u in units), default=0)
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            (u.code or str(u.pk), "\u3000" * (u.depth - top) + u.name) for u in units
        ]
