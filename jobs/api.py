"""REST API for 阳光就业: employers, postings, applications, candidates, placements, retention
follow-ups and employment services. Serializers check shape and render; every read goes through
a selector (scoped to the caller) and every write through a service, whose domain errors
``core.api.exception_handler`` turns into answers.

What employers see of people is limited to what a job needs (``CandidateSerializer``): never the
ID number, the household, income or health.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from accounts import visibility
from accounts.api import acting_user
from accounts.models import Role, User
from accounts.throttle import SignUpThrottle
from accounts.visibility import Action
from core import params
from core.errors import Forbidden, InvalidInput, NotFound
from core.pagination import CappedPagination
from households import selectors as household_selectors
from households.models import Member, MemberSkill
from jobs import selectors, services
from jobs.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmploymentService,
    Industry,
    JobPosting,
    PhysicalDemand,
    Placement,
    PostingSkill,
    RetentionCheck,
)
from skills.models import Occupation, Skill

EDUCATION_CHOICES = [("", "No requirement"), *Member.Education.choices]
# Day counts in query strings (stalled for, due within): ten years; more would overflow a date.
MAX_DAYS = 3660

# --- employers ---------------------------------------------------------------------------------------


class EmployerSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    open_postings = serializers.IntegerField(read_only=True, required=False, help_text="in lists only")

    class Meta:
        model = Employer
        fields = [
            "id",
            "name",
            "pending_name",
            "uscc",
            "contact_name",
            "contact_phone",
            "region",
            "region_name",
            "address",
            "industry",
            "description",
            "org_unit",
            "status",
            "status_note",
            "verified_at",
            "created_at",
            "open_postings",
        ]


class EmployerWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    uscc = serializers.CharField(max_length=32, help_text="统一社会信用代码 (18 characters)")
    contact_name = serializers.CharField(max_length=64)
    contact_phone = serializers.CharField(max_length=20)
    region = serializers.CharField(max_length=6, help_text="region code")
    industry = serializers.ChoiceField(choices=Industry.choices)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class EmployerRegisterSerializer(EmployerWriteSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


class DecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


def _employer_input(values: dict[str, Any], base: Employer | None = None) -> services.EmployerInput:
    """The service's input from the request, completed from ``base`` for a partial update."""

    def pick(name: str, current: Any) -> Any:
        return values.get(name, current)

    return services.EmployerInput(
        name=pick("name", base.name if base else ""),
        uscc=pick("uscc", base.uscc if base else ""),
        contact_name=pick("contact_name", base.contact_name if base else ""),
        contact_phone=pick("contact_phone", base.contact_phone if base else ""),
        region_code=pick("region", base.region_id if base else ""),
        industry=pick("industry", base.industry if base else ""),
        address=pick("address", base.address if base else ""),
        description=pick("description", base.description if base else ""),
    )


# --- postings ----------------------------------------------------------------------------------------


class PostingSkillSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField[Skill](slug_field="code", read_only=True, help_text="null: not understood yet")
    skill_name = serializers.CharField(source="skill.name_zh", read_only=True, default=None)

    class Meta:
        model = PostingSkill
        fields = ["phrase", "skill", "skill_name", "required"]


class PostingSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    occupation = serializers.SlugRelatedField[Occupation](slug_field="code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True, default=None)
    skills = PostingSkillSerializer(many=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = JobPosting
        fields = [
            "id",
            "employer",
            "employer_name",
            "title",
            "description",
            "occupation",
            "occupation_name",
            "headcount",
            "region",
            "region_name",
            "address",
            "salary_min",
            "salary_max",
            "physical_demand",
            "education",
            "accommodation",
            "recruits_other_regions",
            "for_graduates",
            "valid_until",
            "state",
            "published_at",
            "is_open",
            "skills",
        ]


class PostingManageSerializer(PostingSerializer):
    """A posting as its employer and the organizers see it: the review trail and the counts."""

    applicants = serializers.IntegerField(read_only=True, required=False)
    hired = serializers.IntegerField(read_only=True, required=False)

    class Meta(PostingSerializer.Meta):
        fields = [
            *PostingSerializer.Meta.fields,
            "submitted_at",
            "review_note",
            "created_at",
            "updated_at",
            "applicants",
            "hired",
        ]


class PostingWriteSerializer(serializers.Serializer):
    """Shape only: the rules (salary order, headcount, closing date...) are the service's."""

    employer = serializers.IntegerField(required=False, help_text="union staff only; employers post for their own")
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    headcount = serializers.IntegerField()
    region = serializers.CharField(max_length=6, help_text="region code of the workplace")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    salary_min = serializers.IntegerField(help_text="CNY a month")
    salary_max = serializers.IntegerField(help_text="CNY a month")
    physical_demand = serializers.ChoiceField(choices=PhysicalDemand.choices, required=False)
    education = serializers.ChoiceField(choices=EDUCATION_CHOICES, required=False, allow_blank=True)
    accommodation = serializers.BooleanField(required=False)
    recruits_other_regions = serializers.BooleanField(required=False)
    for_graduates = serializers.BooleanField(required=False)
    valid_until = serializers.DateField()
    required_skills = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="phrases as the employer writes them"
    )
    preferred_skills = serializers.ListField(child=serializers.CharField(max_length=100), required=False)


class InviteInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="a candidate who agreed to be found")
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _posting_input(values: dict[str, Any], base: JobPosting | None = None) -> services.PostingInput:
    """The service's input from the request, completed from ``base`` for a partial update."""
    current: dict[str, Any] = {}
    if base is not None:
        current = {
            "title": base.title,
            "headcount": base.headcount,
            "region": base.region_id,
            "salary_min": base.salary_min,
            "salary_max": base.salary_max,
            "valid_until": base.valid_until,
            "description": base.description,
            "address": base.address,
            "physical_demand": base.physical_demand,
            "education": base.education,
            "accommodation": base.accommodation,
            "recruits_other_regions": base.recruits_other_regions,
            "for_graduates": base.for_graduates,
            "required_skills": [s.phrase for s in base.skills.all() if s.required],
            "preferred_skills": [s.phrase for s in base.skills.all() if not s.required],
        }
    merged = {**current, **values}
    missing = [
        name
        for name in ("title", "headcount", "region", "salary_min", "salary_max", "valid_until")
        if name not in merged
    ]
    if missing:
        raise InvalidInput(_("This field is required."), field=missing[0])
    return services.PostingInput(
        title=merged["title"],
        headcount=merged["headcount"],
        region_code=merged["region"],
        salary_min=merged["salary_min"],
        salary_max=merged["salary_max"],
        valid_until=merged["valid_until"],
        description=merged.get("description", ""),
        address=merged.get("address", ""),
        physical_demand=merged.get("physical_demand", PhysicalDemand.MODERATE),
        education=merged.get("education", ""),
        accommodation=merged.get("accommodation", False),
        recruits_other_regions=merged.get("recruits_other_regions", False),
        for_graduates=merged.get("for_graduates", False),
        required_skills=list(merged.get("required_skills", [])),
        preferred_skills=list(merged.get("preferred_skills", [])),
    )


def _posting_skills() -> Prefetch:
    return Prefetch("skills", queryset=PostingSkill.objects.select_related("skill"))


# --- candidates: what employers may see of people ---------------------------------------------------


class CandidateSkillSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField[Skill](slug_field="code", read_only=True)
    skill_name = serializers.CharField(source="skill.name_zh", read_only=True, default=None)

    class Meta:
        model = MemberSkill
        fields = ["phrase", "skill", "skill_name", "level", "years", "certified"]


class CandidateSerializer(serializers.ModelSerializer):
    """A person as an employer sees them: what the job needs, and nothing of the archive (no ID
    number, household, income or health). Keep it an explicit allow-list."""

    age = serializers.IntegerField(read_only=True)
    skills = CandidateSkillSerializer(many=True, read_only=True)
    desired_work = serializers.SerializerMethodField()
    desired_occupation = serializers.SerializerMethodField()
    desired_occupation_name = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "age",
            "sex",
            "education",
            "graduation_year",
            "major",
            "work_capacity",
            "skills",
            "desired_work",
            "desired_occupation",
            "desired_occupation_name",
        ]

    @staticmethod
    def _preference(member: Member) -> Any:
        try:
            return member.job_preference
        except Member.job_preference.RelatedObjectDoesNotExist:
            return None

    def get_desired_work(self, member: Member) -> str:
        preference = self._preference(member)
        return preference.desired_work if preference else ""

    def get_desired_occupation(self, member: Member) -> str | None:
        preference = self._preference(member)
        occupation = preference.desired_occupation if preference else None
        return occupation.code if occupation else None

    def get_desired_occupation_name(self, member: Member) -> str | None:
        preference = self._preference(member)
        occupation = preference.desired_occupation if preference else None
        return occupation.name if occupation else None


