"""The ventures services: the review chain, the loan on the ledger, repayments, overdue alerts,
write-offs, 贴息 claims and support in kind; and every bad input of issue 8, each refused with a
clear error and nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from funds import ledger
from funds import services as funds_services
from funds.models import AnomalyFlag, LedgerTransaction, PaymentRequest
from households.models import Member
from tests.conftest import People, Tree
from tests.factories import HouseholdFactory, MemberFactory, PairingFactory, UserFactory
from tests.funds.conftest import YEAR, FundWorld, key, yuan
from tests.ventures.conftest import applied, approved_venture, bank_loan, disbursed, venture_input
from ventures import services
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
from ventures.services import ItemInput

pytestmark = pytest.mark.django_db

Products = dict[str, LoanProduct]


def postings(kind: str | None = None) -> int:
    txns = LedgerTransaction.objects.all()
    return (txns.filter(kind=kind) if kind else txns).count()


# --- the journey ------------------------------------------------------------------------------------


def test_a_venture_goes_from_application_to_first_repayment_with_every_yuan_on_the_ledger(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = applied(world, people, products["free"], yuan(12_000))
    assert venture.state == Venture.State.HELPER_REVIEW
    venture = services.venture_review(venture=venture, by=people.hana, approve=True, note="走访核实")
    assert venture.state == Venture.State.ORGANIZER_REVIEW
    venture = services.venture_review(venture=venture, by=people.olga, approve=True)
    assert venture.state == Venture.State.APPROVED  # 12,000 is below the product's 20,000 threshold
    steps = list(venture.reviews.values_list("step", "reviewer__username", "approved", "note"))
    assert steps == [("helper", "hana", True, "走访核实"), ("organizer", "olga", True, "")]

    loan = services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    assert loan.state == Loan.State.AWAITING_PAYMENT and not loan.instalments.exists()
    payment = PaymentRequest.objects.get(pk=loan.payment_request_id)
    assert (payment.kind, payment.amount, payment.reference) == ("loan", yuan(12_000), f"ventures.Loan:{loan.pk}")
    funds_services.payment_request_approve(request=payment, by=people.alice)
    loan = services.loan_disburse(loan=loan, by=people.olga, idempotency_key=key())
    assert loan.state == Loan.State.ACTIVE
    assert ledger.payee_outstanding(world.fund, world.wang.pk, world.purpose) == yuan(12_000)
    instalments = list(loan.instalments.all())
    assert len(instalments) == 12 and {i.amount for i in instalments} == {yuan(1_000)}

    repayment = services.loan_repay(loan=loan, by=people.hana, amount=yuan(1_000), idempotency_key=key())
    assert repayment.transaction is not None and repayment.transaction.reference == f"ventures.Loan:{loan.pk}"
    first = loan.instalments.get(number=1)
    assert first.state == Instalment.State.PAID and first.paid == yuan(1_000)
    assert ledger.payee_outstanding(world.fund, world.wang.pk, world.purpose) == yuan(11_000)
    assert services.loan_outstanding(loan) == yuan(11_000)


def test_an_amount_above_the_threshold_goes_to_the_unit_above_after_the_unit(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = applied(world, people, products["free"], yuan(30_000))
    venture = services.venture_review(venture=venture, by=people.hana, approve=True)
    venture = services.venture_review(venture=venture, by=people.olga, approve=True)
    assert venture.state == Venture.State.UPPER_REVIEW
    venture = services.venture_review(venture=venture, by=people.alice, approve=True)
    assert venture.state == Venture.State.APPROVED
    assert list(venture.reviews.values_list("step", flat=True)) == ["helper", "organizer", "upper"]


def test_an_amount_at_the_threshold_needs_no_third_review(world: FundWorld, people: People, products: Products) -> None:
    venture = approved_venture(world, people, products["free"], yuan(20_000))
    assert venture.reviews.count() == 2 and venture.state == Venture.State.APPROVED


def test_a_refusal_needs_a_reason_and_ends_the_chain(world: FundWorld, people: People, products: Products) -> None:
    venture = applied(world, people, products["free"])
    with pytest.raises(InvalidInput):
        services.venture_review(venture=venture, by=people.hana, approve=False)
    assert not ReviewStep.objects.exists()
    venture = services.venture_review(venture=venture, by=people.hana, approve=False, note="无经营场所")
    assert venture.state == Venture.State.REFUSED
    with pytest.raises(Conflict):
        services.venture_review(venture=venture, by=people.olga, approve=True)
    assert ReviewStep.objects.count() == 1


def test_the_unit_above_must_be_above_the_organizer_who_decided(
    world: FundWorld, people: People, products: Products, tree: Tree
) -> None:
    venture = applied(world, people, products["free"], yuan(30_000))
    services.venture_review(venture=venture, by=people.hana, approve=True)
    services.venture_review(venture=venture, by=people.olga, approve=True)
    colleague = UserFactory(username="olga2", role="organizer", org_unit=tree.town_a)
    with pytest.raises(Forbidden, match="unit above"):
        services.venture_review(venture=venture, by=colleague, approve=True)
    venture.refresh_from_db()
    assert venture.state == Venture.State.UPPER_REVIEW and venture.reviews.count() == 2


def test_an_amount_needing_the_unit_above_is_not_decided_first_at_the_top_unit(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = applied(world, people, products["free"], yuan(30_000))
    services.venture_review(venture=venture, by=people.hana, approve=True)
    with pytest.raises(Forbidden, match="unit above"):
        services.venture_review(venture=venture, by=people.alice, approve=True)
    venture.refresh_from_db()
    assert venture.state == Venture.State.ORGANIZER_REVIEW and venture.reviews.count() == 1
    services.venture_review(venture=venture, by=people.olga, approve=True)
    venture = services.venture_review(venture=venture, by=people.alice, approve=True)
    assert venture.state == Venture.State.APPROVED


def test_only_the_households_helper_reviews_the_first_step(
    world: FundWorld, people: People, products: Products, tree: Tree
) -> None:
    other_helper = UserFactory(username="hugo", role="helper", org_unit=tree.station_a)
    venture = applied(world, people, products["free"])
    with pytest.raises(Forbidden, match="household's helper"):
        services.venture_review(venture=venture, by=other_helper, approve=True)
    assert not ReviewStep.objects.exists()


def test_organizers_outside_the_households_reach_see_no_such_venture(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = applied(world, people, products["free"])
    services.venture_review(venture=venture, by=people.hana, approve=True)
    with pytest.raises(NotFound):
        services.venture_review(venture=venture, by=people.bob, approve=True)


def test_guidance_sessions_are_recorded_with_the_mentor(world: FundWorld, people: People, products: Products) -> None:
    venture = applied(world, people, products["free"])
    session = services.guidance_record(
        venture=venture, by=people.hana, mentor="李老师", held_on=timezone.localdate(), notes="选址和定价"
    )
    venture.refresh_from_db()
    assert venture.mentor == "李老师" and session.recorded_by == people.hana
    with pytest.raises(InvalidInput):
        services.guidance_record(
            venture=venture,
            by=people.hana,
            mentor="李老师",
            held_on=timezone.localdate() + dt.timedelta(days=1),
            notes="x",
        )
    assert venture.guidance.count() == 1


# --- bad inputs (issue 8): a clear error, nothing written -------------------------------------------


def test_reviewing_ones_own_application_is_refused(
    world: FundWorld, people: People, products: Products, tree: Tree
) -> None:
    """Olga, an organizer, is also a member of a household in the archive: she cannot decide on
    her own application at any step."""
    household = HouseholdFactory(org_unit=tree.station_a)
    olga_member = MemberFactory(household=household, name="奥尔嘉", relation=Member.Relation.HEAD, user=people.olga)
    PairingFactory(household=household, helper=people.hana, helping_unit=tree.station_a)
    venture = services.venture_create(
        by=people.hana, member=olga_member, product=products["free"], data=venture_input(), submit=True
    )
    services.venture_review(venture=venture, by=people.hana, approve=True)
    with pytest.raises(Forbidden, match="your own application"):
        services.venture_review(venture=venture, by=people.olga, approve=True)
    venture.refresh_from_db()
    assert venture.state == Venture.State.ORGANIZER_REVIEW and venture.reviews.count() == 1


def test_approving_ones_own_payment_request_is_refused(world: FundWorld, people: People, products: Products) -> None:
    venture = approved_venture(world, people, products["free"])
    loan = services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    assert loan.payment_request is not None
    with pytest.raises(Forbidden, match="your own payment request"):
        funds_services.payment_request_approve(request=loan.payment_request, by=people.olga)
    loan.payment_request.refresh_from_db()
    assert loan.payment_request.state == PaymentRequest.State.REQUESTED and loan.payment_request.decided_by is None
    with pytest.raises(Conflict):  # not approved: nothing is paid
        services.loan_disburse(loan=loan, by=people.olga, idempotency_key=key())
    assert postings("loan") == 0 and not Instalment.objects.exists()


def test_reviewing_twice_is_refused(world: FundWorld, people: People, products: Products, household_b: Any) -> None:
    """Town B's household has no helper paired: Bob may take the first step, never the second too."""
    member = household_b.members.get()
    venture = services.venture_create(
        by=people.bob, member=member, product=products["free"], data=venture_input(), submit=True
    )
    services.venture_review(venture=venture, by=people.bob, approve=True)
    with pytest.raises(Conflict, match="reviewed this application already"):
        services.venture_review(venture=venture, by=people.bob, approve=True)
    venture.refresh_from_db()
    assert venture.state == Venture.State.ORGANIZER_REVIEW and venture.reviews.count() == 1


