"""Bring the blind evaluation sets into the repository and split them ONCE into a tuning half and a
held-out half (docs/evaluation.md).

    python benchmarks/split_blind.py [--source /work/wt/blind]

The sets were written blind, by someone who never saw this project's code (their README, copied
beside them, says how). This script copies ``external_taxonomy.jsonl`` and ``README.md`` as they
are, and writes each labelled set as two files, ``NAME.tune.jsonl`` and ``NAME.held.jsonl``, into
``benchmarks/data/blind/``. Nothing is tuned on a ``held`` file: only ``eval_outside.py`` reads it,
and it prints aggregate figures only.

The split is stratified, with a fixed seed: lines are grouped by their label (job titles by the
minor group of their code, e.g. 4-01-02, so that every trade is on both sides; skill phrases by
their skill id, "no skill" being one group), each group is shuffled and dealt alternately to the
two halves, and the half that gets a group's odd line alternates from group to group. The labels
are not changed; the script only counts those that are not valid (a code not in the CSCO table, an
id not in the taxonomy) and refuses to write when there are any (a rule for them must be written
first, and applied to both halves alike).

It refuses to overwrite an existing split (``--force`` to do so: only ever before any tuning).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml.occupations import read_csco  # noqa: E402

SEED = 20261204
TARGET = ROOT / "benchmarks" / "data" / "blind"
CSCO = ROOT / "skills" / "data" / "csco2022.csv"
SETS = {"job_titles.jsonl": "code", "skill_phrases.jsonl": "skill"}


def read_lines(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def stratum(record: dict, label: str) -> str:
    value = record.get(label)
    if value is None:
        return "<none>"
    if label == "code":
        return "-".join(str(value).split("-")[:3])
    return str(value)


def split(records: list[dict], label: str, rng: random.Random) -> tuple[list[dict], list[dict]]:
    groups: dict[str, list[int]] = {}
    for number, record in enumerate(records):
        groups.setdefault(stratum(record, label), []).append(number)
    half_of: dict[int, str] = {}
    odd_goes_to = 0
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        for position, number in enumerate(members):
            side = (position + odd_goes_to) % 2
            half_of[number] = ("tune", "held")[side]
        if len(members) % 2:
            odd_goes_to = 1 - odd_goes_to
    tune = [r for n, r in enumerate(records) if half_of[n] == "tune"]
    held = [r for n, r in enumerate(records) if half_of[n] == "held"]
    return tune, held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/wt/blind"))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()

    if TARGET.exists() and any(TARGET.glob("*.held.jsonl")) and not args.force:
        raise SystemExit(f"{TARGET} already holds a split: it is made once.")
    codes = {e.code for e in read_csco(CSCO)}
    taxonomy_ids = {r["id"] for r in read_lines(args.source / "external_taxonomy.jsonl")}
    problems = 0
    loaded: dict[str, list[dict]] = {}
    for name, label in SETS.items():
        records = read_lines(args.source / name)
        valid = codes if label == "code" else taxonomy_ids
        bad = sum(1 for r in records if r.get(label) is not None and r[label] not in valid)
        missing = sum(1 for r in records if label not in r)
        print(f"{name}: {len(records)} lines, {bad} labels not valid, {missing} without a label")
        problems += bad + missing
        loaded[name] = records
    if problems:
        raise SystemExit("labels that are not valid: write a rule for them first (see the docstring)")

    TARGET.mkdir(parents=True, exist_ok=True)
    for name in ("external_taxonomy.jsonl", "README.md"):
        shutil.copyfile(args.source / name, TARGET / name)
    rng = random.Random(SEED)
    for name, label in SETS.items():
        tune, held = split(loaded[name], label, rng)
        stem = name.removesuffix(".jsonl")
        for half, records in (("tune", tune), ("held", held)):
            with (TARGET / f"{stem}.{half}.jsonl").open("w", encoding="utf-8") as out:
                for record in records:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"{name}: tune {len(tune)}, held {len(held)}")


if __name__ == "__main__":
    main()
