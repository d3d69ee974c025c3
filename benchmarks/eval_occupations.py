"""How well job titles are coded to CSCO 2022: the coder beside two baselines.

    python benchmarks/eval_occupations.py [--data benchmarks/data/job_titles.jsonl] [--errors]

Runs from the project root without Django. The data set is the project's own (one
``{"text", "code"}`` a line: real-looking employer titles and workers' desired-work phrases with a
gold code, a broader group where the phrase is genuinely vague). Measures:

- exact: the code is the gold code;
- group: the code lies in the gold's minor (level-3) group, or in the gold group itself when the
  gold is broader than that (a code broader than the gold's minor group does not count);
- coverage: a code was given at all;
- for the coder, how often codes above and below ``UNCERTAIN_BELOW`` are right, and speed
  (construction, first use of the lazily loaded parts, titles per second, one title p50/p95).

Baselines: exact lookup of the normalised title among names and aliases; character 1-3-gram
TF-IDF over names and aliases, top-1.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml import taxonomy  # noqa: E402
from ml.calibration import expected_calibration_error  # noqa: E402
from ml.occupations import UNCERTAIN_BELOW, OccupationCoder, OccupationEntry, read_csco  # noqa: E402
from ml.text import normalize  # noqa: E402

CSCO = ROOT / "skills" / "data" / "csco2022.csv"
SKILLS = ROOT / "skills" / "data" / "skills.jsonl"
REGIONS = ROOT / "core" / "data" / "regions.csv"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class Tree:
    def __init__(self, entries: list[OccupationEntry]) -> None:
        self.by_code = {e.code: e for e in entries}

    def level(self, code: str) -> int:
        entry = self.by_code.get(code)
        return entry.level if entry else 0

    def at_level(self, code: str, depth: int) -> str | None:
        """The code's nearest ancestor-or-self at ``depth`` or above."""
        entry = self.by_code.get(code)
        while entry is not None and entry.level > depth:
            entry = self.by_code.get(entry.parent) if entry.parent else None
        return entry.code if entry else None

    def group_match(self, predicted: str | None, gold: str) -> bool:
        if not predicted or predicted not in self.by_code:
            return False
        depth = min(3, self.level(gold))
        if self.level(predicted) < depth:
            return False
        return self.at_level(predicted, depth) == self.at_level(gold, depth)


def exact_baseline(entries: list[OccupationEntry]) -> Callable[[str], str | None]:
    table: dict[str, str] = {}
    for entry in entries:
        for text in (entry.name, *entry.aliases):
            table.setdefault(normalize(text), entry.code)
    return lambda title: table.get(normalize(title))