def test_a_loan_above_the_products_cap_is_refused(world: FundWorld, people: People, products: Products) -> None:
    with pytest.raises(InvalidInput, match=r"lends at most ¥50,000\.00") as refused:
        services.venture_create(
            by=people.wang, member=world.wang, product=products["free"], data=venture_input(yuan(50_000) + 1)
        )
    assert refused.value.field == "amount"
    assert not Venture.objects.exists()


@pytest.mark.parametrize("field", ["amount", "total_cost"])
@pytest.mark.parametrize("value", [0, -100])
def test_negative_or_zero_amounts_in_an_application_are_refused(
    world: FundWorld, people: People, products: Products, field: str, value: int
) -> None:
    with pytest.raises(InvalidInput, match="more than zero") as refused:
        services.venture_create(
            by=people.wang, member=world.wang, product=products["free"], data=venture_input(**{field: value})
        )
    assert refused.value.field == field
    assert not Venture.objects.exists()


@pytest.mark.parametrize("amount", [0, -500])
def test_negative_or_zero_repayments_are_refused(
    world: FundWorld, people: People, products: Products, amount: int
) -> None:
    loan = disbursed(world, people, products["free"])
    before = postings()
    with pytest.raises(InvalidInput, match="more than zero"):
        services.loan_repay(loan=loan, by=people.hana, amount=amount, idempotency_key=key())
    assert postings() == before and not Repayment.objects.exists()
    assert services.loan_outstanding(loan) == yuan(12_000)


