"""The ventures API under /api/v1/ventures/: products, applications (apply, submit, review,
guidance, open the loan, link an employer, support in kind), loans (approve the payment, pay out,
repayments, write-off request, 贴息 claims), write-offs (approve, reject), 贴息 claims (pay), the
overdue list and the portfolio.

As in ``funds.api``: amounts travel as yuan with two decimals and also as whole fen (``*_fen``);
posting money needs an ``Idempotency-Key`` header. Serializers check shape; reads go through
``ventures.selectors``, writes through ``ventures.services`` (and ``funds.services`` for the
payment approval), whose domain errors ``core.api.exception_handler`` turns into answers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from accounts import visibility
from accounts.api import acting_user
from accounts.models import Role
from accounts.visibility import Action
from core.errors import Forbidden, InvalidInput, NotFound
from core.ids import int_pk
from funds import services as funds_services
from funds.api import IDEMPOTENCY_KEY, YuanField, _idempotency_key, kind_field
from funds.models import Budget
from funds.money import to_fen
from households import selectors as household_selectors
from jobs import selectors as jobs_selectors
from jobs import services as jobs_services
from ventures import selectors, services
from ventures.models import (
    GuidanceSession,
    InKindSupport,
    Instalment,
    Loan,
    LoanProduct,
    Repayment,
    ReviewStep,
    SubsidyClaim,
    Venture,
    WriteOff,
)

# --- serializers -------------------------------------------------------------------------------------


class VentureProductSerializer(serializers.ModelSerializer):
    kind = kind_field(LoanProduct.Kind.choices, read_only=True)
    cap = YuanField(read_only=True)
    cap_fen = serializers.IntegerField(source="cap", read_only=True)
    review_threshold = YuanField(read_only=True)
    subsidy_cap = YuanField(read_only=True)

    class Meta:
        model = LoanProduct
        fields = [
            "id",
            "name",
            "kind",
            "cap",
            "cap_fen",
            "term_months",
            "grace_months",
            "annual_rate_bp",
            "subsidy_share_bp",
            "subsidy_cap",
            "review_threshold",
            "is_active",
        ]


class VentureReviewSerializer(serializers.ModelSerializer):
    step = serializers.CharField(read_only=True)
    reviewer = serializers.CharField(source="reviewer.display_name", read_only=True)

    class Meta:
        model = ReviewStep
        fields = ["step", "reviewer", "approved", "note", "decided_at"]


class VentureGuidanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidanceSession
        fields = ["id", "mentor", "held_on", "notes", "created_at"]
        read_only_fields = ["id", "created_at"]


class VentureSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    total_cost = YuanField(read_only=True)
    own_funds = YuanField(read_only=True)
    amount = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)
    expected_monthly_income = YuanField(read_only=True)
    reviews = VentureReviewSerializer(many=True, read_only=True)
    loan = serializers.PrimaryKeyRelatedField[Loan](read_only=True)

    class Meta:
        model = Venture
        fields = [
            "id",
            "member",
            "member_name",
            "org_unit",
            "org_unit_name",
            "product",
            "product_name",
            "business_name",
            "business",
            "address",
            "total_cost",
            "own_funds",
            "amount",
            "amount_fen",
            "expected_monthly_income",
            "jobs_expected",
            "mentor",
            "employer",
            "state",
            "reviews",
            "loan",
            "created_at",
            "submitted_at",
            "decided_at",
        ]


class VentureWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False, help_text="staff: the member applying; a worker: themselves")
    product = serializers.IntegerField()
    business_name = serializers.CharField(max_length=100)
    business = serializers.CharField()
    address = serializers.CharField(max_length=200)
    total_cost = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")
    own_funds = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, help_text="yuan")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan asked")
    expected_monthly_income = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    jobs_expected = serializers.IntegerField(required=False, min_value=0)
    submit = serializers.BooleanField(required=False, default=True, help_text="send for review at once")


class VentureDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    expected_state = serializers.ChoiceField(
        choices=Venture.State.choices,
        required=False,
        help_text="the state you decided on; if the application moved on meanwhile, the decision is refused (409)",
    )


class VentureEmployerLinkSerializer(serializers.Serializer):
    employer = serializers.IntegerField(help_text="a jobs employer in your reach")


class VentureEmployerSignUpSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    uscc = serializers.CharField(max_length=18, help_text="unified social credit code")
    contact_name = serializers.CharField(max_length=64)
    contact_phone = serializers.CharField(max_length=20)
    region_code = serializers.CharField(max_length=12)
    industry = serializers.CharField(max_length=16)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, help_text="the business's own login for the jobs pages")
    password = serializers.CharField(max_length=128, write_only=True)


class VentureOpenLoanSerializer(serializers.Serializer):
    budget = serializers.IntegerField(required=False, help_text="a union loan: the budget that pays it")
    bank_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    disbursed_on = serializers.DateField(required=False, help_text="a bank loan: the day the bank paid it out")


class VentureInstalmentSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    amount = YuanField(read_only=True)
    principal = YuanField(read_only=True)
    interest = YuanField(read_only=True)
    paid = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)
    paid_fen = serializers.IntegerField(source="paid", read_only=True)

    class Meta:
        model = Instalment
        fields = [
            "number",
            "due_on",
            "principal",
            "interest",
            "amount",
            "amount_fen",
            "paid",
            "paid_fen",
            "paid_on",
            "state",
        ]


class VentureOverdueSerializer(VentureInstalmentSerializer):
    """An overdue instalment with whose it is: the loan, the venture, the borrower, the helper."""

    left_fen = serializers.IntegerField(source="left", read_only=True)
    venture = serializers.IntegerField(source="loan.venture_id", read_only=True)
    business_name = serializers.CharField(source="loan.venture.business_name", read_only=True)
    member_name = serializers.CharField(source="loan.venture.member.name", read_only=True)
    helper = serializers.SerializerMethodField()

    class Meta(VentureInstalmentSerializer.Meta):
        fields = ["loan", "venture", "business_name", "member_name", *VentureInstalmentSerializer.Meta.fields]
        fields += ["left_fen", "helper"]

    def get_helper(self, instalment: Instalment) -> str | None:
        alert = getattr(instalment, "alert", None)
        return alert.helper.display_name if alert is not None and alert.helper is not None else None


class VentureLoanSerializer(serializers.ModelSerializer):
    kind = kind_field(LoanProduct.Kind.choices, read_only=True)
    state = serializers.CharField(read_only=True)
    principal = YuanField(read_only=True)
    principal_fen = serializers.IntegerField(source="principal", read_only=True)
    outstanding_fen = serializers.SerializerMethodField()
    instalments = VentureInstalmentSerializer(many=True, read_only=True)
    business_name = serializers.CharField(source="venture.business_name", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Loan
        fields = [
            "id",
            "venture",
            "business_name",
            "kind",
            "principal",
            "principal_fen",
            "outstanding_fen",
            "annual_rate_bp",
            "term_months",
            "grace_months",
            "bank_name",
            "payment_request",
            "disbursed_on",
            "state",
            "reference",
            "instalments",
        ]

    def get_outstanding_fen(self, loan: Loan) -> int:
        # From the instalments the list prefetched, not one more query per loan.
        return sum(instalment.left for instalment in loan.instalments.all())


class VentureRepaymentSerializer(serializers.ModelSerializer):
    amount = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)

    class Meta:
        model = Repayment
        fields = ["id", "loan", "amount", "amount_fen", "paid_on", "transaction", "created_at"]


class VentureRepaymentWriteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")
    paid_on = serializers.DateField(required=False)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200)


class VentureReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class VentureWriteOffSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    amount = YuanField(read_only=True)

    class Meta:
        model = WriteOff
        fields = [
            "id",
            "loan",
            "amount",
            "reason",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "transaction",
        ]


class VentureClaimWriteSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="2026, 2026-11 or 2026-Q4")
    interest_paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan, from the statement")
    statement = serializers.CharField(max_length=64)
    budget = serializers.IntegerField(required=False, help_text="default: the first budget covering the venture")


class VentureClaimSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    interest_paid = YuanField(read_only=True)
    refund = YuanField(read_only=True)
    refund_fen = serializers.IntegerField(source="refund", read_only=True)

    class Meta:
        model = SubsidyClaim
        fields = [
            "id",
            "loan",
            "period",
            "interest_paid",
            "statement",
            "refund",
            "refund_fen",
            "state",
            "payment_request",
        ]


class VentureItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField()
    unit_value = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan each")


class VentureInKindWriteSerializer(serializers.Serializer):
    supplier = serializers.CharField(max_length=100)
    items = VentureItemSerializer(many=True)
    budget = serializers.IntegerField(required=False)


class VentureInKindSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    value = YuanField(read_only=True)

    class Meta:
        model = InKindSupport
        fields = ["id", "venture", "supplier", "value", "state", "payment_request"]


class VenturePortfolioLineSerializer(serializers.Serializer):
    unit = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    ventures = serializers.IntegerField()
    loans = serializers.IntegerField()
    disbursed_fen = serializers.IntegerField()
    outstanding_fen = serializers.IntegerField()
    overdue_fen = serializers.IntegerField()
    overdue_loans = serializers.IntegerField()
    repaid_fen = serializers.IntegerField()
    repaid_share = serializers.FloatField()
    written_off_fen = serializers.IntegerField()
    jobs_created = serializers.IntegerField()
    depth = serializers.IntegerField(help_text="below the caller's unit (0)")
    own = serializers.BooleanField(help_text="the unit's own ventures, without the units below it")


class VenturePortfolioSerializer(serializers.Serializer):
    lines = VenturePortfolioLineSerializer(many=True)
    total = VenturePortfolioLineSerializer()


def _line(line: selectors.PortfolioLine) -> dict[str, Any]:
    return {
        "unit": line.unit.pk if line.unit else None,
        "unit_name": line.unit.name if line.unit else _("Total"),
        "ventures": line.ventures,
        "loans": line.loans,
        "disbursed_fen": line.disbursed,
        "outstanding_fen": line.outstanding,
        "overdue_fen": line.overdue_amount,
        "overdue_loans": line.overdue_loans,
        "repaid_fen": line.repaid,
        "repaid_share": round(line.repaid_share, 4),
        "written_off_fen": line.written_off,
        "jobs_created": line.jobs_created,
        "depth": line.depth,
        "own": line.is_own,
    }


def _budget(venture: Venture, pk: Any) -> Budget:
    """The budget asked for, or the first one covering the venture's unit this year."""
    budgets = services.budgets_for(venture)
    if pk is not None:
        budgets = [b for b in budgets if b.pk == pk]
    if not budgets:
        raise NotFound(_("No entrepreneurship budget covers this venture."), field="budget")
    return budgets[0]


