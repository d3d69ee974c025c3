"""The rules of the fund ledger, through the services: every bad input of the issue is refused with
a clear error and writes nothing; maker-checker and the approval limits; idempotent payment;
reversals; repayments; anomaly flags; the reconciliation; who sees what; and 20 payments racing
for one budget on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from funds import ledger, selectors, services
from funds.models import AnomalyFlag, FundSource, LedgerEntry, LedgerTransaction, PaymentRequest
from funds.money import to_fen
from households.models import Member
from tests.conftest import People, Tree
from tests.factories import MemberFactory
from tests.funds.conftest import PERIOD, YEAR, FundWorld, approved, key, paid, request_for, yuan

pytestmark = pytest.mark.django_db


def _ledger_size() -> tuple[int, int, int]:
    return LedgerTransaction.objects.count(), LedgerEntry.objects.count(), AnomalyFlag.objects.count()


# --- maker and checker ----------------------------------------------------------------------------


def test_approving_ones_own_request_is_refused_and_nothing_changes(world: FundWorld, people: People) -> None:
    request = request_for(world, people.olga, yuan(1_000))
    with pytest.raises(Forbidden, match="your own payment request"):
        services.payment_request_approve(request=request, by=people.olga)
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.REQUESTED
    assert request.decided_by is None


def test_the_database_refuses_a_request_approved_by_its_requester(world: FundWorld, people: People) -> None:
    from django.db import IntegrityError, transaction

    request = request_for(world, people.olga, yuan(1_000))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRequest.objects.filter(pk=request.pk).update(decided_by=people.olga, state="approved")


def test_rejecting_ones_own_request_is_refused_too(world: FundWorld, people: People) -> None:
    request = request_for(world, people.olga, yuan(1_000))
    with pytest.raises(Forbidden):
        services.payment_request_reject(request=request, by=people.olga, note="撤回")


def test_a_town_organizer_approves_up_to_the_town_limit_and_the_county_above_it(
    world: FundWorld, people: People
) -> None:
    small = request_for(world, people.hana, yuan(20_000))
    large = request_for(world, people.hana, yuan(20_000) + 1)
    assert services.payment_request_approve(request=small, by=people.olga).state == PaymentRequest.State.APPROVED
    with pytest.raises(Forbidden, match="above your approval limit"):
        services.payment_request_approve(request=large, by=people.olga)
    large.refresh_from_db()
    assert large.state == PaymentRequest.State.REQUESTED
    assert services.payment_request_approve(request=large, by=people.alice).state == PaymentRequest.State.APPROVED


def test_a_helper_may_ask_but_never_approve(world: FundWorld, people: People) -> None:
    request = request_for(world, people.olga, yuan(100))
    with pytest.raises(Forbidden):
        services.payment_request_approve(request=request, by=people.hana)


def test_an_organizer_of_a_sibling_town_cannot_approve_and_is_not_told_the_request_exists(
    world: FundWorld, people: People
) -> None:
    request = request_for(world, people.hana, yuan(100))
    with pytest.raises(NotFound):
        services.payment_request_approve(request=request, by=people.bob)


def test_an_auditor_reads_but_may_not_ask_approve_or_pay(world: FundWorld, people: People) -> None:
    with pytest.raises(Forbidden):
        request_for(world, people.aude, yuan(100))
    request = approved(world, people, yuan(100))
    with pytest.raises(Forbidden):
        services.payment_request_pay(request=request, by=people.aude, idempotency_key=key())
    assert selectors.payment_request_list_for(people.aude).filter(pk=request.pk).exists()


def test_a_rejection_needs_a_reason_and_a_rejected_request_cannot_be_paid(world: FundWorld, people: People) -> None:
    request = request_for(world, people.hana, yuan(100))
    with pytest.raises(InvalidInput):
        services.payment_request_reject(request=request, by=people.olga, note=" ")
    services.payment_request_reject(request=request, by=people.olga, note="材料不全")
    with pytest.raises(Conflict, match="Only an approved request"):
        services.payment_request_pay(request=request, by=people.olga, idempotency_key=key())


def test_an_unapproved_request_cannot_be_paid(world: FundWorld, people: People) -> None:
    request = request_for(world, people.hana, yuan(100))
    before = _ledger_size()
    with pytest.raises(Conflict):
        services.payment_request_pay(request=request, by=people.olga, idempotency_key=key())
    assert _ledger_size() == before


# --- amounts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, -100, -yuan(5_000)])
def test_negative_or_zero_amounts_are_refused_everywhere_and_nothing_is_written(
    world: FundWorld, people: People, tree: Tree, amount: int
) -> None:
    before = (_ledger_size(), PaymentRequest.objects.count())
    with pytest.raises(InvalidInput, match="more than zero"):
        request_for(world, people.hana, amount)
    with pytest.raises(InvalidInput, match="more than zero"):
        services.contribution_record(source=world.fund, amount=amount, by=people.alice, idempotency_key=key())
    with pytest.raises(InvalidInput, match="more than zero"):
        services.repayment_record(
            source=world.fund,
            payee=world.wang,
            purpose=world.purpose,
            amount=amount,
            by=people.hana,
            idempotency_key=key(),
        )
    with pytest.raises(InvalidInput, match="more than zero"):
        services.budget_create(
            by=people.alice, source=world.fund, year=YEAR, org_unit=tree.town_b, purpose=world.purpose, amount=amount
        )
    assert (_ledger_size(), PaymentRequest.objects.count()) == before


def test_yuan_as_typed_become_fen_and_more_than_two_decimals_are_refused() -> None:
    assert to_fen("1,200.5") == 120050
    assert to_fen("99.99") == 9999
    with pytest.raises(InvalidInput):
        to_fen("10.001")
    with pytest.raises(InvalidInput):
        to_fen("ten")


def test_a_period_outside_the_budgets_year_is_refused(world: FundWorld, people: People) -> None:
    with pytest.raises(InvalidInput, match="budget's year"):
        request_for(world, people.hana, yuan(100), period=f"{YEAR - 1}-12")
    with pytest.raises(InvalidInput, match="period"):
        request_for(world, people.hana, yuan(100), period="last winter")


# --- the budget and the fund's cash -----------------------------------------------------------------


def test_paying_beyond_the_budgets_remaining_amount_is_refused_and_nothing_is_written(
    world: FundWorld, people: People
) -> None:
    first = approved(world, people, yuan(60_000))
    second = approved(world, people, yuan(60_000))  # each fits on its own; together they do not
    services.payment_request_pay(request=first, by=people.olga, idempotency_key=key())
    before = _ledger_size()
    with pytest.raises(Conflict, match="go beyond"):
        services.payment_request_pay(request=second, by=people.olga, idempotency_key=key())
    assert _ledger_size() == before
    second.refresh_from_db()
    assert second.state == PaymentRequest.State.APPROVED and second.transaction is None
    assert ledger.budget_used(world.budget) == yuan(60_000)


def test_asking_for_more_than_the_budget_has_left_is_refused_at_once(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(95_000))
    with pytest.raises(Conflict, match="left"):
        request_for(world, people.hana, yuan(5_000) + 1)


def test_a_fund_is_never_paid_below_zero(world: FundWorld, people: People, tree: Tree) -> None:
    poor = services.fund_source_create(
        by=people.alice, name="众筹", kind=FundSource.Kind.CROWDFUNDING, org_unit=tree.county
    )
    services.contribution_record(source=poor, amount=yuan(1_000), by=people.alice, idempotency_key=key())
    budget = services.budget_create(
        by=people.alice, source=poor, year=YEAR, org_unit=tree.town_a, purpose=world.purpose, amount=yuan(5_000)
    )
    request = services.payment_request_create(
        by=people.hana, budget=budget, amount=yuan(1_500), period=PERIOD, payee=world.wang
    )
    services.payment_request_approve(request=request, by=people.olga)
    with pytest.raises(Conflict, match="below zero"):
        services.payment_request_pay(request=request, by=people.olga, idempotency_key=key())
    assert ledger.fund_cash(poor) == yuan(1_000)


# --- idempotency ------------------------------------------------------------------------------------


def test_paying_twice_with_one_idempotency_key_pays_once_and_returns_the_same_transaction(
    world: FundWorld, people: People
) -> None:
    request = approved(world, people, yuan(3_000))
    cash = ledger.fund_cash(world.fund)
    first = services.payment_request_pay(request=request, by=people.olga, idempotency_key="click-1")
    size = _ledger_size()
    again = services.payment_request_pay(request=request, by=people.olga, idempotency_key="click-1")
    assert again.pk == first.pk
    assert _ledger_size() == size
    assert ledger.fund_cash(world.fund) == cash - yuan(3_000)


def test_a_paid_request_is_not_paid_again_under_another_key(world: FundWorld, people: People) -> None:
    request = approved(world, people, yuan(3_000))
    services.payment_request_pay(request=request, by=people.olga, idempotency_key="click-1")
    size = _ledger_size()
    with pytest.raises(Conflict, match="paid already"):
        services.payment_request_pay(request=request, by=people.olga, idempotency_key="click-2")
    assert _ledger_size() == size


def test_one_key_cannot_pay_two_requests(world: FundWorld, people: People) -> None:
    first, second = approved(world, people, yuan(100)), approved(world, people, yuan(200))
    services.payment_request_pay(request=first, by=people.olga, idempotency_key="same")
    with pytest.raises(Conflict, match="idempotency key"):
        services.payment_request_pay(request=second, by=people.olga, idempotency_key="same")
    second.refresh_from_db()
    assert second.state == PaymentRequest.State.APPROVED


def test_a_missing_idempotency_key_is_refused(world: FundWorld, people: People) -> None:
    request = approved(world, people, yuan(100))
    with pytest.raises(InvalidInput, match="idempotency key"):
        services.payment_request_pay(request=request, by=people.olga, idempotency_key="  ")


def test_a_contribution_retried_with_its_key_is_recorded_once(world: FundWorld, people: People) -> None:
    cash = ledger.fund_cash(world.fund)
    first = services.contribution_record(source=world.fund, amount=yuan(10), by=people.alice, idempotency_key="gift-7")
    again = services.contribution_record(source=world.fund, amount=yuan(10), by=people.alice, idempotency_key="gift-7")
    assert first.pk == again.pk and ledger.fund_cash(world.fund) == cash + yuan(10)


# --- the 20-payment race ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite lets one writer in at a time, so no two payments ever run at once",
)
def test_twenty_simultaneous_payments_of_10000_against_a_budget_of_100000_exactly_ten_succeed(
    world: FundWorld, people: People
) -> None:
    requests = [approved(world, people, yuan(10_000)) for _ in range(20)]
    barrier = threading.Barrier(20, timeout=20)
    outcomes: dict[int, str] = {}

    def pay(n: int, request: PaymentRequest) -> None:
        try:
            barrier.wait()
            services.payment_request_pay(request=request, by=people.olga, idempotency_key=f"race-{n}")
            outcomes[n] = "paid"
        except Conflict:
            outcomes[n] = "refused"
        except Exception as exc:  # surfaced in the assertion below, not lost in the thread
            outcomes[n] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(n, r)) for n, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["paid"] * 10 + ["refused"] * 10, outcomes
    assert ledger.budget_used(world.budget) == yuan(100_000)
    assert PaymentRequest.objects.filter(state=PaymentRequest.State.PAID).count() == 10
    assert ledger.fund_cash(world.fund) == yuan(400_000)
    assert ledger.fund_entries_total(world.fund) == 0


# --- reversals --------------------------------------------------------------------------------------


def test_a_reversal_gives_the_budget_and_the_fund_their_money_back(world: FundWorld, people: People) -> None:
    cash = ledger.fund_cash(world.fund)
    txn = paid(world, people, yuan(8_000))
    reversal = services.transaction_reverse(txn=txn, by=people.alice, reason="重复录入")
    assert reversal.reverses_id == txn.pk and reversal.kind == LedgerTransaction.Kind.REVERSAL
    assert sorted(e.amount for e in reversal.entries.all()) == sorted(-e.amount for e in txn.entries.all())
    assert ledger.fund_cash(world.fund) == cash
    assert ledger.budget_used(world.budget) == 0
    assert selectors.budget_line(world.budget).paid == yuan(8_000)
    assert selectors.budget_line(world.budget).reversed == yuan(8_000)


def test_a_posting_is_reversed_once_and_a_reversal_never(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(800))
    reversal = services.transaction_reverse(txn=txn, by=people.alice, reason="错误")
    size = _ledger_size()
    with pytest.raises(Conflict, match="reversed already"):
        services.transaction_reverse(txn=txn, by=people.alice, reason="再次")
    with pytest.raises(Conflict, match="cannot be reversed"):
        services.transaction_reverse(txn=reversal, by=people.alice, reason="撤销冲正")
    with pytest.raises(InvalidInput):
        services.transaction_reverse(txn=paid(world, people, yuan(1)), by=people.alice, reason="")
    assert _ledger_size()[0] == size[0] + 1  # only the payment made for the last check


def test_helpers_and_auditors_cannot_reverse(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(800))
    for user in (people.hana, people.aude):
        with pytest.raises(Forbidden):
            services.transaction_reverse(txn=txn, by=user, reason="x")


# --- loans and repayments ---------------------------------------------------------------------------


def test_a_loan_is_repaid_into_the_fund_and_a_repayment_above_what_is_owed_is_refused(
    world: FundWorld, people: People
) -> None:
    loan = paid(world, people, yuan(20_000), kind=PaymentRequest.Kind.LOAN)
    assert loan.kind == LedgerTransaction.Kind.LOAN
    cash = ledger.fund_cash(world.fund)
    services.repayment_record(
        source=world.fund,
        payee=world.wang,
        purpose=world.purpose,
        amount=yuan(5_000),
        by=people.hana,
        idempotency_key=key(),
    )
    assert ledger.payee_outstanding(world.fund, world.wang.pk) == yuan(15_000)
    assert ledger.fund_cash(world.fund) == cash + yuan(5_000)
    assert ledger.budget_used(world.budget) == yuan(20_000)  # repayments refill the fund, not the year's budget
    size = _ledger_size()
    with pytest.raises(Conflict, match="more than that"):
        services.repayment_record(
            source=world.fund,
            payee=world.wang,
            purpose=world.purpose,
            amount=yuan(15_000) + 1,
            by=people.hana,
            idempotency_key=key(),
        )
    assert _ledger_size() == size
    with pytest.raises(Conflict, match="reverse the repayments first"):
        services.transaction_reverse(txn=loan, by=people.alice, reason="放款错误")


def test_a_loan_written_off_leaves_the_receivable_for_relief_given_with_a_second_person(
    world: FundWorld, people: People
) -> None:
    paid(world, people, yuan(5_000), kind=PaymentRequest.Kind.LOAN)
    cash, used = ledger.fund_cash(world.fund), ledger.budget_used(world.budget)
    common = {"source": world.fund, "payee": world.wang, "purpose": world.purpose, "reason": "经营失败, 无力偿还"}
    with pytest.raises(Forbidden, match="your own write-off"):
        services.loan_write_off(
            **common, amount=yuan(5_000), requested_by=people.alice, by=people.alice, idempotency_key=key()
        )
    with pytest.raises(Forbidden):
        services.loan_write_off(
            **common, amount=yuan(5_000), requested_by=people.alice, by=people.hana, idempotency_key=key()
        )
    with pytest.raises(Conflict, match="cannot be written off"):
        services.loan_write_off(
            **common, amount=yuan(5_001), requested_by=people.hana, by=people.alice, idempotency_key=key()
        )
    txn = services.loan_write_off(
        **common, amount=yuan(5_000), requested_by=people.hana, by=people.alice, idempotency_key="wo-1"
    )
    assert txn.kind == LedgerTransaction.Kind.WRITE_OFF and txn.approved_by == people.alice
    assert ledger.payee_outstanding(world.fund, world.wang.pk) == 0
    assert ledger.fund_cash(world.fund) == cash and ledger.budget_used(world.budget) == used
    line = selectors.fund_line(world.fund)
    assert line.balanced and line.cash_explained and line.expense == yuan(5_000)


def test_a_reversal_that_would_take_the_fund_below_zero_is_refused(
    world: FundWorld, people: People, tree: Tree
) -> None:
    poor = services.fund_source_create(
        by=people.alice, name="小额捐赠", kind=FundSource.Kind.DONATION, org_unit=tree.county
    )
    gift = services.contribution_record(source=poor, amount=yuan(1_000), by=people.alice, idempotency_key=key())
    budget = services.budget_create(
        by=people.alice, source=poor, year=YEAR, org_unit=tree.town_a, purpose=world.purpose, amount=yuan(5_000)
    )
    request = services.payment_request_create(
        by=people.hana, budget=budget, amount=yuan(1_000), period=PERIOD, payee=world.wang
    )
    services.payment_request_approve(request=request, by=people.olga)
    services.payment_request_pay(request=request, by=people.olga, idempotency_key=key())
    with pytest.raises(Conflict, match="does not hold enough"):
        services.transaction_reverse(txn=gift, by=people.alice, reason="捐款退回")
    assert ledger.fund_cash(poor) == 0


def test_a_loan_needs_a_member_of_the_archive(world: FundWorld, people: People) -> None:
    with pytest.raises(InvalidInput, match="member of the archive"):
        request_for(world, people.hana, yuan(100), payee=None, payee_name="某人", kind=PaymentRequest.Kind.LOAN)


# --- anomaly flags ----------------------------------------------------------------------------------


def test_the_same_person_paid_twice_for_the_same_purpose_and_period_is_flagged(
    world: FundWorld, people: People
) -> None:
    first = paid(world, people, yuan(500))
    assert not first.flags.exists()
    second = paid(world, people, yuan(500))
    assert list(second.flags.values_list("kind", flat=True)) == [AnomalyFlag.Kind.DUPLICATE]
    third_request = approved(world, people, yuan(500), period=f"{YEAR}-Q3")
    third = services.payment_request_pay(request=third_request, by=people.olga, idempotency_key=key())
    assert not third.flags.exists()  # another period


def test_a_reversed_payment_does_not_make_the_next_one_a_duplicate(world: FundWorld, people: People) -> None:
    services.transaction_reverse(txn=paid(world, people, yuan(500)), by=people.alice, reason="金额错误")
    assert not paid(world, people, yuan(400)).flags.exists()


def test_an_amount_over_the_purposes_cap_and_a_payee_outside_the_archive_are_flagged(
    world: FundWorld, people: People, tree: Tree
) -> None:
    over = paid(world, people, world.purpose.cap + 100)  # type: ignore[operator]
    assert set(over.flags.values_list("kind", flat=True)) == {AnomalyFlag.Kind.OVER_CAP}
    stranger = paid(world, people, yuan(300), payee=None, payee_name="张三", org_unit=tree.station_a)
    assert set(stranger.flags.values_list("kind", flat=True)) == {AnomalyFlag.Kind.NOT_IN_ARCHIVE}
    left = MemberFactory(household=world.wang.household, relation=Member.Relation.CHILD, is_current=False)
    gone = paid(world, people, yuan(300), payee=left)
    assert set(gone.flags.values_list("kind", flat=True)) == {AnomalyFlag.Kind.NOT_IN_ARCHIVE}
    assert selectors.flag_list_for(people.aude, open_only=True).count() == 3


def test_the_approval_queue_warns_before_the_checker_decides(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(500))
    request_for(world, people.hana, yuan(500))
    mine = request_for(world, people.olga, yuan(100), period=f"{YEAR}-Q1")
    rows = {row.request.pk: row for row in selectors.approval_queue_for(people.olga)}
    duplicate = next(r for pk, r in rows.items() if pk != mine.pk)
    assert [w.kind for w in duplicate.warnings] == [AnomalyFlag.Kind.DUPLICATE] and duplicate.may_approve
    assert not rows[mine.pk].may_approve


def test_a_flag_is_resolved_once_with_a_note_by_an_organizer(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(500))
    flag = paid(world, people, yuan(500)).flags.get()
    with pytest.raises(Forbidden):
        services.flag_resolve(flag=flag, by=people.aude, resolution="看过")
    with pytest.raises(InvalidInput):
        services.flag_resolve(flag=flag, by=people.alice, resolution="")
    services.flag_resolve(flag=flag, by=people.alice, resolution="第二次为冬季补助, 经会议批准")
    with pytest.raises(Conflict):
        services.flag_resolve(flag=flag, by=people.alice, resolution="again")


# --- reconciliation and visibility ------------------------------------------------------------------


def test_the_reconciliation_adds_up(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(10_000))
    services.transaction_reverse(txn=paid(world, people, yuan(2_000)), by=people.alice, reason="错误")
    paid(world, people, yuan(6_000), kind=PaymentRequest.Kind.LOAN)
    services.repayment_record(
        source=world.fund,
        payee=world.wang,
        purpose=world.purpose,
        amount=yuan(1_000),
        by=people.hana,
        idempotency_key=key(),
    )
    report = selectors.reconciliation_for(people.aude)
    (line,) = report.funds
    assert line.contributed == yuan(500_000)
    assert line.paid == yuan(18_000)
    assert line.reversed == yuan(2_000)
    assert line.repaid == yuan(1_000)
    assert line.cash == yuan(500_000 - 18_000 + 2_000 + 1_000)
    assert line.receivable == yuan(5_000)
    assert line.entries_total == 0 and line.unbalanced == 0 and line.cash_explained
    assert line.open_flags == 2  # the second and third payments to Wang this quarter (a reversal keeps its flag)
    (budget,) = line.budgets
    assert (budget.budgeted, budget.paid, budget.reversed, budget.remaining) == (
        yuan(100_000),
        yuan(18_000),
        yuan(2_000),
        yuan(84_000),
    )


def test_a_town_sees_the_budgets_a_county_fund_gives_it_but_not_the_funds_totals(
    world: FundWorld, people: People
) -> None:
    report = selectors.reconciliation_for(people.olga)
    assert report.funds == []
    assert [line.budget for line in report.other_budgets] == [world.budget]
    assert selectors.reconciliation_for(people.bob).other_budgets == []


def test_each_reads_only_the_postings_in_their_reach(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(100))
    assert selectors.transaction_list_for(people.aude).filter(pk=txn.pk).exists()
    assert selectors.transaction_list_for(people.olga).filter(pk=txn.pk).exists()
    assert selectors.transaction_list_for(people.hana).filter(pk=txn.pk).exists()
    for outsider in (people.bob, people.wang, people.eve):
        assert not selectors.transaction_list_for(outsider).exists()
        with pytest.raises(NotFound):
            selectors.transaction_get_for(outsider, txn.pk)


def test_a_budget_is_for_the_funds_own_unit_or_below_and_only_its_manager_sets_it(
    world: FundWorld, people: People, tree: Tree
) -> None:
    town_fund = services.fund_source_create(by=people.olga, name="乌兰镇捐赠", kind="donation", org_unit=tree.town_a)
    with pytest.raises(InvalidInput, match="below"):
        services.budget_create(
            by=people.olga, source=town_fund, year=YEAR, org_unit=tree.county, purpose=world.purpose, amount=yuan(1)
        )
    with pytest.raises(NotFound):
        services.budget_create(
            by=people.bob, source=town_fund, year=YEAR, org_unit=tree.town_a, purpose=world.purpose, amount=yuan(1)
        )
    with pytest.raises(Conflict):
        services.budget_create(
            by=people.alice, source=world.fund, year=YEAR, org_unit=tree.town_a, purpose=world.purpose, amount=yuan(1)
        )
    paid(world, people, yuan(30_000))
    with pytest.raises(Conflict, match="cannot be set lower"):
        services.budget_set_amount(budget=world.budget, amount=yuan(29_999), by=people.alice)
    assert services.budget_set_amount(budget=world.budget, amount=yuan(30_000), by=people.alice).amount == yuan(30_000)


def test_a_request_charged_to_a_budget_that_does_not_cover_the_payees_unit_is_refused(
    world: FundWorld, people: People, household_b: Any
) -> None:
    li = household_b.members.get()
    with pytest.raises(InvalidInput, match="does not cover"):
        request_for(world, people.alice, yuan(100), payee=li)
