"""The "费用+病种" rule the county starts with: disease groups with their yearly caps and the cover
they require, and the bands of the self-paid amount with the share paid. Changed in the admin;
loading never overwrites what was changed."""

from __future__ import annotations

from typing import Any

# code, Chinese, English, yearly cap (yuan), cover required, order
GROUPS = [
    ("major", "重特大疾病", "Major and serious illness", 20_000, "basic", 10),
    ("chronic", "慢性病", "Chronic illness", 5_000, "basic", 20),
    ("hospital", "一般住院", "Other hospital stay", 3_000, "nothing", 30),
]
# from (yuan), up to (yuan or None), share (basis points)
BANDS = [(0, 5_000, 3_000), (5_000, 20_000, 5_000), (20_000, None, 7_000)]


def load_rule(group_model: Any, band_model: Any) -> int:
    created = 0
    for code, zh, en, cap, requires, order in GROUPS:
        _row, was_created = group_model.objects.get_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "yearly_cap": cap * 100, "requires": requires, "order": order},
        )
        created += int(was_created)
    if not band_model.objects.exists():
        for lower, upper, share in BANDS:
            band_model.objects.create(lower=lower * 100, upper=upper * 100 if upper else None, share_bp=share)
            created += 1
    return created


def load() -> int:
    from relief.medical.models import Band, DiseaseGroup

    return load_rule(DiseaseGroup, Band)
