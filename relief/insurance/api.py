"""Social insurance under /api/v1/relief/insurance/: a member's statuses (read, set), the members
of working age without pension insurance, the employers with open arrears, and arrears cases
(open one, record its 补缴)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from core.errors import NotFound
from core.ids import int_pk
from relief import case_selectors
from relief.insurance import selectors, services
from relief.insurance.models import Arrears, InsuranceStatus

KIND_HELP = "pension, medical, unemployment or work_injury"


class InsuranceStatusSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)

    class Meta:
        model = InsuranceStatus
        fields = ["id", "member", "kind", "insured", "since", "employer", "flexible", "updated_at"]


class InsuranceStatusInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    kind = serializers.CharField(max_length=16, help_text="pension, medical, unemployment or work_injury")
    insured = serializers.BooleanField()
    since = serializers.DateField(required=False, allow_null=True)
    employer = serializers.IntegerField(required=False, allow_null=True)
    flexible = serializers.BooleanField(required=False, default=False)


class UninsuredSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    household = serializers.CharField(source="household.number")
    org_unit = serializers.CharField(source="household.org_unit.name")


class EmployerArrearsSerializer(serializers.Serializer):
    employer = serializers.IntegerField(source="employer.pk")
    name = serializers.CharField(source="employer.name")
    cases = serializers.IntegerField()
    owed_fen = serializers.IntegerField(source="owed")
    paid_fen = serializers.IntegerField(source="paid")


class ArrearsSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)

    class Meta:
        model = Arrears
        fields = ["case", "kind", "months", "amount", "agreed_amount", "agreed_on", "paid_amount", "paid_on"]


class ArrearsInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    employer = serializers.IntegerField()
    kind = serializers.CharField(max_length=16)
    months = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="fen")
    next_action = serializers.CharField(max_length=200, required=False, allow_blank=True)
    next_action_due = serializers.DateField(required=False, allow_null=True)


class SettleInSerializer(serializers.Serializer):
    agreed_amount = serializers.IntegerField(help_text="fen")
    agreed_on = serializers.DateField(required=False, allow_null=True)
    paid_amount = serializers.IntegerField(required=False, default=0, help_text="fen")
    paid_on = serializers.DateField(required=False, allow_null=True)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _employer(user: Any, pk: Any) -> Any:
    found = case_selectors.counterpart_employers(user).filter(pk=int_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such employer."), field="employer")
    return found


class InsuranceViewSet(viewsets.GenericViewSet):
    serializer_class = InsuranceStatusSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return InsuranceStatus.objects.none()

    @extend_schema(request=InsuranceStatusInSerializer, responses={201: InsuranceStatusSerializer})
    @action(detail=False, methods=["post"])
    def statuses(self, request: Request) -> Response:
        """Set a member's status for one kind of insurance."""
        user = acting_user(request)
        values = _valid(InsuranceStatusInSerializer, request)
        member = selectors.member_get_for(user, values["member"])
        employer = _employer(user, values["employer"]) if values.get("employer") else None
        row = services.status_set(
            member=member,
            by=user,
            kind=values["kind"],
            insured=values["insured"],
            since=values.get("since"),
            employer=employer,
            flexible=values.get("flexible", False),
        )
        return Response(InsuranceStatusSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=UninsuredSerializer(many=True))
    @action(detail=False, methods=["get"])
    def uninsured(self, request: Request) -> Response:
        """Members of working age in reach without pension insurance."""
        rows = selectors.without_pension_for(acting_user(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(UninsuredSerializer(page, many=True).data)

    @extend_schema(responses=EmployerArrearsSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="arrears-employers")
    def arrears_employers(self, request: Request) -> Response:
        """Employers with open arrears cases in reach, the most owed first."""
        return Response(
            EmployerArrearsSerializer(selectors.employers_in_arrears_for(acting_user(request)), many=True).data
        )

    @extend_schema(request=ArrearsInSerializer, responses={201: ArrearsSerializer})
    @action(detail=False, methods=["post"])
    def arrears(self, request: Request) -> Response:
        """Open an arrears case: the employer owes months of insurance for a member in reach."""
        user = acting_user(request)
        values = _valid(ArrearsInSerializer, request)
        member = selectors.member_get_for(user, values["member"])
        row = services.arrears_open(
            member=member,
            by=user,
            employer=_employer(user, values["employer"]),
            kind=values["kind"],
            months=values["months"],
            amount=values["amount"],
            next_action=values.get("next_action") or "",
            next_action_due=values.get("next_action_due"),
        )
        return Response(ArrearsSerializer(row).data, status=status.HTTP_201_CREATED)


class ArrearsViewSet(viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = ArrearsSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Arrears.objects.none()

    @extend_schema(request=SettleInSerializer, responses=ArrearsSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request: Request, pk: Any = None) -> Response:
        """Record the 补缴 agreed and paid (by the case's id); paid in full closes the case."""
        user = acting_user(request)
        arrears = selectors.arrears_get_for(user, pk)
        values = _valid(SettleInSerializer, request)
        row = services.arrears_settle(
            arrears=arrears,
            by=user,
            agreed_amount=values["agreed_amount"],
            agreed_on=values.get("agreed_on"),
            paid_amount=values.get("paid_amount") or 0,
            paid_on=values.get("paid_on"),
        )
        return Response(ArrearsSerializer(row).data)


def register(router: BaseRouter) -> None:
    router.register("relief/insurance", InsuranceViewSet, basename="relief-insurance")
    router.register("relief/insurance/arrears-cases", ArrearsViewSet, basename="relief-insurance-arrears")
