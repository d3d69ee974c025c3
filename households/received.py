"""What a household received: one dated list across every programme and relief track.

The archive sits below the apps that give (jobs, training, ventures, the relief tracks), so it
cannot read them. Each of those apps registers a *source* here from its ``AppConfig.ready()``: a
function that, given households, returns what they received. The household page and the worker's
own page call :func:`received_for`, which asks every source once for the whole list (a source
reads with a fixed number of queries, never one per row), so the page's query count does not grow
with what a household received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from households.models import Household


@dataclass(frozen=True)
class Received:
    """One thing received: a payment, goods, a certificate, a job, a referral."""

    day: dt.date
    programme: str  # 送温暖, 金秋助学, 技能培训...: shown as is
    what: str
    household_id: int
    member_name: str = ""
    amount: int | None = None  # fen; None where nothing was paid (a certificate, a job, a referral)
    url: str = ""  # a page about it, for staff
    source: str = ""  # the registering source's code

    @property
    def amount_display(self) -> str:
        """¥1,234.50, as the ledger's pages show fen (the archive does not import the ledger)."""
        return "" if self.amount is None else format_fen(self.amount)


Source = Callable[[list[int]], Iterable[Received]]


@dataclass
class _Registry:
    sources: dict[str, Source] = field(default_factory=dict)

    def register(self, code: str, source: Source) -> None:
        if code in self.sources and self.sources[code] is not source:
            raise ValueError(f"A 'received' source named {code!r} is registered already.")
        self.sources[code] = source

    def unregister(self, code: str) -> None:
        self.sources.pop(code, None)


registry = _Registry()


def register(code: str, source: Source) -> None:
    """Called by an app's ``ready()``: ``source(household_ids)`` yields ``Received`` rows."""
    registry.register(code, source)


def received_for(households: Iterable[Household | int]) -> list[Received]:
    """Everything the households received, newest first."""
    ids: list[int] = [h if isinstance(h, int) else h.pk for h in households]
    if not ids:
        return []
    rows: list[Received] = []
    for code, source in registry.sources.items():
        rows.extend(Received(**{**row.__dict__, "source": row.source or code}) for row in source(ids))
    return sorted(rows, key=lambda r: (r.day, r.programme), reverse=True)


def total_amount(rows: Iterable[Received]) -> int:
    return sum(r.amount or 0 for r in rows)


def format_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
