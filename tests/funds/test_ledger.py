"""The ledger's invariants hold in the database itself: raw SQL that goes around the services is
refused on SQLite and on PostgreSQL alike (``funds/migrations/0002_ledger_invariants.py``).

And the property of the issue: random sequences of request, approve, pay, repay and reverse keep
every fund's balance equal to the sum of its entries, and no fund below zero.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from core.errors import Conflict, DomainError
from funds import ledger, selectors, services
from funds.models import Account, FundSource, LedgerEntry, LedgerTransaction, PaymentRequest, Purpose
from tests.conftest import People, Tree
from tests.funds.conftest import PERIOD, YEAR, FundWorld, key, paid, yuan

pytestmark = pytest.mark.django_db

# --- raw SQL, around the services ----------------------------------------------------------------


def _leg(txn_id: str, account: Account, amount: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_ledgerentry (transaction_id, account_id, amount) VALUES (%s, %s, %s)",
            [txn_id, account.pk, amount],
        )


def _header(txn_id: str, fund: FundSource, by: Any) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO funds_ledgertransaction (id, source_id, org_unit_id, kind, period, memo,"
            " idempotency_key, payee_name, reference, created_by_id, created_at)"
            " VALUES (%s, %s, %s, 'grant', '', '', %s, '', '', %s, %s)",
            [txn_id, fund.pk, fund.org_unit_id, f"raw-{txn_id}", by.pk, now],
        )


def _new_id() -> str:
    return uuid.uuid4().hex  # the form SQLite stores; PostgreSQL reads it as a uuid too


def _accounts(world: FundWorld) -> tuple[Account, Account]:
    return (
        ledger.account_for(world.fund, Account.Kind.EXPENSE, world.purpose),
        ledger.account_for(world.fund, Account.Kind.CASH),
    )


def _counts() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), LedgerEntry.objects.count()


def test_a_balanced_transaction_written_in_raw_sql_is_accepted(world: FundWorld, people: People) -> None:
    expense, cash = _accounts(world)
    txn_id = _new_id()
    _leg(txn_id, expense, 12_345)
    _leg(txn_id, cash, -12_345)
    _header(txn_id, world.fund, people.alice)
    assert LedgerTransaction.objects.filter(pk=uuid.UUID(txn_id)).exists()


def test_legs_that_do_not_sum_to_zero_are_refused_by_the_database(world: FundWorld, people: People) -> None:
    expense, cash = _accounts(world)
    before = _counts()
    txn_id = _new_id()
    with pytest.raises(IntegrityError, match="sum to zero"), transaction.atomic():
        _leg(txn_id, expense, 10_000)
        _leg(txn_id, cash, -9_999)
        _header(txn_id, world.fund, people.alice)
    assert _counts() == before


def test_a_transaction_with_a_single_leg_is_refused(world: FundWorld, people: People) -> None:
    _, cash = _accounts(world)
    txn_id = _new_id()
    with pytest.raises(IntegrityError, match=r"at least two legs|sum to zero"), transaction.atomic():
        _leg(txn_id, cash, 500)
        _header(txn_id, world.fund, people.alice)
    with pytest.raises(IntegrityError, match="at least two legs"), transaction.atomic():
        _header(_new_id(), world.fund, people.alice)  # no legs at all


def test_a_leg_cannot_be_added_to_a_written_transaction(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(1_000))
    expense, _ = _accounts(world)
    before = _counts()
    with pytest.raises(IntegrityError, match="already written"), transaction.atomic():
        _leg(txn.pk.hex, expense, 1)
    assert _counts() == before
    assert ledger.fund_entries_total(world.fund) == 0


def test_legs_on_another_funds_accounts_are_refused(world: FundWorld, people: People, tree: Tree) -> None:
    other = services.fund_source_create(
        by=people.alice, name="企业送温暖基金", kind="enterprise_warmth", org_unit=tree.county
    )
    other_cash = ledger.account_for(other, Account.Kind.CASH)
    expense, _ = _accounts(world)
    txn_id = _new_id()
    with pytest.raises(IntegrityError, match="fund of its transaction"), transaction.atomic():
        _leg(txn_id, expense, 700)
        _leg(txn_id, other_cash, -700)
        _header(txn_id, world.fund, people.alice)


def test_a_zero_leg_is_refused(world: FundWorld) -> None:
    expense, _ = _accounts(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        _leg(_new_id(), expense, 0)


@pytest.mark.parametrize("table", ["funds_ledgerentry", "funds_ledgertransaction"])
def test_an_update_of_a_ledger_row_through_raw_sql_is_refused(world: FundWorld, people: People, table: str) -> None:
    txn = paid(world, people, yuan(2_000))
    cash_before = ledger.fund_cash(world.fund)
    sql = {
        "funds_ledgerentry": "UPDATE funds_ledgerentry SET amount = amount * 2 WHERE transaction_id = %s",
        "funds_ledgertransaction": "UPDATE funds_ledgertransaction SET memo = 'changed' WHERE id = %s",
    }[table]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [txn.pk.hex])
    txn.refresh_from_db()
    assert txn.memo == ""
    assert ledger.fund_cash(world.fund) == cash_before


@pytest.mark.parametrize("table", ["funds_ledgerentry", "funds_ledgertransaction"])
def test_a_delete_of_a_ledger_row_through_raw_sql_is_refused(world: FundWorld, people: People, table: str) -> None:
    txn = paid(world, people, yuan(2_000))
    before = _counts()
    column = "transaction_id" if table == "funds_ledgerentry" else "id"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [txn.pk.hex])
    assert _counts() == before


def test_the_orm_cannot_change_or_delete_a_posting_either(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(300))
    entry = txn.entries.first()
    assert entry is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_legs_whose_header_never_arrives_fail_at_commit(world: FundWorld) -> None:
    """The legs' foreign key to their header is checked at commit, on both vendors."""
    expense, cash = _accounts(world)
    before = _counts()
    with pytest.raises(IntegrityError), transaction.atomic():
        txn_id = _new_id()
        _leg(txn_id, expense, 100)
        _leg(txn_id, cash, -100)
    assert _counts() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the commit-time constraint trigger is PostgreSQL's")