# --- applications ------------------------------------------------------------------------------------


class ApplicationEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = ["from_state", "to_state", "actor", "at", "note"]

    def get_actor(self, event: ApplicationEvent) -> str | None:
        return event.actor.display_name if event.actor else None

    def get_note(self, event: ApplicationEvent) -> str:
        # A helper's note records how the worker consented ("agreed on the phone, her husband is
        # ill..."): the archive's business, not the employer's. Employers read their own notes only.
        viewer = self.context.get("user")
        if viewer is not None and viewer.role == Role.EMPLOYER:
            return event.note if event.actor is not None and event.actor.role == Role.EMPLOYER else ""
        return event.note


class ApplicationSerializer(serializers.ModelSerializer):
    posting_title = serializers.CharField(source="posting.title", read_only=True)
    employer = serializers.IntegerField(source="posting.employer_id", read_only=True)
    employer_name = serializers.CharField(source="posting.employer.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    consent_note = serializers.SerializerMethodField()
    stalled = serializers.SerializerMethodField(help_text="the employer has not moved it for 30 days")

    class Meta:
        model = Application
        fields = [
            "id",
            "posting",
            "posting_title",
            "employer",
            "employer_name",
            "member",
            "member_name",
            "state",
            "via",
            "message",
            "consent_recorded_at",
            "consent_note",
            "created_at",
            "employer_touched_at",
            "updated_at",
            "stalled",
        ]

    def get_consent_note(self, application: Application) -> str:
        viewer = self.context.get("user")
        return "" if viewer is not None and viewer.role == Role.EMPLOYER else application.consent_note

    def get_stalled(self, application: Application) -> bool:
        waiting = set(services.OPEN_STATES) - {Application.State.INVITED}
        cutoff = timezone.now() - dt.timedelta(days=settings.STALLED_APPLICATION_DAYS)
        return application.state in waiting and application.employer_touched_at < cutoff


class ApplicationDetailSerializer(ApplicationSerializer):
    events = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "events"]

    @extend_schema_field(ApplicationEventSerializer(many=True))
    def get_events(self, application: Application) -> list[dict[str, Any]]:
        return ApplicationEventSerializer(application.events.all(), many=True, context=self.context).data  # type: ignore[return-value]


class PipelineEntrySerializer(ApplicationSerializer):
    """One applicant of a posting, with the candidate's profile (never the archive)."""

    candidate = CandidateSerializer(source="member", read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "candidate"]


class ApplyInputSerializer(serializers.Serializer):
    posting = serializers.IntegerField()
    member = serializers.IntegerField(
        required=False, allow_null=True, help_text="helpers: who applies; workers apply for themselves"
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    consent_note = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="helpers: how the worker agreed"
    )


class MoveInputSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=Application.State.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class HireInputSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    monthly_wage = serializers.IntegerField(help_text="CNY a month")


# --- placements and retention follow-ups ------------------------------------------------------------


class PlacementSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    employer_name = serializers.CharField(source="employer.name", read_only=True)
    posting_title = serializers.CharField(source="posting.title", read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "application",
            "member",
            "member_name",
            "employer",
            "employer_name",
            "posting",
            "posting_title",
            "start_date",
            "monthly_wage",
            "ended_on",
            "created_at",
        ]


class NamedCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class UnitCountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="over the unit's whole subtree, or its own records when own is true")
    unit_code = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField(help_text="below the caller's unit (0)")
    own = serializers.BooleanField(help_text="the unit's own records, without the units below it")


class RetentionCheckSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="placement.member_id", read_only=True)
    member_name = serializers.CharField(source="placement.member.name", read_only=True)
    household = serializers.IntegerField(source="placement.member.household_id", read_only=True)
    employer_name = serializers.CharField(source="placement.employer.name", read_only=True)
    start_date = serializers.DateField(source="placement.start_date", read_only=True)

    class Meta:
        model = RetentionCheck
        fields = [
            "id",
            "placement",
            "member",
            "member_name",
            "household",
            "employer_name",
            "start_date",
            "months",
            "due_on",
            "done_on",
            "outcome",
            "note",
        ]


class RetentionRecordSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RetentionCheck.Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    done_on = serializers.DateField(required=False, allow_null=True)


# --- employment services -----------------------------------------------------------------------------


class EmploymentServiceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    provided_by_name = serializers.CharField(source="provided_by.display_name", read_only=True)
    posting_title = serializers.CharField(source="posting.title", read_only=True, default=None)

    class Meta:
        model = EmploymentService
        fields = [
            "id",
            "member",
            "member_name",
            "kind",
            "held_on",
            "provided_by",
            "provided_by_name",
            "posting",
            "posting_title",
            "outcome",
            "created_at",
        ]


class EmploymentServiceInputSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EmploymentService.Kind.choices)
    held_on = serializers.DateField()
    outcome = serializers.CharField(allow_blank=True, help_text="what came of it")
    posting = serializers.IntegerField(required=False, allow_null=True, help_text="the job introduced, if any")


# --- views ----------------------------------------------------------------------------------------


class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Employers (用人单位). An employer user sees their own company; organizers the companies their
    unit is responsible for. Anyone may register a company; it waits for an organizer's check."""

    serializer_class = EmployerSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = acting_user(self.request)
        if self.request.query_params.get("to_verify"):
            return selectors.employers_to_verify_for(user)
        return selectors.employer_list_for(user)

    def get_object(self) -> Employer:
        return selectors.employer_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("to_verify", bool, description="only those waiting for a check")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EmployerWriteSerializer, responses=EmployerSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Edit the company profile. A new credit code sends a verified company back for a check; a
        verified company's new name waits in ``pending_name`` for the union (``name`` stays)."""
        employer = self.get_object()
        data = EmployerWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        employer = services.employer_update(
            employer=employer, by=acting_user(request), data=_employer_input(dict(data.validated_data), employer)
        )
        return Response(EmployerSerializer(employer).data)

    @extend_schema(
        request=EmployerRegisterSerializer,
        responses={
            201: inline_serializer(
                "EmployerRegistered", {"employer": EmployerSerializer(), "username": serializers.CharField()}
            )
        },
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        throttle_classes=[AnonRateThrottle, SignUpThrottle],
    )
    def register(self, request: Request) -> Response:
        """Self-registration: the company, waiting for verification, and its first employer login."""
        data = EmployerRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        username, password = values.pop("username"), values.pop("password")
        employer, user = services.employer_sign_up(data=_employer_input(values), username=username, password=password)
        return Response(
            {"employer": EmployerSerializer(employer).data, "username": user.username}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=DecisionInputSerializer, responses=EmployerSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: Any = None) -> Response:
        """An organizer verifies the company (its postings may then go live), or rejects it with a note."""
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employer = services.employer_verify(
            employer=self.get_object(),
            by=acting_user(request),
            approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
        )
        return Response(EmployerSerializer(employer).data)


POSTING_SEARCH_PARAMS = [
    OpenApiParameter("q", str, description="words of the title or the company name"),
    OpenApiParameter("region", str, description="a county code, or a city / province code for all its counties"),
    OpenApiParameter("skill", str, description="a skill code of the taxonomy"),
    OpenApiParameter("min_salary", int, description="pays at least this much (CNY a month) at the top of its range"),
    OpenApiParameter("light_work", bool),
    OpenApiParameter("for_graduates", bool),
    OpenApiParameter("occupation", str, description="a CSCO 2022 code or code prefix (6-30)"),
]


def _full_page(request: Request, view: Any, postings: Any) -> Response:
    """A page of a list that is counted in full (the search's own pages stop at a cap)."""
    paginator = PageNumberPagination()
    page: Any = paginator.paginate_queryset(postings, request, view=view)
    return paginator.get_paginated_response(PostingManageSerializer(page, many=True).data)


class PostingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Job postings. The list is the search over open postings (anyone signed in); a posting's
    employer and the organizers also reach it in other states (``mine``, ``to_review``)."""

    serializer_class = PostingSerializer
    pagination_class = CappedPagination

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.posting_search(selectors.PostingFilters.from_params(self.request.query_params)).select_related(
            "occupation"
        )

    def get_object(self) -> JobPosting:
        return selectors.posting_get_for(acting_user(self.request), self.kwargs["pk"])

    def _managed(self) -> JobPosting:
        """A posting the caller manages: their company's, or one in their unit's reach."""
        return selectors.posting_manage_get_for(acting_user(self.request), self.kwargs["pk"])

    def _manage_response(self, posting: JobPosting, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.posting_get_for(acting_user(self.request), posting.pk)
        return Response(PostingManageSerializer(fresh).data, status=code)

    @extend_schema(parameters=POSTING_SEARCH_PARAMS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Search open postings, newest first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=PostingManageSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A posting; its employer and the organizers in reach also see the review trail."""
        posting = self.get_object()
        try:
            selectors.posting_manage_get_for(acting_user(request), posting.pk)
        except NotFound:
            return Response(PostingSerializer(posting).data)
        return Response(PostingManageSerializer(posting).data)

    @extend_schema(responses=PostingManageSerializer(many=True))
    @action(detail=False, methods=["get"])
    def mine(self, request: Request) -> Response:
        """Postings in every state: the employer's own, or those of companies in the organizer's reach."""
        postings = selectors.employer_postings_for(acting_user(request)).select_related("occupation")
        return _full_page(request, self, postings.prefetch_related(_posting_skills()))

    @extend_schema(responses=PostingManageSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="to-review")
    def to_review(self, request: Request) -> Response:
        """The organizer's review queue, oldest first."""
        postings = selectors.postings_to_review_for(acting_user(request))
        return _full_page(request, self, postings)

    @extend_schema(request=PostingWriteSerializer, responses={201: PostingManageSerializer})
    def create(self, request: Request) -> Response:
        """A new posting, as a draft. Skills are phrases as written; they are resolved to the taxonomy
        and those that cannot be placed are kept and queued for organizers."""
        user = acting_user(request)
        data = PostingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        employer_pk = values.pop("employer", None)
        employer = _posting_employer(user, employer_pk)
        posting = services.posting_create(employer=employer, by=user, data=_posting_input(values))
        return self._manage_response(posting, status.HTTP_201_CREATED)

    @extend_schema(request=PostingWriteSerializer, responses=PostingManageSerializer)
    def update(self, request: Request, pk: Any = None) -> Response:
        """Replace a posting's terms. A published posting edited by its employer goes back for review."""
        return self._update(request, partial=False)

    @extend_schema(request=PostingWriteSerializer, responses=PostingManageSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        """Change some of a posting's terms (skills left out stay as they are)."""
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        posting = self._managed()
        data = PostingWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("employer", None)  # a posting never changes company
        posting = services.posting_update(
            posting=posting, by=acting_user(request), data=_posting_input(values, posting if partial else None)
        )
        return self._manage_response(posting)

    @extend_schema(request=None, responses=PostingManageSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Send a draft for review."""
        posting = services.posting_submit(posting=self._managed(), by=acting_user(request))
        return self._manage_response(posting)

    @extend_schema(request=DecisionInputSerializer, responses=PostingManageSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        """An organizer publishes the posting, or sends it back to the employer with a note."""
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        posting = services.posting_review(
            posting=self._managed(),
            by=acting_user(request),
            approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
        )
        return self._manage_response(posting)

    @extend_schema(request=None, responses=PostingManageSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Take the posting down; its open applications are closed."""
        posting = services.posting_withdraw(posting=self._managed(), by=acting_user(request))
        return self._manage_response(posting)

    @extend_schema(responses=PipelineEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def applicants(self, request: Request, pk: Any = None) -> Response:
        """The applicant pipeline of one posting, for its employer (and the organizers)."""
        user = acting_user(request)
        entries = selectors.pipeline_for(user, self._managed()).select_related(
            "member__job_preference__desired_occupation"
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(PipelineEntrySerializer(page, many=True, context={"user": user}).data)

    @extend_schema(request=InviteInputSerializer, responses={201: ApplicationDetailSerializer})
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: Any = None) -> Response:
        """Invite a worker who agreed to be found by employers to apply."""
        user = acting_user(request)
        data = InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        posting = self._managed()
        member = selectors.candidate_get_for(user, data.validated_data["member"])
        application = services.application_invite(
            posting=posting, member=member, by=user, message=data.validated_data.get("message", "")
        )
        return _application_response(user, application, status.HTTP_201_CREATED)


def _posting_employer(user: User, employer_pk: int | None) -> Employer:
    """The company a new posting belongs to: the employer user's own; union staff name one in reach."""
    if user.role == Role.EMPLOYER:
        employer = services.employer_of(user)
        if employer is None:
            raise Forbidden(_("This login does not act for a company."))
        return employer
    if not visibility.may(user, Action.REVIEW_POSTINGS):
        raise Forbidden(_("Your role does not post jobs."))
    if employer_pk is None:
        raise InvalidInput(_("Choose the company."), field="employer")
    return selectors.employer_get_for(user, employer_pk)


class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """People who agreed to be found by employers (list), and anyone who applied to the caller's
    company (one by one). Employers only; everyone else finds nobody."""

    serializer_class = CandidateSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        return selectors.candidate_search_for(
            acting_user(self.request), skill=params.get("skill", ""), region=params.get("region", "")
        ).select_related("job_preference__desired_occupation")

    def get_object(self) -> Member:
        return selectors.candidate_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter("skill", str, description="a skill code of the taxonomy"),
            OpenApiParameter("region", str, description="the county the household lives in"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        selectors.require_candidate_search(acting_user(request))
        return super().list(request, *args, **kwargs)


def _application_response(user: User, application: Application, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.application_get_for(user, application.pk)
    return Response(ApplicationDetailSerializer(fresh, context={"user": user}).data, status=code)


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications: a worker's own, an employer's applicants, those in an organizer's reach.
    Every change of state is logged with who and when."""

    serializer_class = ApplicationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # the schema, written offline: no user
            return Application.objects.none()
        return selectors.application_list_for(
            acting_user(self.request), state=self.request.query_params.get("state", "")
        )

    def get_object(self) -> Application:
        return selectors.application_get_for(acting_user(self.request), self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "user": acting_user(self.request)}

    @extend_schema(parameters=[OpenApiParameter("state", str)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=ApplicationDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ApplicationDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(request=ApplyInputSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request: Request) -> Response:
        """Apply: a worker for themselves, or a helper for someone in their reach with the worker's
        consent recorded (``consent_note``)."""
        user = acting_user(request)
        data = ApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        posting = selectors.posting_get_for(user, values["posting"])
        member = _applicant(user, values.get("member"))
        application = services.application_apply(
            posting=posting,
            member=member,
            by=user,
            message=values.get("message", ""),
            consent_note=values.get("consent_note", ""),
        )
        return _application_response(user, application, status.HTTP_201_CREATED)

    @extend_schema(request=MoveInputSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: Any = None) -> Response:
        """One step of the state machine: the employer views, interviews, offers or rejects; the
        worker (or their helper) accepts an invitation or withdraws. Hiring is ``hire``."""
        user = acting_user(request)
        data = MoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = self.get_object()
        to_state, note = data.validated_data["to_state"], data.validated_data.get("note", "")
        if application.state == Application.State.INVITED and to_state == Application.State.APPLIED:
            # Accepting an invitation is applying: the same checks (work capacity, a helper's
            # record of consent) as an application the worker starts.
            application = services.application_apply(
                posting=application.posting, member=application.member, by=user, message=note, consent_note=note
            )
        else:
            application = services.application_move(application=application, by=user, to_state=to_state, note=note)
        return _application_response(user, application)

    @extend_schema(request=HireInputSerializer, responses={201: PlacementSerializer})
    @action(detail=True, methods=["post"])
    def hire(self, request: Request, pk: Any = None) -> Response:
        """The employer records the hire of an offered applicant: a placement, the archive updated,
        the worker's other applications closed, retention follow-ups scheduled."""
        data = HireInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        placement = services.application_hire(
            application=self.get_object(), by=acting_user(request), **data.validated_data
        )
        return Response(PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="untouched for this many days (default 30)")],
        responses=ApplicationSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def stalled(self, request: Request) -> Response:
        """Applications the employer has not moved for 30 days, for the organizers of the applicants' units."""
        days = params.whole_number(request.query_params.get("days"), minimum=1, maximum=MAX_DAYS)
        applications = selectors.stalled_applications_for(acting_user(request), days=days)
        page = self.paginate_queryset(applications)
        return self.get_paginated_response(
            ApplicationSerializer(page, many=True, context=self.get_serializer_context()).data
        )


def _applicant(user: User, member_pk: int | None) -> Member:
    """Who applies: the worker themselves by default; a helper names someone in their reach."""
    if member_pk is None:
        member = household_selectors.my_member(user)
        if member is None:
            raise InvalidInput(_("Choose the person who applies."), field="member")
        return member
    return household_selectors.member_get_for(user, member_pk)


class PlacementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Hires (就业安置): the employer's own, or those of households in the organizer's reach."""

    serializer_class = PlacementSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # the schema, written offline: no user
            return Placement.objects.none()
        return selectors.placements_for(acting_user(self.request))

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="hires that started in this year")],
        responses=inline_serializer(
            "PlacementCounts",
            {
                "total": serializers.IntegerField(),
                "by_unit": UnitCountSerializer(many=True),
                "by_target_group": NamedCountSerializer(many=True),
                "met_plan_goal": serializers.IntegerField(help_text="households whose plan's job goal is met"),
                "graduates": serializers.IntegerField(help_text="hired within two years of graduating"),
            },
        ),
    )
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        """Hires counted by the household's union unit, by target group and by the plan's job goal."""
        counts = selectors.placement_counts_for(
            acting_user(request), year=params.year(request.query_params.get("year"))
        )
        return Response(
            {
                "total": counts.total,
                "by_unit": [
                    {
                        "name": line.unit.name,
                        "count": line.values["count"],
                        "unit_code": line.unit.code,
                        "depth": line.depth,
                        "own": line.is_own,
                    }
                    for line in counts.by_unit
                ],
                "by_target_group": [{"name": name, "count": n} for name, n in counts.by_target_group],
                "met_plan_goal": counts.met_plan_goal,
                "graduates": counts.graduates,
            }
        )


class RetentionCheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Retention follow-ups (1, 3 and 6 months after a hire) due soon or overdue: the helper's
    task list (organizers: everything in their reach)."""

    serializer_class = RetentionCheckSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # the schema, written offline: no user
            return RetentionCheck.objects.none()
        days = params.whole_number(self.request.query_params.get("within_days"), default=14, maximum=MAX_DAYS)
        return selectors.retention_checks_due_for(acting_user(self.request), within_days=days)

    @extend_schema(parameters=[OpenApiParameter("within_days", int, description="due within this many days (14)")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RetentionRecordSerializer, responses=RetentionCheckSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        """Record the follow-up: still in the job, working elsewhere, left, or unreachable."""
        user = acting_user(request)
        data = RetentionRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = selectors.retention_check_get_for(user, pk)
        check = services.retention_check_record(check=check, by=user, **data.validated_data)
        return Response(RetentionCheckSerializer(selectors.retention_check_get_for(user, check.pk)).data)


class EmploymentServiceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """阳光就业 services (career counselling, job introduction, legal aid) for household members."""

    serializer_class = EmploymentServiceSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        services_qs = selectors.services_for(acting_user(self.request))
        member = params.int_pk(self.request.query_params.get("member"))
        if member:
            services_qs = services_qs.filter(member_id=member)
        return services_qs

    @extend_schema(parameters=[OpenApiParameter("member", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EmploymentServiceInputSerializer, responses={201: EmploymentServiceSerializer})
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        data = EmploymentServiceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        member = household_selectors.member_get_for(user, values.pop("member"))
        posting_pk = values.pop("posting", None)
        posting = selectors.posting_get_for(user, posting_pk) if posting_pk is not None else None
        service = services.employment_service_record(member=member, by=user, posting=posting, **values)
        return Response(EmploymentServiceSerializer(service).data, status=status.HTTP_201_CREATED)
