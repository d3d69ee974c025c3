"""Forms of the training pages: they check shape; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from accounts.pages import ServiceForm
from core.dates import check_date
from core.errors import InvalidInput
from households.forms import PickedMembers, region_choices, unit_label
from households.models import Member, TargetGroup
from skills.models import Skill
from training.models import Course, Provider


class EnrolOthersForm(ServiceForm):
    """People ticked on the picker, checked against those the helper may act for."""

    service_fields = {"member": "members"}

    members = PickedMembers(
        label=_("People to enrol"),
        queryset=Member.objects.none(),
        help_text=_("In the order ticked: the first get the seats left, the others the waiting list."),
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PickedMembers, self.fields["members"])
        field.queryset = members if members is not None else Member.objects.none()


class CompletionForm(ServiceForm):
    service_fields = {"enrolment": "passed"}

    passed = forms.TypedChoiceField(
        label=_("Assessment"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    score = forms.DecimalField(label=_("Score (0-100)"), required=False, max_digits=5, decimal_places=1)
    completed_on = forms.DateField(
        label=_("Completed on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CertificateForm(ServiceForm):
    service_fields = {"enrolment": "number"}

    number = forms.CharField(label=_("Certificate number"), max_length=64)
    issuer = forms.CharField(label=_("Issued by"), max_length=100)
    issued_on = forms.DateField(
        label=_("Issued on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    scan = forms.FileField(label=_("Scan (optional)"), required=False)


class ScanForm(ServiceForm):
    token = forms.CharField(
        label=_("Trainee's code"),
        max_length=500,
        help_text=_("Scan the QR code on the trainee's phone, or type the code shown under it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )


class UnitChoices(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_label(obj)


class CourseForm(ServiceForm):
    # A new provider's name and kind are checked by the course's service (``provider_create``).
    service_fields = {"name": "new_provider", "kind": "provider_kind"}

    title = forms.CharField(label=_("Title"), max_length=100)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.all(), required=False)
    new_provider = forms.CharField(
        label=_("Or a new provider"), max_length=100, required=False, help_text=_("Its name, if it is not listed.")
    )
    provider_kind = forms.ChoiceField(label=_("Kind of new provider"), choices=Provider.Kind.choices, required=False)
    org_unit = UnitChoices(label=_("Run by"), queryset=OrgUnit.objects.none())
    skills = forms.CharField(
        label=_("Skills taught"),
        max_length=300,
        help_text=_("As people say them, separated by 、 or commas: 叉车, 电焊."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=Course.Level.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=Course.Mode.choices)
    region = forms.ChoiceField(label=_("Region"))
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=2000)
    cost = forms.IntegerField(label=_("Cost (CNY)"), min_value=0, max_value=100_000, initial=0)
    subsidised = forms.BooleanField(label=_("Free for archived households (subsidised)"), required=False, initial=True)
    target_groups = forms.MultipleChoiceField(
        label=_("Only for these target groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: open to every group."),
    )
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=100, initial=16)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=100, initial=60)
    partial_capacity_ok = forms.BooleanField(
        label=_("Open to people with partial work capacity"), required=False, initial=True
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["org_unit"]
        unit_field.queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        region_field: Any = self.fields["region"]
        region_field.choices = region_choices()
        region_field.initial = "150624"
        groups: Any = self.fields["target_groups"]
        groups.choices = [(g.code, str(g)) for g in TargetGroup.objects.all()]

    def clean_skills(self) -> list[Skill]:
        from jobs.forms import skill_from, split_phrases
        from skills.understanding import skill_understand

        found: list[Skill] = []
        for phrase in split_phrases(self.cleaned_data["skills"].replace(",", "、").replace("，", "、")):
            skill = skill_from(phrase) or skill_understand(phrase).skill
            if skill is None:
                raise forms.ValidationError(_("“%(p)s” is not a skill we know yet.") % {"p": phrase})
            if skill not in found:
                found.append(skill)
        if not found:
            raise forms.ValidationError(_("Name at least one skill the course teaches."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("provider") and not (data.get("new_provider") or "").strip():
            self.add_error("provider", _("Choose the provider, or name a new one."))
        return data


class CohortForm(ServiceForm):
    service_fields = {"cohort": "name"}

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example 2026年第1期."))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    enrolment_deadline = forms.DateField(
        label=_("Enrolment deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=1000)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The page works out the class days from the first day: a date past 2100 would overflow there.
        for name in ("starts_on", "ends_on", "enrolment_deadline"):
            try:
                check_date(data.get(name), field=name)
            except InvalidInput as exc:
                self.add_error(name, exc.message)
        return data

    sessions = forms.IntegerField(
        label=_("Class days"),
        min_value=0,
        max_value=60,
        initial=3,
        help_text=_("One session a day at 9:00 from the first day; attendance is taken per session."),
    )
