"""The fairs API, registered on the project's router by ``register``. Thin: serializers check shape,
views call one selector or service; domain errors become answers in ``core.api``."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.models import OrgUnit, User
from core.errors import NotFound
from fairs import exporting, selectors, services
from fairs.models import Attendee, Booth, Interview, JobFair, ScheduleRun
from households.models import Member, TargetGroup
from jobs.models import JobPosting


def _user(request: Request) -> User:
    return cast(User, request.user)


class FairSerializer(serializers.ModelSerializer[JobFair]):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = JobFair
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "state",
            "org_unit",
            "org_unit_name",
            "starts_on",
            "ends_on",
            "interviews_start",
            "venue",
            "stream_url",
            "booth_codes",
            "target_groups",
            "registration_opens",
            "registration_closes",
            "capacity",
            "max_interviews",
            "gap_minutes",
            "description",
        ]
        read_only_fields = ["state"]


class FairWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=JobFair.Kind.choices)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    registration_opens = serializers.DateField()
    registration_closes = serializers.DateField()
    capacity = serializers.IntegerField(min_value=1, max_value=services.MAX_CAPACITY)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    stream_url = serializers.URLField(max_length=services.MAX_URL_LENGTH, required=False, allow_blank=True, default="")
    booth_codes = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list)
    target_groups = serializers.PrimaryKeyRelatedField(
        queryset=TargetGroup.objects.all(), many=True, required=False, default=list
    )
    interviews_start = serializers.TimeField(required=False, default=dt.time(9, 0))
    max_interviews = serializers.IntegerField(required=False, default=3)
    gap_minutes = serializers.IntegerField(required=False, default=10)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class BoothSerializer(serializers.ModelSerializer[Booth]):
    employer_name = serializers.CharField(source="employer.name", read_only=True)

    class Meta:
        model = Booth
        fields = [
            "id",
            "fair",
            "employer",
            "employer_name",
            "postings",
            "code",
            "status",
            "slot_count",
            "slot_minutes",
            "slot_capacity",
            "note",
        ]
        read_only_fields = fields


class BoothApplySerializer(serializers.Serializer[Any]):
    postings = serializers.PrimaryKeyRelatedField(queryset=JobPosting.objects.all(), many=True)
    slot_count = serializers.IntegerField(required=False, default=8)
    slot_minutes = serializers.IntegerField(required=False, default=15)
    slot_capacity = serializers.IntegerField(required=False, default=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BoothDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    code = serializers.CharField(
        max_length=services.MAX_BOOTH_CODE_LENGTH, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SlotsSerializer(serializers.Serializer[Any]):
    slot_count = serializers.IntegerField()
    slot_capacity = serializers.IntegerField(required=False)


class InterviewSerializer(serializers.ModelSerializer[Interview]):
    """Employers see the person's name and the match score; never an ID number or household."""

    name = serializers.CharField(source="attendee.member.name", read_only=True)
    booth_code = serializers.CharField(source="booth.code", read_only=True)
    starts_at = serializers.SerializerMethodField()

    class Meta:
        model = Interview
        fields = [
            "id",
            "booth",
            "booth_code",
            "attendee",
            "name",
            "slot",
            "seat",
            "starts_at",
            "score",
            "state",
            "outcome",
            "posting",
            "application",
        ]
        read_only_fields = fields

    def get_starts_at(self, interview: Interview) -> str:
        return interview.starts_at().isoformat(timespec="minutes")


class WalkInSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=2000, help_text="the person's check-in code or QR content")
    slot = serializers.IntegerField(min_value=0)


class OutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=[c for c in Interview.Outcome.values if c])
    posting = serializers.PrimaryKeyRelatedField(queryset=JobPosting.objects.all(), required=False, allow_null=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    monthly_wage = serializers.IntegerField(required=False, allow_null=True)


class RegisterSerializer(serializers.Serializer[Any]):
    # A plain id, looked up in the service's reach: a related field would answer "does not exist"
    # (400) for a missing id and "not found" (404) for someone out of reach, confirming who exists.
    member = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    walk_in = serializers.BooleanField(required=False, default=False)


class AttendeeSerializer(serializers.ModelSerializer[Attendee]):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendee
        fields = [
            "id",
            "fair",
            "member",
            "name",
            "via",
            "priority",
            "code",
            "registered_at",
            "cancelled_at",
            "checked_in_at",
        ]
        read_only_fields = fields


class ScanSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(max_length=64)
    code = serializers.CharField(max_length=2000)
    at = serializers.DateTimeField(required=False, allow_null=True)


class SyncSerializer(serializers.Serializer[Any]):
    scans = ScanSerializer(many=True)


class RunSerializer(serializers.ModelSerializer[ScheduleRun]):
    gap_percent = serializers.FloatField(read_only=True)

    class Meta:
        model = ScheduleRun
        fields = [
            "id",
            "reason",
            "objective",
            "greedy",
            "bound",
            "gap_percent",
            "interviews",
            "kept",
            "untimed",
            "seconds",
            "at",
        ]
        read_only_fields = fields


SCAN_RESULTS = inline_serializer(
    "ScanResults",
    {
        "results": inline_serializer(
            "ScanResult",
            {
                "id": serializers.CharField(),
                "status": serializers.CharField(),
                "message": serializers.CharField(),
                "name": serializers.CharField(),
            },
            many=True,
        )
    },
)


class FairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    serializer_class = FairSerializer

    def get_queryset(self) -> QuerySet[JobFair]:
        return selectors.fair_list_for(_user(self.request)).prefetch_related("target_groups")

    def _fair(self) -> JobFair:
        return selectors.fair_get_for(_user(self.request), self.kwargs["pk"])

    @extend_schema(request=FairWriteSerializer, responses={201: FairSerializer})
    def create(self, request: Request) -> Response:
        data = FairWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair = services.fair_create(by=_user(request), data=services.FairInput(**data.validated_data))
        return Response(FairSerializer(fair).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RegisterSerializer, responses={201: AttendeeSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: Any = None) -> Response:
        """A worker registers themselves (no member); a helper names the member; staff at the door
        register walk-ins."""
        fair = self._fair()
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member_id = data.validated_data.get("member")
        member = Member.objects.filter(pk=member_id).first() if member_id else selectors.my_member(_user(request))
        if member is None:
            raise NotFound(_("No such member."))
        attendee = services.attendee_register(
            fair=fair, member=member, by=_user(request), walk_in=data.validated_data["walk_in"]
        )
        return Response(AttendeeSerializer(attendee).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BoothApplySerializer, responses={201: BoothSerializer})
    @action(detail=True, methods=["post"])
    def booths(self, request: Request, pk: Any = None) -> Response:
        fair = self._fair()
        data = BoothApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booth = services.booth_apply(fair=fair, by=_user(request), **data.validated_data)
        return Response(BoothSerializer(booth).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: RunSerializer})
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: Any = None) -> Response:
        run = services.fair_schedule(fair=self._fair(), by=_user(request))
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SyncSerializer, responses=SCAN_RESULTS)
    @action(detail=True, methods=["post"])
    def checkin(self, request: Request, pk: Any = None) -> Response:
        """Scans queued on a phone, sent in a batch. Idempotent per scan id: send again freely."""
        fair = self._fair()
        data = SyncSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = services.checkin_sync(fair=fair, by=_user(request), scans=data.validated_data["scans"])
        return Response({"results": [r.as_dict() for r in results]})

    @extend_schema(responses={200: inline_serializer("FairReport", {"total": serializers.DictField()})})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: Any = None) -> Response | HttpResponse:
        report = selectors.fair_report(_user(request), self._fair())
        if request.query_params.get("format") == "xlsx":
            return exporting.report_download(report)

        def rows(items: list[selectors.Row]) -> list[dict[str, Any]]:
            return [{"label": r.label, **r.counts} for r in items]

        def unit_rows(items: list[selectors.Row]) -> list[dict[str, Any]]:
            return [
                {
                    "label": r.label,
                    "unit_code": r.unit.code if r.unit else None,
                    "depth": r.depth,
                    "own": r.is_own,
                    **r.counts,
                }
                for r in items
            ]

        return Response(
            {
                "total": report.total.counts,
                "by_target_group": rows(report.by_group),
                "by_unit": unit_rows(report.by_unit),
                "schedule": RunSerializer(report.run).data if report.run else None,
            }
        )


class BoothViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    serializer_class = BoothSerializer
    queryset = Booth.objects.none()  # rows come from ``get_object`` (a selector)

    def get_object(self) -> Booth:
        return selectors.booth_get_for(_user(self.request), self.kwargs["pk"])

    @extend_schema(request=BoothDecisionSerializer, responses=BoothSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        booth = self.get_object()  # authorise and fetch, then read the body
        data = BoothDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booth = services.booth_decide(booth=booth, by=_user(request), **data.validated_data)
        return Response(BoothSerializer(booth).data)

    @extend_schema(request=SlotsSerializer, responses=BoothSerializer)
    @action(detail=True, methods=["post"])
    def slots(self, request: Request, pk: Any = None) -> Response:
        booth = self.get_object()  # authorise and fetch, then read the body
        data = SlotsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booth = services.booth_set_slots(booth=booth, by=_user(request), **data.validated_data)
        return Response(BoothSerializer(booth).data)

    @extend_schema(request=WalkInSerializer, responses={201: InterviewSerializer})
    @action(detail=True, methods=["post"], url_path="walk-in")
    def walk_in(self, request: Request, pk: Any = None) -> Response:
        """Someone came to the booth without an interview there: book them into a free slot."""
        booth = self.get_object()  # authorise and fetch, then read the body
        data = WalkInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interview = services.interview_book_by_code(booth=booth, by=_user(request), **data.validated_data)
        return Response(InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=InterviewSerializer(many=True))
    @action(detail=True, methods=["get"])
    def interviews(self, request: Request, pk: Any = None) -> Response:
        rows = selectors.interviews_of_booth(_user(request), self.get_object()).select_related("booth", "fair")
        return Response(InterviewSerializer(rows, many=True).data)


class InterviewViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    serializer_class = InterviewSerializer
    queryset = Interview.objects.none()

    @extend_schema(request=OutcomeSerializer, responses=InterviewSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: Any = None) -> Response:
        interview = selectors.interview_get_for_employer(_user(request), pk)
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.interview_record_outcome(interview=interview, by=_user(request), **data.validated_data)
        return Response(InterviewSerializer(done).data)


class MyFairsViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A worker's registrations, each with the interview schedule and the signed QR content."""

    serializer_class = AttendeeSerializer
    queryset = Attendee.objects.none()

    @extend_schema(
        responses=inline_serializer(
            "MyFair",
            {
                "registration": AttendeeSerializer(),
                "qr": serializers.CharField(),
                "interviews": InterviewSerializer(many=True),
            },
            many=True,
        )
    )
    def list(self, request: Request) -> Response:
        out = []
        for attendee in selectors.my_registrations(_user(request)):
            out.append(
                {
                    "registration": AttendeeSerializer(attendee).data,
                    "qr": services.checkin_token(attendee),
                    "interviews": InterviewSerializer(attendee.schedule, many=True).data,  # type: ignore[attr-defined]
                }
            )
        return Response(out)


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("fairs/mine", MyFairsViewSet, basename="fair-mine")
    router.register("fairs/booths", BoothViewSet, basename="fair-booth")
    router.register("fairs/interviews", InterviewViewSet, basename="fair-interview")
    router.register("fairs", FairViewSet, basename="fair")