def test_a_repayment_above_what_is_outstanding_is_refused(world: FundWorld, people: People, products: Products) -> None:
    loan = disbursed(world, people, products["free"])
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(2_000), idempotency_key=key())
    before = postings()
    with pytest.raises(Conflict, match=r"¥10,000\.00 outstanding") as refused:
        services.loan_repay(loan=loan, by=people.hana, amount=yuan(10_000) + 1, idempotency_key=key())
    assert refused.value.field == "amount"
    assert postings() == before and Repayment.objects.count() == 1
    assert services.loan_outstanding(loan) == yuan(10_000)


def test_a_repayment_above_this_loan_is_refused_even_when_the_member_owes_the_fund_more(
    world: FundWorld, people: People, products: Products
) -> None:
    """The fund checks what the member owes it in all; the venture checks what this loan owes."""
    loan = disbursed(world, people, products["free"], yuan(12_000))
    funds_services.payment_request_approve(
        request=funds_services.payment_request_create(
            by=people.hana, budget=world.budget, amount=yuan(5_000), period=f"{YEAR}-Q4", payee=world.wang, kind="loan"
        ),
        by=people.alice,
    )
    other = PaymentRequest.objects.filter(state="approved").get()
    funds_services.payment_request_pay(request=other, by=people.olga, idempotency_key=key())
    with pytest.raises(Conflict):
        services.loan_repay(loan=loan, by=people.hana, amount=yuan(12_000) + 1, idempotency_key=key())
    assert not Repayment.objects.exists()