def test_on_postgresql_a_deferred_trigger_rechecks_the_sum_at_commit(world: FundWorld, people: People) -> None:
    """With the immediate guard on the legs switched off (inside this test's transaction only), an
    extra leg reaches a written transaction; the constraint trigger still refuses it at commit."""
    txn = paid(world, people, yuan(100))
    expense, _ = _accounts(world)
    with pytest.raises(IntegrityError, match="sum to zero"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the payment's own checks run now: they pass
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # (a table with pending checks cannot be altered)
        cursor.execute("ALTER TABLE funds_ledgerentry DISABLE TRIGGER funds_ledgerentry_header_not_written")
        _leg(txn.pk.hex, expense, 1)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would do


# --- the property ---------------------------------------------------------------------------------


def _raw_cash(fund: FundSource) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(e.amount), 0) FROM funds_ledgerentry e JOIN funds_account a ON a.id = e.account_id"
            " WHERE a.source_id = %s AND a.kind = 'cash'",
            [fund.pk],
        )
        return int(cursor.fetchone()[0])


# Small amounts, and large ones: two of the large fit a budget of 30,000 one at a time but not
# together, and one of them is more than the second fund holds.
AMOUNTS = st.one_of(st.integers(1, 100_00), st.integers(10_000_00, 25_000_00))


def _pick(items: list[Any], back: int) -> Any:
    """Counting back from the newest: an approval or a payment often meets the request just made."""
    return items[-1 - back % len(items)]


