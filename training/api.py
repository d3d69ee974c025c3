"""REST API of 技能培训促就业: the catalogue (courses, cohorts), enrolment (one person or a list),
cancelling, attendance (by enrolment or by the trainee's scanned code), completion, certificates,
a worker's skill-gap advice, and the coverage report.

Serializers check shape; every read goes through a selector and every write through a service,
whose domain errors ``core.api.exception_handler`` turns into answers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts import visibility
from accounts.api import acting_user
from accounts.models import Role
from accounts.visibility import Action
from core import params
from core.errors import Forbidden, InvalidInput, NotFound
from core.pagination import CappedPagination
from households import selectors as household_selectors
from households.models import TargetGroup
from skills.models import Skill
from training import advice, selectors, services
from training.models import Certificate, Cohort, Completion, Course, Enrolment


class CohortSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "course",
            "course_title",
            "name",
            "starts_on",
            "ends_on",
            "enrolment_deadline",
            "seats",
            "venue",
            "is_cancelled",
        ]


class CourseSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    skills = serializers.SlugRelatedField[Skill](slug_field="code", many=True, read_only=True)
    target_groups = serializers.SlugRelatedField[TargetGroup](slug_field="code", many=True, read_only=True)
    price_for_archived = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "provider",
            "provider_name",
            "org_unit",
            "skills",
            "level",
            "mode",
            "region",
            "venue",
            "hours",
            "cost",
            "subsidised",
            "price_for_archived",
            "target_groups",
            "min_age",
            "max_age",
            "partial_capacity_ok",
            "description",
        ]


class CompletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Completion
        fields = ["completed_on", "passed", "score", "note"]


class EnrolmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    completion = CompletionSerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "cohort", "member", "member_name", "state", "seat", "via", "created_at", "completion"]


class CertificateSerializer(serializers.ModelSerializer):
    skills = serializers.SlugRelatedField[Skill](slug_field="code", many=True, read_only=True)
    enrolment = serializers.IntegerField(source="completion.enrolment_id", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "number", "issuer", "issued_on", "member", "enrolment", "skills"]


class EnrolInputSerializer(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        # Each id is looked up before the service counts them: refuse a long list before that.
        max_length=services.MAX_BATCH,
        help_text="Staff: the members to enrol, in order (the first get the seats left). A worker sends nothing.",
    )


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AttendanceInputSerializer(serializers.Serializer):
    session = serializers.IntegerField()


class ScanInputSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    token = serializers.CharField(max_length=500, help_text="The code on the trainee's phone, scanned or typed.")


class CompletionInputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    completed_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CertificateInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    issuer = serializers.CharField(max_length=100)
    issued_on = serializers.DateField(required=False)
    scan = serializers.FileField(required=False)


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue: courses in the catalogue, each with its skills and eligibility."""

    lookup_value_regex = r"\d+"  # /courses/abc/ names no record: 404 from the router, not a 500
    serializer_class = CourseSerializer
    pagination_class = CappedPagination

    def get_queryset(self):  # type: ignore[no-untyped-def]
        request = self.request
        return selectors.course_list_for(
            acting_user(request), query=request.query_params.get("q", ""), skill=request.query_params.get("skill", "")
        ).order_by("title", "id")


class CohortViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cohorts open for enrolment; ``enrol`` enrols the caller (a worker) or a list (staff)."""

    lookup_value_regex = r"\d+"
    serializer_class = CohortSerializer
    pagination_class = CappedPagination

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = acting_user(self.request)
        if not selectors.reads_catalogue(user):
            return Cohort.objects.none()
        return advice.open_cohorts().select_related("course").order_by("starts_on", "id")

    def get_object(self) -> Cohort:
        return selectors.cohort_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=EnrolInputSerializer, responses={201: EnrolmentSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def enrol(self, request: Request, pk: Any = None) -> Response:
        user = acting_user(request)
        cohort = self.get_object()
        data = EnrolInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("members") or []
        if user.role == Role.WORKER:
            member = household_selectors.my_member(user)
            if member is None or ids:
                raise InvalidInput(_("A worker enrols themselves: send no members."), field="members")
            enrolments = [services.enrolment_create(cohort=cohort, member=member, by=user)]
        else:
            if not visibility.may(user, Action.ENROL_OTHERS):
                raise Forbidden(_("Your role does not allow this."))
            members = [household_selectors.member_get_for(user, pk) for pk in ids]
            enrolments = services.enrolment_create_many(cohort=cohort, members=members, by=user)
        return Response(EnrolmentSerializer(enrolments, many=True).data, status=status.HTTP_201_CREATED)


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrolments the caller may see (their own; their reach's)."""

    lookup_value_regex = r"\d+"
    serializer_class = EnrolmentSerializer
    pagination_class = CappedPagination
    filterset_fields = ["cohort", "state"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.enrolment_list_for(acting_user(self.request)).select_related("completion").order_by("-id")

    def get_object(self) -> Enrolment:
        return selectors.enrolment_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=CancelInputSerializer, responses={200: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        data = CancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled, promoted = services.enrolment_cancel(
            enrolment=self.get_object(), by=acting_user(request), reason=data.validated_data.get("reason", "")
        )
        body = EnrolmentSerializer(cancelled).data
        body["promoted"] = promoted.pk if promoted is not None else None
        return Response(body)

    @extend_schema(request=AttendanceInputSerializer, responses={201: None, 200: None})
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: Any = None) -> Response:
        """Mark the enrolment present at a session (201; 200 when it was marked already)."""
        user = acting_user(request)
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = selectors.session_get_for(user, data.validated_data["session"])
        _mark, created = services.attendance_record(session=session, enrolment=self.get_object(), by=user)
        return Response({"created": created}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=ScanInputSerializer, responses={201: None, 200: None})
    @action(detail=False, methods=["post"])
    def scan(self, request: Request) -> Response:
        """Mark present the trainee whose code was scanned at the door (201; 200 when marked already)."""
        user = acting_user(request)
        data = ScanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = selectors.session_get_for(user, data.validated_data["session"])
        mark, created = services.attendance_scan(session=session, token=data.validated_data["token"], by=user)
        return Response(
            {"created": created, "enrolment": mark.enrolment_id},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=CompletionInputSerializer, responses={201: CompletionSerializer})
    @action(detail=True, methods=["post"])
    def completion(self, request: Request, pk: Any = None) -> Response:
        data = CompletionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        completion = services.completion_record(
            enrolment=self.get_object(),
            by=acting_user(request),
            passed=values["passed"],
            score=values.get("score"),
            completed_on=values.get("completed_on"),
            note=values.get("note", ""),
        )
        return Response(CompletionSerializer(completion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CertificateInputSerializer, responses={201: CertificateSerializer})
    @action(detail=True, methods=["post"])
    def certificate(self, request: Request, pk: Any = None) -> Response:
        data = CertificateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        certificate = services.certificate_issue(
            enrolment=self.get_object(),
            by=acting_user(request),
            number=values["number"],
            issuer=values["issuer"],
            issued_on=values.get("issued_on"),
            scan=values.get("scan"),
        )
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = CertificateSerializer
    pagination_class = CappedPagination

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.certificate_list_for(acting_user(self.request)).order_by("-id")


ADVICE_SCHEMA = extend_schema(
    parameters=[OpenApiParameter("member", int, description="Staff: whose advice (default: the caller's own).")],
    responses={
        200: inline_serializer(
            "SkillAdvice",
            {
                "skill": serializers.CharField(),
                "name": serializers.CharField(),
                "opens": serializers.IntegerField(),
                "closeness": serializers.FloatField(),
                "sentence": serializers.CharField(),
                "cohorts": serializers.ListField(child=serializers.IntegerField()),
            },
            many=True,
        )
    },
)


def _skill_advice(request: Request) -> Response:
    """The skills whose learning would open the most reachable, better-paid jobs, and the open
    cohorts teaching them that the person may join."""
    user = acting_user(request)
    if not selectors.reads_catalogue(user):
        raise Forbidden(_("Your role does not allow this."))
    wanted = request.query_params.get("member")
    if wanted:
        if not params.int_pk(wanted):
            raise NotFound(_("No such member."))
        member = household_selectors.member_get_for(user, wanted)
    else:
        found = household_selectors.my_member(user)
        if found is None:
            raise InvalidInput(_("Your login is not linked to a household archive; ask your helper."), field="member")
        member = found
    rows = advice.advice_for(member)
    return Response(
        [
            {
                "skill": r.skill.code,
                "name": r.skill.name_zh,
                "opens": r.opens,
                "closeness": r.closeness,
                "sentence": r.sentence,
                "cohorts": [c.pk for c in r.cohorts],
            }
            for r in rows
        ]
    )


COVERAGE_SCHEMA = extend_schema(
    responses={
        200: inline_serializer(
            "TrainingCoverage",
            {
                "capable": serializers.IntegerField(),
                "covered": serializers.IntegerField(),
                "households": serializers.IntegerField(),
                "households_covered": serializers.IntegerField(),
                "units": serializers.ListField(child=serializers.DictField()),
            },
        )
    }
)


def _coverage(request: Request) -> Response:
    """Capable members with at least one certified skill, by unit and household, in the caller's reach."""
    user = acting_user(request)
    if not visibility.may(user, Action.VIEW_TRAINING):
        raise Forbidden(_("Your role does not allow this."))
    report = selectors.coverage_for(user)

    def row(r: selectors.CoverageRow) -> dict[str, Any]:
        return {
            "unit": r.unit.pk if r.unit else None,
            "unit_name": r.unit.name if r.unit else "",
            "capable": r.capable,
            "covered": r.covered,
            "households": r.households,
            "households_covered": r.households_covered,
            "households_some": r.households_some,
            "depth": r.depth,
            "own": r.is_own,
        }

    return Response({**row(report.total), "units": [row(r) for r in report.units]})


class AdviceViewSet(viewsets.ViewSet):
    """技能差距: what to learn (see ``training.advice``)."""

    @ADVICE_SCHEMA
    def list(self, request: Request) -> Response:
        """The skills whose learning would open the most reachable, better-paid jobs, and the open
        cohorts teaching them that the person may join."""
        return _skill_advice(request)


class CoverageViewSet(viewsets.ViewSet):
    @COVERAGE_SCHEMA
    def list(self, request: Request) -> Response:
        """Capable members with at least one certified skill, by unit and household, in the caller's reach."""
        return _coverage(request)


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("training/courses", CourseViewSet, basename="training-course")
    router.register("training/cohorts", CohortViewSet, basename="training-cohort")
    router.register("training/enrolments", EnrolmentViewSet, basename="training-enrolment")
    router.register("training/certificates", CertificateViewSet, basename="training-certificate")
    router.register("training/advice", AdviceViewSet, basename="training-advice")
    router.register("training/coverage", CoverageViewSet, basename="training-coverage")
