"""REST API of the fund ledger: funds and their money in, budgets, payment requests (ask, approve,
reject, pay), the ledger (read-only; a correction is a new reversal posting), repayments, the
reconciliation and the anomaly flags.

Amounts travel as yuan with two decimals ("1200.50") and are also given in whole fen
(``amount_fen``), which is what the ledger stores. Posting money needs an ``Idempotency-Key``
header: a retry with the same key gets the first answer back and moves nothing more.
Serializers check shape; every read goes through a selector and every write through a service,
whose domain errors ``core.api.exception_handler`` turns into answers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import visibility
from accounts.api import acting_user
from accounts.models import OrgUnit
from accounts.visibility import Action
from core import params
from core.errors import Forbidden, InvalidInput, NotFound
from core.ids import int_pk
from funds import selectors, services
from funds.models import AnomalyFlag, Budget, FundSource, LedgerEntry, LedgerTransaction, PaymentRequest, Purpose
from funds.money import to_fen, to_yuan
from households import selectors as household_selectors

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Chosen by the client for each payment it means to make, and sent again on every retry of it.",
)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not key.strip():
        raise InvalidInput(_("Send an Idempotency-Key header with every payment."), field="idempotency_key")
    return key


class YuanField(serializers.DecimalField):
    """Yuan in and out; the model holds fen."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(to_yuan(value))