def test_a_zero_interest_rate_works_and_the_schedule_sums_exactly(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = disbursed(world, people, products["free"], yuan(10_000) + 1)  # ¥10,000.01 over 12 months
    assert loan.annual_rate_bp == 0
    lines = list(loan.instalments.all())
    assert [i.number for i in lines] == list(range(1, 13))
    assert sum(i.amount for i in lines) == sum(i.principal for i in lines) == yuan(10_000) + 1
    assert all(i.interest == 0 for i in lines)
    assert {i.amount for i in lines[:-1]} == {83_333} and lines[-1].amount == 83_338


def test_paying_a_loan_out_twice_with_one_idempotency_key_posts_once(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = approved_venture(world, people, products["free"])
    loan = services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    assert loan.payment_request is not None
    funds_services.payment_request_approve(request=loan.payment_request, by=people.alice)
    once = key("double-click")
    first = services.loan_disburse(loan=loan, by=people.olga, idempotency_key=once)
    again = services.loan_disburse(loan=loan, by=people.olga, idempotency_key=once)
    assert first.pk == again.pk and postings("loan") == 1
    assert loan.instalments.count() == 12
    with pytest.raises(Conflict, match="paid out already"):
        services.loan_disburse(loan=loan, by=people.olga, idempotency_key=key("another"))
    assert postings("loan") == 1


def test_recording_a_repayment_twice_with_one_idempotency_key_posts_once(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = disbursed(world, people, products["free"])
    once = key("repay")
    first = services.loan_repay(loan=loan, by=people.hana, amount=yuan(500), idempotency_key=once)
    again = services.loan_repay(loan=loan, by=people.hana, amount=yuan(500), idempotency_key=once)
    assert first.pk == again.pk
    assert postings("repayment") == 1 and Repayment.objects.count() == 1
    assert services.loan_outstanding(loan) == yuan(11_500)
    with pytest.raises(Conflict, match="another posting"):
        services.loan_repay(loan=loan, by=people.hana, amount=yuan(600), idempotency_key=once)
    assert postings("repayment") == 1


def test_a_subsidy_claim_twice_for_a_period_is_refused(world: FundWorld, people: People, products: Products) -> None:
    loan = bank_loan(world, people, products["bank"])
    period = f"{YEAR}-Q1"
    services.subsidy_claim_create(
        loan=loan, by=people.hana, period=period, interest_paid=yuan(700), statement="NS-001", budget=world.budget
    )
    with pytest.raises(Conflict, match="already has a claim") as refused:
        services.subsidy_claim_create(
            loan=loan,
            by=people.hana,
            period=period.lower(),
            interest_paid=yuan(650),
            statement="NS-002",
            budget=world.budget,
        )
    assert refused.value.field == "period"
    assert SubsidyClaim.objects.count() == 1 and PaymentRequest.objects.count() == 1


def test_writing_off_by_the_requester_is_refused(world: FundWorld, people: People, products: Products) -> None:
    loan = disbursed(world, people, products["free"])
    write_off = services.write_off_request(loan=loan, by=people.olga, reason="经营失败, 家庭重病")
    before = postings()
    with pytest.raises(Forbidden, match="your own write-off"):
        services.write_off_decide(write_off=write_off, by=people.olga, approve=True, idempotency_key=key())
    write_off.refresh_from_db()
    loan.refresh_from_db()
    assert write_off.state == WriteOff.State.REQUESTED and write_off.decided_by is None
    assert loan.state == Loan.State.ACTIVE and postings() == before


def test_a_worker_cannot_apply_for_a_member_not_their_own(
    world: FundWorld, people: People, products: Products, household_b: Any
) -> None:
    with pytest.raises(Forbidden, match="their own business only"):
        services.venture_create(
            by=people.wang, member=household_b.members.get(), product=products["free"], data=venture_input()
        )
    assert not Venture.objects.exists()


# --- repayments, overdue, write-off -----------------------------------------------------------------


def test_repayments_apply_to_instalments_in_order_with_partly_paid_states(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = disbursed(world, people, products["free"])  # 12 × ¥1,000
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(2_500), idempotency_key=key())
    states = list(loan.instalments.values_list("state", "paid")[:4])
    assert states == [("paid", yuan(1_000)), ("paid", yuan(1_000)), ("partly_paid", yuan(500)), ("due", 0)]
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(9_500), idempotency_key=key())
    loan.refresh_from_db()
    assert loan.state == Loan.State.REPAID and services.loan_outstanding(loan) == 0
    assert ledger.payee_outstanding(world.fund, world.wang.pk, world.purpose) == 0
    with pytest.raises(Conflict):
        services.loan_repay(loan=loan, by=people.hana, amount=1, idempotency_key=key())


def test_mark_overdue_alerts_the_helper_once(world: FundWorld, people: People, products: Products) -> None:
    loan = disbursed(world, people, products["free"])
    today = timezone.localdate()
    later = today + dt.timedelta(days=75)  # two instalments are past their day by then
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(400), idempotency_key=key())
    assert services.mark_overdue(today=later) == 2
    assert services.mark_overdue(today=later) == 0  # idempotent
    overdue = loan.instalments.filter(state=Instalment.State.OVERDUE)
    assert overdue.count() == 2 and overdue.first().paid == yuan(400)  # type: ignore[union-attr]
    assert set(OverdueAlert.objects.values_list("helper__username", flat=True)) == {"hana"}
    # Paying the first one in full clears its alert.
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(600), idempotency_key=key())
    assert OverdueAlert.objects.filter(cleared_at__isnull=True).count() == 1


