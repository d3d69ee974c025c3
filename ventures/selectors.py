"""Reads of 创业援助 that a user triggers, limited to what that user may see.

Scoped through ``accounts.visibility``: staff see the ventures of households in their unit's
subtree (auditors read, never write); a worker sees the ventures of their own membership only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from accounts import rollup, visibility
from accounts.models import OrgUnit, User
from accounts.visibility import Action
from core.errors import NotFound
from core.ids import int_pk
from jobs.models import Placement
from ventures.models import (
    InKindSupport,
    Instalment,
    Loan,
    LoanProduct,
    OverdueAlert,
    Repayment,
    ReviewStep,
    SubsidyClaim,
    Venture,
    WriteOff,
)
from ventures.services import current_pairings, may_review

DISBURSED = (Loan.State.ACTIVE, Loan.State.REPAID, Loan.State.WRITTEN_OFF)


def _may_read(user: User) -> bool:
    return visibility.may(user, Action.VIEW_VENTURES) or visibility.may(user, Action.APPLY_VENTURE)


def product_list(*, active_only: bool = True) -> QuerySet[LoanProduct]:
    products = LoanProduct.objects.all()
    return products.filter(is_active=True) if active_only else products


def venture_list_for(user: User) -> QuerySet[Venture]:
    ventures = Venture.objects.select_related("member__household", "product", "org_unit", "employer")
    if not _may_read(user):
        return ventures.none()
    return visibility.scope(user, ventures, unit="org_unit", owner="member__user")


def venture_get_for(user: User, pk: Any) -> Venture:
    venture = venture_list_for(user).filter(pk=int_pk(pk)).first()
    if venture is None:
        raise NotFound(_("No such venture."))
    return venture


def loan_list_for(user: User) -> QuerySet[Loan]:
    loans = Loan.objects.select_related(
        "venture__member__household", "venture__product", "venture__org_unit", "payment_request__budget__source"
    )
    if not _may_read(user):
        return loans.none()
    return visibility.scope(user, loans, unit="venture__org_unit", owner="venture__member__user")


def loan_get_for(user: User, pk: Any) -> Loan:
    loan = loan_list_for(user).filter(pk=int_pk(pk)).first()
    if loan is None:
        raise NotFound(_("No such loan."))
    return loan


def next_due(loan: Loan) -> Instalment | None:
    """What is due next: the first instalment not paid in full. Read from ``instalments.all()``
    (in number order), so that a list prefetching them asks no query per loan."""
    return next((instalment for instalment in loan.instalments.all() if instalment.left > 0), None)


@dataclass
class QueueRow:
    venture: Venture
    reason: str  # why this user may not decide it ("" when they may)

    @property
    def may_decide(self) -> bool:
        return not self.reason


def review_queue_for(user: User) -> list[QueueRow]:
    """Applications waiting for a review in the user's reach, oldest first, each with whether
    this user may decide its current step."""
    if not visibility.may(user, Action.REVIEW_VENTURES):
        return []
    waiting = venture_list_for(user).filter(
        state__in=[Venture.State.HELPER_REVIEW, Venture.State.ORGANIZER_REVIEW, Venture.State.UPPER_REVIEW]
    )
    # What ``may_review`` reads, fetched for the whole page at once (not per application).
    waiting = waiting.prefetch_related(
        Prefetch("reviews", queryset=ReviewStep.objects.select_related("reviewer__org_unit")),
        current_pairings("member__household__"),
    )
    return [QueueRow(v, may_review(user, v)) for v in waiting.order_by("submitted_at", "pk")[:200]]


def overdue_for(user: User) -> QuerySet[Instalment]:
    """Overdue instalments of loans being repaid, in reach; a helper's own alerts first."""
    instalments = Instalment.objects.filter(loan__state=Loan.State.ACTIVE, state=Instalment.State.OVERDUE)
    if not visibility.may(user, Action.VIEW_VENTURES):
        return instalments.none()
    scoped = visibility.scope(user, instalments, unit="loan__venture__org_unit")
    return (
        scoped.select_related("loan__venture__member__household", "alert__helper")
        .annotate(mine=Count("alert", filter=Q(alert__helper=user)))
        .order_by("-mine", "due_on", "pk")
    )


def my_alerts(user: User) -> QuerySet[OverdueAlert]:
    return OverdueAlert.objects.filter(helper=user, cleared_at__isnull=True)


def write_offs_for(user: User) -> QuerySet[WriteOff]:
    write_offs = WriteOff.objects.select_related("loan__venture__member", "requested_by", "decided_by")
    if not visibility.may(user, Action.VIEW_VENTURES):
        return write_offs.none()
    return visibility.scope(user, write_offs, unit="loan__venture__org_unit")


def subsidy_claims_for(user: User) -> QuerySet[SubsidyClaim]:
    claims = SubsidyClaim.objects.select_related("loan__venture__member", "payment_request")
    if not _may_read(user):
        return claims.none()
    return visibility.scope(user, claims, unit="loan__venture__org_unit", owner="loan__venture__member__user")


