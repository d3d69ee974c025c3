"""Reading what people send in query strings, forms and JSON: ids, whole numbers, years, flags,
choices and short text. One place for pages and the API alike.

Odd input reads as "not given" (the caller's default), never as a server error: "²" passes
``str.isdigit()`` and then fails ``int()``; ``10**30`` fits no database column and no date
arithmetic; text can be any length. NUL bytes never get this far: ``core.middleware`` answers 400
for them at the edge. Where a wrong value must be refused rather than ignored (a service's input),
the service checks the range and raises ``core.errors.InvalidInput``.
"""

from __future__ import annotations

from collections.abc import Container
from typing import overload

from core.ids import MAX_ID, int_pk

__all__ = ["MAX_ID", "choice", "flag", "int_pk", "text", "whole_number", "year"]

# Years a person can mean: the archive's oldest dates and the plan's horizon, with room on both sides.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
_TRUE = frozenset({"1", "true", "on", "yes"})


@overload
def whole_number(value: object, *, default: int, minimum: int = 0, maximum: int = MAX_ID) -> int: ...
@overload
def whole_number(value: object, *, default: None = None, minimum: int = 0, maximum: int = MAX_ID) -> int | None: ...
def whole_number(value: object, *, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` as an integer between ``minimum`` and ``maximum``, else ``default``.

    Only ASCII digits (and a leading minus when ``minimum`` is negative) count: no "²", "١٢",
    "1_000", "1e3" or " 12 abc"; at most 19 digits, so a 10,000-digit string costs nothing."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip() if value is not None else ""
        digits = raw[1:] if raw.startswith("-") and minimum < 0 else raw
        if not digits or len(digits) > 19 or not digits.isascii() or not digits.isdigit():
            return default
        number = int(raw)
    return number if minimum <= number <= maximum else default


def year(value: object, default: int | None = None) -> int | None:
    """A four-digit year between 1900 and 2100, else ``default``."""
    return whole_number(value, default=default, minimum=EARLIEST_YEAR, maximum=LATEST_YEAR)


def flag(value: object) -> bool:
    """A check box or a boolean query parameter: "1", "true", "on" or "yes" (any case)."""
    return str(value if value is not None else "").strip().lower() in _TRUE


def text(value: object, *, max_length: int = 100) -> str:
    """Free text from a query string or form, trimmed and cut to ``max_length`` characters."""
    if value is None:
        return ""
    return str(value).strip()[:max_length]


def choice(value: object, choices: Container[str], default: str = "") -> str:
    """One of ``choices``, else ``default`` (a filter on a state or a kind)."""
    candidate = text(value, max_length=64)
    return candidate if candidate in choices else default