def test_random_sequences_keep_every_fund_equal_to_its_entries_and_never_below_zero(
    purposes: None, tree: Tree, people: People, household_a: Any
) -> None:
    """Hypothesis drives the services through random sequences of approve (a request, mostly
    approved), pay, repay and reverse, and after every step checks each fund three ways: the
    selectors' balance, a raw SQL sum of its cash entries, and a model kept here (which also
    predicts which payments and repayments must be refused). Two funds: the second holds less
    than its budget allows, so both the budget and the fund's cash run out in some sequences."""
    wang = household_a.members.get(user=people.wang)
    purpose = Purpose.objects.get(code="entrepreneurship")

    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()  # every run starts from the same empty ledger, rolled back at teardown
            self.funds: list[FundSource] = []
            self.budgets: list[Any] = []
            self.cash: list[int] = []
            for n, money in enumerate((60_000_00, 12_000_00)):
                fund = services.fund_source_create(
                    by=people.alice, name=f"基金{n}", kind="donation", org_unit=tree.county
                )
                services.contribution_record(source=fund, amount=money, by=people.alice, idempotency_key=key("in"))
                self.budgets.append(
                    services.budget_create(
                        by=people.alice, source=fund, year=YEAR, org_unit=tree.town_a, purpose=purpose, amount=30_000_00
                    )
                )
                self.funds.append(fund)
                self.cash.append(money)
            self.requests: list[PaymentRequest] = []
            self.postings: list[LedgerTransaction] = []

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _in_state(self, state: str) -> list[PaymentRequest]:
            return [r for r in self.requests if r.state == state]

        @rule(
            f=st.integers(0, 1),
            amount=AMOUNTS,
            kind=st.sampled_from(["grant", "loan"]),
            decided=st.sampled_from([True, True, True, False]),
        )
        def approve(self, f: int, amount: int, kind: str, decided: bool) -> None:
            """A helper asks (the maker) and, mostly, an organizer approves (the checker)."""
            try:
                request = services.payment_request_create(
                    by=people.hana, budget=self.budgets[f], amount=amount, period=PERIOD, payee=wang, kind=kind
                )
            except DomainError:
                return  # more than the budget has left: refused, nothing written
            if decided:
                request = services.payment_request_approve(request=request, by=people.alice)
            self.requests.append(request)

        @precondition(lambda self: self.requests)
        @rule(back=st.integers(0, 3), any_request=st.booleans())
        def pay(self, back: int, any_request: bool) -> None:
            approved = self._in_state(PaymentRequest.State.APPROVED)
            request = _pick(approved if approved and not any_request else self.requests, back)
            f = self.budgets.index(request.budget)
            budget_left = request.budget.amount - ledger.budget_used(request.budget)
            should_pay = (
                request.state == PaymentRequest.State.APPROVED
                and request.amount <= budget_left
                and request.amount <= self.cash[f]
            )
            try:
                self.postings.append(
                    services.payment_request_pay(request=request, by=people.olga, idempotency_key=key())
                )
            except Conflict:
                assert not should_pay, "a payment the budget and the fund could afford was refused"
            else:
                assert should_pay, "a payment beyond the budget, the fund's cash or its approval went through"
                self.cash[f] -= request.amount
            request.refresh_from_db()

        @rule(f=st.integers(0, 1), share=st.integers(1, 120))
        def repay(self, f: int, share: int) -> None:
            """A share of what Wang owes the fund (above 100%: must be refused)."""
            owed = ledger.payee_outstanding(self.funds[f], wang.pk, purpose)
            amount = max(1, owed * share // 100) if owed else share * 100
            try:
                self.postings.append(
                    services.repayment_record(
                        source=self.funds[f],
                        payee=wang,
                        purpose=purpose,
                        amount=amount,
                        by=people.hana,
                        idempotency_key=key(),
                    )
                )
            except Conflict:
                assert amount > owed, "a repayment within what is owed was refused"
            else:
                assert amount <= owed, "a repayment above what is owed went through"
                self.cash[f] += amount

        @precondition(lambda self: self.postings)
        @rule(back=st.integers(0, 5))
        def reverse(self, back: int) -> None:
            original = _pick(self.postings, back)
            try:
                reversal = services.transaction_reverse(txn=original, by=people.alice, reason="录入错误")
            except Conflict:
                return  # reversed already, a reversal, or repaid since: refused, nothing written
            self.postings.append(reversal)
            self.cash[self.funds.index(original.source)] += sum(
                e.amount for e in reversal.entries.all() if e.account.kind == Account.Kind.CASH
            )

        @invariant()
        def every_fund_equals_its_entries_and_none_is_below_zero(self) -> None:
            for f, fund in enumerate(self.funds):
                line = selectors.fund_line(fund)
                assert ledger.fund_cash(fund) == _raw_cash(fund) == self.cash[f] == line.cash
                assert line.cash >= 0
                assert line.entries_total == 0 and line.unbalanced == 0
                assert line.cash_explained
                assert line.receivable >= 0
                assert ledger.budget_used(self.budgets[f]) <= self.budgets[f].amount

    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=60,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,  # the same runs on every machine: a failure is reproducible
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
