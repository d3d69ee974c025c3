from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.pages import ServiceForm
from relief.restructuring.models import Enterprise, LaidOffWorker, Measure

DATE = forms.DateInput(attrs={"type": "date"})


def parse_worker_lines(text: str) -> list[dict[str, str]]:
    """One worker a line: the name and the ID number (spaces, commas or tabs between), as a
    layoff list arrives from the enterprise. Blank lines are skipped."""
    rows = []
    for line in (text or "").splitlines():
        parts = line.replace(",", " ").replace("，", " ").replace("\t", " ").split()
        if not parts:
            continue
        number = parts[-1]
        name = " ".join(parts[:-1]) or number
        rows.append({"name": name, "id_number": number})
    return rows


class EnterpriseForm(ServiceForm):
    name = forms.CharField(label=_("Enterprise"), max_length=120)
    reason = forms.ChoiceField(label=_("Difficulty"), choices=Enterprise.Reason.choices)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)
    noted_on = forms.DateField(label=_("In difficulty since"), widget=DATE)
    employer = forms.TypedChoiceField(
        label=_("As an employer of 阳光就业"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, employers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [("", "—"), *employers]  # type: ignore[attr-defined]


class BatchForm(ServiceForm):
    enterprise = forms.TypedChoiceField(label=_("Enterprise"), coerce=int)
    name = forms.CharField(label=_("Batch"), max_length=120)
    laid_off_on = forms.DateField(label=_("Laid off on"), widget=DATE)
    measures = forms.MultipleChoiceField(
        label=_("Resettlement measures"), choices=Measure.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    plan = forms.CharField(label=_("Resettlement plan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    workers = forms.CharField(
        label=_("Laid-off workers: one a line, the name and the ID number"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, enterprises: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = enterprises  # type: ignore[attr-defined]


class AddWorkersForm(ServiceForm):
    workers = forms.CharField(
        label=_("More workers: one a line, the name and the ID number"), widget=forms.Textarea(attrs={"rows": 4})
    )


class OutcomeForm(ServiceForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=LaidOffWorker.Outcome.choices, required=False)
    on = forms.DateField(label=_("Since"), widget=DATE)
    insurance_continued_on = forms.DateField(label=_("Social security continued on"), widget=DATE, required=False)
