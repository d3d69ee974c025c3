from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relief.student_aid.models import Level, NationalAid

MAX_PROOF_BYTES = 10 * 1024 * 1024
PROOF_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")


class StudentAidForm(forms.Form):
    """The application's own fields. The proof may be left out when one is on file already."""

    school = forms.CharField(label=_("School"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    admission_year = forms.IntegerField(label=_("Admission year"), min_value=1990, max_value=2100)
    studies_away = forms.BooleanField(label=_("Studies away from home (travel support)"), required=False)
    enrolment_proof = forms.FileField(
        label=_("Enrolment proof (admission letter or student card: PDF, JPEG or PNG)"), required=False
    )
    national_aid = forms.MultipleChoiceField(
        label=_("National aid already received (奖、助、贷、勤、减、免)"),
        choices=NationalAid.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    national_aid_note = forms.CharField(label=_("Details of the national aid"), max_length=200, required=False)

    def clean_admission_year(self) -> int:
        year = int(self.cleaned_data["admission_year"])
        today = timezone.localdate()
        if year > today.year:
            raise forms.ValidationError(_("The admission year cannot be in the future."))
        if year < today.year - 9:
            raise forms.ValidationError(_("An admission more than nine years ago is not a current study."))
        return year

    def clean_enrolment_proof(self) -> Any:
        proof = self.cleaned_data.get("enrolment_proof")
        too_big = proof is not None and (proof.size or 0) > MAX_PROOF_BYTES
        if proof is not None and (too_big or not (proof.name or "").lower().endswith(PROOF_EXTENSIONS)):
            raise forms.ValidationError(_("The proof must be a PDF, JPEG or PNG file of at most 10 MB."))
        return proof


def school_year_of(day: dt.date) -> str:
    """金秋助学 runs in the golden autumn: from July an application is for the school year that
    starts in September of that year."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{start + 1}"
