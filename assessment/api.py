"""The assessment API (``/api/v1/assessment/...``), registered on the project's router by ``register``.

Thin: serializers check shape, views call one selector or service; domain errors become answers
in ``core.api``. Figures are in the indicator's unit as people read them: counts, yuan, and
percents for ratios (``null`` when a ratio has nothing to divide).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from assessment import registry, selectors, services
from assessment.models import HouseholdReview, Scorecard, ScoringRule, Snapshot, Target, WorkPlan, WorkTask
from assessment.periods import Period, parse_month, parse_year
from core.errors import Forbidden, InvalidInput
from core.parsers import DepthLimitedJSONParser

ID = "[0-9]+"
CODE = "[^/]+"
YEAR = OpenApiParameter("year", int, description="the year (YYYY); this year when left out")


def _year(request: Request) -> int:
    return parse_year(request.query_params.get("year"), default=timezone.localdate().year)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- a unit's figures (item 8 of the issue) ------------------------------------------------------------


class UnitIndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="over the unit's whole subtree; percent for ratios")
    target = serializers.FloatField(allow_null=True, help_text="the year's target set by the level above")
    achieved = serializers.FloatField(allow_null=True, help_text="percent of the target reached")
    adds_up = serializers.BooleanField(help_text="true for counts and amounts; false for ratios")


class UnitFiguresSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    year = serializers.IntegerField()
    indicators = UnitIndicatorSerializer(many=True)
    children = serializers.ListField(child=serializers.CharField(), help_text="codes of the units directly below")


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    unit = serializers.CharField()
    adds_up = serializers.BooleanField()
    over = serializers.ChoiceField(choices=["flow", "stock"])
    better = serializers.ChoiceField(choices=["higher", "lower"])
    group = serializers.CharField()
    description = serializers.CharField()


class UnitViewSet(viewsets.ViewSet):
    """A unit's indicators for a year, each over the unit's whole subtree."""

    lookup_field = "code"
    lookup_value_regex = CODE

    @extend_schema(parameters=[YEAR], responses=UnitFiguresSerializer)
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        """For counts the unit's value is its own records plus every child's value; ratios are
        computed from summed numerators and denominators."""
        user = acting_user(request)
        unit = selectors.unit_get_for(user, code)
        year = _year(request)
        figures = selectors.unit_figures_for(user, unit, Period.year(year))
        return Response(
            {
                "unit": unit.code,
                "year": year,
                "indicators": [
                    {
                        "code": row.indicator.code,
                        "name": row.indicator.name,
                        "value": _number(row.figure.value),
                        "target": _number(row.target),
                        "achieved": _number(row.achieved),
                        "adds_up": row.indicator.adds_up,
                    }
                    for row in figures.rows
                ],
                "children": [child.unit.code for child in figures.children if child.unit.code],
            }
        )


class IndicatorViewSet(viewsets.ViewSet):
    """The indicator registry."""

    @extend_schema(responses=IndicatorSerializer(many=True))
    def list(self, request: Request) -> Response:
        if not selectors.may_view(acting_user(request)):
            raise Forbidden(_("Your role does not allow this."))
        return Response(
            [
                {
                    "code": i.code,
                    "name_zh": i.name_zh,
                    "name_en": i.name_en,
                    "unit": i.unit.value,
                    "adds_up": i.adds_up,
                    "over": i.over.value,
                    "better": i.better.value,
                    "group": i.group.value,
                    "description": i.description,
                }
                for i in registry.indicators()
            ]
        )


# --- targets ------------------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer[Target]):
    unit = serializers.CharField(source="org_unit.code", read_only=True)
    unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    set_by = serializers.CharField(source="set_by.display_name", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "unit", "unit_name", "year", "indicator", "value", "note", "set_by", "set_at"]


class TargetWriteSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(max_length=32, help_text="the unit's code")
    year = serializers.IntegerField()
    indicator = serializers.CharField(max_length=48)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="counts, yuan, or percent for ratios")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TargetImportSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    file = serializers.FileField()


class TargetViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Targets in reach (set by the level above), and setting or importing them."""

    serializer_class = TargetSerializer
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return Target.objects.none()
        user = acting_user(self.request)
        unit_code = self.request.query_params.get("unit")
        unit = selectors.unit_get_for(user, unit_code) if unit_code else None
        return selectors.target_list_for(user, year=_year(self.request), unit=unit)

    @extend_schema(parameters=[YEAR, OpenApiParameter("unit", str, description="a unit's code: it and below")])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TargetSerializer(page, many=True).data)

    @extend_schema(request=TargetWriteSerializer, responses=TargetSerializer)
    def create(self, request: Request) -> Response:
        """Set (or change) a unit's target: only a unit above it may."""
        data = TargetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        values = data.validated_data
        target = services.target_set(
            by=user,
            unit=selectors.unit_get_for(user, values["unit"]),
            year=values["year"],
            indicator=values["indicator"],
            value=values["value"],
            note=values["note"],
        )
        return Response(TargetSerializer(target).data, status=201)

    @extend_schema(
        request={"multipart/form-data": TargetImportSerializer},
        responses=inline_serializer(
            "TargetImport", {"created": serializers.IntegerField(), "updated": serializers.IntegerField()}
        ),
        description="All or nothing. A bad file answers 400 with `details`: a list of {row, column, reason}.",
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request: Request) -> Response:
        data = TargetImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.targets_import(
            by=acting_user(request), year=data.validated_data["year"], file=data.validated_data["file"]
        )
        return Response({"created": result.created, "updated": result.updated})


