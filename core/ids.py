"""Record ids that arrive from outside (a query string, a form field, a JSON body). The other
parameters people send (whole numbers, years, flags, text) are read by ``core.params``."""

from __future__ import annotations

# The largest id a bigint primary key can hold; larger numbers name no row.
MAX_ID = 2**63 - 1


def int_pk(value: object) -> int:
    """``value`` as an integer id, or 0 (which names no row) when it is not one.

    Selectors look records up with what people send; "abc", "", None or 10**30 must read as "no
    such record" (a 404), never reach the database as a value it cannot compare (a 500)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        # At most 19 digits (MAX_ID has 19): int() of a 5,000-digit string raises, and costs time.
        if len(text) > 19 or not text.isascii() or not text.isdigit():
            return 0
        number = int(text)
    return number if 0 < number <= MAX_ID else 0
