"""REST API for the archive. Serializers check shape and render; every read goes through a
selector (scoped to the caller) and every write through a service."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import visibility
from accounts.api import acting_user
from accounts.models import OrgUnit, User
from accounts.selectors import helper_list_for, org_unit_list_for
from accounts.visibility import Action
from core import params
from core.errors import InvalidInput
from core.models import Region, SensitiveAccess
from households import selectors, services
from households.models import (
    ExitRequest,
    HardshipCause,
    Household,
    JobPreference,
    Member,
    MemberSkill,
    Pairing,
    PlanGoal,
    PlanMeasure,
    ReliefPlan,
    TargetGroup,
    Track,
    Visit,
)
from skills.models import Occupation, Skill

# --- serializers -------------------------------------------------------------------------------------


class MemberSkillSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField(
        slug_field="code", queryset=Skill.objects.all(), required=False, allow_null=True
    )
    skill_name = serializers.CharField(source="skill.name_zh", read_only=True, default=None)

    class Meta:
        model = MemberSkill
        fields = [
            "id",
            "member",
            "phrase",
            "skill",
            "skill_name",
            "level",
            "years",
            "certified",
            "certificate_number",
            "source",
        ]
        read_only_fields = ["source"]


class MemberSkillInputSerializer(serializers.Serializer):
    """What a client sends to add a skill: the phrase as written, or a taxonomy code, or both.
    (Not the model serializer: its unique-together validator would make ``skill`` required.)"""

    phrase = serializers.CharField(max_length=100, required=False, allow_blank=True)
    skill = serializers.SlugRelatedField(
        slug_field="code", queryset=Skill.objects.filter(is_active=True), required=False, allow_null=True
    )
    level = serializers.ChoiceField(choices=MemberSkill.Level.choices, required=False)
    years = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=60)
    certified = serializers.BooleanField(required=False)
    certificate_number = serializers.CharField(max_length=64, required=False, allow_blank=True)


class JobPreferenceSerializer(serializers.ModelSerializer):
    occupations = serializers.SlugRelatedField[Occupation](slug_field="code", many=True, read_only=True)
    regions = serializers.PrimaryKeyRelatedField[Region](many=True, read_only=True)

    class Meta:
        model = JobPreference
        fields = ["occupations", "desired_work", "regions", "willing_to_relocate", "expected_salary", "full_time"]


class MemberSerializer(serializers.ModelSerializer):
    """A member as staff see it. The ID number is always masked here; the full number comes only
    from the logged ``reveal-id-number`` action."""

    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    age = serializers.IntegerField(read_only=True)
    skills = MemberSkillSerializer(many=True, read_only=True)
    job_preference = JobPreferenceSerializer(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "household",
            "name",
            "relation",
            "id_number",
            "sex",
            "birth_date",
            "age",
            "phone",
            "ethnicity",
            "education",
            "graduation_year",
            "major",
            "work_capacity",
            "employment_status",
            "consent_to_be_found",
            "is_current",
            "skills",
            "job_preference",
        ]


class MemberDetailSerializer(MemberSerializer):
    """With health and income: only for roles that see them, and only through a logged read."""

    # Declared: DRF would map the encrypted (text-backed) decimal to a CharField.
    monthly_income = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "health", "monthly_income"]


class MemberWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    name = serializers.CharField(max_length=64)
    relation = serializers.ChoiceField(choices=Member.Relation.choices)
    id_number = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    ethnicity = serializers.CharField(max_length=16, required=False, allow_blank=True)
    education = serializers.ChoiceField(choices=Member.Education.choices, required=False, allow_blank=True)
    graduation_year = serializers.IntegerField(required=False, allow_null=True)
    major = serializers.CharField(max_length=64, required=False, allow_blank=True)
    work_capacity = serializers.ChoiceField(choices=Member.WorkCapacity.choices, required=False)
    employment_status = serializers.ChoiceField(choices=Member.EmploymentStatus.choices, required=False)
    health = serializers.CharField(required=False, allow_blank=True)
    monthly_income = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    consent_to_be_found = serializers.BooleanField(required=False)


class MemberUpdateSerializer(MemberWriteSerializer):
    household = None  # type: ignore[assignment]
    name = serializers.CharField(max_length=64, required=False)
    relation = serializers.ChoiceField(choices=Member.Relation.choices, required=False)
    id_number = serializers.CharField(max_length=32, required=False)


class HouseholdSerializer(serializers.ModelSerializer):
    target_groups = serializers.SlugRelatedField[TargetGroup](slug_field="code", many=True, read_only=True)
    hardship_causes = serializers.SlugRelatedField[HardshipCause](slug_field="code", many=True, read_only=True)
    head = serializers.SerializerMethodField()
    helper = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "org_unit",
            "region",
            "address",
            "target_groups",
            "hardship_causes",
            "dibao_status",
            "state",
            "registered_on",
            "activated_on",
            "exited_on",
            "follow_up_until",
            "closed_on",
            "reentry_count",
            "next_visit_due",
            "head",
            "helper",
        ]

    def get_head(self, household: Household) -> str | None:
        heads = getattr(household, "heads", None)
        if heads is None:
            heads = [m for m in household.members.all() if m.relation == Member.Relation.HEAD and m.is_current]
        return heads[0].name if heads else None

    def get_helper(self, household: Household) -> str | None:
        pairings = getattr(household, "current_pairings", None)
        if pairings is None:
            pairings = list(household.pairings.filter(ended_on__isnull=True).select_related("helper"))
        return pairings[0].helper.display_name if pairings else None


class ArchiveFlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ReceivedSerializer(serializers.Serializer):
    day = serializers.DateField()
    programme = serializers.CharField()
    what = serializers.CharField()
    member_name = serializers.CharField()
    amount_fen = serializers.IntegerField(source="amount", allow_null=True)
    origin = serializers.CharField(source="source", help_text="the app it came from: relief, jobs, training, ventures")


class HouseholdDetailSerializer(HouseholdSerializer):
    """A household with its members. Income and health are filled in only for roles that see them
    (the read is logged); for others they are null. ``received`` lists what the household received
    across the programmes and relief tracks; ``archive_flags`` where its declared target groups
    contradict its data."""

    members = serializers.SerializerMethodField()
    income_per_head = serializers.SerializerMethodField()
    received = serializers.SerializerMethodField()
    archive_flags = serializers.SerializerMethodField()

    class Meta(HouseholdSerializer.Meta):
        fields = [
            *HouseholdSerializer.Meta.fields,
            "hardship_note",
            "income_per_head",
            "members",
            "received",
            "archive_flags",
        ]

    @extend_schema_field(ReceivedSerializer(many=True))
    def get_received(self, household: Household) -> Any:
        return ReceivedSerializer(self.context.get("received", []), many=True).data

    @extend_schema_field(ArchiveFlagSerializer(many=True))
    def get_archive_flags(self, household: Household) -> Any:
        return ArchiveFlagSerializer(self.context.get("archive_flags", []), many=True).data

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_income_per_head(self, household: Household) -> Any:
        return (
            str(household.income_per_head)
            if self.context.get("personal") and household.income_per_head is not None
            else None
        )

    @extend_schema_field(MemberDetailSerializer(many=True))
    def get_members(self, household: Household) -> Any:
        members = self.context.get("members", household.members.all())
        serializer = MemberDetailSerializer if self.context.get("personal") else MemberSerializer
        return serializer(members, many=True).data


class HouseholdWriteSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField()
    region = serializers.CharField(max_length=6)
    address = serializers.CharField(max_length=200)
    target_groups = serializers.ListField(child=serializers.CharField(), required=False)
    hardship_causes = serializers.ListField(child=serializers.CharField(), required=False)
    hardship_note = serializers.CharField(required=False, allow_blank=True)
    income_per_head = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    dibao_status = serializers.ChoiceField(choices=Household.DibaoStatus.choices, required=False)
    number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    registered_on = serializers.DateField(required=False)


class HouseholdUpdateSerializer(HouseholdWriteSerializer):
    org_unit = serializers.IntegerField(required=False)
    region = serializers.CharField(max_length=6, required=False)
    address = serializers.CharField(max_length=200, required=False)
    number = None  # type: ignore[assignment]


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = ["id", "plan", "track", "member", "title", "due_on", "status", "met_on", "evidence"]
        read_only_fields = ["status", "met_on", "evidence"]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanMeasure
        fields = ["id", "plan", "goal", "track", "description", "due_on", "status", "done_on"]
        read_only_fields = ["status", "done_on"]


class PlanSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = ReliefPlan
        fields = ["id", "household", "summary", "status", "starts_on", "review_on", "goals", "measures"]


class GoalInputSerializer(serializers.Serializer):
    track = serializers.ChoiceField(choices=Track.choices)
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True)
    member = serializers.IntegerField(required=False, allow_null=True)


class PlanWriteSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    summary = serializers.CharField(required=False, allow_blank=True)
    review_on = serializers.DateField(required=False, allow_null=True)
    goals = GoalInputSerializer(many=True, required=False)


class GoalStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlanGoal.Status.choices)
    evidence = serializers.CharField(required=False, allow_blank=True)
    met_on = serializers.DateField(required=False, allow_null=True)


class PairingSerializer(serializers.ModelSerializer):
    helper_name = serializers.CharField(source="helper.display_name", read_only=True)

    class Meta:
        model = Pairing
        fields = ["id", "household", "helper", "helper_name", "helping_unit", "started_on", "ended_on", "end_reason"]
        read_only_fields = ["started_on", "ended_on", "end_reason"]
        extra_kwargs = {
            "helping_unit": {"required": False},
            "household": {"queryset": Household.objects.all()},
            "helper": {"queryset": User.objects.all()},
        }


class PairingInputSerializer(serializers.Serializer):
    """Plain ids: the caller's reach decides (a household or helper out of reach answers like a
    missing one, so that probing ids tells nobody's role or unit)."""

    household = serializers.IntegerField()
    helper = serializers.IntegerField(help_text="a helper of the caller's unit or a unit below it")
    helping_unit = serializers.IntegerField(required=False, allow_null=True, help_text="empty: the helper's unit")


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "household", "visited_by", "visited_on", "kind", "summary", "needs", "next_visit_due"]
        read_only_fields = ["visited_by"]
        extra_kwargs = {"next_visit_due": {"required": False}, "household": {"queryset": Household.objects.all()}}


