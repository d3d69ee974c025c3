"""The "费用+病种" rule: relief is a share of the self-paid amount by band, capped per disease group
and year. Pure arithmetic on whole fen, rounded down (the union never pays a fraction of a fen)."""

from __future__ import annotations

from collections.abc import Iterable

from relief.medical.models import Band


def relief_by_bands(self_paid: int, bands: Iterable[Band]) -> int:
    total = 0
    for band in sorted(bands, key=lambda b: b.lower):
        top = self_paid if band.upper is None else min(self_paid, band.upper)
        part = top - band.lower
        if part > 0:
            total += part * band.share_bp // 10_000
    return total


def relief_for(*, self_paid: int, bands: Iterable[Band], yearly_cap: int, received_this_year: int) -> int:
    """What the rule gives for a bill, after what the member received this year in the group."""
    return max(0, min(relief_by_bands(self_paid, bands), yearly_cap - received_this_year))
