"""The relief API under /api/v1/relief/: the registered tracks, applications (apply, review, approve
the payment, pay, give, withdraw), benefits, each track's worklist and what was received by unit.
Track modules add their own endpoints (``Track.extra["api"]``: a module with ``register(router)``).

As in ``funds.api``: amounts travel as yuan with two decimals and also as whole fen (``*_fen``);
paying needs an ``Idempotency-Key`` header. Serializers check shape; reads go through
``relief.selectors``, writes through ``relief.services``, whose domain errors
``core.api.exception_handler`` turns into answers.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts.api import acting_user
from accounts.visibility import Action, may
from core.errors import Forbidden, InvalidInput
from funds.api import IDEMPOTENCY_KEY, YuanField, _idempotency_key
from households import selectors as household_selectors
from households.models import Member
from relief import case_api, selectors, services
from relief.models import Application, Benefit, Decision
from relief.registry import Track, tracks

ID = "[0-9]+"
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="the track's API name")
WORKLIST_MAX = 1000  # a worklist is worked through, not browsed: the first thousand

# --- serializers -------------------------------------------------------------------------------------


class ReliefFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    kind = serializers.CharField(help_text="the form field's class: CharField, ChoiceField, FileField...")
    choices = serializers.ListField(child=serializers.CharField(), required=False)


class ReliefTrackSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="the API name of the track: warmth, student_aid, medical, assistance...")
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField(help_text="benefit (apply, review, pay or give) or case (followed over time)")
    pays = serializers.BooleanField(help_text="whether the track moves money (cash or goods bought) through funds")
    pays_how = serializers.CharField(help_text="cash, goods, cash_or_goods or none")
    purpose = serializers.CharField(help_text="the funds purpose it spends on")
    goal_track = serializers.CharField(help_text="the plan-goal track its benefits meet")
    cap_per_household_fen = serializers.IntegerField(allow_null=True)
    cap_per_person_fen = serializers.IntegerField(allow_null=True)
    review_threshold_fen = serializers.IntegerField(allow_null=True, help_text="above it, the unit above reviews too")
    rule = serializers.CharField()
    form_fields = ReliefFieldSerializer(many=True, help_text="the application's own fields (send them in details)")


def _track_data(track: Track) -> dict[str, Any]:
    form = track.form()()
    fields = []
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        fields.append(
            {
                "name": name,
                "label": str(field.label or name),
                "required": field.required,
                "kind": type(field).__name__,
                **({"choices": [str(value) for value, _label in choices]} if choices is not None else {}),
            }
        )
    return {
        "code": track.code,
        "name_zh": track.name_zh,
        "name_en": track.name_en,
        "kind": str(track.kind),
        "pays": track.pays.moves_money,
        "pays_how": str(track.pays),
        "purpose": track.purpose,
        "goal_track": track.goal_track,
        "cap_per_household_fen": track.caps.per_household,
        "cap_per_person_fen": track.caps.per_person,
        "review_threshold_fen": track.review_threshold,
        "rule": str(track.rule_text),
        "form_fields": fields,
    }


class ReliefDecisionSerializer(serializers.ModelSerializer):
    step = serializers.CharField(read_only=True)
    reviewer = serializers.CharField(source="reviewer.display_name", read_only=True)

    class Meta:
        model = Decision
        fields = ["step", "reviewer", "approved", "note", "decided_at"]


class ReliefApplicationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    track_name = serializers.CharField(read_only=True)
    amount = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)
    goods_value_fen = serializers.IntegerField(source="goods_value", read_only=True)
    decisions = ReliefDecisionSerializer(many=True, read_only=True)
    state = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "track",
            "track_name",
            "member",
            "member_name",
            "household",
            "org_unit",
            "period",
            "summary",
            "amount",
            "amount_fen",
            "goods",
            "goods_value_fen",
            "details",
            "eligibility",
            "channel",
            "state",
            "refusal_reason",
            "cash_request",
            "goods_request",
            "decisions",
            "created_at",
            "decided_at",
        ]


class ReliefApplySerializer(serializers.Serializer):
    track = serializers.CharField()
    member = serializers.IntegerField(help_text="staff: any member in reach; a worker: a member of their own household")
    consent_note = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="staff: how the worker agreed"
    )
    details = serializers.DictField(
        required=False, help_text="the track's own fields (GET /api/v1/relief/tracks/ lists them)"
    )


class ReliefReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    expected_state = serializers.CharField(
        required=False,
        max_length=20,
        help_text="the state you decided on; if the application moved on meanwhile, the decision is refused (409)",
    )


class ReliefGiveSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReliefBenefitSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    amount = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)
    goods_value_fen = serializers.IntegerField(source="goods_value", read_only=True)

    class Meta:
        model = Benefit
        fields = [
            "id",
            "application",
            "track",
            "member",
            "member_name",
            "household",
            "org_unit",
            "kind",
            "amount",
            "amount_fen",
            "goods_value_fen",
            "period",
            "received_on",
            "summary",
            "cash_transaction",
            "goods_transaction",
            "goal",
        ]


class ReliefWorklistSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "name", "relation", "household", "household_number"]


class ReliefReceivedSerializer(serializers.Serializer):
    track = serializers.CharField()
    track_name = serializers.CharField()
    benefits = serializers.IntegerField()
    households = serializers.IntegerField()
    people = serializers.IntegerField()
    cash_fen = serializers.IntegerField(source="cash")
    goods_fen = serializers.IntegerField(source="goods")


# --- views ------------------------------------------------------------------------------------------


class ReliefTrackViewSet(viewsets.ViewSet):
    """The registered relief tracks: code (the API name), names, whether each pays, its rule and
    the fields its applications take."""

    lookup_field = "code"
    lookup_value_regex = "[a-z0-9_]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # The tracks are for those who apply or who run them; the worklist for the staff who run them.
        wanted = (Action.VIEW_RELIEF,) if self.action == "worklist" else (Action.VIEW_RELIEF, Action.APPLY_RELIEF)
        if not any(may(acting_user(request), a) for a in wanted):
            raise Forbidden(_("Your role does not allow this."))

    @extend_schema(responses=ReliefTrackSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response([_track_data(t) for t in tracks])

    @extend_schema(responses=ReliefTrackSerializer, parameters=[CODE])
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        from relief.registry import get

        return Response(_track_data(get(str(code))))

    @extend_schema(responses=ReliefWorklistSerializer(many=True), parameters=[CODE, OpenApiParameter("unit", int)])
    @action(detail=True, methods=["get"])
    def worklist(self, request: Request, code: str | None = None) -> Response:
        """The track's eligible-but-not-served list in the caller's reach (of a unit's subtree)."""
        from relief.registry import get

        unit = request.query_params.get("unit")
        members = selectors.worklist_for(
            acting_user(request), get(str(code)), unit=int(unit) if unit and unit.isdigit() else None
        )
        return Response(ReliefWorklistSerializer(members[:WORKLIST_MAX], many=True).data)


def _member(user: Any, pk: Any) -> Member:
    """Staff: a member in reach. A worker: a member of their own household (a child's 金秋助学)."""
    from accounts.models import Role
    from core.errors import NotFound
    from core.ids import int_pk

    if user.role != Role.WORKER:
        return household_selectors.member_get_for(user, pk)
    me = household_selectors.my_member(user)
    member = me.household.members.filter(pk=int_pk(pk), is_current=True).first() if me is not None else None
    if member is None:
        raise NotFound(_("No such member."), field="member")
    return member


class ReliefApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications in the caller's reach (a worker: their household's), with their decisions."""

    lookup_value_regex = ID
    serializer_class = ReliefApplicationSerializer
    filterset_fields = ["track", "state", "household"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.application_list_for(acting_user(self.request)).prefetch_related("decisions__reviewer")

    def get_object(self) -> Application:
        return selectors.application_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=ReliefApplySerializer, responses={201: ReliefApplicationSerializer})
    def create(self, request: Request) -> Response:
        """Apply: the worker for a member of their household, staff for a member in reach with the
        worker's consent recorded. An ineligible member is refused (400, code ``ineligible``) with
        the reason."""
        user = acting_user(request)
        data = ReliefApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        details = values.get("details")
        if not isinstance(details, dict):  # multipart (an enrolment proof): the track's fields beside the others
            sent: Any = request.data
            details = {k: v for k, v in sent.items() if k not in {"track", "member", "consent_note"}}
        application = services.application_create(
            by=user,
            track=values["track"],
            member=_member(user, values["member"]),
            data=details,
            files=request.FILES,
            consent_note=values.get("consent_note", ""),
        )
        return Response(ReliefApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReliefReviewSerializer, responses=ReliefApplicationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        """Decide the current step (helper, organizer, unit above). A refusal needs the note."""
        data = ReliefReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        application = services.application_review(
            application=self.get_object(),
            by=acting_user(request),
            approve=values["approve"],
            note=values.get("note", ""),
            expected_state=values.get("expected_state", ""),
        )
        return Response(ReliefApplicationSerializer(application).data)

    @extend_schema(request=None, responses=ReliefApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="approve-payment")
    def approve_payment(self, request: Request, pk: Any = None) -> Response:
        """The checker approves the payment: never the one who asked for it."""
        application = services.application_payment_approve(application=self.get_object(), by=acting_user(request))
        return Response(ReliefApplicationSerializer(application).data)

    @extend_schema(request=None, responses={201: ReliefBenefitSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        """Post the approved payment and record the benefit. A retry with the same Idempotency-Key
        returns the same benefit (200) and pays nothing more."""
        application = self.get_object()
        already = application.state == Application.State.GIVEN
        benefit = services.application_pay(
            application=application, by=acting_user(request), idempotency_key=_idempotency_key(request)
        )
        return Response(
            ReliefBenefitSerializer(benefit).data, status=status.HTTP_200_OK if already else status.HTTP_201_CREATED
        )

    @extend_schema(request=ReliefGiveSerializer, responses={201: ReliefBenefitSerializer})
    @action(detail=True, methods=["post"])
    def give(self, request: Request, pk: Any = None) -> Response:
        """An approved application that pays nothing through the union is recorded as received."""
        data = ReliefGiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        benefit = services.application_give(
            application=self.get_object(),
            by=acting_user(request),
            on=values.get("on"),
            summary=values.get("summary", ""),
        )
        return Response(ReliefBenefitSerializer(benefit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReliefApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        application = services.application_withdraw(application=self.get_object(), by=acting_user(request))
        return Response(ReliefApplicationSerializer(application).data)


class ReliefBenefitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Benefits received, in the caller's reach (a worker: their household's)."""

    lookup_value_regex = ID
    serializer_class = ReliefBenefitSerializer
    filterset_fields = ["track", "household", "period"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.benefit_list_for(acting_user(self.request))


def _date(request: Request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name}: YYYY-MM-DD", field=name) from exc


class ReliefReceivedViewSet(viewsets.ViewSet):
    """What each track gave in a period to a unit's subtree (default: this year, the caller's reach)."""

    @extend_schema(
        responses=ReliefReceivedSerializer(many=True),
        parameters=[
            OpenApiParameter("start", dt.date),
            OpenApiParameter("end", dt.date),
            OpenApiParameter("unit", int),
            OpenApiParameter("track", str),
        ],
    )
    def list(self, request: Request) -> Response:
        today = timezone.localdate()
        unit = request.query_params.get("unit")
        rows = selectors.received_for_unit(
            acting_user(request),
            start=_date(request, "start", today.replace(month=1, day=1)),
            end=_date(request, "end", today),
            unit=int(unit) if unit and unit.isdigit() else None,
            track=request.query_params.get("track", ""),
        )
        return Response(ReliefReceivedSerializer(rows, many=True).data)


def register(router: BaseRouter) -> None:
    """Add this app's viewsets (and each track's own) to the /api/v1/ router."""
    router.register("relief/tracks", ReliefTrackViewSet, basename="relief-track")
    router.register("relief/applications", ReliefApplicationViewSet, basename="relief-application")
    router.register("relief/benefits", ReliefBenefitViewSet, basename="relief-benefit")
    router.register("relief/received", ReliefReceivedViewSet, basename="relief-received")
    router.register("relief/cases", case_api.ReliefCaseViewSet, basename="relief-case")
    for track in tracks:
        module = track.extra.get("api")
        if module:
            import_module(module).register(router)
