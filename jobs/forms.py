"""Forms of the 阳光就业 pages. As in ``households.forms``, they check the shape of the input and hand
clean values to a service; the rules live in ``jobs.services``, whose errors the views attach back to
these fields (``ServiceForm.field_for``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Region
from households.forms import (
    HOME_REGION_CODE,
    PickedMember,
    ServiceForm,
    blank_choice,
    browser_required,
    date_input,
    label,
    region_choices,
)
from households.models import Member
from jobs.models import (
    Application,
    Employer,
    EmploymentService,
    Industry,
    JobPosting,
    PhysicalDemand,
    Placement,
    RetentionCheck,
)
from jobs.services import EmployerInput, PostingInput
from skills.models import Skill

# Employers write skills one a line, or in a row separated by the Chinese enumeration comma, commas
# or semicolons (full-width or not), as they would in a job advert.
PHRASE_SEPARATORS = re.compile(r"[\n\r、,，;；]+")


def split_phrases(text: str) -> list[str]:
    """``"电焊、叉车\\n会开车"`` -> ``["电焊", "叉车", "会开车"]``, without blanks or repeats."""
    return list(dict.fromkeys(p.strip() for p in PHRASE_SEPARATORS.split(text or "") if p.strip()))


def skill_from(value: str) -> Skill | None:
    """A skill filter holds a code, or a name picked from the suggestions (Chinese or English)."""
    value = (value or "").strip()
    if not value:
        return None
    return (
        Skill.objects.filter(code=value, is_active=True).first()
        or Skill.objects.filter(name_zh=value, is_active=True).first()
        or Skill.objects.filter(name_en__iexact=value, is_active=True).first()
    )


def nearby_regions(home: Region | None) -> list[tuple[str, str]]:
    """The counties (banners, districts) of ``home``'s city: where a worker here looks for work."""
    home = home or Region.objects.filter(code=HOME_REGION_CODE).first()
    if home is None:
        return []
    city_code = home.parent_id if home.level == Region.Level.COUNTY and home.parent_id else home.code
    return [(r.code, r.name) for r in Region.objects.filter(parent_id=city_code).order_by("code")]