def test_the_overdue_task_runs_the_service(
    world: FundWorld, people: People, products: Products, eager_tasks: None
) -> None:
    from ventures.tasks import mark_overdue

    disbursed(world, people, products["free"])
    assert mark_overdue.delay().get() == 0  # nothing is due before next month


def test_a_write_off_approved_by_another_organizer_posts_to_the_ledger(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = disbursed(world, people, products["free"])
    services.loan_repay(loan=loan, by=people.hana, amount=yuan(2_000), idempotency_key=key())
    write_off = services.write_off_request(loan=loan, by=people.hana, reason="经营失败")
    assert write_off.amount == yuan(10_000)
    write_off = services.write_off_decide(write_off=write_off, by=people.olga, approve=True, idempotency_key=key())
    loan.refresh_from_db()
    assert loan.state == Loan.State.WRITTEN_OFF
    assert write_off.transaction is not None and write_off.transaction.kind == "write_off"
    assert write_off.transaction.requested_by == people.hana and write_off.transaction.approved_by == people.olga
    assert ledger.payee_outstanding(world.fund, world.wang.pk, world.purpose) == 0


# --- 贴息 and support in kind ------------------------------------------------------------------------


def test_a_bank_loan_follows_the_annuity_schedule_after_its_interest_free_months(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = bank_loan(world, people, products["bank"], yuan(60_000))
    lines = list(loan.instalments.all())
    assert len(lines) == 24 and sum(i.principal for i in lines) == yuan(60_000)
    assert lines[0].due_on > (loan.disbursed_on or timezone.localdate()) + dt.timedelta(days=110)  # 3 + 1 months
    assert lines[0].interest > lines[-1].interest > 0
    assert len({i.amount for i in lines[:-1]}) == 1  # equal instalments; the last takes the remainder


@pytest.mark.parametrize(("interest", "refund"), [(yuan(700), yuan(350)), (yuan(5_000), yuan(2_000)), (333, 166)])
def test_the_subsidy_refund_is_the_share_of_interest_up_to_the_cap(
    world: FundWorld, people: People, products: Products, interest: int, refund: int
) -> None:
    loan = bank_loan(world, people, products["bank"])
    claim = services.subsidy_claim_create(
        loan=loan, by=people.hana, period=f"{YEAR}-Q2", interest_paid=interest, statement="NS-9", budget=world.budget
    )
    assert claim.refund == refund
    funds_services.payment_request_approve(request=claim.payment_request, by=people.olga)
    claim = services.subsidy_claim_pay(claim=claim, by=people.alice, idempotency_key=key())
    assert claim.state == SubsidyClaim.State.PAID
    txn = PaymentRequest.objects.get(pk=claim.payment_request_id).transaction
    assert txn is not None and txn.kind == "grant" and txn.reference == f"ventures.SubsidyClaim:{claim.pk}"
    assert ledger.budget_used(world.budget) == refund


def test_support_in_kind_is_recorded_with_its_items_and_paid_on_the_ledger(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = approved_venture(world, people, products["goods"], yuan(9_000))
    support = services.in_kind_create(
        venture=venture,
        by=people.olga,
        budget=world.budget,
        supplier="鄂托克旗农牧机械销售部",
        items=[ItemInput("饲草粉碎机", 1, yuan(6_000)), ItemInput("三轮车", 1, yuan(2_500))],
    )
    assert support.value == yuan(8_500) and support.items.count() == 2
    funds_services.payment_request_approve(request=support.payment_request, by=people.alice)
    support = services.in_kind_pay(support=support, by=people.olga, idempotency_key=key())
    assert support.state == InKindSupport.State.PAID
    txn = LedgerTransaction.objects.get(kind="in_kind")
    assert txn.payee_id == world.wang.pk and txn.reference == f"ventures.InKindSupport:{support.pk}"
    with pytest.raises(InvalidInput, match="given already"):  # ¥8,500 of ¥9,000 is given
        services.in_kind_create(
            venture=venture, by=people.olga, budget=world.budget, supplier="x", items=[ItemInput("羊", 1, yuan(600))]
        )
    assert InKindSupport.objects.count() == 1 and not AnomalyFlag.objects.filter(kind="over_cap").exists()


# --- a checker's rejection on the funds side ---------------------------------------------------------


def test_a_rejected_loan_payment_can_be_asked_again_on_the_same_loan(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = approved_venture(world, people, products["free"])
    loan = services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    first = loan.payment_request
    assert first is not None
    with pytest.raises(Conflict):  # waiting for its checker: no second request
        services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    funds_services.payment_request_reject(request=first, by=people.alice, note="预算科目有误")
    again = services.loan_open(venture=venture, by=people.olga, budget=world.budget)
    assert again.pk == loan.pk and again.payment_request_id != first.pk
    assert PaymentRequest.objects.get(pk=again.payment_request_id).reference == f"ventures.Loan:{loan.pk}"
    funds_services.payment_request_approve(request=again.payment_request, by=people.alice)  # type: ignore[arg-type]
    assert services.loan_disburse(loan=again, by=people.olga, idempotency_key=key()).state == Loan.State.ACTIVE


def test_a_subsidy_claim_whose_payment_was_rejected_can_be_made_again_for_the_period(
    world: FundWorld, people: People, products: Products
) -> None:
    loan = bank_loan(world, people, products["bank"])
    period = f"{YEAR}-Q3"
    claim = services.subsidy_claim_create(
        loan=loan, by=people.hana, period=period, interest_paid=yuan(700), statement="NS-1", budget=world.budget
    )
    funds_services.payment_request_reject(request=claim.payment_request, by=people.olga, note="利息单不清晰")
    second = services.subsidy_claim_create(
        loan=loan, by=people.hana, period=period, interest_paid=yuan(700), statement="NS-1b", budget=world.budget
    )
    claim.refresh_from_db()
    assert claim.state == SubsidyClaim.State.REJECTED and second.state == SubsidyClaim.State.REQUESTED


def test_a_decision_on_a_step_someone_else_decided_meanwhile_is_refused_not_applied_to_the_next(
    world: FundWorld, people: People, products: Products
) -> None:
    venture = applied(world, people, products["free"], yuan(30_000))
    seen = venture.state  # two reviewers open the page while it waits for the helper
    services.venture_review(venture=venture, by=people.hana, approve=True, expected_state=seen)
    with pytest.raises(Conflict, match="changed since you opened it"):
        services.venture_review(venture=venture, by=people.olga, approve=False, note="资料不全", expected_state=seen)
    venture.refresh_from_db()
    assert venture.state == Venture.State.ORGANIZER_REVIEW and venture.reviews.count() == 1
