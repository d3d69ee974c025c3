"""Record ids that arrive from outside (a query string, a form field, a JSON body)."""

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
        if not text.isascii() or not text.isdigit():
            return 0
        number = int(text)
    return number if 0 < number <= MAX_ID else 0
