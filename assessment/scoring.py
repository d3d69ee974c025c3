"""How an indicator's actual value against its target becomes a score (考核计分).

``achieved`` is the percent of the target reached. For an indicator where higher is better it is
actual ÷ target; where lower is better (households without a helper, visits overdue) the target is
a ceiling: at or under it is 100%, above it the percent falls as target ÷ actual. A line scores:

* linear (线性计分): weight × achieved ÷ 100, with achieved counted up to the line's cap (100: no
  extra credit for overshooting; 120: up to a fifth more);
* pass/fail (达标计分): the whole weight when achieved reaches 100%, nothing otherwise.

No target, or no actual (a ratio with nothing to divide), scores nothing: it cannot be assessed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assessment.models import ScoringRule

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def achieved(actual: Decimal | None, target: Decimal | None, *, lower_is_better: bool = False) -> Decimal | None:
    if actual is None or target is None:
        return None
    if lower_is_better:
        if actual <= target:
            return HUNDRED
        return (target / actual * HUNDRED).quantize(CENT, ROUND_HALF_UP)
    if target == 0:
        return HUNDRED
    return (actual / target * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def score(rule: str, weight: Decimal, achieved_percent: Decimal | None, cap: Decimal = HUNDRED) -> Decimal:
    if achieved_percent is None:
        return Decimal(0).quantize(CENT)
    if rule == ScoringRule.PASS_FAIL:
        return weight.quantize(CENT) if achieved_percent >= HUNDRED else Decimal(0).quantize(CENT)
    counted = max(Decimal(0), min(achieved_percent, cap))
    return (weight * counted / HUNDRED).quantize(CENT, ROUND_HALF_UP)
