"""Calibration (``ml.calibration``): the reliability table, the expected calibration error, isotonic
maps fitted and applied, and the ceiling only organizers' answers pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml import calibration


def test_a_perfectly_calibrated_score_has_no_error() -> None:
    scores = [0.25] * 4 + [0.75] * 4
    right = [True, False, False, False, True, True, True, False]
    assert calibration.expected_calibration_error(scores, right) == pytest.approx(0.0)


def test_an_overconfident_score_has_the_gap_as_its_error() -> None:
    assert calibration.expected_calibration_error([0.95] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.45)


def test_the_reliability_table_counts_each_bin() -> None:
    table = calibration.reliability([0.05, 0.15, 0.15, 1.0], [False, True, False, True])
    assert [(n, share) for _low, _high, n, _mean, share in table if n] == [(1, 0.0), (2, 0.5), (1, 1.0)]


def test_a_fitted_map_turns_raw_scores_into_shares_right(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = [0.2] * 10 + [0.9] * 10
    right = [i < 2 for i in range(10)] + [i < 7 for i in range(10)]
    fitted = calibration.fit_isotonic(raw, right)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"title": fitted}), encoding="utf-8")
    monkeypatch.setattr(calibration, "CALIBRATION_FILE", path)
    calibration.forget()
    try:
        assert calibration.calibrated("title", 0.2) == pytest.approx(0.2)
        assert calibration.calibrated("title", 0.9) == pytest.approx(0.7)
        assert calibration.calibrated("title", 0.55) == pytest.approx(0.45)  # between the knots
        assert calibration.calibrated("nothing fitted", 0.83) == 0.83
    finally:
        calibration.forget()


def test_no_rule_answer_is_called_certain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"title": {"x": [0.0, 1.0], "y": [0.0, 1.0]}}), encoding="utf-8")
    monkeypatch.setattr(calibration, "CALIBRATION_FILE", path)
    calibration.forget()
    try:
        assert calibration.calibrated("title", 1.0) == calibration.CEILING
    finally:
        calibration.forget()


def test_the_committed_maps_are_increasing_and_within_bounds() -> None:
    maps = json.loads(calibration.CALIBRATION_FILE.read_text(encoding="utf-8"))
    assert {"title", "phrase_builtin", "phrase_external"} <= set(maps)
    for fitted in maps.values():
        assert fitted["x"] == sorted(fitted["x"]) and fitted["y"] == sorted(fitted["y"])
        assert all(0.0 <= y <= 1.0 for y in fitted["y"])


def test_a_method_group_with_a_map_of_its_own_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "calibration.json"
    maps = {
        "title": {"x": [0.0, 1.0], "y": [0.0, 0.5]},
        "title:model": {"x": [0.0, 1.0], "y": [0.0, 0.2]},
    }
    path.write_text(json.dumps(maps), encoding="utf-8")
    monkeypatch.setattr(calibration, "CALIBRATION_FILE", path)
    calibration.forget()
    try:
        assert calibration.calibrated("title", 0.8, "model") == pytest.approx(0.16)
        assert calibration.calibrated("title", 0.8, "exact") == pytest.approx(0.4)  # no map: the kind's
        assert calibration.calibrated("title", 0.8) == pytest.approx(0.4)
    finally:
        calibration.forget()


@pytest.mark.parametrize(
    ("method", "group"), [("exact", "exact"), ("parent-of-3", "parent"), ("guess:model", "guess"), ("model", "model")]
)
def test_methods_fall_into_groups(method: str, group: str) -> None:
    assert calibration.method_group(method) == group