# --- scorecards ---------------------------------------------------------------------------------------


class ScorecardLineSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField(source="line.indicator")
    name = serializers.SerializerMethodField()
    weight = serializers.DecimalField(source="line.weight", max_digits=6, decimal_places=2)
    rule = serializers.ChoiceField(source="line.rule", choices=ScoringRule.choices)
    cap = serializers.DecimalField(source="line.cap", max_digits=6, decimal_places=2)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    achieved = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    note = serializers.CharField(source="line.note")

    def get_name(self, obj: Any) -> str:
        return obj.indicator.name if obj.indicator else obj.line.indicator


class ScorecardSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="scorecard.pk")
    unit = serializers.CharField(source="scorecard.org_unit.code", allow_null=True)
    unit_name = serializers.CharField(source="scorecard.org_unit.name")
    year = serializers.IntegerField(source="scorecard.year")
    state = serializers.ChoiceField(source="scorecard.state", choices=Scorecard.State.choices)
    assessed_by = serializers.CharField(source="scorecard.scheme.org_unit.name")
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    full_marks = serializers.DecimalField(max_digits=8, decimal_places=2)
    frozen_at = serializers.DateTimeField(source="scorecard.frozen_at", allow_null=True)
    self_assessment = serializers.CharField(source="scorecard.self_assessment")
    decision_note = serializers.CharField(source="scorecard.decision_note")
    lines = ScorecardLineSerializer(many=True)


class SelfAssessmentSerializer(serializers.Serializer[Any]):
    self_assessment = serializers.CharField(allow_blank=True)
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)


class ScorecardEvidenceSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    line = serializers.CharField(required=False, allow_blank=True, help_text="the indicator code it backs")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ScorecardFindingSerializer(serializers.Serializer[Any]):
    found_on = serializers.DateField()
    text = serializers.CharField()


class AcceptScorecardSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnScorecardSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


