"""How personal numbers look to people who do not need them in full."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """110105194912310025 -> 110105********0025: the region stays, the birth date is hidden."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
