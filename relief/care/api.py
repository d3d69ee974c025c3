"""Care under /api/v1/relief/care/: the station register and the rights-month events (read), a
member's care (the marks and health checks) with its writes (set the marks, record a health
check), and recording a member's attendance at a rights-month event. The same rules as the pages:
reading needs the relief staff's view, writing a helper or organizer of the member's unit (an
auditor is refused, another unit's member is not found). Serializers check shape; the services
validate (bad input is 400 with the reason, a second attendance 409)."""

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
from core.errors import InvalidInput, NotFound
from core.ids import int_pk
from households import selectors as household_selectors
from households.models import Member
from relief import case_selectors
from relief.care import selectors, services
from relief.care.models import Attendance, CareMark, HealthCheck, RightsEvent, Station

ID = "[0-9]+"


class CareStationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "kind", "name", "place", "employer", "org_unit", "opened_on", "inspected_on"]


class CareStationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID
    serializer_class = CareStationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.station_list_for(acting_user(self.request))


class RightsEventSerializer(serializers.ModelSerializer):
    attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = RightsEvent
        fields = ["id", "name", "org_unit", "held_on", "place", "attended"]


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "event", "member", "name", "recorded_by"]


class AttendanceInSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="a current member of a household of the event's unit")


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class RightsEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The women workers' rights-month events in reach, with how many attended."""

    lookup_value_regex = ID
    serializer_class = RightsEventSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.event_list_for(acting_user(self.request))

    def get_object(self) -> RightsEvent:
        return selectors.event_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=AttendanceInSerializer, responses={201: AttendanceSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: Any = None) -> Response:
        """Record that a member attended. A member out of reach, or not of the event's unit, is
        404; the same member twice is 409."""
        user = acting_user(request)
        event = self.get_object()
        values = _valid(AttendanceInSerializer, request)
        member = household_selectors.member_list_for(user).filter(pk=int_pk(values["member"])).first()
        if member is None:
            raise NotFound(_("No such member."), field="member")
        made = services.attendance_record(event=event, member=member, by=user)
        return Response(AttendanceSerializer(made).data, status=status.HTTP_201_CREATED)


class CareMarkSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareMark
        fields = ["sanitation_worker", "employer", "employer_name", "women_care_needs", "updated_by", "updated_at"]


class HealthCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthCheck
        fields = ["id", "member", "checked_on", "result", "referral", "recorded_by", "created_at"]


class MemberCareSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    mark = CareMarkSerializer(allow_null=True)
    health_checks = HealthCheckSerializer(many=True)


class CareMarkInSerializer(serializers.Serializer):
    sanitation_worker = serializers.BooleanField(help_text="a sanitation worker (环卫工人): name the employer")
    employer = serializers.IntegerField(
        required=False, allow_null=True, help_text="a registered employer (else employer_name)"
    )
    employer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    women_care_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)


class HealthCheckInSerializer(serializers.Serializer):
    checked_on = serializers.DateField(help_text="not in the future")
    result = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="required")
    referral = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _member_care(member: Member) -> dict[str, Any]:
    mark, checks = selectors.care_of(member)
    return {
        "member": member.pk,
        "name": member.name,
        "mark": CareMarkSerializer(mark).data if mark is not None else None,
        "health_checks": HealthCheckSerializer(checks, many=True).data,
    }


class CareMemberViewSet(viewsets.GenericViewSet):
    """A member's care: the marks (sanitation worker with employer, a woman worker's care needs)
    and the free health checks, read and written by the relief staff of the member's unit."""

    lookup_value_regex = ID
    serializer_class = MemberCareSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Member.objects.none()  # one member at a time, through the selectors

    def get_object(self) -> Member:
        return selectors.member_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(responses=MemberCareSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(_member_care(self.get_object()))

    @extend_schema(request=CareMarkInSerializer, responses=MemberCareSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: Any = None) -> Response:
        """Set the member's care marks (all of them: what is left out is cleared). A sanitation
        worker without an employer (registered, or named) is 400."""
        user = acting_user(request)
        member = self.get_object()
        values = _valid(CareMarkInSerializer, request)
        employer = None
        if values.get("employer"):
            employer = case_selectors.counterpart_employers(user).filter(pk=int_pk(values["employer"])).first()
            if employer is None:
                raise InvalidInput(_("No such employer."), field="employer")
        services.mark_set(
            member=member,
            by=user,
            sanitation_worker=values["sanitation_worker"],
            employer=employer,
            employer_name=values.get("employer_name") or "",
            women_care_needs=values.get("women_care_needs") or "",
        )
        return Response(_member_care(member))

    @extend_schema(request=HealthCheckInSerializer, responses={201: HealthCheckSerializer})
    @action(detail=True, methods=["post"], url_path="health-checks")
    def health_checks(self, request: Request, pk: Any = None) -> Response:
        """Record a free health check: its day (not in the future, not before the member was born),
        the result (required) and where the member was referred."""
        user = acting_user(request)
        member = self.get_object()
        values = _valid(HealthCheckInSerializer, request)
        check = services.health_check_record(
            member=member,
            by=user,
            checked_on=values["checked_on"],
            result=values.get("result") or "",
            referral=values.get("referral") or "",
        )
        return Response(HealthCheckSerializer(check).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("relief/care/stations", CareStationViewSet, basename="relief-care-station")
    router.register("relief/care/events", RightsEventViewSet, basename="relief-care-event")
    router.register("relief/care/members", CareMemberViewSet, basename="relief-care-member")