class VisitInputSerializer(VisitSerializer):
    household = serializers.IntegerField()  # a plain id: the caller's reach decides (404 alike)


class ExitRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExitRequest
        fields = [
            "id",
            "household",
            "requested_by",
            "requested_at",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = ["requested_by", "requested_at", "status", "decided_by", "decided_at", "decision_note"]
        extra_kwargs = {"household": {"queryset": Household.objects.all()}}


class ExitRequestInputSerializer(serializers.Serializer):
    household = serializers.IntegerField()  # a plain id: the caller's reach decides (404 alike)
    reason = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class RevealSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=SensitiveAccess.Purpose.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PreferenceWriteSerializer(serializers.Serializer):
    occupations = serializers.ListField(child=serializers.CharField(), required=False, help_text="CSCO 2022 codes")
    regions = serializers.ListField(child=serializers.CharField(), required=False, help_text="region codes")
    desired_work = serializers.CharField(required=False, allow_blank=True, max_length=200)
    willing_to_relocate = serializers.BooleanField(required=False)
    expected_salary = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    full_time = serializers.BooleanField(required=False)
    consent_to_be_found = serializers.BooleanField(required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


# --- helpers ---------------------------------------------------------------------------------------


def _unit_for(user: User, pk: Any) -> OrgUnit:
    unit = org_unit_list_for(user).filter(pk=params.int_pk(pk)).first()
    if unit is None:
        raise InvalidInput("Unknown union unit, or one outside your reach.", field="org_unit")
    return unit


def _client_ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR")


# --- views -----------------------------------------------------------------------------------------

HOUSEHOLD_FILTER_PARAMS = [
    OpenApiParameter("unit", int, description="a union unit; its whole subtree is listed"),
    OpenApiParameter("target_group", str),
    OpenApiParameter("state", str),
    OpenApiParameter("cause", str),
    OpenApiParameter("no_helper", bool),
    OpenApiParameter("overdue_visit", bool),
    OpenApiParameter("q", str, description="archive number or a member's name"),
    OpenApiParameter("dibao_status", str, description="none, applying, receiving or stopped"),
    OpenApiParameter("work_capacity", str, description="a current member with this work capacity: full, partial, none"),
    OpenApiParameter(
        "sex", str, description="a current member of this sex: M or F (with work_capacity: the same member)"
    ),
]


class HouseholdViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Households (一户一档) in the caller's reach. Workers see their own household only."""

    serializer_class = HouseholdSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.household_list_for(
            acting_user(self.request), selectors.HouseholdFilters.from_params(self.request.query_params)
        )

    def get_object(self) -> Household:
        return selectors.household_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(parameters=HOUSEHOLD_FILTER_PARAMS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=HouseholdDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        detail = selectors.household_detail_for(acting_user(request), kwargs["pk"], ip_address=_client_ip(request))
        context = {
            "personal": detail["show_personal"],
            "members": detail["members"],
            "received": detail["received"],
            "archive_flags": detail["archive_flags"],
        }
        return Response(HouseholdDetailSerializer(detail["household"], context=context).data)

    @extend_schema(request=HouseholdWriteSerializer, responses={201: HouseholdSerializer})
    def create(self, request: Request) -> Response:
        data = HouseholdWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = services.household_create(
            by=acting_user(request),
            org_unit=_unit_for(acting_user(request), values.pop("org_unit")),
            region_code=values.pop("region"),
            **values,
        )
        return Response(HouseholdSerializer(household).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HouseholdUpdateSerializer, responses=HouseholdSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        household = self.get_object()
        data = HouseholdUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = _unit_for(acting_user(request), values.pop("org_unit")) if "org_unit" in values else None
        if "region" in values:
            values["region_code"] = values.pop("region")
        household = services.household_update(household=household, by=acting_user(request), org_unit=unit, **values)
        return Response(HouseholdSerializer(household).data)

    @extend_schema(request=None, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: Any = None) -> Response:
        household = services.household_activate(household=self.get_object(), by=acting_user(request))
        return Response(HouseholdSerializer(household).data)

    @extend_schema(request=ReasonSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = services.household_close(
            household=self.get_object(), by=acting_user(request), reason=data.validated_data["reason"]
        )
        return Response(HouseholdSerializer(household).data)

    @extend_schema(request=ReasonSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"])
    def reenter(self, request: Request, pk: Any = None) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = services.household_reenter(
            household=self.get_object(), by=acting_user(request), reason=data.validated_data["reason"]
        )
        return Response(HouseholdSerializer(household).data)

    @extend_schema(
        responses=inline_serializer(
            "HistoryEntry",
            {
                "at": serializers.DateTimeField(),
                "user": serializers.CharField(),
                "type": serializers.CharField(),
                "subject": serializers.CharField(),
                "model": serializers.CharField(),
                "changes": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: Any = None) -> Response:
        """Who changed what and when (sensitive values are never shown)."""
        entries = selectors.household_history_for(acting_user(request), self.get_object())
        return Response(
            [
                {
                    **e,
                    "user": str(e["user"]) if e["user"] else None,
                    "model": str(e["model"]),
                    "changes": [{k: str(v) if v is not None else None for k, v in c.items()} for c in e["changes"]],
                }
                for e in entries
            ]
        )


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        members = (
            selectors.member_list_for(acting_user(self.request))
            .select_related("job_preference")
            .prefetch_related("skills__skill", "job_preference__occupations", "job_preference__regions")
        )
        household = params.int_pk(self.request.query_params.get("household"))
        if household:
            members = members.filter(household_id=household)
        return members.order_by("household_id", "id")

    def get_object(self) -> Member:
        return selectors.member_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("household", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=MemberDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A member; health and income only for organizers and helpers, and the read is logged."""
        member = selectors.member_detail_for(acting_user(request), kwargs["pk"], ip_address=_client_ip(request))
        personal = visibility.may(acting_user(request), Action.VIEW_PERSONAL_DETAIL, member.household.org_unit)
        return Response((MemberDetailSerializer if personal else MemberSerializer)(member).data)

    @extend_schema(request=MemberWriteSerializer, responses={201: MemberSerializer})
    def create(self, request: Request) -> Response:
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = selectors.household_get_for(acting_user(request), values.pop("household"))
        member = services.member_add(household=household, by=acting_user(request), **values)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        member = self.get_object()
        data = MemberUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        member = services.member_update(member=member, by=acting_user(request), **data.validated_data)
        return Response(MemberSerializer(member).data)

    @extend_schema(
        request=RevealSerializer,
        responses=inline_serializer("RevealedIdNumber", {"id_number": serializers.CharField()}),
    )
    @action(detail=True, methods=["post"], url_path="reveal-id-number")
    def reveal_id_number(self, request: Request, pk: Any = None) -> Response:
        """The full ID number. Allowed to organizers and helpers; every call is logged with its purpose."""
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = services.member_reveal_id_number(
            member=self.get_object(), by=acting_user(request), ip_address=_client_ip(request), **data.validated_data
        )
        return Response({"id_number": number})

    @extend_schema(request=MemberSkillInputSerializer, responses={201: MemberSkillSerializer})
    @action(detail=True, methods=["post"])
    def skills(self, request: Request, pk: Any = None) -> Response:
        """Add a skill to the member's profile (the phrase as written; resolved to the taxonomy)."""
        member = self.get_object()
        data = MemberSkillInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.member_skill_add(member=member, by=acting_user(request), **data.validated_data)
        return Response(MemberSkillSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PreferenceWriteSerializer, responses=JobPreferenceSerializer)
    @action(detail=True, methods=["post"])
    def preferences(self, request: Request, pk: Any = None) -> Response:
        """Set job preferences and the consent to be found by employers (off by default)."""
        member = self.get_object()
        data = PreferenceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        preference = services.job_preference_update(
            member=member,
            by=acting_user(request),
            occupation_codes=values.pop("occupations", None),
            region_codes=values.pop("regions", None),
            **values,
        )
        return Response(JobPreferenceSerializer(preference).data)


class MemberSkillViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Remove a skill from a profile (workers: their own, uncertified skills)."""

    serializer_class = MemberSkillSerializer

    def get_object(self) -> MemberSkill:
        return selectors.member_skill_get_for(acting_user(self.request), self.kwargs["pk"])

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return MemberSkill.objects.none()  # single objects only, through the selector

    def perform_destroy(self, instance: MemberSkill) -> None:
        services.member_skill_remove(entry=instance, by=acting_user(self.request))


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.plan_list_for(acting_user(self.request)).prefetch_related("goals", "measures").order_by("-id")

    @extend_schema(request=PlanWriteSerializer, responses={201: PlanSerializer})
    def create(self, request: Request) -> Response:
        data = PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        household = selectors.household_get_for(acting_user(request), values["household"])
        goals = [
            services.GoalInput(track=g["track"], title=g["title"], due_on=g.get("due_on"), member_id=g.get("member"))
            for g in values.get("goals", [])
        ]
        plan = services.plan_create(
            household=household,
            by=acting_user(request),
            summary=values.get("summary", ""),
            review_on=values.get("review_on"),
            goals=goals,
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class GoalViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GoalSerializer

    def get_object(self) -> PlanGoal:
        return selectors.goal_get_for(acting_user(self.request), self.kwargs["pk"])

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return PlanGoal.objects.none()  # single objects only, through the selector

    @extend_schema(request=GoalStatusSerializer, responses=GoalSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: Any = None) -> Response:
        data = GoalStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = services.goal_set_status(goal=self.get_object(), by=acting_user(request), **data.validated_data)
        return Response(GoalSerializer(goal).data)


class PairingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Pairings (一帮一). Creating one names the household's responsible helper, replacing the current."""

    serializer_class = PairingSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.pairing_list_for(acting_user(self.request)).order_by("-started_on", "-id")

    @extend_schema(request=PairingInputSerializer, responses={201: PairingSerializer})
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        data = PairingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        household = selectors.household_get_for(user, values["household"])
        helper = helper_list_for(user).filter(pk=params.int_pk(values["helper"])).first()
        if helper is None:  # a worker, an organizer, a helper out of reach or nobody: one answer
            raise InvalidInput(str(services.HELPER_CHOICE_MESSAGE), field="helper")
        helping_unit = None
        if values.get("helping_unit") is not None:
            helping_unit = org_unit_list_for(user).filter(pk=params.int_pk(values["helping_unit"])).first()
            if helping_unit is None:
                raise InvalidInput(_("The helping unit must be within your union unit."), field="helping_unit")
        pairing = services.pairing_assign(household=household, by=user, helper=helper, helping_unit=helping_unit)
        return Response(PairingSerializer(pairing).data, status=status.HTTP_201_CREATED)


class VisitViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = VisitSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        visits = selectors.visit_list_for(acting_user(self.request))
        household = params.int_pk(self.request.query_params.get("household"))
        if household:
            visits = visits.filter(household_id=household)
        return visits.order_by("-visited_on", "-id")

    @extend_schema(parameters=[OpenApiParameter("household", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=VisitInputSerializer, responses={201: VisitSerializer})
    def create(self, request: Request) -> Response:
        data = VisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        household = selectors.household_get_for(acting_user(request), values.pop("household"))
        visit = services.visit_record(household=household, by=acting_user(request), **values)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class ExitRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exit requests: the helper asks, an organizer of a higher unit approves or rejects."""

    serializer_class = ExitRequestSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if self.request.query_params.get("to_decide"):
            return selectors.exit_requests_to_decide_for(acting_user(self.request))
        return selectors.exit_request_list_for(acting_user(self.request))

    def get_object(self) -> ExitRequest:
        return selectors.exit_request_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("to_decide", bool)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ExitRequestInputSerializer, responses={201: ExitRequestSerializer})
    def create(self, request: Request) -> Response:
        data = ExitRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        household = selectors.household_get_for(acting_user(request), data.validated_data["household"])
        exit_request = services.exit_request(
            household=household, by=acting_user(request), reason=data.validated_data["reason"]
        )
        return Response(ExitRequestSerializer(exit_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=ExitRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(request=DecisionSerializer, responses=ExitRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, approve=False)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.exit_decide(
            request=self.get_object(),
            by=acting_user(request),
            approve=approve,
            note=data.validated_data.get("note", ""),
        )
        return Response(ExitRequestSerializer(decided).data)
