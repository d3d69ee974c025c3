"""Demo data for training (called by web/demo.py after jobs, funds and matches)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class SeedResult:
    created: int = 0


def seed_training(*, verbose: Callable[[str], None] = print) -> SeedResult:
    """Idempotent: creates nothing when the demo training data is already there."""
    return SeedResult()
