"""Scores that mean what they say: a resolver or coder score of 0.9 right about 90% of the time.

The resolver and the coder score their answers by rules (how much of the phrase a form explains,
which stage found it). Those raw scores order answers well but are not probabilities. An isotonic
map, fitted on the tuning half of the outside evaluation sets (``benchmarks/eval_outside.py
--fit-calibration``; docs/evaluation.md), turns a raw score into the share of answers with that
score that were right. The maps are a few knots each (``data/calibration.json``), applied by linear
interpolation: no scikit-learn at run time. Pure Python and numpy, no Django.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "calibration.json"

#: The highest calibrated score a rule or model answer gets.
CEILING = 0.99

#: Bins of the reliability table and of the expected calibration error.
BINS = 10


def reliability(
    scores: Sequence[float], right: Sequence[bool], bins: int = BINS
) -> list[tuple[float, float, int, float, float]]:
    """Per equal-width score bin: (low, high, answers, mean score, share right)."""
    s = np.asarray(scores, dtype=float)
    r = np.asarray(right, dtype=float)
    out = []
    for i in range(bins):
        low, high = i / bins, (i + 1) / bins
        inside = (s >= low) & ((s < high) if i < bins - 1 else (s <= high))
        n = int(inside.sum())
        out.append((low, high, n, float(s[inside].mean()) if n else 0.0, float(r[inside].mean()) if n else 0.0))
    return out


def expected_calibration_error(scores: Sequence[float], right: Sequence[bool], bins: int = BINS) -> float:
    """Sum over bins of (share of answers in the bin) x |mean score - share right|."""
    total = len(scores)
    if not total:
        return 0.0
    return sum(n / total * abs(mean - share) for _l, _h, n, mean, share in reliability(scores, right, bins))


def fit_isotonic(scores: Sequence[float], right: Sequence[bool]) -> dict[str, list[float]]:
    """The increasing map from raw score to the share right, as knots (scikit-learn, at fitting time)."""
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    model.fit(np.asarray(scores, dtype=float), np.asarray(right, dtype=float))
    xs = [float(x) for x in model.X_thresholds_]
    ys = [round(float(y), 4) for y in model.y_thresholds_]
    return {"x": xs, "y": ys}


@cache
def _maps() -> dict[str, tuple[list[float], list[float]]]:
    try:
        data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: ([float(x) for x in v["x"]], [float(y) for y in v["y"]]) for k, v in data.items() if v.get("x")}


def method_group(method: str) -> str:
    """The calibration group of an answer's method: ``parent-of-3`` -> ``parent``, ``guess:model`` ->
    ``guess``."""
    return method.split("-")[0].split(":")[0]


#: Answers already given, by (kind, raw score, method): a resolver calibrates tens of thousands of
#: answers whose raw scores take a few hundred values. Emptied by ``forget`` and when it grows large.
_given: dict[tuple[str, float, str | None], float] = {}
GIVEN_AT_MOST = 100_000


def calibrated(kind: str, score: float, method: str | None = None) -> float:
    """``_calibrated``, remembered."""
    key = (kind, score, method)
    found = _given.get(key)
    if found is None:
        if len(_given) >= GIVEN_AT_MOST:
            _given.clear()
        found = _given[key] = _calibrated(kind, score, method)
    return found


def _calibrated(kind: str, score: float, method: str | None = None) -> float:
    """The calibrated score of a raw ``score`` for ``kind`` (``title``, ``phrase_builtin``,
    ``phrase_external``): the map of the answer's method group (``kind:group``, fitted where a
    method answered often enough: an exact name and a nearest-centroid guess of the same raw score
    are not right equally often, and sets differ most in how often each method answers), else the
    kind's map, else the raw score itself. Linear between knots, flat beyond the ends (pure Python:
    a resolver answers in microseconds)."""
    maps = _maps()
    found = maps.get(f"{kind}:{method_group(method)}") if method else None
    if found is None:
        found = maps.get(kind)
    if found is None:
        return score
    xs, ys = found
    if score <= xs[0]:
        value = ys[0]
    elif score >= xs[-1]:
        value = ys[-1]
    else:
        i = bisect.bisect_right(xs, score)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        value = y0 if x1 == x0 else y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    # Only an organizer's answer is certain: a few hundred right answers in a bin do not make 1.0.
    return round(min(CEILING, value), 3)


def forget() -> None:
    """Read the maps again on next use (after ``--fit-calibration`` wrote them; tests)."""
    _maps.cache_clear()
    _given.clear()