def skill_input(list_id: str, name: str = "skill") -> forms.TextInput:
    """A text box whose ``<datalist>`` htmx fills with known skills while the user types."""
    return forms.TextInput(
        attrs={
            "autocomplete": "off",
            "list": list_id,
            "hx-get": reverse_lazy("skills:suggest"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
        }
    )


# --- workers look for work -------------------------------------------------------------------------


class PostingSearchForm(forms.Form):
    """The search's filters, for display only: the selector reads ``PostingFilters.from_params``."""

    q = forms.CharField(
        label=_("Job title or company"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("Where"), required=False)
    skill = forms.CharField(
        label=_("Skill"),
        required=False,
        max_length=100,
        widget=skill_input("posting-skill-suggestions"),
        help_text=_("A skill you have, e.g. 电焊 or 叉车."),
    )
    min_salary = forms.IntegerField(
        label=_("Monthly salary at least (CNY)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "500"}),
    )
    light_work = forms.BooleanField(label=_("Light work only"), required=False)
    for_graduates = forms.BooleanField(label=_("Suitable for graduates"), required=False)

    def __init__(self, *args: Any, home: Region | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = [("", _("Anywhere")), *nearby_regions(home)]


class ApplyForm(ServiceForm):
    message = forms.CharField(
        label=_("A word to the employer"),
        required=False,
        max_length=2000,
        help_text=_("Optional: when you can start, what you have done before."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberPickForm(ServiceForm):
    """Union staff choose a household member in their reach (a select of at most a few hundred)."""

    service_fields = {"member": "member_id"}

    member_id = forms.TypedChoiceField(label=_("Household member"), coerce=int, empty_value=None)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["member_id"]).choices = blank_choice(members)


class ApplyForOtherForm(ServiceForm):
    """A helper applies for someone found with the people picker, the worker's consent recorded."""

    service_fields = {"member": "member_id"}

    member_id = PickedMember(label=_("Household member"), queryset=Member.objects.none())
    consent_note = forms.CharField(
        label=label(Application, "consent_note"),
        required=False,
        max_length=200,
        help_text=_("Required: when and how the worker agreed, e.g. 2026-05-03 电话同意."),
        widget=browser_required(forms.TextInput(attrs={"autocomplete": "off"})),
    )
    message = forms.CharField(
        label=_("A word to the employer"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PickedMember, self.fields["member_id"])
        field.queryset = members if members is not None else Member.objects.none()


# --- employers -------------------------------------------------------------------------------------


class EmployerForm(ServiceForm):
    service_fields = {"region": "region_code", "phone": "contact_phone"}

    name = forms.CharField(
        label=label(Employer, "name"),
        required=False,
        max_length=120,
        widget=browser_required(forms.TextInput(attrs={"autocomplete": "organization"})),
    )
    uscc = forms.CharField(
        label=label(Employer, "uscc"),
        required=False,
        max_length=24,
        help_text=_("The 18 characters on the business licence (统一社会信用代码)."),
        widget=browser_required(
            forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
        ),
    )
    contact_name = forms.CharField(
        label=label(Employer, "contact_name"),
        required=False,
        max_length=64,
        widget=browser_required(forms.TextInput(attrs={"autocomplete": "name"})),
    )
    contact_phone = forms.CharField(
        label=label(Employer, "contact_phone"),
        required=False,
        max_length=20,
        widget=browser_required(forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})),
    )
    region_code = forms.CharField(label=label(Employer, "region"), required=False, widget=forms.Select())
    region_other = forms.CharField(
        label=_("Other region code"),
        required=False,
        max_length=6,
        help_text=_("Only if the region is not in the list: its 6-digit code."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{6}", "autocomplete": "off"}),
    )
    industry = forms.ChoiceField(label=label(Employer, "industry"), choices=blank_choice(Industry.choices))
    # Not the model's "address": that word is translated as a household's address (家庭住址).
    address = forms.CharField(label=_("Company address"), required=False, max_length=200)
    description = forms.CharField(
        label=label(Employer, "description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, employer: Employer | None = None, **kwargs: Any) -> None:
        if employer is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": employer.pending_name or employer.name,
                "uscc": employer.uscc,
                "contact_name": employer.contact_name,
                "contact_phone": employer.contact_phone,
                "region_code": employer.region_id,
                "industry": employer.industry,
                "address": employer.address,
                "description": employer.description,
            }
        kwargs.setdefault("initial", {}).setdefault("region_code", HOME_REGION_CODE)
        super().__init__(*args, **kwargs)
        current = self.data.get("region_code") if self.is_bound else self.initial.get("region_code")
        cast(forms.Select, self.fields["region_code"].widget).choices = region_choices(current)

    def to_input(self) -> EmployerInput:
        data = self.cleaned_data
        return EmployerInput(
            name=data["name"],
            uscc=data["uscc"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            region_code=(data["region_other"] or "").strip() or data["region_code"],
            industry=data["industry"],
            address=data["address"],
            description=data["description"],
        )


class EmployerSignUpForm(EmployerForm):
    username = forms.CharField(
        label=_("Username for logging in"),
        required=False,
        max_length=150,
        widget=browser_required(forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"})),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=browser_required(forms.PasswordInput(attrs={"autocomplete": "new-password"})),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        required=False,
        widget=browser_required(forms.PasswordInput(attrs={"autocomplete": "new-password"})),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("username") or "").strip():
            self.add_error("username", _("Choose a username."))
        if not data.get("password"):
            self.add_error("password", _("Choose a password."))
        elif data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


# --- postings --------------------------------------------------------------------------------------


def _skills_widget(name: str) -> forms.Textarea:
    # While the employer types, htmx shows below the box what each phrase was understood as.
    return forms.Textarea(
        attrs={
            "rows": 3,
            "hx-get": reverse_lazy("jobs:posting_hint"),
            "hx-trigger": "input changed delay:500ms",
            "hx-target": f"#{name}-understood",
            "hx-swap": "innerHTML",
            "autocomplete": "off",
        }
    )


class PostingForm(ServiceForm):
    service_fields = {"region": "region_code"}

    title = forms.CharField(
        label=label(JobPosting, "title"),
        required=False,
        max_length=100,
        help_text=_("As you would call the job, e.g. 叉车司机, 电焊工, 保洁员."),
        widget=browser_required(
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "hx-get": reverse_lazy("jobs:posting_hint"),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#id_title_helptext",
                    "hx-swap": "innerHTML",
                }
            )
        ),
    )
    description = forms.CharField(
        label=label(JobPosting, "description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    required_skills = forms.CharField(
        label=_("Skills the job requires"),
        required=False,
        help_text=_("One a line, or separated by 、 or commas, in your own words."),
        widget=_skills_widget("required_skills"),
    )
    preferred_skills = forms.CharField(
        label=_("Skills that help"),
        required=False,
        help_text=_("Nice to have, not required."),
        widget=_skills_widget("preferred_skills"),
    )
    headcount = forms.IntegerField(
        label=label(JobPosting, "headcount"),
        required=False,
        widget=browser_required(forms.NumberInput(attrs={"inputmode": "numeric"})),
    )
    salary_min = forms.IntegerField(
        label=label(JobPosting, "salary_min"),
        required=False,
        widget=browser_required(forms.NumberInput(attrs={"inputmode": "numeric", "step": "100"})),
    )
    salary_max = forms.IntegerField(
        label=label(JobPosting, "salary_max"),
        required=False,
        widget=browser_required(forms.NumberInput(attrs={"inputmode": "numeric", "step": "100"})),
    )
    region_code = forms.CharField(label=label(JobPosting, "region"), required=False, widget=forms.Select())
    region_other = forms.CharField(
        label=_("Other region code"),
        required=False,
        max_length=6,
        help_text=_("Only if the region is not in the list: its 6-digit code."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{6}", "autocomplete": "off"}),
    )
    address = forms.CharField(label=label(JobPosting, "address"), required=False, max_length=200)
    physical_demand = forms.ChoiceField(
        label=label(JobPosting, "physical_demand"),
        choices=PhysicalDemand.choices,
        initial=PhysicalDemand.MODERATE,
        help_text=_("Light work is open to people with partial work capacity."),
    )
    education = forms.ChoiceField(
        label=label(JobPosting, "education"),
        required=False,
        choices=[("", _("No requirement")), *Member.Education.choices],
    )
    accommodation = forms.BooleanField(label=label(JobPosting, "accommodation"), required=False)
    recruits_other_regions = forms.BooleanField(label=label(JobPosting, "recruits_other_regions"), required=False)
    for_graduates = forms.BooleanField(label=label(JobPosting, "for_graduates"), required=False)
    valid_until = forms.DateField(label=label(JobPosting, "valid_until"), widget=date_input())

    def __init__(self, *args: Any, employer: Employer, posting: JobPosting | None = None, **kwargs: Any) -> None:
        if posting is not None and "initial" not in kwargs:
            skills = list(posting.skills.all())
            kwargs["initial"] = {
                "title": posting.title,
                "description": posting.description,
                "required_skills": "\n".join(s.phrase for s in skills if s.required),
                "preferred_skills": "\n".join(s.phrase for s in skills if not s.required),
                "headcount": posting.headcount,
                "salary_min": posting.salary_min,
                "salary_max": posting.salary_max,
                "region_code": posting.region_id,
                "address": posting.address,
                "physical_demand": posting.physical_demand,
                "education": posting.education,
                "accommodation": posting.accommodation,
                "recruits_other_regions": posting.recruits_other_regions,
                "for_graduates": posting.for_graduates,
                "valid_until": posting.valid_until,
            }
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("region_code", employer.region_id)
        initial.setdefault("address", employer.address)
        initial.setdefault("valid_until", timezone.localdate() + dt.timedelta(days=30))
        super().__init__(*args, **kwargs)
        current = self.data.get("region_code") if self.is_bound else self.initial.get("region_code")
        cast(forms.Select, self.fields["region_code"].widget).choices = region_choices(current)

    def to_input(self) -> PostingInput:
        data = self.cleaned_data
        return PostingInput(
            title=data["title"],
            description=data["description"],
            headcount=data["headcount"],
            region_code=(data["region_other"] or "").strip() or data["region_code"],
            address=data["address"],
            salary_min=data["salary_min"],
            salary_max=data["salary_max"],
            physical_demand=data["physical_demand"],
            education=data["education"],
            accommodation=data["accommodation"],
            recruits_other_regions=data["recruits_other_regions"],
            for_graduates=data["for_graduates"],
            valid_until=data["valid_until"],
            required_skills=split_phrases(data["required_skills"]),
            preferred_skills=split_phrases(data["preferred_skills"]),
        )


# --- the pipeline ----------------------------------------------------------------------------------


class MoveForm(ServiceForm):
    service_fields = {"to_state": "to_state"}

    to_state = forms.ChoiceField(choices=Application.State.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class HireForm(ServiceForm):
    start_date = forms.DateField(label=label(Placement, "start_date"), widget=date_input(), initial=timezone.localdate)
    monthly_wage = forms.IntegerField(
        label=label(Placement, "monthly_wage"),
        required=False,
        widget=browser_required(forms.NumberInput(attrs={"inputmode": "numeric", "step": "100"})),
    )


class CandidateFilterForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill"), required=False, max_length=100, widget=skill_input("candidate-skill-suggestions")
    )


def posting_choice_label(posting: JobPosting) -> str:
    """A posting in a list of choices, told apart from another of the same title: where, the
    pay and when it was published ("叉车司机 · 棋盘井镇 · ¥4500–6500 · 2026-11-02")."""
    parts = [posting.title, posting.region.name, f"¥{posting.salary_min}–{posting.salary_max}"]
    if posting.published_at:
        parts.append(f"{posting.published_at:%Y-%m-%d}")
    return " · ".join(parts)


class InviteForm(ServiceForm):
    service_fields = {"posting": "posting_id"}

    posting_id = forms.TypedChoiceField(label=_("Invite to apply for"), coerce=int, empty_value=None)
    message = forms.CharField(
        label=_("A word to the worker"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, postings: list[JobPosting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.postings = {p.pk: p for p in postings}
        cast(forms.ChoiceField, self.fields["posting_id"]).choices = blank_choice(
            (p.pk, posting_choice_label(p)) for p in postings
        )


# --- organizers ------------------------------------------------------------------------------------


class ReviewFilterForm(forms.Form):
    """Narrow and order the organizer's posting review queue (GET)."""

    q = forms.CharField(label=_("Title or employer"), required=False, max_length=100)
    employer = forms.ChoiceField(
        label=_("Employer"),
        required=False,
        choices=[("", _("All employers")), ("verified", _("Verified")), ("unverified", _("Not verified yet"))],
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("oldest", _("Waiting longest first")),
            ("newest", _("Newest first")),
            ("employer", _("By employer")),
            ("salary", _("Highest pay first")),
        ],
    )


class DecisionForm(ServiceForm):
    """Verify an employer or publish a posting (``approve``), or refuse it with a note."""

    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Required when rejecting: the employer reads it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, approve_label: Any, reject_label: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Setting a ChoiceField's choices also sets its widget's.
        cast(forms.ChoiceField, self.fields["decision"]).choices = [
            (self.APPROVE, approve_label),
            (self.REJECT, reject_label),
        ]

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data.get("decision") == self.APPROVE)


class RetentionCheckForm(ServiceForm):
    outcome = forms.ChoiceField(
        label=label(RetentionCheck, "outcome"), choices=blank_choice(RetentionCheck.Outcome.choices)
    )
    note = forms.CharField(label=label(RetentionCheck, "note"), required=False, max_length=200)
    done_on = forms.DateField(
        label=label(RetentionCheck, "done_on"), required=False, widget=date_input(), initial=timezone.localdate
    )


class EmploymentServiceForm(MemberPickForm):
    service_fields = {"member": "member_id", "posting": "posting_id"}

    kind = forms.ChoiceField(label=label(EmploymentService, "kind"), choices=EmploymentService.Kind.choices)
    held_on = forms.DateField(
        label=label(EmploymentService, "held_on"), widget=date_input(), initial=timezone.localdate
    )
    outcome = forms.CharField(
        label=label(EmploymentService, "outcome"),
        required=False,
        widget=browser_required(forms.Textarea(attrs={"rows": 3})),
    )
    posting_id = forms.TypedChoiceField(
        label=label(EmploymentService, "posting"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], postings: list[JobPosting], **kwargs: Any) -> None:
        super().__init__(*args, members=members, **kwargs)
        self.postings = {p.pk: p for p in postings}
        cast(forms.ChoiceField, self.fields["posting_id"]).choices = blank_choice(
            (p.pk, f"{p.title} · {p.employer.name}") for p in postings
        )
