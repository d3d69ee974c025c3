"""The ledger's two primitives: writing a balanced transaction, and adding entries up.

Nothing here checks who is acting: ``funds.services`` does that and then calls ``post``. Every
balance is a ``SUM`` over entries, computed when asked; no balance is ever stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum

from funds.models import Account, Budget, FundSource, LedgerEntry, LedgerTransaction, Purpose

# The accounts where spending shows: what a budget has used is the sum of their legs.
SPENDING = (Account.Kind.EXPENSE, Account.Kind.RECEIVABLE)


def account_for(source: FundSource, kind: str, purpose: Purpose | None = None) -> Account:
    """The fund's account of this kind (and purpose), opened on first use."""
    if kind in Account.PER_PURPOSE and purpose is None:
        raise ValueError(f"A {kind} account needs a purpose.")
    account, _ = Account.objects.get_or_create(
        source=source, kind=kind, purpose=purpose if kind in Account.PER_PURPOSE else None
    )
    return account


def post(*, legs: Iterable[tuple[Account, int]], **header: Any) -> LedgerTransaction:
    """Write one transaction: its legs first, then its header (the order the database's triggers
    rely on: see ``migrations/0002_ledger_invariants.py``). The caller is inside
    ``transaction.atomic`` and has taken the locks its checks need. An unbalanced set of legs is
    refused by the database, not here: this function does not second-guess it."""
    txn_id = uuid.uuid4()
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(transaction_id=txn_id, account=account, amount=amount) for account, amount in legs]
    )
    txn = LedgerTransaction(id=txn_id, **header)
    txn.save(force_insert=True)
    return txn


def _total(entries: QuerySet[LedgerEntry]) -> int:
    return int(entries.aggregate(total=Sum("amount"))["total"] or 0)


def fund_cash(source: FundSource | int) -> int:
    """Money in the fund's bank account, in fen."""
    return _total(LedgerEntry.objects.filter(account__source=source, account__kind=Account.Kind.CASH))


def fund_entries_total(source: FundSource | int) -> int:
    """The sum of every leg of the fund: zero, always (the database refuses anything else)."""
    return _total(LedgerEntry.objects.filter(account__source=source))


def budget_used(budget: Budget | int) -> int:
    """What a budget has spent, net of reversals: the legs on spending accounts of the
    transactions charged to it. Loan repayments refill the fund's cash, not the year's budget."""
    return _total(LedgerEntry.objects.filter(transaction__budget=budget, account__kind__in=SPENDING))


def budget_paid_and_reversed(budget: Budget | int) -> tuple[int, int]:
    """(paid, reversed): gross spending, and what reversals gave back."""
    entries = LedgerEntry.objects.filter(transaction__budget=budget, account__kind__in=SPENDING)
    paid = _total(entries.exclude(transaction__kind=LedgerTransaction.Kind.REVERSAL))
    reversed_ = -_total(entries.filter(transaction__kind=LedgerTransaction.Kind.REVERSAL))
    return paid, reversed_


def payee_outstanding(source: FundSource | int, payee_id: int, purpose: Purpose | int | None = None) -> int:
    """What a member still owes a fund on loans (of one purpose, when given)."""
    entries = LedgerEntry.objects.filter(
        account__source=source, account__kind=Account.Kind.RECEIVABLE, transaction__payee_id=payee_id
    )
    if purpose is not None:
        entries = entries.filter(account__purpose=purpose)
    return _total(entries)


def unbalanced_transactions(source: FundSource | int) -> int:
    """How many of the fund's transactions do not sum to zero. The reconciliation shows it; the
    database makes it zero."""
    return (
        LedgerEntry.objects.filter(account__source=source)
        .values("transaction_id")
        .annotate(total=Sum("amount"))
        .filter(~Q(total=0))
        .count()
    )