class ScorecardViewSet(viewsets.ViewSet):
    """Yearly scorecards in reach, ranked; the unit's self-assessment; inspection and acceptance by
    the level above."""

    lookup_value_regex = ID
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]

    def _page(self, request: Request, pk: Any) -> Any:
        return selectors.scorecard_page_for(acting_user(request), pk).card

    @extend_schema(parameters=[YEAR], responses=ScorecardSerializer(many=True))
    def list(self, request: Request) -> Response:
        user = acting_user(request)
        if not selectors.may_view(user):
            raise Forbidden(_("Your role does not allow this."))
        return Response(ScorecardSerializer(selectors.scorecard_ranking_for(user, _year(request)), many=True).data)

    @extend_schema(responses=ScorecardSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(ScorecardSerializer(self._page(request, pk)).data)

    def _card(self, request: Request, pk: Any) -> Scorecard:
        return selectors.scorecard_get_for(acting_user(request), pk)

    @extend_schema(request=SelfAssessmentSerializer, responses=ScorecardSerializer)
    @action(detail=True, methods=["post"], url_path="self-assessment")
    def self_assessment(self, request: Request, pk: Any = None) -> Response:
        data = SelfAssessmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scorecard_write(
            by=acting_user(request),
            scorecard=self._card(request, pk),
            self_assessment=data.validated_data["self_assessment"],
            line_notes=data.validated_data["notes"],
        )
        return Response(ScorecardSerializer(self._page(request, pk)).data)

    @extend_schema(request={"multipart/form-data": ScorecardEvidenceSerializer}, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: Any = None) -> Response:
        data = ScorecardEvidenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = self._card(request, pk)
        code = data.validated_data.get("line") or ""
        line = card.lines.filter(indicator=code).first() if code else None
        if code and line is None:
            raise InvalidInput(_("That indicator is not on this scorecard."), field="line")
        evidence = services.evidence_add(
            by=acting_user(request),
            scorecard=card,
            file=data.validated_data["file"],
            line=line,
            description=data.validated_data["description"],
        )
        return Response({"id": evidence.pk, "name": evidence.original_name, "size": evidence.size}, status=201)

    @extend_schema(request=None, responses=ScorecardSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        services.scorecard_submit(by=acting_user(request), scorecard=self._card(request, pk))
        return Response(ScorecardSerializer(self._page(request, pk)).data)

    @extend_schema(request=ScorecardFindingSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: Any = None) -> Response:
        data = ScorecardFindingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_add(
            by=acting_user(request),
            scorecard=self._card(request, pk),
            found_on=data.validated_data["found_on"],
            text=data.validated_data["text"],
        )
        return Response({"id": finding.pk, "found_on": finding.found_on, "text": finding.text}, status=201)

    @extend_schema(request=AcceptScorecardSerializer, responses=ScorecardSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        data = AcceptScorecardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scorecard_accept(
            by=acting_user(request), scorecard=self._card(request, pk), note=data.validated_data["note"]
        )
        return Response(ScorecardSerializer(self._page(request, pk)).data)

    @extend_schema(request=ReturnScorecardSerializer, responses=ScorecardSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: Any = None) -> Response:
        data = ReturnScorecardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scorecard_return(
            by=acting_user(request), scorecard=self._card(request, pk), reason=data.validated_data["reason"]
        )
        return Response(ScorecardSerializer(self._page(request, pk)).data)


# --- snapshots ----------------------------------------------------------------------------------------


class SnapshotSerializer(serializers.ModelSerializer[Snapshot]):
    unit = serializers.CharField(source="org_unit.code", read_only=True)
    month = serializers.SerializerMethodField()
    value = serializers.SerializerMethodField(method_name="value_of")
    own_value = serializers.SerializerMethodField(method_name="own_value_of")

    class Meta:
        model = Snapshot
        fields = [
            "unit",
            "indicator",
            "month",
            "value",
            "numerator",
            "denominator",
            "own_value",
            "own_numerator",
            "own_denominator",
            "computed_at",
        ]

    def _value(self, snapshot: Snapshot, own: bool) -> float | None:
        indicator = registry.get(snapshot.indicator)
        if indicator is None:
            return None
        from assessment.engine import display_value

        if own:
            return _number(display_value(indicator, snapshot.own_numerator, snapshot.own_denominator))
        return _number(display_value(indicator, snapshot.numerator, snapshot.denominator))

    def get_month(self, snapshot: Snapshot) -> str:
        return f"{snapshot.month:%Y-%m}"

    def value_of(self, snapshot: Snapshot) -> float | None:
        return self._value(snapshot, own=False)

    def own_value_of(self, snapshot: Snapshot) -> float | None:
        return self._value(snapshot, own=True)


class SnapshotViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Month-end values of a unit (its subtree, and its own records), as stored by the monthly run."""

    serializer_class = SnapshotSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return Snapshot.objects.none()
        user = acting_user(self.request)
        params = self.request.query_params
        unit = selectors.unit_pick_for(user, params.get("unit"))
        today = timezone.localdate()
        first = parse_month(params["from"], field="from").start if params.get("from") else Period.year(today.year).start
        last = parse_month(params["to"], field="to").end if params.get("to") else today
        codes = [c for c in params.getlist("indicator") if c]
        return selectors.snapshot_list_for(user, unit=unit, first=first, last=last, codes=codes)

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, description="a unit's code (your own unit when left out)"),
            OpenApiParameter("from", str, description="first month, YYYY-MM (January of this year)"),
            OpenApiParameter("to", str, description="last month, YYYY-MM (this month)"),
            OpenApiParameter("indicator", str, many=True, description="indicator codes (all when left out)"),
        ]
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SnapshotSerializer(page, many=True).data)


# --- work plans and tasks -----------------------------------------------------------------------------


class WorkTaskSerializer(serializers.ModelSerializer[WorkTask]):
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    unit = serializers.CharField(source="plan.org_unit.code", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WorkTask
        fields = [
            "id",
            "plan",
            "unit",
            "kind",
            "title",
            "owner",
            "owner_name",
            "deadline",
            "status",
            "progress",
            "progress_note",
            "done_on",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, task: WorkTask) -> bool:
        return task.is_overdue_on(timezone.localdate())


class WorkPlanSerializer(serializers.ModelSerializer[WorkPlan]):
    unit = serializers.CharField(source="org_unit.code", read_only=True)
    unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    tasks = WorkTaskSerializer(many=True, read_only=True)

    class Meta:
        model = WorkPlan
        fields = ["id", "unit", "unit_name", "year", "title", "summary", "tasks"]
        read_only_fields = ["id", "unit", "unit_name", "tasks"]


class TaskAddSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=WorkTask.Kind.choices, default=WorkTask.Kind.MEASURE)
    title = serializers.CharField(max_length=200)
    owner = serializers.IntegerField(help_text="the owner's user id (an organizer or helper of the unit or below)")
    deadline = serializers.DateField()


class TaskProgressSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=WorkTask.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    progress_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WorkPlanViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Units' yearly work plans in reach, with their tasks."""

    serializer_class = WorkPlanSerializer
    lookup_value_regex = ID

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return WorkPlan.objects.none()
        year = self.request.query_params.get("year")
        return selectors.work_plan_list_for(acting_user(self.request), year=parse_year(year) if year else None)

    @extend_schema(parameters=[OpenApiParameter("year", int, description="only this year's plans")])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WorkPlanSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(WorkPlanSerializer(selectors.work_plan_get_for(acting_user(request), pk)).data)

    @extend_schema(request=WorkPlanSerializer, responses=WorkPlanSerializer)
    def create(self, request: Request) -> Response:
        """Your unit's plan for the year (created, or its title and summary replaced)."""
        data = WorkPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.work_plan_save(
            by=acting_user(request),
            year=data.validated_data["year"],
            title=data.validated_data["title"],
            summary=data.validated_data.get("summary", ""),
        )
        return Response(WorkPlanSerializer(selectors.work_plan_get_for(acting_user(request), plan.pk)).data, status=201)

    @extend_schema(request=TaskAddSerializer, responses=WorkTaskSerializer)
    @action(detail=True, methods=["post"])
    def tasks(self, request: Request, pk: Any = None) -> Response:
        user = acting_user(request)
        plan = selectors.work_plan_get_for(user, pk)
        data = TaskAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = selectors.task_owner_choices_for(plan).filter(pk=data.validated_data["owner"]).first()
        task = services.task_add(
            by=user,
            plan=plan,
            kind=data.validated_data["kind"],
            title=data.validated_data["title"],
            owner=owner,
            deadline=data.validated_data["deadline"],
        )
        return Response(WorkTaskSerializer(task).data, status=201)


class TaskViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Your own tasks (open first, overdue flagged), and reporting progress on one."""

    serializer_class = WorkTaskSerializer
    lookup_value_regex = ID

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return WorkTask.objects.none()
        return selectors.my_tasks(acting_user(self.request))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WorkTaskSerializer(page, many=True).data)

    @extend_schema(request=TaskProgressSerializer, responses=WorkTaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: Any = None) -> Response:
        user = acting_user(request)
        task = selectors.task_get_for(user, pk)
        data = TaskProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_update(by=user, task=task, **data.validated_data)
        return Response(WorkTaskSerializer(task).data)


# --- the yearly household review -----------------------------------------------------------------------


class HouseholdReviewSerializer(serializers.Serializer[Any]):
    household = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=HouseholdReview.Outcome.choices)
    causes_checked = serializers.BooleanField()
    income_checked = serializers.BooleanField()
    plan_checked = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewViewSet(viewsets.ViewSet):
    """Recording this year's review (复核) of an active household."""

    @extend_schema(request=HouseholdReviewSerializer, responses={201: OpenApiTypes.OBJECT})
    def create(self, request: Request) -> Response:
        data = HouseholdReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = acting_user(request)
        values = dict(data.validated_data)
        household = selectors.household_for_review(user, values.pop("household"))
        review = services.review_record(by=user, household=household, **values)
        return Response(
            {"id": review.pk, "household": household.pk, "year": review.year, "outcome": review.outcome}, status=201
        )


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("assessment/indicators", IndicatorViewSet, basename="assessment-indicator")
    router.register("assessment/units", UnitViewSet, basename="assessment-unit")
    router.register("assessment/targets", TargetViewSet, basename="assessment-target")
    router.register("assessment/scorecards", ScorecardViewSet, basename="assessment-scorecard")
    router.register("assessment/snapshots", SnapshotViewSet, basename="assessment-snapshot")
    router.register("assessment/work-plans", WorkPlanViewSet, basename="assessment-work-plan")
    router.register("assessment/tasks", TaskViewSet, basename="assessment-task")
    router.register("assessment/reviews", ReviewViewSet, basename="assessment-review")
