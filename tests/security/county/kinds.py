"""Placeholder, filled in by the matrix."""

from __future__ import annotations

from typing import Any


def find_foreign(county: Any) -> dict[str, Any]:
    return {}