# --- views ------------------------------------------------------------------------------------------

# Ids in the routes are digits: anything else ("abc") is no route (404), not a ValueError (500) when
# the selectors filter an integer primary key by it.
ID = "[0-9]+"


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The loan products on offer, with their caps, terms and interest-free months."""

    lookup_value_regex = ID

    serializer_class = VentureProductSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.product_list()


class VentureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications in the caller's reach (a worker: their own), with the review chain."""

    lookup_value_regex = ID

    serializer_class = VentureSerializer
    filterset_fields = ["state", "product"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.venture_list_for(acting_user(self.request))
            .select_related("loan")
            .prefetch_related("reviews__reviewer")
        )

    def get_object(self) -> Venture:
        return selectors.venture_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=VentureWriteSerializer, responses={201: VentureSerializer})
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        data = VentureWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if user.role == Role.WORKER:
            member = household_selectors.my_member(user)
            if member is None:
                raise NotFound(_("Your login is not linked to a member of the archive."), field="member")
            # A worker names only themselves. Anyone else is refused alike, whether that member
            # exists or not: a different answer would let a worker probe the archive's ids.
            if values.get("member") and values["member"] != member.pk:
                raise Forbidden(_("A worker applies for their own business only."), field="member")
        else:
            if not values.get("member"):
                raise InvalidInput(_("Choose the member applying."), field="member")
            member = household_selectors.member_get_for(user, values["member"])
        product = selectors.product_list().filter(pk=values["product"]).first()
        if product is None:
            raise NotFound(_("No such product."), field="product")
        venture = services.venture_create(
            by=user,
            member=member,
            product=product,
            submit=values.get("submit", True),
            data=services.VentureInput(
                business_name=values["business_name"],
                business=values["business"],
                address=values["address"],
                total_cost=to_fen(values["total_cost"], field="total_cost"),
                own_funds=to_fen(values.get("own_funds") or 0, field="own_funds"),
                amount=to_fen(values["amount"]),
                expected_monthly_income=to_fen(values.get("expected_monthly_income") or 0),
                jobs_expected=values.get("jobs_expected") or 0,
            ),
        )
        return Response(VentureSerializer(venture).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VentureSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        venture = services.venture_submit(venture=self.get_object(), by=acting_user(request))
        return Response(VentureSerializer(venture).data)

    @extend_schema(request=VentureDecisionSerializer, responses=VentureSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        """Decide the current step (helper, organizer, unit above); a refusal needs a note."""
        data = VentureDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        venture = services.venture_review(
            venture=self.get_object(),
            by=acting_user(request),
            approve=data.validated_data["approve"],
            note=data.validated_data.get("note", ""),
            expected_state=data.validated_data.get("expected_state", ""),
        )
        return Response(VentureSerializer(venture).data)

    @extend_schema(request=VentureGuidanceSerializer, responses={201: VentureGuidanceSerializer})
    @action(detail=True, methods=["post"])
    def guidance(self, request: Request, pk: Any = None) -> Response:
        data = VentureGuidanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.guidance_record(venture=self.get_object(), by=acting_user(request), **data.validated_data)
        return Response(VentureGuidanceSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VentureOpenLoanSerializer, responses={201: VentureLoanSerializer})
    @action(detail=True, methods=["post"])
    def loan(self, request: Request, pk: Any = None) -> Response:
        """After approval: a union loan asks for its payment; a bank loan is recorded as paid out."""
        venture = self.get_object()
        data = VentureOpenLoanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        budget = _budget(venture, values.get("budget")) if venture.product.kind == "interest_free" else None
        loan = services.loan_open(
            venture=venture,
            by=acting_user(request),
            budget=budget,
            bank_name=values.get("bank_name", ""),
            disbursed_on=values.get("disbursed_on"),
        )
        return Response(VentureLoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VentureEmployerLinkSerializer, responses=VentureSerializer)
    @action(detail=True, methods=["post"])
    def employer(self, request: Request, pk: Any = None) -> Response:
        """Link the jobs employer the venture hires as: its placements count as jobs created."""
        user = acting_user(request)
        data = VentureEmployerLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employer = jobs_selectors.employer_list_for(user).filter(pk=data.validated_data["employer"]).first()
        if employer is None:
            raise NotFound(_("No such employer."), field="employer")
        venture = services.venture_link_employer(venture=self.get_object(), by=user, employer=employer)
        return Response(VentureSerializer(venture).data)

    @extend_schema(request=VentureEmployerSignUpSerializer, responses={201: VentureSerializer})
    @action(detail=True, methods=["post"], url_path="register-employer")
    def register_employer(self, request: Request, pk: Any = None) -> Response:
        """Register the business as a jobs employer (waiting for verification) and link it."""
        data = VentureEmployerSignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        username, password = values.pop("username"), values.pop("password")
        venture = services.venture_register_employer(
            venture=self.get_object(),
            by=acting_user(request),
            data=jobs_services.EmployerInput(**values),
            username=username,
            password=password,
        )
        return Response(VentureSerializer(venture).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VentureInKindWriteSerializer, responses={201: VentureInKindSerializer})
    @action(detail=True, methods=["post"], url_path="in-kind")
    def in_kind(self, request: Request, pk: Any = None) -> Response:
        venture = self.get_object()
        data = VentureInKindWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        support = services.in_kind_create(
            venture=venture,
            by=acting_user(request),
            budget=_budget(venture, values.get("budget")),
            supplier=values["supplier"],
            items=[
                services.ItemInput(item["name"], item["quantity"], to_fen(item["unit_value"], field="items"))
                for item in values["items"]
            ],
        )
        return Response(VentureInKindSerializer(support).data, status=status.HTTP_201_CREATED)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Loans in reach (a worker: their own) with the schedule; pay out, repay, write off, 贴息."""

    lookup_value_regex = ID

    serializer_class = VentureLoanSerializer
    filterset_fields = ["state", "kind"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.loan_list_for(acting_user(self.request)).prefetch_related("instalments")

    def get_object(self) -> Loan:
        return selectors.loan_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=VentureDecisionSerializer, responses=VentureLoanSerializer)
    @action(detail=True, methods=["post"], url_path="approve-payment")
    def approve_payment(self, request: Request, pk: Any = None) -> Response:
        """The checker approves (or rejects) the loan's payment request: never its requester."""
        loan = self.get_object()
        if loan.payment_request is None:
            raise NotFound(_("A bank loan has no payment request."))
        data = VentureDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decide = (
            funds_services.payment_request_approve
            if data.validated_data["approve"]
            else funds_services.payment_request_reject
        )
        decide(request=loan.payment_request, by=acting_user(request), note=data.validated_data.get("note", ""))
        return Response(VentureLoanSerializer(selectors.loan_get_for(acting_user(request), loan.pk)).data)

    @extend_schema(request=None, responses=VentureLoanSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def disburse(self, request: Request, pk: Any = None) -> Response:
        """Pay the approved loan out and draw up its schedule; a retry with the key pays once."""
        loan = services.loan_disburse(
            loan=self.get_object(), by=acting_user(request), idempotency_key=_idempotency_key(request)
        )
        return Response(VentureLoanSerializer(loan).data)

    @extend_schema(
        request=VentureRepaymentWriteSerializer,
        responses={201: VentureRepaymentSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    def repayments(self, request: Request, pk: Any = None) -> Response:
        """A repayment, never above what the loan owes, applied to the instalments in order."""
        data = VentureRepaymentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = _idempotency_key(request)
        existed = Repayment.objects.filter(idempotency_key=key.strip()).exists()
        repayment = services.loan_repay(
            loan=self.get_object(),
            by=acting_user(request),
            amount=to_fen(values["amount"]),
            idempotency_key=key,
            paid_on=values.get("paid_on"),
            memo=values.get("memo", ""),
        )
        return Response(
            VentureRepaymentSerializer(repayment).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(request=VentureReasonSerializer, responses={201: VentureWriteOffSerializer})
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request: Request, pk: Any = None) -> Response:
        data = VentureReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        write_off = services.write_off_request(
            loan=self.get_object(), by=acting_user(request), reason=data.validated_data["reason"]
        )
        return Response(VentureWriteOffSerializer(write_off).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VentureClaimWriteSerializer, responses={201: VentureClaimSerializer})
    @action(detail=True, methods=["post"], url_path="subsidy-claims")
    def subsidy_claims(self, request: Request, pk: Any = None) -> Response:
        """A 贴息 claim for a period: the refund is min(interest × share, cap); one per period."""
        loan = self.get_object()
        data = VentureClaimWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        claim = services.subsidy_claim_create(
            loan=loan,
            by=acting_user(request),
            period=values["period"],
            interest_paid=to_fen(values["interest_paid"], field="interest_paid"),
            statement=values["statement"],
            budget=_budget(loan.venture, values.get("budget")),
        )
        return Response(VentureClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class WriteOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Write-offs in reach; another organizer than the requester approves (posted to the ledger)."""

    lookup_value_regex = ID

    serializer_class = VentureWriteOffSerializer
    filterset_fields = ["state"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.write_offs_for(acting_user(self.request))

    def get_object(self) -> WriteOff:
        write_off = self.get_queryset().filter(pk=int_pk(self.kwargs["pk"])).first()
        if write_off is None:
            raise NotFound(_("No such write-off."))
        return write_off

    @extend_schema(request=None, responses=VentureWriteOffSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        write_off = services.write_off_decide(
            write_off=self.get_object(),
            by=acting_user(request),
            approve=True,
            idempotency_key=_idempotency_key(request),
        )
        return Response(VentureWriteOffSerializer(write_off).data)

    @extend_schema(request=None, responses=VentureWriteOffSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        write_off = services.write_off_decide(write_off=self.get_object(), by=acting_user(request), approve=False)
        return Response(VentureWriteOffSerializer(write_off).data)


class SubsidyClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """贴息 claims in reach. Approve the claim's payment request under /payment-requests/, then pay here."""

    lookup_value_regex = ID

    serializer_class = VentureClaimSerializer
    filterset_fields = ["state", "period"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.subsidy_claims_for(acting_user(self.request))

    def get_object(self) -> SubsidyClaim:
        claim = self.get_queryset().filter(pk=int_pk(self.kwargs["pk"])).first()
        if claim is None:
            raise NotFound(_("No such claim."))
        return claim

    @extend_schema(request=None, responses=VentureClaimSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        claim = services.subsidy_claim_pay(
            claim=self.get_object(), by=acting_user(request), idempotency_key=_idempotency_key(request)
        )
        return Response(VentureClaimSerializer(claim).data)


class InKindViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Support in kind in reach. Approve its payment request under /payment-requests/, then pay here."""

    lookup_value_regex = ID

    serializer_class = VentureInKindSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.in_kind_for(acting_user(self.request))

    def get_object(self) -> InKindSupport:
        support = self.get_queryset().filter(pk=int_pk(self.kwargs["pk"])).first()
        if support is None:
            raise NotFound(_("No such support."))
        return support

    @extend_schema(request=None, responses=VentureInKindSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        support = services.in_kind_pay(
            support=self.get_object(), by=acting_user(request), idempotency_key=_idempotency_key(request)
        )
        return Response(VentureInKindSerializer(support).data)


class OverdueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Overdue instalments in reach (a helper's own alerts first), each with its loan and borrower."""

    serializer_class = VentureOverdueSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.overdue_for(acting_user(self.request))


class PortfolioViewSet(viewsets.ViewSet):
    """Per union unit in reach: outstanding, overdue, repaid share, written off, jobs created."""

    @extend_schema(responses=VenturePortfolioSerializer)
    def list(self, request: Request) -> Response:
        user = acting_user(request)
        if not visibility.may(user, Action.VIEW_VENTURES):
            raise Forbidden(_("Your role does not allow this."))
        report = selectors.portfolio_for(user, kind=str(request.query_params.get("kind", "")))
        return Response({"lines": [_line(line) for line in report.lines], "total": _line(report.total)})


def register(router: BaseRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("ventures/products", ProductViewSet, basename="venture-product")
    router.register("ventures/applications", VentureViewSet, basename="venture")
    router.register("ventures/loans", LoanViewSet, basename="venture-loan")
    router.register("ventures/write-offs", WriteOffViewSet, basename="venture-write-off")
    router.register("ventures/subsidy-claims", SubsidyClaimViewSet, basename="venture-subsidy-claim")
    router.register("ventures/in-kind", InKindViewSet, basename="venture-in-kind")
    router.register("ventures/overdue", OverdueViewSet, basename="venture-overdue")
    router.register("ventures/portfolio", PortfolioViewSet, basename="venture-portfolio")
