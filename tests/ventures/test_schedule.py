"""Repayment schedules in whole fen (``ventures/schedule.py``): equal instalments, interest-free
ones with a zero rate, the annuity formula, and the remainder on the last instalment."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ventures import schedule

START = dt.date(2026, 1, 31)


def test_a_zero_rate_divides_the_principal_into_equal_parts_with_the_remainder_last() -> None:
    lines = schedule.build(principal=100_000_01, annual_rate_bp=0, term=12, grace=0, start=START)
    assert [line.amount for line in lines[:-1]] == [8_333_33] * 11
    assert lines[-1].amount == 8_333_38
    assert sum(line.amount for line in lines) == 100_000_01
    assert all(line.interest == 0 for line in lines)


def test_a_principal_smaller_than_the_term_still_sums_exactly() -> None:
    lines = schedule.build(principal=5, annual_rate_bp=0, term=12, grace=0, start=START)
    assert [line.amount for line in lines] == [0] * 11 + [5]


def test_the_annuity_matches_the_textbook_figure() -> None:
    """¥100,000 at 12% a year over 12 months: ¥8,884.88 a month (the standard annuity table)."""
    lines = schedule.build(principal=100_000_00, annual_rate_bp=1_200, term=12, grace=0, start=START)
    assert {line.amount for line in lines[:-1]} == {8_884_88}
    assert lines[0].interest == 1_000_00
    assert sum(line.principal for line in lines) == 100_000_00
    assert abs(lines[-1].amount - 8_884_88) <= 12  # a few fen of rounding, never lost


def test_instalments_fall_monthly_after_the_grace_months_at_the_end_of_short_months() -> None:
    lines = schedule.build(principal=3_00, annual_rate_bp=0, term=3, grace=2, start=START)
    assert [line.due_on for line in lines] == [dt.date(2026, 4, 30), dt.date(2026, 5, 31), dt.date(2026, 6, 30)]


@pytest.mark.parametrize(
    "kwargs",
    [{"principal": 0}, {"principal": -1}, {"term": 0}, {"grace": -1}, {"annual_rate_bp": -5}],
)
def test_impossible_loans_are_refused(kwargs: dict[str, int]) -> None:
    values = {"principal": 1_000_00, "annual_rate_bp": 0, "term": 12, "grace": 0, "start": START} | kwargs
    with pytest.raises(ValueError):
        schedule.build(**values)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    principal=st.integers(1, 100_000_000_00),
    # Equal instalments are asserted for loans of at least ¥1,000: below that a month's principal
    # is a few fen and the rounding of the instalment may finish the loan a month early.
    rate=st.one_of(st.just(0), st.integers(1, 3_000)),
    term=st.integers(1, 120),
    grace=st.integers(0, 12),
)
def test_every_schedule_sums_exactly_to_its_principal(principal: int, rate: int, term: int, grace: int) -> None:
    lines = schedule.build(principal=principal, annual_rate_bp=rate, term=term, grace=grace, start=START)
    assert len(lines) == term
    assert sum(line.principal for line in lines) == principal
    assert all(line.principal >= 0 and line.interest >= 0 for line in lines)
    assert [line.due_on for line in lines] == sorted(line.due_on for line in lines)
    if rate == 0:
        assert sum(line.amount for line in lines) == principal
    elif principal >= 1_000_00:
        # Equal instalments of principal and interest: all but the last are the same amount.
        assert len({line.amount for line in lines[:-1]}) <= 1
