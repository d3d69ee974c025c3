"""Money as the ledger keeps it: whole fen (分) in integers.

Why integers and not ``Decimal(14, 2)``: SQLite has no decimal type (a DecimalField is stored with
NUMERIC affinity and summed in floating point), and the database triggers that keep every
transaction balanced add amounts up inside the database on both vendors. Integer sums are exact
on SQLite and PostgreSQL alike, so "the legs sum to zero" means exactly zero. People type and read
yuan; the conversion happens at the edges (forms, API, templates) through these two functions.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import InvalidInput

# 10 billion yuan: far above any fund a county holds, far below a 64-bit overflow when summed.
MAX_FEN = 10_000_000_000 * 100


def to_fen(yuan: Decimal | int | str, *, field: str = "amount") -> int:
    """Yuan as typed ("1200", "1200.5", Decimal("99.99")) to fen. More than two decimals, or not a
    number, is refused rather than rounded: a ledger does not guess."""
    try:
        value = Decimal(str(yuan).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Enter an amount in yuan, such as 1200 or 1200.50."), field=field) from exc
    if not value.is_finite():
        raise InvalidInput(_("Enter an amount in yuan, such as 1200 or 1200.50."), field=field)
    fen = value * 100
    if fen != fen.to_integral_value():
        raise InvalidInput(_("An amount has at most two decimals (fen)."), field=field)
    return int(fen)


def to_yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


def format_yuan(fen: int | None) -> str:
    """¥1,234.50 — for pages and messages."""
    return f"¥{to_yuan(fen):,.2f}"
