"""The relief cases under /api/v1/relief/cases/: list and open, one case with its steps and
documents, add a step, keep a document (multipart), close with an outcome, and the overdue lists
(``overdue/``: the unit's; ``overdue/?mine=1``: the caller's own). Serializers check shape; reads
go through ``relief.case_selectors``, writes through ``relief.case_services``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import acting_user
from core.errors import NotFound
from core.ids import int_pk
from households import selectors as household_selectors
from relief import case_selectors, case_services
from relief.models import Case, CaseDocument, CaseStep, Office

ID = "[0-9]+"


class CaseStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStep
        fields = ["id", "on", "action", "next_action", "next_action_due", "by", "created_at"]


class CaseDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["id", "title", "content_type", "size", "uploaded_by", "uploaded_at"]


class CaseSerializer(serializers.ModelSerializer):
    track_name = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(read_only=True)
    counterpart = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    outcome = serializers.CharField(
        read_only=True, help_text="achieved, partly, not_achieved, withdrawn; blank while open"
    )
    steps = CaseStepSerializer(many=True, read_only=True)
    documents = CaseDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "track",
            "track_name",
            "kind",
            "kind_label",
            "household",
            "member",
            "org_unit",
            "helper",
            "employer",
            "office",
            "counterpart_name",
            "counterpart",
            "summary",
            "details",
            "opened_on",
            "next_action",
            "next_action_due",
            "overdue",
            "state",
            "outcome",
            "outcome_note",
            "closed_on",
            "goal",
            "steps",
            "documents",
        ]

    def get_overdue(self, case: Case) -> bool:
        return case.is_overdue()


class CaseOpenSerializer(serializers.Serializer):
    track = serializers.CharField(max_length=32)
    kind = serializers.CharField(max_length=32)
    member = serializers.IntegerField(required=False, help_text="the member the case is for")
    household = serializers.IntegerField(required=False, help_text="or the whole household")
    summary = serializers.CharField(max_length=200)
    employer = serializers.IntegerField(required=False, allow_null=True)
    office = serializers.ChoiceField(choices=Office.choices, required=False, allow_blank=True)
    counterpart_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    opened_on = serializers.DateField(required=False)
    next_action = serializers.CharField(max_length=200, required=False, allow_blank=True)
    next_action_due = serializers.DateField(required=False, allow_null=True)
    details = serializers.DictField(required=False)


class CaseStepInSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    action = serializers.CharField(max_length=300)
    next_action = serializers.CharField(max_length=200, required=False, allow_blank=True)
    next_action_due = serializers.DateField(required=False, allow_null=True)


class CaseDocumentInSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, JPEG or PNG (by content), at most 10 MB")
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)


class CaseCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        required=False, allow_blank=True, help_text="achieved, partly, not_achieved or withdrawn (required)"
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    on = serializers.DateField(required=False)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class ReliefCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases in the caller's reach (a worker: their household's)."""

    lookup_value_regex = ID
    serializer_class = CaseSerializer
    filterset_fields = ["track", "kind", "state", "household"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return case_selectors.case_list_for(acting_user(self.request)).prefetch_related("steps", "documents")

    def get_object(self) -> Case:
        return case_selectors.case_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request: Request) -> Response:
        """Open a case for a member (or a household) in reach; the counterpart is an employer or an
        outside office. A unit out of reach is 404."""
        user = acting_user(request)
        values = _valid(CaseOpenSerializer, request)
        member = household = None
        if values.get("member") is not None:
            member = household_selectors.member_get_for(user, values["member"])
        elif values.get("household") is not None:
            household = household_selectors.household_get_for(user, values["household"])
        employer = None
        if values.get("employer"):
            employer = case_selectors.counterpart_employers(user).filter(pk=int_pk(values["employer"])).first()
            if employer is None:
                raise NotFound(_("No such employer."), field="employer")
        case = case_services.case_open(
            by=user,
            track=values["track"],
            kind=values["kind"],
            member=member,
            household=household,
            summary=values["summary"],
            employer=employer,
            office=values.get("office") or "",
            counterpart_name=values.get("counterpart_name") or "",
            opened_on=values.get("opened_on"),
            next_action=values.get("next_action") or "",
            next_action_due=values.get("next_action_due"),
            details=values.get("details"),
        )
        return Response(CaseSerializer(case_selectors.case_get_for(user, case.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseStepInSerializer, responses={201: CaseStepSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: Any = None) -> Response:
        """Record a step; the case's next action follows it. A step before the case opened is 400."""
        case = self.get_object()
        values = _valid(CaseStepInSerializer, request)
        step = case_services.case_add_step(
            case=case,
            by=acting_user(request),
            on=values.get("on"),
            action=values["action"],
            next_action=values.get("next_action") or "",
            next_action_due=values.get("next_action_due"),
        )
        return Response(CaseStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": CaseDocumentInSerializer}, responses={201: CaseDocumentSerializer})
    @action(detail=True, methods=["post"])
    def documents(self, request: Request, pk: Any = None) -> Response:
        """Keep a document with the case: PDF, JPEG or PNG by content, at most 10 MB (else 400)."""
        case = self.get_object()
        upload = request.FILES.get("file")
        document = case_services.case_add_document(
            case=case,
            by=acting_user(request),
            upload=upload,
            title=str(request.data.get("title") or "") if hasattr(request.data, "get") else "",
        )
        return Response(CaseDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseCloseSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close with the outcome (required); achieved meets the matching open plan goal."""
        case = self.get_object()
        values = _valid(CaseCloseSerializer, request)
        case_services.case_close(
            case=case,
            by=acting_user(request),
            outcome=values.get("outcome") or "",
            note=values.get("note") or "",
            on=values.get("on"),
        )
        return Response(CaseSerializer(case_selectors.case_get_for(acting_user(request), case.pk)).data)

    @extend_schema(
        responses=CaseSerializer(many=True),
        parameters=[
            OpenApiParameter("mine", bool, description="only the caller's own cases"),
            OpenApiParameter("unit", int),
        ],
    )
    @action(detail=False, methods=["get"])
    def overdue(self, request: Request) -> Response:
        """Open cases past their next-action date: the unit's (the caller's reach, or ``unit``'s
        subtree), or with ``mine=1`` the caller's own."""
        user = acting_user(request)
        if request.query_params.get("mine") in ("1", "true"):
            rows = case_selectors.helper_overdue_for(user)
        else:
            rows = case_selectors.unit_overdue_for(user, unit=request.query_params.get("unit") or None)
        page = self.paginate_queryset(rows.prefetch_related("steps", "documents"))
        return self.get_paginated_response(CaseSerializer(page, many=True).data)
