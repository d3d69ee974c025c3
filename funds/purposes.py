"""The purposes money is spent on: one per relief track of the plan, with a cap per payment.

Loaded by a data migration on a new database; ``load_purposes`` is idempotent so that
``web.reference`` (and tests, after a transactional test flushed the tables) can reload them. A new
track adds its own row in its own data migration.
"""

from __future__ import annotations

from typing import Any

# code, Chinese, English, cap per payment in yuan (None: no cap), order
PURPOSES: list[tuple[str, str, str, int | None, int]] = [
    ("warmth", "送温暖", "Send warmth (festival and winter relief)", 2_000, 10),
    ("student_aid", "金秋助学", "Golden-autumn student aid", 5_000, 20),
    ("entrepreneurship", "创业援助", "Entrepreneurship aid (loans, interest subsidies, support in kind)", 50_000, 30),
    ("medical", "医疗互助与大病救助", "Medical mutual aid and serious-illness relief", 20_000, 40),
    ("assistance", "生活与临时救助", "Living and temporary assistance", 3_000, 50),
    ("employment", "就业服务与技能培训", "Employment services and skills training", 5_000, 60),
    ("care", "环卫工人与女职工关爱", "Care for sanitation workers and women workers", 3_000, 70),
]


def load_purposes(purpose_model: Any) -> int:
    """Create the purposes that are missing; never overwrite a cap someone changed."""
    created = 0
    for code, name_zh, name_en, cap_yuan, order in PURPOSES:
        _, was_created = purpose_model.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "cap": cap_yuan * 100 if cap_yuan is not None else None,
                "order": order,
            },
        )
        created += int(was_created)
    return created


def ensure_purposes() -> None:
    from funds.models import Purpose

    if not Purpose.objects.exists():
        load_purposes(Purpose)
