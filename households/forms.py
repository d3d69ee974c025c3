"""Forms of the archive pages. They check the shape of the input (a number is a number, a choice is
one of the choices) and hand clean values to a service; the rules themselves live in the services,
whose errors the views attach back to these fields (see ``ServiceForm.field_for``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Model, Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from accounts.models import OrgUnit, User
from accounts.pages import ServiceForm
from core.models import Region, SensitiveAccess
from households.models import (
    HardshipCause,
    Household,
    JobPreference,
    Member,
    MemberSkill,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    TargetGroup,
    Track,
    Visit,
)

# The county this federation serves; new archives default to it.
HOME_REGION_CODE = "150624"
# 内蒙古自治区: the region select offers its county-level divisions; any other code can be typed.
HOME_PROVINCE_PREFIX = "15"


def label(model: type[Model], name: str) -> Any:
    """The model field's (translatable) verbose name, so pages and admin use the same words."""
    field = model._meta.get_field(name)
    return capfirst(getattr(field, "verbose_name", name))


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def browser_required(widget: forms.Widget) -> forms.Widget:
    """Ask the browser to insist on a value while the service stays the one that decides."""
    widget.attrs["required"] = True
    return widget


def blank_choice(choices: Any) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


def unit_label(unit: OrgUnit, top_depth: int = 0) -> str:
    return "\u3000" * max(unit.depth - top_depth, 0) + unit.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return unit_label(obj)


