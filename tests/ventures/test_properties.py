"""A property test of the loan and the ledger together: random sequences of repayments (some
above what is owed, some retried with the same key), write-off requests and decisions and overdue
runs on two union loans of one member, checking after every step that each loan's instalments,
its repayments and the fund's ledger agree to the fen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from core.errors import DomainError
from funds import ledger, selectors
from funds.models import LedgerEntry
from tests.conftest import People
from tests.funds.conftest import FundWorld, key, yuan
from tests.ventures.conftest import disbursed
from ventures import services
from ventures.models import Instalment, Loan, Repayment, WriteOff


def _ledger_repaid(loan: Loan) -> int:
    """Repayments the ledger holds for this loan (its reference), summed in the database."""
    total = LedgerEntry.objects.filter(
        transaction__reference=loan.reference, transaction__kind="repayment", account__kind="cash"
    ).aggregate(t=Sum("amount"))["t"]
    return int(total or 0)


def test_random_repayments_keep_each_loan_its_instalments_and_the_ledger_in_step(
    world: FundWorld, people: People, products: Any
) -> None:
    fund, member, purpose = world.fund, world.wang, world.purpose
    product = products["free"]

    class LoanMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.loans = [
                disbursed(world, people, product, yuan(12_000) + 7),
                disbursed(world, people, product, yuan(5_000)),
            ]
            self.keys: list[tuple[str, int, int]] = []  # (key, loan index, amount) already used

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        @rule(which=st.integers(0, 1), share=st.integers(1, 130), odd=st.integers(0, 99))
        def repay(self, which: int, share: int, odd: int) -> None:
            loan = Loan.objects.get(pk=self.loans[which].pk)
            owed = services.loan_outstanding(loan)
            amount = max(1, owed * share // 100 + odd) if owed else 100
            attempt = key("prop")
            try:
                services.loan_repay(loan=loan, by=people.hana, amount=amount, idempotency_key=attempt)
            except DomainError:
                assert amount > owed or loan.state != Loan.State.ACTIVE
            else:
                assert amount <= owed and loan.state == Loan.State.ACTIVE
                self.keys.append((attempt, which, amount))

        @precondition(lambda self: self.keys)
        @rule(back=st.integers(0, 5))
        def retry(self, back: int) -> None:
            """A double click: the same key again records nothing more."""
            attempt, which, amount = self.keys[-1 - back % len(self.keys)]
            before = Repayment.objects.count()
            services.loan_repay(loan=self.loans[which], by=people.hana, amount=amount, idempotency_key=attempt)
            assert Repayment.objects.count() == before

        @rule(which=st.integers(0, 1), approve=st.booleans())
        def write_off(self, which: int, approve: bool) -> None:
            loan = Loan.objects.get(pk=self.loans[which].pk)
            try:
                request = services.write_off_request(loan=loan, by=people.hana, reason="经营失败")
                services.write_off_decide(write_off=request, by=people.olga, approve=approve, idempotency_key=key())
            except DomainError:
                assert loan.state != Loan.State.ACTIVE

        @rule(days=st.integers(0, 400))
        def overdue(self, days: int) -> None:
            day = timezone.localdate() + dt.timedelta(days=days)
            services.mark_overdue(today=day)
            assert services.mark_overdue(today=day) == 0

        @invariant()
        def loans_instalments_and_ledger_agree(self) -> None:
            for stale in self.loans:
                loan = Loan.objects.get(pk=stale.pk)
                lines = list(loan.instalments.all())
                paid = sum(i.paid for i in lines)
                repaid = int(loan.repayments.aggregate(t=Sum("amount"))["t"] or 0)
                assert sum(i.amount for i in lines) == loan.principal  # interest-free: the schedule is the principal
                assert paid == repaid == _ledger_repaid(loan)
                assert all(0 <= i.paid <= i.amount for i in lines)
                assert all((i.state == Instalment.State.PAID) == (i.paid == i.amount) for i in lines)
                # Paid in order: no instalment holds money while an earlier one is short.
                shorts = [n for n, i in enumerate(lines) if i.paid < i.amount]
                assert all(i.paid == 0 for i in lines[shorts[0] + 1 :]) if shorts else True
                owed = services.loan_outstanding(loan)
                if loan.state == Loan.State.ACTIVE:
                    assert owed > 0
                elif loan.state == Loan.State.REPAID:
                    assert owed == 0
                else:  # written off: what was still owed, and nothing was repaid after
                    assert loan.write_offs.get(state=WriteOff.State.APPROVED).amount == owed == loan.principal - repaid
            still_owed = sum(
                services.loan_outstanding(Loan.objects.get(pk=loan.pk))
                for loan in self.loans
                if Loan.objects.get(pk=loan.pk).state == Loan.State.ACTIVE
            )
            assert ledger.payee_outstanding(fund, member.pk, purpose) == still_owed
            line = selectors.fund_line(fund)
            assert line.balanced and line.cash_explained and line.cash >= 0

    run_state_machine_as_test(
        LoanMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
