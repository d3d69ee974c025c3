"""The support rates 金秋助学 starts with (yuan a year): living by level, travel for those who study
away from home. The county changes them in the admin; loading never overwrites a changed rate."""

from __future__ import annotations

from typing import Any

RATES = {
    "senior": (1_000, 200),
    "vocational": (1_000, 200),
    "college": (3_000, 500),
    "bachelor": (4_000, 600),
    "postgraduate": (5_000, 800),
}


def load_rates(rate_model: Any) -> int:
    created = 0
    for level, (living, travel) in RATES.items():
        _row, was_created = rate_model.objects.get_or_create(
            level=level, defaults={"living": living * 100, "travel": travel * 100}
        )
        created += int(was_created)
    return created


def load() -> int:
    from relief.student_aid.models import SupportRate

    return load_rates(SupportRate)