class PickedMember(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One person chosen with the people picker (``households/_picker.html``), checked against the
    queryset of people the user may act for: an id from elsewhere is refused, not looked up."""

    default_error_messages = {
        "required": _("Choose the person: search by name, archive number or phone, then tick one."),
        "invalid_choice": _("That person is not among the people you may act for; nothing was saved."),
    }


class PickedMembers(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several people chosen with the people picker; the same check as ``PickedMember``."""

    default_error_messages = {
        "required": _("Choose at least one person: search, then tick them."),
        "invalid_choice": _("Person %(value)s is not among the people you may act for; nothing was saved."),
        "invalid_pk_value": _("“%(pk)s” does not name a person; nothing was saved."),
    }


def region_choices(current: str | None = None) -> list[Any]:
    """County-level regions of Inner Mongolia, grouped by city (one query)."""
    counties = (
        Region.objects.filter(code__startswith=HOME_PROVINCE_PREFIX, level=Region.Level.COUNTY)
        .select_related("parent")
        .order_by("code")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    codes = set()
    for region in counties:
        city = region.parent.name if region.parent else ""
        groups.setdefault(city, []).append((region.code, f"{region.name} ({region.code})"))
        codes.add(region.code)
    choices: list[Any] = list(groups.items())
    if current and current not in codes:
        known = Region.objects.filter(code=current).first()
        choices.insert(0, (current, f"{known} ({current})" if known else current))
    return choices


# --- households ------------------------------------------------------------------------------------


class HouseholdForm(ServiceForm):
    service_fields = {"region": "region_code"}

    org_unit = UnitChoiceField(label=label(Household, "org_unit"), queryset=OrgUnit.objects.none())
    region_code = forms.CharField(label=label(Household, "region"), required=False, widget=forms.Select())
    region_other = forms.CharField(
        label=_("Other region code"),
        required=False,
        max_length=6,
        help_text=_("Only if the region is not in the list: its 6-digit code."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{6}", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=label(Household, "address"),
        required=False,
        max_length=200,
        widget=browser_required(forms.TextInput(attrs={"autocomplete": "street-address"})),
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=label(Household, "target_groups"),
        required=False,
        to_field_name="code",
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    hardship_causes = forms.ModelMultipleChoiceField(
        label=label(Household, "hardship_causes"),
        required=False,
        to_field_name="code",
        queryset=HardshipCause.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    hardship_note = forms.CharField(
        label=label(Household, "hardship_note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    income_per_head = forms.DecimalField(
        label=label(Household, "income_per_head"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    dibao_status = forms.ChoiceField(label=label(Household, "dibao_status"), choices=Household.DibaoStatus.choices)

    def __init__(self, *args: Any, user: User, household: Household | None = None, **kwargs: Any) -> None:
        if household is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "org_unit": household.org_unit_id,
                "region_code": household.region_id,
                "address": household.address,
                "target_groups": [g.code for g in household.target_groups.all()],
                "hardship_causes": [c.code for c in household.hardship_causes.all()],
                "hardship_note": household.hardship_note,
                "income_per_head": household.income_per_head,
                "dibao_status": household.dibao_status,
            }
        kwargs.setdefault("initial", {}).setdefault("region_code", HOME_REGION_CODE)
        super().__init__(*args, **kwargs)
        units = account_selectors.org_unit_list_for(user)
        cast(forms.ModelChoiceField, self.fields["org_unit"]).queryset = units
        if household is None and user.org_unit_id:
            self.fields["org_unit"].initial = user.org_unit_id
        current = self.data.get("region_code") if self.is_bound else self.initial.get("region_code")
        self.fields["region_code"].widget.choices = region_choices(current)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "org_unit": data["org_unit"],
            "region_code": (data["region_other"] or "").strip() or data["region_code"],
            "address": data["address"],
            "target_groups": [g.code for g in data["target_groups"]],
            "hardship_causes": [c.code for c in data["hardship_causes"]],
            "hardship_note": data["hardship_note"],
            "income_per_head": data["income_per_head"],
            "dibao_status": data["dibao_status"],
        }


class HouseholdFilterForm(forms.Form):
    """The list's filters, for display only: the selector reads ``HouseholdFilters.from_params``."""

    q = forms.CharField(
        label=_("Archive number or member name"),
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.ChoiceField(label=label(Household, "org_unit"), required=False)
    state = forms.ChoiceField(
        label=label(Household, "state"), required=False, choices=blank_choice(Household.State.choices)
    )
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    cause = forms.ChoiceField(label=_("Hardship cause"), required=False)
    no_helper = forms.BooleanField(label=_("No responsible helper"), required=False)
    overdue_visit = forms.BooleanField(label=_("Visit overdue"), required=False)
    dibao_status = forms.ChoiceField(
        label=label(Household, "dibao_status"), required=False, choices=blank_choice(Household.DibaoStatus.choices)
    )
    work_capacity = forms.ChoiceField(
        label=_("A member with work capacity"),
        required=False,
        choices=blank_choice(Member.WorkCapacity.choices),
    )
    sex = forms.ChoiceField(label=_("A member of sex"), required=False, choices=blank_choice(Member.Sex.choices))

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = min((u.depth for u in units), default=0)
        choices = {
            "unit": blank_choice((u.pk, unit_label(u, top)) for u in units),
            "target_group": blank_choice((g.code, str(g)) for g in TargetGroup.objects.all()),
            "cause": blank_choice((c.code, str(c)) for c in HardshipCause.objects.all()),
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options


class ReasonForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=200, widget=browser_required(forms.Textarea(attrs={"rows": 2}))
    )


class ReferralForm(ServiceForm):
    resolution = forms.CharField(
        label=_("What was decided"),
        required=False,
        max_length=200,
        help_text=_("For example: the same person, kept in one household; or a typing error, corrected."),
        widget=browser_required(forms.Textarea(attrs={"rows": 2})),
    )


# --- members ---------------------------------------------------------------------------------------


class MemberForm(ServiceForm):
    name = forms.CharField(
        label=label(Member, "name"),
        required=False,
        max_length=64,
        widget=browser_required(forms.TextInput(attrs={"autocomplete": "off"})),
    )
    relation = forms.ChoiceField(label=label(Member, "relation"), choices=Member.Relation.choices)
    id_number = forms.CharField(
        label=label(Member, "id_number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=label(Member, "phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    ethnicity = forms.CharField(label=label(Member, "ethnicity"), required=False, max_length=16)
    education = forms.ChoiceField(
        label=label(Member, "education"), required=False, choices=blank_choice(Member.Education.choices)
    )
    graduation_year = forms.IntegerField(
        label=label(Member, "graduation_year"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    major = forms.CharField(label=label(Member, "major"), required=False, max_length=64)
    work_capacity = forms.ChoiceField(label=label(Member, "work_capacity"), choices=Member.WorkCapacity.choices)
    employment_status = forms.ChoiceField(
        label=label(Member, "employment_status"),
        choices=Member.EmploymentStatus.choices,
        initial=Member.EmploymentStatus.UNEMPLOYED,
    )
    health = forms.CharField(label=label(Member, "health"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    monthly_income = forms.DecimalField(
        label=label(Member, "monthly_income"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )

    PROFILE_FIELDS = (
        "name",
        "relation",
        "phone",
        "ethnicity",
        "education",
        "graduation_year",
        "major",
        "work_capacity",
        "employment_status",
        "health",
        "monthly_income",
    )

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        if member is not None and "initial" not in kwargs:
            # Never the full ID number: showing it is a logged act (the reveal button).
            kwargs["initial"] = {name: getattr(member, name) for name in self.PROFILE_FIELDS}
        super().__init__(*args, **kwargs)
        if member is None:
            self.fields["id_number"].widget = browser_required(self.fields["id_number"].widget)
        else:
            self.fields["id_number"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it; type the full number to correct it."
            ) % {"masked": member.id_number_masked}

    def service_kwargs(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}
        # Empty means "keep the number on file" when editing, and "missing" when adding.
        values["id_number"] = self.cleaned_data["id_number"].strip() or None
        return values


class RevealForm(ServiceForm):
    purpose = forms.ChoiceField(
        label=label(SensitiveAccess, "purpose"), choices=blank_choice(SensitiveAccess.Purpose.choices), required=False
    )
    note = forms.CharField(label=label(SensitiveAccess, "note"), required=False, max_length=200)


# --- plans -----------------------------------------------------------------------------------------


class PlanForm(ServiceForm):
    summary = forms.CharField(
        label=label(ReliefPlan, "summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    review_on = forms.DateField(label=label(ReliefPlan, "review_on"), required=False, widget=date_input())


class GoalRowForm(forms.Form):
    track = forms.ChoiceField(label=label(PlanGoal, "track"), required=False, choices=blank_choice(Track.choices))
    title = forms.CharField(label=label(PlanGoal, "title"), required=False, max_length=200)
    due_on = forms.DateField(label=label(PlanGoal, "due_on"), required=False, widget=date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("title", "").strip() and not data.get("track"):
            self.add_error("track", _("Choose the track of this goal."))
        return data


GoalRowFormSet = forms.formset_factory(GoalRowForm, extra=5, max_num=5, validate_max=True)


class GoalForm(ServiceForm):
    service_fields = {"member": "member_id"}

    track = forms.ChoiceField(label=label(PlanGoal, "track"), choices=Track.choices)
    title = forms.CharField(
        label=label(PlanGoal, "title"), required=False, max_length=200, widget=browser_required(forms.TextInput())
    )
    due_on = forms.DateField(label=label(PlanGoal, "due_on"), required=False, widget=date_input())
    member_id = forms.TypedChoiceField(label=label(PlanGoal, "member"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_field = cast(forms.ChoiceField, self.fields["member_id"])
        member_field.choices = blank_choice((m.pk, m.name) for m in members if m.is_current)


class GoalStatusForm(ServiceForm):
    status = forms.ChoiceField(label=label(PlanGoal, "status"), choices=PlanGoal.Status.choices)
    evidence = forms.CharField(
        label=label(PlanGoal, "evidence"),
        required=False,
        max_length=200,
        help_text=_("Required when the goal is met: how do we know?"),
    )
    met_on = forms.DateField(label=label(PlanGoal, "met_on"), required=False, widget=date_input())


class MeasureForm(ServiceForm):
    track = forms.ChoiceField(label=label(PlanMeasure, "track"), choices=Track.choices)
    description = forms.CharField(
        label=label(PlanMeasure, "description"),
        required=False,
        max_length=200,
        widget=browser_required(forms.TextInput()),
    )
    goal = forms.TypedChoiceField(label=label(PlanMeasure, "goal"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(label=label(PlanMeasure, "due_on"), required=False, widget=date_input())

    def __init__(self, *args: Any, goals: list[PlanGoal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {g.pk: g for g in goals}
        cast(forms.ChoiceField, self.fields["goal"]).choices = blank_choice((g.pk, g.title) for g in goals)


class MeasureStatusForm(ServiceForm):
    status = forms.ChoiceField(label=label(PlanMeasure, "status"), choices=PlanMeasure.Status.choices)


# --- pairing, visits, exit -------------------------------------------------------------------------


class HelperChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.org_unit})" if obj.org_unit_id else obj.display_name


class PairingForm(ServiceForm):
    helper = HelperChoiceField(label=_("Responsible helper"), queryset=User.objects.none())
    helping_unit = UnitChoiceField(
        label=_("Helping unit"),
        required=False,
        queryset=OrgUnit.objects.none(),
        help_text=_("Empty: the helper's own unit."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["helper"]).queryset = account_selectors.helper_list_for(user)
        cast(forms.ModelChoiceField, self.fields["helping_unit"]).queryset = account_selectors.org_unit_list_for(user)


class VisitForm(ServiceForm):
    visited_on = forms.DateField(label=label(Visit, "visited_on"), widget=date_input(), initial=timezone.localdate)
    kind = forms.ChoiceField(label=label(Visit, "kind"), choices=Visit.Kind.choices)
    summary = forms.CharField(
        label=label(Visit, "summary"), required=False, widget=browser_required(forms.Textarea(attrs={"rows": 3}))
    )
    needs = forms.CharField(label=label(Visit, "needs"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_visit_due = forms.DateField(label=label(Visit, "next_visit_due"), required=False, widget=date_input())

    def __init__(self, *args: Any, interval_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_visit_due"].help_text = _("Empty: %(days)d days after this visit.") % {"days": interval_days}


class ExitRequestForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why the household can exit hardship"),
        required=False,
        widget=browser_required(forms.Textarea(attrs={"rows": 3})),
    )


class ExitDecisionForm(ServiceForm):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(label=_("Decision"), choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    note = forms.CharField(
        label=_("Decision note"),
        required=False,
        help_text=_("Required when rejecting."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- the worker's own profile ----------------------------------------------------------------------


class SkillForm(ServiceForm):
    # While the worker types, htmx fills the <datalist> with known skills (see me.html).
    phrase = forms.CharField(
        label=_("Skill"),
        required=False,
        max_length=100,
        help_text=_("In your own words, e.g. 开叉车, 电焊, 育婴."),
        widget=browser_required(
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "list": "skill-suggestions",
                    "hx-get": reverse_lazy("skills:suggest"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#skill-suggestions",
                    "hx-swap": "innerHTML",
                    "aria-describedby": "skill-hint id_phrase_helptext",
                }
            )
        ),
    )
    level = forms.ChoiceField(label=label(MemberSkill, "level"), choices=MemberSkill.Level.choices)
    years = forms.IntegerField(
        label=label(MemberSkill, "years"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


class JobPreferenceForm(ServiceForm):
    desired_work = forms.CharField(
        label=label(JobPreference, "desired_work"),
        required=False,
        max_length=200,
        # While the worker types, the help line below the field says what the phrase was understood as.
        widget=forms.TextInput(
            attrs={
                "hx-get": reverse_lazy("skills:code_hint"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#id_desired_work_helptext",
                "hx-swap": "innerHTML",
                "autocomplete": "off",
            }
        ),
        help_text=_("In your own words, e.g. 开叉车, 进厂当电焊工."),
    )
    expected_salary = forms.IntegerField(
        label=label(JobPreference, "expected_salary"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    regions = forms.MultipleChoiceField(
        label=label(JobPreference, "regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if anywhere nearby is fine."),
    )
    willing_to_relocate = forms.BooleanField(label=label(JobPreference, "willing_to_relocate"), required=False)
    full_time = forms.BooleanField(label=label(JobPreference, "full_time"), required=False)
    consent_to_be_found = forms.BooleanField(
        label=label(Member, "consent_to_be_found"),
        required=False,
        help_text=_(
            "Off unless you switch it on. When on, employers looking for staff can see your skills "
            "and the work you want, never your ID number, your household or your income. "
            "You can switch it off here at any time."
        ),
    )

    def __init__(self, *args: Any, member: Member, preference: JobPreference | None, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {"consent_to_be_found": member.consent_to_be_found}
            if preference is not None:
                kwargs["initial"].update(
                    {
                        "desired_work": preference.desired_work,
                        "expected_salary": preference.expected_salary,
                        "willing_to_relocate": preference.willing_to_relocate,
                        "full_time": preference.full_time,
                        "regions": [r.code for r in preference.regions.all()],
                    }
                )
            else:
                kwargs["initial"]["full_time"] = True
        super().__init__(*args, **kwargs)
        # The places a worker here can name: the banners and districts of the household's city
        # (Ordos for this federation), plus any already chosen.
        home = member.household.region
        city = home.parent_id if home.level == Region.Level.COUNTY else home.code
        chosen = kwargs["initial"].get("regions", [])
        nearby = Region.objects.filter(Q(parent_id=city) | Q(code__in=chosen)).order_by("code")
        cast(forms.MultipleChoiceField, self.fields["regions"]).choices = [(r.code, r.name) for r in nearby]
        if preference is not None and preference.desired_occupation is not None:
            self.fields["desired_work"].help_text = _("Understood as: %(name)s (%(code)s)") % {
                "name": preference.desired_occupation.name,
                "code": preference.desired_occupation.code,
            }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        # The service keeps the stored salary on None and clears it on "".
        salary = data["expected_salary"]
        return {
            "desired_work": data["desired_work"],
            "expected_salary": "" if salary is None else salary,
            "willing_to_relocate": data["willing_to_relocate"],
            "full_time": data["full_time"],
            "consent_to_be_found": data["consent_to_be_found"],
            "region_codes": data["regions"],
        }


class MemberAccountForm(ServiceForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the member in person; they can change it after logging in."),
    )


class MemberLeaveForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)
    left_on = forms.DateField(label=_("Left on"), required=False, widget=date_input())