def kind_field(choices: list[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A ``kind`` choice, its values listed in the schema's description: several models here have a
    ``kind``, and enum components for all of them would collide with the other apps' ``kind``
    enums (drf-spectacular names enums after the field)."""
    values = ", ".join(value for value, _label in choices)
    field_class = extend_schema_field({"type": "string", "description": f"one of: {values}"})(
        type("KindChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


def _unit(user: Any, pk: Any, field: str = "org_unit") -> OrgUnit:
    unit = selectors.unit_choices_for(user).filter(pk=int_pk(pk)).first()
    if unit is None:
        raise NotFound(_("No such union unit."), field=field)
    return unit


# --- serializers -------------------------------------------------------------------------------------


class PurposeSerializer(serializers.ModelSerializer):
    cap = YuanField(read_only=True, allow_null=True)

    class Meta:
        model = Purpose
        fields = ["id", "code", "name_zh", "name_en", "cap"]


class FundSerializer(serializers.ModelSerializer):
    kind = kind_field(FundSource.Kind.choices, read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = FundSource
        fields = ["id", "name", "kind", "org_unit", "org_unit_name", "note", "is_active", "created_at"]


class FundWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = kind_field(FundSource.Kind.choices)
    org_unit = serializers.IntegerField(help_text="the managing union unit; yours or one below it")
    note = serializers.CharField(required=False, allow_blank=True)


class MoneyInSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200)
    period = serializers.CharField(required=False, allow_blank=True, max_length=7)


class RepaymentSerializer(MoneyInSerializer):
    payee = serializers.IntegerField(help_text="the member who repays")
    purpose = serializers.SlugRelatedField[Purpose](slug_field="code", queryset=Purpose.objects.all())
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80)


class BudgetSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    purpose = serializers.SlugRelatedField[Purpose](slug_field="code", read_only=True)
    amount = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)

    class Meta:
        model = Budget
        fields = [
            "id",
            "source",
            "source_name",
            "year",
            "org_unit",
            "org_unit_name",
            "purpose",
            "amount",
            "amount_fen",
            "note",
            "created_at",
        ]


class BudgetWriteSerializer(serializers.Serializer):
    source = serializers.IntegerField()  # type: ignore[assignment]  # a field named like Field.source
    year = serializers.IntegerField()
    org_unit = serializers.IntegerField()
    purpose = serializers.SlugRelatedField[Purpose](slug_field="code", queryset=Purpose.objects.all())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class EntrySerializer(serializers.ModelSerializer):
    account = serializers.CharField(
        source="account.kind", read_only=True, help_text="cash, receivable, contributions or expense"
    )
    purpose = serializers.CharField(source="account.purpose.code", read_only=True, default=None)
    amount = YuanField(read_only=True, help_text="signed: + debit, - credit")
    amount_fen = serializers.IntegerField(source="amount", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["account", "purpose", "amount", "amount_fen"]


class TransactionSerializer(serializers.ModelSerializer):
    kind = kind_field(LedgerTransaction.Kind.choices, read_only=True)
    voucher = serializers.CharField(source="short_id", read_only=True)
    purpose = serializers.SlugRelatedField[Purpose](slug_field="code", read_only=True)
    entries = EntrySerializer(many=True, read_only=True)
    reversed_by = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()

    class Meta:
        model = LedgerTransaction
        fields = [
            "id",
            "voucher",
            "source",
            "org_unit",
            "kind",
            "purpose",
            "budget",
            "period",
            "memo",
            "idempotency_key",
            "payee",
            "payee_name",
            "reference",
            "requested_by",
            "approved_by",
            "created_by",
            "reverses",
            "reversed_by",
            "created_at",
            "entries",
            "flags",
        ]

    def get_reversed_by(self, txn: LedgerTransaction) -> str | None:
        reversal = getattr(txn, "reversed_by", None)
        return str(reversal.pk) if reversal is not None else None

    def get_flags(self, txn: LedgerTransaction) -> list[str]:
        return [flag.kind for flag in txn.flags.all()]


# 201: money moved now; 200: the Idempotency-Key replayed an earlier posting (nothing moved).
POSTED = {201: TransactionSerializer, 200: TransactionSerializer}


def _posted(txn: LedgerTransaction) -> Response:
    """201 when this request posted money, 200 when its Idempotency-Key replayed an earlier posting."""
    code = status.HTTP_200_OK if txn.replayed else status.HTTP_201_CREATED
    return Response(TransactionSerializer(txn).data, status=code)


class PaymentRequestSerializer(serializers.ModelSerializer):
    kind = kind_field(PaymentRequest.Kind.choices, read_only=True)
    amount = YuanField(read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)
    purpose = serializers.CharField(source="budget.purpose.code", read_only=True)
    transaction = serializers.UUIDField(source="transaction_id", read_only=True, allow_null=True)

    class Meta:
        model = PaymentRequest
        fields = [
            "id",
            "budget",
            "purpose",
            "org_unit",
            "kind",
            "payee",
            "payee_name",
            "amount",
            "amount_fen",
            "period",
            "memo",
            "reference",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "transaction",
        ]


class PaymentRequestWriteSerializer(serializers.Serializer):
    budget = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="yuan")
    period = serializers.CharField(max_length=7, help_text="2026, 2026-11 or 2026-Q4")
    kind = kind_field(PaymentRequest.Kind.choices, required=False)
    payee = serializers.IntegerField(required=False, allow_null=True, help_text="a member of the archive")
    payee_name = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="a payee outside it")
    org_unit = serializers.IntegerField(required=False, allow_null=True, help_text="for a payee outside the archive")
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80)


class DecisionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReversalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class FlagSerializer(serializers.ModelSerializer):
    kind = kind_field(AnomalyFlag.Kind.choices, read_only=True)
    voucher = serializers.CharField(source="transaction.short_id", read_only=True)

    class Meta:
        model = AnomalyFlag
        fields = [
            "id",
            "transaction",
            "voucher",
            "kind",
            "detail",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolution",
        ]


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=200)


BUDGET_LINE = inline_serializer(
    "BudgetLine",
    {
        "budget": serializers.IntegerField(),
        "year": serializers.IntegerField(),
        "org_unit": serializers.CharField(),
        "purpose": serializers.CharField(),
        "budgeted": serializers.DecimalField(max_digits=14, decimal_places=2),
        "paid": serializers.DecimalField(max_digits=14, decimal_places=2),
        "reversed": serializers.DecimalField(max_digits=14, decimal_places=2),
        "remaining": serializers.DecimalField(max_digits=14, decimal_places=2),
    },
)
RECONCILIATION = inline_serializer(
    "Reconciliation",
    {
        "balanced": serializers.BooleanField(),
        "funds": inline_serializer(
            "FundLine",
            {
                "fund": serializers.IntegerField(),
                "name": serializers.CharField(),
                "contributed": serializers.DecimalField(max_digits=14, decimal_places=2),
                "paid": serializers.DecimalField(max_digits=14, decimal_places=2),
                "reversed": serializers.DecimalField(max_digits=14, decimal_places=2),
                "repaid": serializers.DecimalField(max_digits=14, decimal_places=2),
                "cash": serializers.DecimalField(max_digits=14, decimal_places=2),
                "receivable": serializers.DecimalField(max_digits=14, decimal_places=2),
                "expense": serializers.DecimalField(max_digits=14, decimal_places=2),
                "entries_total_fen": serializers.IntegerField(help_text="always 0"),
                "unbalanced_transactions": serializers.IntegerField(help_text="always 0"),
                "cash_explained": serializers.BooleanField(),
                "open_flags": serializers.IntegerField(),
                "budgets": BUDGET_LINE,
            },
            many=True,
        ),
        "other_budgets": inline_serializer("OtherBudgetLine", {"budget": serializers.IntegerField()}, many=True),
    },
)


def _budget_line(line: selectors.BudgetLine) -> dict[str, Any]:
    return {
        "budget": line.budget.pk,
        "year": line.budget.year,
        "org_unit": line.budget.org_unit.name,
        "purpose": line.budget.purpose.code,
        "budgeted": str(to_yuan(line.budgeted)),
        "paid": str(to_yuan(line.paid)),
        "reversed": str(to_yuan(line.reversed)),
        "remaining": str(to_yuan(line.remaining)),
    }


def reconciliation_data(report: selectors.Reconciliation) -> dict[str, Any]:
    return {
        "balanced": report.balanced,
        "funds": [
            {
                "fund": line.fund.pk,
                "name": line.fund.name,
                **{
                    name: str(to_yuan(getattr(line, name)))
                    for name in ("contributed", "paid", "reversed", "repaid", "cash", "receivable", "expense")
                },
                "entries_total_fen": line.entries_total,
                "unbalanced_transactions": line.unbalanced,
                "cash_explained": line.cash_explained,
                "open_flags": line.open_flags,
                "budgets": [_budget_line(b) for b in line.budgets],
            }
            for line in report.funds
        ],
        "other_budgets": [_budget_line(b) for b in report.other_budgets],
    }


# --- views ------------------------------------------------------------------------------------------


class PurposeViewSet(viewsets.ReadOnlyModelViewSet):
    """What money is spent on, with the cap per payment (a payment above it is flagged)."""

    serializer_class = PurposeSerializer
    queryset = Purpose.objects.all()
    pagination_class = None


class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Funds managed in the caller's reach. Organizers open funds and record money put in."""

    serializer_class = FundSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.fund_list_for(acting_user(self.request))

    def get_object(self) -> FundSource:
        return selectors.fund_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=FundWriteSerializer, responses={201: FundSerializer})
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        data = FundWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        fund = services.fund_source_create(
            by=user,
            name=values["name"],
            kind=values["kind"],
            org_unit=_unit(user, values["org_unit"]),
            note=values.get("note", ""),
        )
        return Response(FundSerializer(fund).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MoneyInSerializer, responses=POSTED, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def contributions(self, request: Request, pk: Any = None) -> Response:
        """Money the fund's source puts in (an allocation, a grant, a gift)."""
        data = MoneyInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        txn = services.contribution_record(
            source=self.get_object(),
            amount=to_fen(values["amount"]),
            by=acting_user(request),
            idempotency_key=_idempotency_key(request),
            memo=values.get("memo", ""),
            period=values.get("period", ""),
        )
        return _posted(txn)

    @extend_schema(request=RepaymentSerializer, responses=POSTED, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def repayments(self, request: Request, pk: Any = None) -> Response:
        """A loan repayment into the fund; never more than the member owes it for the purpose."""
        user = acting_user(request)
        data = RepaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        txn = services.repayment_record(
            source=self.get_object(),
            payee=household_selectors.member_get_for(user, values["payee"]),
            purpose=values["purpose"],
            amount=to_fen(values["amount"]),
            by=user,
            idempotency_key=_idempotency_key(request),
            memo=values.get("memo", ""),
            period=values.get("period", ""),
            reference=values.get("reference", ""),
        )
        return _posted(txn)

    @extend_schema(responses=RECONCILIATION)
    @action(detail=True, methods=["get"])
    def reconciliation(self, request: Request, pk: Any = None) -> Response:
        fund = self.get_object()
        report = selectors.reconciliation_for(acting_user(request), fund=fund.pk)
        return Response(reconciliation_data(report))


class BudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Yearly budgets per unit and purpose in the caller's reach; the fund's managers set them."""

    serializer_class = BudgetSerializer
    filterset_fields = ["year", "source", "org_unit"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.budget_list_for(acting_user(self.request))

    def get_object(self) -> Budget:
        return selectors.budget_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=BudgetWriteSerializer, responses={201: BudgetSerializer})
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        data = BudgetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        budget = services.budget_create(
            by=user,
            source=selectors.fund_get_for(user, values["source"]),
            year=values["year"],
            org_unit=_unit(user, values["org_unit"]),
            purpose=values["purpose"],
            amount=to_fen(values["amount"]),
            note=values.get("note", ""),
        )
        return Response(BudgetSerializer(budget).data, status=status.HTTP_201_CREATED)


class PaymentRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Payments, maker-checker: a helper or organizer asks, another organizer (within the limit of
    their unit's level) approves or rejects, and the payment is posted once."""

    serializer_class = PaymentRequestSerializer
    filterset_fields = ["state", "budget", "kind"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.payment_request_list_for(acting_user(self.request))

    def get_object(self) -> PaymentRequest:
        return selectors.payment_request_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=PaymentRequestWriteSerializer, responses={201: PaymentRequestSerializer})
    def create(self, request: Request) -> Response:
        user = acting_user(request)
        if not visibility.may(user, Action.REQUEST_PAYMENT):
            raise Forbidden(_("Your role does not allow this."))
        data = PaymentRequestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        budget = selectors.budgets_to_draw_on(user).filter(pk=values["budget"]).first()
        if budget is None:
            raise NotFound(_("No such budget."), field="budget")
        payee = household_selectors.member_get_for(user, values["payee"]) if values.get("payee") else None
        payment = services.payment_request_create(
            by=user,
            budget=budget,
            amount=to_fen(values["amount"]),
            period=values["period"],
            kind=values.get("kind") or PaymentRequest.Kind.GRANT,
            payee=payee,
            payee_name=values.get("payee_name", ""),
            org_unit=_unit(user, values["org_unit"]) if values.get("org_unit") else None,
            memo=values.get("memo", ""),
            reference=values.get("reference", ""),
        )
        return Response(PaymentRequestSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionNoteSerializer, responses=PaymentRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        data = DecisionNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_request_approve(
            request=self.get_object(), by=acting_user(request), note=data.validated_data.get("note", "")
        )
        return Response(PaymentRequestSerializer(payment).data)

    @extend_schema(request=DecisionNoteSerializer, responses=PaymentRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        data = DecisionNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_request_reject(
            request=self.get_object(), by=acting_user(request), note=data.validated_data.get("note", "")
        )
        return Response(PaymentRequestSerializer(payment).data)

    @extend_schema(request=None, responses=POSTED, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        """Post the approved payment. A retry with the same Idempotency-Key returns the same
        transaction (200) and pays nothing more."""
        txn = services.payment_request_pay(
            request=self.get_object(), by=acting_user(request), idempotency_key=_idempotency_key(request)
        )
        return _posted(txn)


class LedgerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The ledger, newest first: read-only. A correction is a new posting (``reverse``)."""

    serializer_class = TransactionSerializer
    filterset_fields = ["source", "kind", "budget", "period"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.transaction_list_for(acting_user(self.request))
            .select_related("reversed_by")
            .prefetch_related("flags")
        )

    def get_object(self) -> LedgerTransaction:
        return selectors.transaction_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=ReversalReasonSerializer, responses={201: TransactionSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: Any = None) -> Response:
        """Undo a posting with its reversal (once; a reversal is never reversed)."""
        data = ReversalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.transaction_reverse(
            txn=self.get_object(), by=acting_user(request), reason=data.validated_data["reason"]
        )
        return Response(TransactionSerializer(reversal).data, status=status.HTTP_201_CREATED)


class AnomalyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Anomaly flags raised when payments were posted, in the caller's reach."""

    serializer_class = FlagSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        open_only = params.flag(self.request.query_params.get("open"))
        return selectors.flag_list_for(acting_user(self.request), open_only=open_only)

    def get_object(self) -> AnomalyFlag:
        return selectors.flag_get_for(acting_user(self.request), self.kwargs["pk"])

    @extend_schema(request=ResolveSerializer, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_resolve(
            flag=self.get_object(), by=acting_user(request), resolution=data.validated_data["resolution"]
        )
        return Response(FlagSerializer(flag).data)


@extend_schema(
    responses=RECONCILIATION,
    parameters=[OpenApiParameter("year", int, OpenApiParameter.QUERY, required=False)],
)
@api_view(["GET"])
def reconciliation(request: Request) -> Response:
    """Per fund in reach: money in, paid, reversed, repaid, balances, the sum check (always 0) and
    the open flags; per budget: budgeted, paid, reversed, remaining."""
    report = selectors.reconciliation_for(acting_user(request), year=params.year(request.query_params.get("year")))
    return Response(reconciliation_data(report))