def tfidf_baseline(entries: list[OccupationEntry]) -> Callable[[str], str | None]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    usable = [e for e in entries if e.level >= 2]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    matrix = vectorizer.fit_transform([normalize(" ".join([e.name, *e.aliases])) for e in usable])

    def predict(title: str) -> str | None:
        query = normalize(title)
        if not query:
            return None
        sims = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
        best = int(sims.argmax())
        return usable[best].code if sims[best] > 0 else None

    return predict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "benchmarks" / "data" / "job_titles.jsonl"))
    parser.add_argument("--errors", action="store_true", help="list the coder's wrong codes")
    args = parser.parse_args()

    gold = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]

    started = time.perf_counter()
    entries = read_csco(CSCO)
    with SKILLS.open(encoding="utf-8") as handle:
        skills = taxonomy.parse(handle)
    with REGIONS.open(encoding="utf-8", newline="") as handle:
        places = [n for row in csv.DictReader(handle) for n in (row["name"], row["short_name"]) if n]
    coder = OccupationCoder(entries, skills=skills, place_names=places)
    construction = time.perf_counter() - started
    started = time.perf_counter()
    coder.warm_up()
    warm_up = time.perf_counter() - started

    tree = Tree(entries)
    unknown = [g["code"] for g in gold if g["code"] not in tree.by_code]
    if unknown:
        raise SystemExit(f"gold codes not in the table: {unknown}")

    timings: list[float] = []
    coded = []
    started = time.perf_counter()
    for item in gold:
        t0 = time.perf_counter()
        coded.append(coder.code(item["text"]))
        timings.append((time.perf_counter() - t0) * 1000)
    batch = time.perf_counter() - started

    systems: dict[str, list[str | None]] = {
        "exact lookup (names + aliases)": [exact_baseline(entries)(g["text"]) for g in gold],
        "char TF-IDF (names + aliases)": [tfidf_baseline(entries)(g["text"]) for g in gold],
        "OccupationCoder": [m.code for m in coded],
    }

    n = len(gold)
    levels = [tree.level(g["code"]) for g in gold]
    print(
        f"{n} titles ({sum(1 for lv in levels if lv == 4)} coded to an occupation, "
        f"{sum(1 for lv in levels if lv < 4)} to a broader group)\n"
    )
    print(f"{'system':34} {'exact':>8} {'group':>8} {'coverage':>9}")
    for name, predicted in systems.items():
        exact = sum(p == g["code"] for p, g in zip(predicted, gold, strict=True))
        group = sum(tree.group_match(p, g["code"]) for p, g in zip(predicted, gold, strict=True))
        covered = sum(p is not None for p in predicted)
        print(f"{name:34} {exact / n:8.1%} {group / n:8.1%} {covered / n:9.1%}")

    sure = [(m, g) for m, g in zip(coded, gold, strict=True) if m.code and m.score >= UNCERTAIN_BELOW]
    unsure = [(m, g) for m, g in zip(coded, gold, strict=True) if not m.code or m.score < UNCERTAIN_BELOW]
    print(
        f"\nscores at or above UNCERTAIN_BELOW = {UNCERTAIN_BELOW}: {len(sure)} titles, "
        f"{sum(m.code == g['code'] for m, g in sure) / max(1, len(sure)):.1%} exact, "
        f"{sum(tree.group_match(m.code, g['code']) for m, g in sure) / max(1, len(sure)):.1%} group"
    )
    print(
        f"scores below it (for review):        {len(unsure)} titles, "
        f"{sum(m.code == g['code'] for m, g in unsure) / max(1, len(unsure)):.1%} exact, "
        f"{sum(tree.group_match(m.code, g['code']) for m, g in unsure) / max(1, len(unsure)):.1%} group"
    )
    print("\ncalibration (score band: titles, exact):")
    for low, high in ((0.0, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        band = [(m, g) for m, g in zip(coded, gold, strict=True) if m.code and low <= m.score < high]
        if band:
            right = sum(m.code == g["code"] for m, g in band) / len(band)
            print(f"  {low:.1f}-{min(high, 1.0):.1f}: {len(band):4d}  {right:6.1%}")
    scored = [(m.score, m.code == g["code"]) for m, g in zip(coded, gold, strict=True) if m.code]
    print(
        f"  ECE (10 bins, titles coded, exact): "
        f"{expected_calibration_error([x for x, _r in scored], [r for _x, r in scored]):.3f}"
    )
    methods: dict[str, list[bool]] = {}
    for m, g in zip(coded, gold, strict=True):
        methods.setdefault(m.method.split("-")[0], []).append(m.code == g["code"])
    print(
        "\nby method (titles, exact): "
        + ", ".join(
            f"{k} {len(v)} {sum(v) / len(v):.0%}" for k, v in sorted(methods.items(), key=lambda kv: -len(kv[1]))
        )
    )

    print(f"\nconstruction {construction:.2f} s (reading the tables included); warm_up {warm_up:.2f} s")
    print(
        f"{n / batch:.0f} titles/s; one title p50 {percentile(timings, 0.5):.2f} ms, "
        f"p95 {percentile(timings, 0.95):.2f} ms, max {max(timings):.2f} ms"
    )

    if args.errors:
        print("\nwrong codes (text: got / gold):")
        for m, g in zip(coded, gold, strict=True):
            if m.code != g["code"]:
                mark = "~" if tree.group_match(m.code, g["code"]) else "x"
                gold_name = tree.by_code[g["code"]].name
                print(f"  {mark} {g['text']}: {m.code} {m.name} ({m.score:.2f} {m.method}) / {g['code']} {gold_name}")


if __name__ == "__main__":
    main()
