"""Learning the match weights from outcomes (``ml.outcomes``): fitted on the earlier outcomes, judged
on the later ones, proposed only when clearly better, never from too little."""

from __future__ import annotations

import random

import pytest

from ml.matching import PARTS, WEIGHTS
from ml.outcomes import MIN_POSITIVES, OutcomeRow, learn_weights, weights_with


def rows(n: int, *, telling: str | None, seed: int = 3) -> list[OutcomeRow]:
    """Outcomes where ``telling`` (a part) decides whether a match led to an interview; None: chance."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = {p: rng.random() * getattr(WEIGHTS, p) for p in PARTS}
        if telling is None:
            good = rng.random() < 0.3
        else:
            good = parts[telling] / getattr(WEIGHTS, telling) + 0.2 * rng.random() > 0.75
        out.append(OutcomeRow(parts=parts, good=good, at=float(i)))
    return out


def test_a_part_that_predicts_interviews_gains_weight_and_the_change_is_proposed() -> None:
    report = learn_weights(rows(600, telling="occupation"), WEIGHTS)
    assert report.adopt, report
    assert report.auc_learned is not None and report.auc_current is not None
    assert report.auc_learned > report.auc_current
    assert report.weights["occupation"] > WEIGHTS.occupation
    assert sum(report.weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert (report.train, report.test) == (420, 180)  # earlier to learn, later to judge


def test_noise_proposes_no_change() -> None:
    report = learn_weights(rows(600, telling=None), WEIGHTS)
    assert not report.adopt


def test_too_few_outcomes_teach_nothing() -> None:
    few = [r for r in rows(600, telling="occupation") if not r.good][:100]
    few += [r for r in rows(600, telling="occupation") if r.good][: MIN_POSITIVES - 5]
    report = learn_weights(few, WEIGHTS)
    assert not report.adopt and report.weights == {} and "too few" in report.reason


def test_learned_weights_make_valid_weights() -> None:
    report = learn_weights(rows(600, telling="salary"), WEIGHTS)
    weights = weights_with(WEIGHTS, report.weights)
    assert sum(getattr(weights, p) for p in PARTS) == pytest.approx(1.0)
    assert weights.location > 0
