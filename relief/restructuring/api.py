"""Restructuring layoffs under /api/v1/relief/restructuring/: enterprises, layoff batches (record
one with its workers, add workers, its report, the advice for the whole batch), a worker's
outcome, and the report by batch, enterprise and unit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from core.errors import NotFound
from core.ids import int_pk
from jobs import selectors as job_selectors
from relief.restructuring import selectors, services
from relief.restructuring.models import Enterprise, LaidOffWorker, LayoffBatch

ID = "[0-9]+"


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "employer", "org_unit", "reason", "industry", "noted_on", "note"]
        read_only_fields = ["org_unit"]


class LayoffWorkerInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    member = serializers.IntegerField(required=False, help_text="or the archived member's id")
    path = serializers.CharField(max_length=20, required=False, help_text="transfer, internal_retirement, ...")


class LaidOffWorkerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="blank while still followed")
    working_since = serializers.SerializerMethodField()
    placed_on = serializers.SerializerMethodField()

    class Meta:
        model = LaidOffWorker
        fields = [
            "id",
            "member",
            "name",
            "path",
            "outcome",
            "working_since",
            "placed_on",
            "insurance_continued",
            "insurance_continued_on",
            "case",
        ]

    def get_working_since(self, worker: LaidOffWorker) -> str | None:
        since = selectors.working_since(worker)
        return since.isoformat() if since else None

    def get_placed_on(self, worker: LaidOffWorker) -> str | None:
        placed = getattr(worker, "placed_on", None)
        return placed.isoformat() if placed else None


class LayoffBatchSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = LayoffBatch
        fields = ["id", "enterprise", "enterprise_name", "org_unit", "name", "laid_off_on", "measures", "plan"]


class LayoffBatchCreateSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    name = serializers.CharField(max_length=120)
    laid_off_on = serializers.DateField()
    measures = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="transfer, internal_retirement, reemployment, self_employment, insurance",
    )
    plan = serializers.CharField(required=False, allow_blank=True)
    workers = LayoffWorkerInSerializer(many=True, required=False)


class LayoffAddWorkersSerializer(serializers.Serializer):
    workers = LayoffWorkerInSerializer(many=True)


class LayoffOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="reemployed, transferred, internal_retirement, self_employed, retired (blank: still followed)",
    )
    on = serializers.DateField(required=False)
    insurance_continued_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class LayoffReportRowSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field called "label", not Field.label
    batch = serializers.IntegerField(allow_null=True)
    laid_off = serializers.IntegerField()
    reemployed = serializers.IntegerField()
    reemployed_within_3_months = serializers.IntegerField()
    reemployed_within_6_months = serializers.IntegerField()
    reemployed_within_12_months = serializers.IntegerField()
    insurance_continued = serializers.IntegerField()
    left_work = serializers.IntegerField()
    still_without_work = serializers.IntegerField()


class LayoffReportSerializer(serializers.Serializer):
    batches = LayoffReportRowSerializer(many=True)
    enterprises = LayoffReportRowSerializer(many=True)
    units = LayoffReportRowSerializer(many=True)
    total = LayoffReportRowSerializer()


class LayoffJobSerializer(serializers.Serializer):
    posting = serializers.IntegerField()
    title = serializers.CharField()
    employer = serializers.CharField()
    percent = serializers.IntegerField()


class LayoffPersonAdviceSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    reachable = serializers.BooleanField()
    jobs = LayoffJobSerializer(many=True)
    missing_skills = serializers.ListField(child=serializers.CharField(), help_text="skill codes")
    missing_skill_names = serializers.ListField(child=serializers.CharField(), help_text="their names")


class LayoffSkillAdviceSerializer(serializers.Serializer):
    skill = serializers.CharField()
    name = serializers.CharField()
    people = serializers.IntegerField()
    cohort = serializers.IntegerField(allow_null=True)
    course = serializers.CharField(allow_blank=True)


class LayoffBatchAdviceSerializer(serializers.Serializer):
    reachable = serializers.IntegerField()
    learning_available = serializers.BooleanField(help_text="false: what to learn is not connected here")
    people = LayoffPersonAdviceSerializer(many=True)
    skills = LayoffSkillAdviceSerializer(many=True)


def _report(report: selectors.Report) -> dict[str, Any]:
    return {
        "batches": [r.as_dict() for r in report.batches],
        "enterprises": [r.as_dict() for r in report.enterprises],
        "units": [r.as_dict() for r in report.units],
        "total": report.total.as_dict(),
    }


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = EnterpriseSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.enterprise_list_for(acting_user(self.request))

    def get_object(self) -> Enterprise:
        return selectors.enterprise_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=EnterpriseSerializer, responses={201: EnterpriseSerializer})
    def create(self, request: Request) -> Response:
        """Record an enterprise in difficulty, followed by the caller's unit."""
        user = acting_user(request)
        values = _valid(EnterpriseSerializer, request)
        employer = values.get("employer")
        if employer is not None and not job_selectors.employer_list_for(user).filter(pk=employer.pk).exists():
            raise NotFound(_("No such employer."), field="employer")
        if user.org_unit is None:
            raise NotFound(_("No such union unit."))
        enterprise = services.enterprise_create(
            by=user,
            name=values["name"],
            org_unit=user.org_unit,
            reason=values["reason"],
            noted_on=values["noted_on"],
            employer=employer,
            industry=values.get("industry") or "",
            note=values.get("note") or "",
        )
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)


class LayoffBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = LayoffBatchSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.batch_list_for(acting_user(self.request))

    def get_object(self) -> LayoffBatch:
        return selectors.batch_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=LayoffBatchCreateSerializer, responses={201: LayoffBatchSerializer})
    def create(self, request: Request) -> Response:
        """Record a layoff batch with its workers (name and ID number each). A worker in no archived
        household in reach, or one listed twice, refuses the whole batch (400, ``not_in_archive``
        with the names missing and where to create their archive, or ``twice``)."""
        user = acting_user(request)
        values = _valid(LayoffBatchCreateSerializer, request)
        enterprise = selectors.enterprise_get_for(user, values["enterprise"])
        batch = services.batch_create(
            by=user,
            enterprise=enterprise,
            name=values["name"],
            laid_off_on=values["laid_off_on"],
            measures=values.get("measures") or [],
            plan=values.get("plan") or "",
            workers=values.get("workers") or [],
        )
        return Response(LayoffBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LayoffAddWorkersSerializer, responses={201: LaidOffWorkerSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def workers(self, request: Request, pk: Any = None) -> Response:
        """GET: the batch's workers with where their path stands. POST: add workers (all or none)."""
        batch = self.get_object()
        if request.method == "POST":
            values = _valid(LayoffAddWorkersSerializer, request)
            services.batch_add_workers(batch=batch, by=acting_user(request), workers=values["workers"])
            rows = selectors.workers_of([batch])
            return Response(LaidOffWorkerSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)
        return Response(LaidOffWorkerSerializer(selectors.workers_of([batch]), many=True).data)

    @extend_schema(request=None, responses=LayoffReportSerializer)
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: Any = None) -> Response:
        batch = self.get_object()
        return Response(_report(selectors.batch_report(acting_user(request), batch=batch)))

    @extend_schema(request=None, responses=LayoffBatchAdviceSerializer)
    @action(detail=True, methods=["get"])
    def advice(self, request: Request, pk: Any = None) -> Response:
        """Jobs within reach for each worker still without work, and what the batch should learn."""
        batch = self.get_object()
        advice = selectors.batch_advice(acting_user(request), batch)
        return Response(
            {
                "reachable": advice.reachable,
                "learning_available": advice.learning_available,
                "people": [
                    {
                        "member": p.member.pk,
                        "name": p.member.name,
                        "reachable": p.reachable,
                        "jobs": [
                            {
                                "posting": m.posting.pk,
                                "title": m.posting.title,
                                "employer": m.posting.employer.name,
                                "percent": m.percent,
                            }
                            for m in p.matches
                            if m.posting is not None
                        ],
                        "missing_skills": [s.code for s in p.blocking],
                        "missing_skill_names": [str(s) for s in p.blocking],
                    }
                    for p in advice.people
                ],
                "skills": [
                    {
                        "skill": skill.code,
                        "name": str(skill),
                        "people": n,
                        "cohort": cohort.pk if cohort else None,
                        "course": cohort.course.name if cohort else "",
                    }
                    for skill, n, cohort in advice.skills
                ],
            }
        )


class LaidOffWorkerViewSet(viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = LaidOffWorkerSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return LaidOffWorker.objects.none()

    @extend_schema(request=LayoffOutcomeSerializer, responses=LaidOffWorkerSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: Any = None) -> Response:
        """Record where the worker's path led and (when given) the day social security was continued."""
        user = acting_user(request)
        worker = selectors.worker_get_for(user, int_pk(pk))
        values = _valid(LayoffOutcomeSerializer, request)
        services.worker_record_outcome(
            worker=worker,
            by=user,
            outcome=values.get("outcome") or "",
            on=values.get("on"),
            insurance_continued_on=values.get("insurance_continued_on"),
            note=values.get("note") or "",
        )
        row = selectors.workers_of([worker.batch]).get(pk=worker.pk)
        return Response(LaidOffWorkerSerializer(row).data)


class ReportViewSet(viewsets.ViewSet):
    @extend_schema(responses=LayoffReportSerializer)
    def list(self, request: Request) -> Response:
        """The batch report of the caller's reach: by batch, by enterprise, by union unit, in total."""
        return Response(_report(selectors.batch_report(acting_user(request))))


def register(router: BaseRouter) -> None:
    router.register("relief/restructuring/enterprises", EnterpriseViewSet, basename="restructuring-enterprise")
    router.register("relief/restructuring/batches", LayoffBatchViewSet, basename="restructuring-batch")
    router.register("relief/restructuring/workers", LaidOffWorkerViewSet, basename="restructuring-worker")
    router.register("relief/restructuring/report", ReportViewSet, basename="restructuring-report")
