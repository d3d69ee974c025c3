"""Learning the match weights from outcomes: which matches led to an interview or a hire.

Each outcome row is one person and one posting they applied to (or were invited to), with the parts
of its match score under the current weights (``Explanation.parts``), whether it went as far as an
interview, an offer or a hire, and when. A logistic regression on the parts says how much each part
should count; the new weight of a part is its current weight times that factor (negative factors
are clipped to nothing), the seven renormalised to add up to 1.

Nothing goes live on the strength of the data it was fitted on: the rows are split by time, the
model is fitted on the earlier ``1 - TEST_SHARE`` and both weightings are scored on the later rows
(area under the ROC curve: does a higher score mean an interview more often?). The learned weights
are proposed only when they beat the current ones there by ``MIN_GAIN``, with at least
``MIN_POSITIVES`` good outcomes to learn from and ``MIN_TEST_POSITIVES`` to judge by. Pure Python
with numpy and scikit-learn; no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from ml.matching import PARTS, Weights

TEST_SHARE = 0.3
MIN_POSITIVES = 20
MIN_TEST_POSITIVES = 5
MIN_GAIN = 0.01
#: No part falls below this weight (location must stay above 0: ``Weights``).
FLOOR = 0.01


@dataclass(frozen=True)
class OutcomeRow:
    parts: dict[str, float]
    good: bool  # reached an interview, an offer or a hire
    at: float  # when (a timestamp): the split is by time


@dataclass
class LearningReport:
    rows: int
    train: int
    test: int
    positives_train: int
    positives_test: int
    auc_current: float | None = None
    auc_learned: float | None = None
    weights: dict[str, float] = field(default_factory=dict)
    adopt: bool = False
    reason: str = ""


def _auc(y: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores))


def learn_weights(rows: Sequence[OutcomeRow], current: Weights) -> LearningReport:
    ordered = sorted(rows, key=lambda r: r.at)
    cut = round(len(ordered) * (1 - TEST_SHARE))
    train, test = ordered[:cut], ordered[cut:]
    report = LearningReport(
        rows=len(ordered),
        train=len(train),
        test=len(test),
        positives_train=sum(r.good for r in train),
        positives_test=sum(r.good for r in test),
    )
    if report.positives_train < MIN_POSITIVES or report.positives_train == len(train):
        report.reason = f"too few outcomes to learn from ({report.positives_train} good of {len(train)})"
        return report
    if report.positives_test < MIN_TEST_POSITIVES or report.positives_test == len(test):
        report.reason = f"too few later outcomes to judge by ({report.positives_test} good of {len(test)})"
        return report
    from sklearn.linear_model import LogisticRegression

    def matrix(chosen: Sequence[OutcomeRow]) -> np.ndarray:
        return np.array([[r.parts.get(p, 0.0) for p in PARTS] for r in chosen], dtype=float)

    x_train, x_test = matrix(train), matrix(test)
    y_train = np.array([r.good for r in train], dtype=int)
    y_test = np.array([r.good for r in test], dtype=int)
    model = LogisticRegression(C=1.0, max_iter=500).fit(x_train, y_train)
    factors = np.clip(model.coef_[0], 0.0, None)
    if not factors.any():
        report.reason = "no part of the score predicts a good outcome"
        return report
    proposed = np.array([getattr(current, p) for p in PARTS]) * factors
    proposed = np.maximum(proposed / proposed.sum(), FLOOR)
    proposed = proposed / proposed.sum()
    report.weights = {p: round(float(w), 4) for p, w in zip(PARTS, proposed, strict=True)}
    # The learned weighting of the same parts: each part scaled by (new weight / current weight).
    scale = proposed / np.array([max(getattr(current, p), 1e-9) for p in PARTS])
    report.auc_current = round(_auc(y_test, x_test.sum(axis=1)), 4)
    report.auc_learned = round(_auc(y_test, x_test @ scale), 4)
    report.adopt = report.auc_learned >= report.auc_current + MIN_GAIN
    report.reason = (
        "the learned weights rank the later outcomes better"
        if report.adopt
        else "the learned weights do not rank the later outcomes clearly better; the current ones stay"
    )
    return report


def weights_with(current: Weights, parts: dict[str, float]) -> Weights:
    """``current`` with the seven component weights replaced (rounded so that they add up to 1)."""
    values = {p: float(parts[p]) for p in PARTS}
    largest = max(values, key=lambda p: values[p])
    values[largest] += 1.0 - sum(values.values())
    known = {f.name for f in fields(current)}
    changes: dict[str, Any] = {k: v for k, v in values.items() if k in known}
    return replace(current, **changes)