def in_kind_for(user: User) -> QuerySet[InKindSupport]:
    supports = InKindSupport.objects.select_related("venture__member", "payment_request").prefetch_related("items")
    if not _may_read(user):
        return supports.none()
    return visibility.scope(user, supports, unit="venture__org_unit", owner="venture__member__user")


# --- the portfolio ----------------------------------------------------------------------------------


@dataclass
class PortfolioLine:
    unit: OrgUnit | None  # None: the total
    ventures: int = 0
    loans: int = 0
    disbursed: int = 0
    outstanding: int = 0
    overdue_amount: int = 0
    overdue_loans: int = 0
    repaid: int = 0
    scheduled: int = 0
    written_off: int = 0
    jobs_created: int = 0
    depth: int = 0  # below the viewer's unit
    is_own: bool = False  # the unit's own ventures only, without the units below it

    @property
    def repaid_share(self) -> float:
        """Repaid over everything scheduled on loans paid out (0 when nothing was)."""
        return self.repaid / self.scheduled if self.scheduled else 0.0

    @property
    def repaid_percent(self) -> str:
        return f"{self.repaid_share * 100:.1f}%"


@dataclass
class Portfolio:
    lines: list[PortfolioLine] = field(default_factory=list)
    total: PortfolioLine = field(default_factory=lambda: PortfolioLine(unit=None))


UNIT_OF_LOAN = "loan__venture__org_unit"
PORTFOLIO_MEASURES = (
    "ventures",
    "loans",
    "disbursed",
    "outstanding",
    "overdue_amount",
    "overdue_loans",
    "repaid",
    "scheduled",
    "written_off",
    "jobs_created",
)


def portfolio_for(user: User, *, kind: str = "") -> Portfolio:
    """Per union unit in reach (the household's unit), each over the unit's whole subtree
    (``accounts.rollup``; its own ventures on a line of their own): ventures, loans paid out,
    outstanding, overdue (amount, and loans with an overdue instalment), repaid share, written off,
    and jobs created (placements at the ventures' employers). Amounts in fen. ``kind`` narrows to
    one product kind (a union loan's money is the fund's; a bank loan's is the bank's)."""
    if not visibility.may(user, Action.VIEW_VENTURES):
        return Portfolio()
    ventures = visibility.scope(user, Venture.objects.all(), unit="org_unit")
    if kind in LoanProduct.Kind.values:
        ventures = ventures.filter(product__kind=kind)
    ids = ventures.values("pk")
    loans = Loan.objects.filter(venture__in=ids, state__in=DISBURSED)
    owed = F("amount") - F("paid")
    being_repaid = Q(loan__state=Loan.State.ACTIVE)
    overdue = being_repaid & Q(state=Instalment.State.OVERDUE)
    Source = rollup.Source
    table = rollup.rollup_sources(
        [
            Source(ventures, "org_unit", {"ventures": Count("pk")}),
            Source(loans, "venture__org_unit", {"loans": Count("pk"), "disbursed": Sum("principal")}),
            Source(
                Instalment.objects.filter(loan__in=loans),
                UNIT_OF_LOAN,
                {
                    "scheduled": Sum("amount"),
                    "outstanding": Sum(owed, filter=being_repaid),
                    "overdue_amount": Sum(owed, filter=overdue),
                    # A loan belongs to one unit, so its distinct count adds up the tree.
                    "overdue_loans": Count("loan", distinct=True, filter=overdue),
                },
            ),
            Source(Repayment.objects.filter(loan__in=loans), UNIT_OF_LOAN, {"repaid": Sum("amount")}),
            Source(
                WriteOff.objects.filter(loan__in=loans, state=WriteOff.State.APPROVED),
                UNIT_OF_LOAN,
                {"written_off": Sum("amount")},
            ),
            Source(
                Placement.objects.filter(employer__ventures__in=ids),
                "employer__ventures__org_unit",
                {"jobs_created": Count("pk", distinct=True)},
            ),
        ],
        tops=rollup.reach_tops(user),
        keep_empty=False,
    )

    def line(unit: OrgUnit | None, values: dict[str, Any], depth: int = 0, is_own: bool = False) -> PortfolioLine:
        figures = {name: int(values.get(name, 0)) for name in PORTFOLIO_MEASURES}
        return PortfolioLine(unit=unit, depth=depth, is_own=is_own, **figures)

    return Portfolio(
        lines=[line(entry.unit, entry.values, entry.depth, entry.is_own) for entry in table.lines()],
        total=line(None, table.grand_total),
    )


def jobs_created(venture: Venture) -> int:
    """Members hired by the venture: placements at its employer."""
    if venture.employer_id is None:
        return 0
    return Placement.objects.filter(employer_id=venture.employer_id).count()
