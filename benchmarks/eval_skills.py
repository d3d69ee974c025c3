"""How well does ``ml.skill_resolver`` map messy skill phrases to the taxonomy, and how fast?

    python benchmarks/eval_skills.py [--errors] [--split dev|test|all] [--n 100000]

Reads ``benchmarks/data/skill_phrases.jsonl`` (``{"text", "skill": id or null, "kind"}``; phrases
naming several skills also carry ``"skills": [...]``) and prints the accuracy of the resolver beside
three baselines, per kind of phrase, a calibration table, and speed figures. No Django needed.

Accuracy: the answer is right when it is the gold id (or one of the gold ids), or null for a phrase
that is no skill. The set is split in two halves by a hash of the text; the resolver was tuned
looking at ``dev`` only, so ``test`` is the honest figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml import taxonomy  # noqa: E402
from ml.calibration import CALIBRATION_FILE, expected_calibration_error, fit_isotonic  # noqa: E402
from ml.skill_resolver import ACCEPT, SkillResolver  # noqa: E402
from ml.text import normalize  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "skill_phrases.jsonl"
TAXONOMY = ROOT / "skills" / "data" / "skills.jsonl"


def split_of(text: str) -> str:
    return "dev" if hashlib.md5(text.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def load() -> list[dict]:
    rows = []
    with DATA.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                row["gold"] = set(row.get("skills") or []) or {row["skill"]}
                row["split"] = split_of(row["text"])
                rows.append(row)
    return rows


def form_table(entries: list[taxonomy.TaxonomyEntry]) -> dict[str, str]:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for form in entry.forms():
            if normalize(form):
                owners[normalize(form)].add(entry.id)
    return {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}


def exact_baseline(forms: dict[str, str]) -> Callable[[str], str | None]:
    return lambda text: forms.get(normalize(text))


def rapidfuzz_baseline(forms: dict[str, str], cutoff: float = 80.0) -> Callable[[str], str | None]:
    from rapidfuzz import fuzz, process

    keys = list(forms)

    def predict(text: str) -> str | None:
        key = normalize(text)
        if not key:
            return None
        best = process.extractOne(key, keys, scorer=fuzz.WRatio, score_cutoff=cutoff)
        return forms[best[0]] if best else None

    return predict


def tfidf_baseline(forms: dict[str, str], threshold: float = 0.45) -> Callable[[str], str | None]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    keys = list(forms)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    matrix = vectorizer.fit_transform(keys)
    neighbours = NearestNeighbors(n_neighbors=1, metric="cosine").fit(matrix)

    def predict(text: str) -> str | None:
        key = normalize(text)
        if not key:
            return None
        distance, index = neighbours.kneighbors(vectorizer.transform([key]))
        similarity = 1.0 - float(distance[0][0])
        return forms[keys[int(index[0][0])]] if similarity >= threshold else None

    return predict


def accuracy(rows: list[dict], predictions: list[str | None]) -> float:
    if not rows:
        return 0.0
    return sum(p in r["gold"] for r, p in zip(rows, predictions, strict=True)) / len(rows)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the resolver's wrong answers")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all", help="which errors to list")
    parser.add_argument("--n", type=int, default=100_000, help="phrases in the throughput run")
    parser.add_argument(
        "--fit-calibration", action="store_true", help="fit the built-in taxonomy's calibration map on the dev half"
    )
    args = parser.parse_args()

    rows = load()
    with TAXONOMY.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    started = time.perf_counter()
    resolver = SkillResolver(entries)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    resolver.warm_up()
    warm_seconds = time.perf_counter() - started

    # Single phrases, each new to the resolver (nothing memoised yet).
    latencies = []
    matches = []
    for row in rows:
        started = time.perf_counter()
        matches.append(resolver.resolve(row["text"]))
        latencies.append((time.perf_counter() - started) * 1000)
    ours = [m.skill for m in matches]

    forms = form_table(entries)
    systems: dict[str, list[str | None]] = {"resolver": ours}
    for name, make in (
        ("exact lookup", exact_baseline),
        ("rapidfuzz WRatio>=80", rapidfuzz_baseline),
        ("char 1-3gram TF-IDF NN", tfidf_baseline),
    ):
        predict = make(forms)
        systems[name] = [predict(r["text"]) for r in rows]

    splits = {
        "all": rows,
        "dev": [r for r in rows if r["split"] == "dev"],
        "test": [r for r in rows if r["split"] == "test"],
    }
    print(
        f"{len(rows)} phrases ({len(splits['dev'])} dev, {len(splits['test'])} test), "
        f"{sum(r['skill'] is None for r in rows)} of them no skill; {len(entries)} skills in the taxonomy\n"
    )
    print(f"{'system':<26}{'all':>8}{'dev':>8}{'test':>8}")
    for name, predictions in systems.items():
        by_split = []
        for split in ("all", "dev", "test"):
            chosen = [(r, p) for r, p in zip(rows, predictions, strict=True) if split == "all" or r["split"] == split]
            by_split.append(accuracy([r for r, _p in chosen], [p for _r, p in chosen]))
        print(f"{name:<26}" + "".join(f"{a:>8.3f}" for a in by_split))

    print(f"\n{'kind':<14}{'n':>5}" + "".join(f"{name[:12]:>14}" for name in systems))
    kinds = sorted({r["kind"] for r in rows})
    for kind in kinds:
        chosen = [i for i, r in enumerate(rows) if r["kind"] == kind]
        line = f"{kind:<14}{len(chosen):>5}"
        for predictions in systems.values():
            line += f"{accuracy([rows[i] for i in chosen], [predictions[i] for i in chosen]):>14.3f}"
        print(line)

    multi = [(r, resolver.resolve_all(r["text"])) for r in rows if r.get("skills")]
    if multi:
        exact_sets = sum({m.skill for m in found} == r["gold"] for r, found in multi)
        recall = sum(len({m.skill for m in found} & r["gold"]) for r, found in multi) / sum(
            len(r["gold"]) for r, _f in multi
        )
        print(
            f"\nresolve_all on {len(multi)} phrases naming several skills: "
            f"exactly the gold set {exact_sets}/{len(multi)}, recall of gold skills {recall:.3f}"
        )

    print(f"\ncalibration: answers naming a skill (score >= ACCEPT = {ACCEPT}) and guesses below it, by score")
    bins = [(0.95, 1.01), (0.9, 0.95), (0.8, 0.9), (0.7, 0.8), (ACCEPT, 0.7), (0.5, ACCEPT), (0.0, 0.5)]
    for low, high in bins:
        chosen = [(r, m) for r, m in zip(rows, matches, strict=True) if (m.skill or m.guess) and low <= m.score < high]
        if chosen:
            right = sum((m.skill or m.guess) in r["gold"] for r, m in chosen)
            label = f"[{low:.2f}, {min(high, 1.0):.2f}{']' if high > 1 else ')'}"
            kind = "skills" if low >= ACCEPT else "guesses"
            print(f"  {label:<14}{len(chosen):>5} {kind:<8} {right / len(chosen):.3f} right")
    # Calibration of the scores as given (ml/data/calibration.json, "phrase_builtin": fitted on dev).
    for split in ("dev", "test"):
        chosen = [(r, m) for r, m in zip(rows, matches, strict=True) if r["split"] == split and (m.skill or m.guess)]
        given = [m.score for _r, m in chosen]
        before = [m.score if m.raw_score is None else m.raw_score for _r, m in chosen]
        right = [(m.skill or m.guess) in r["gold"] for r, m in chosen]
        print(
            f"  ECE on {split}: {expected_calibration_error(given, right):.3f} as given, "
            f"{expected_calibration_error(before, right):.3f} before calibration ({len(chosen)} answers)"
        )
    if args.fit_calibration:
        chosen = [(r, m) for r, m in zip(rows, matches, strict=True) if r["split"] == "dev" and (m.skill or m.guess)]
        maps = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")) if CALIBRATION_FILE.exists() else {}
        maps["phrase_builtin"] = fit_isotonic(
            [m.score if m.raw_score is None else m.raw_score for _r, m in chosen],
            [(m.skill or m.guess) in r["gold"] for r, m in chosen],
        )
        CALIBRATION_FILE.write_text(json.dumps(maps, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"  fitted phrase_builtin on the dev half -> {CALIBRATION_FILE}")
    accepted = [(r, m) for r, m in zip(rows, matches, strict=True) if m.skill is not None]
    precision = sum(m.skill in r["gold"] for r, m in accepted) / max(1, len(accepted))
    nulls = [(r, m) for r, m in zip(rows, matches, strict=True) if m.skill is None]
    null_right = sum(None in r["gold"] for r, _m in nulls) / max(1, len(nulls))
    soft = [(r, m) for r, m in nulls if m.method == "not_a_skill"]
    soft_right = sum(None in r["gold"] for r, _m in soft) / max(1, len(soft))
    print(
        f"  skills given: {len(accepted)}, precision {precision:.3f}; null answers: {len(nulls)}, "
        f"{null_right:.3f} right ({len(soft)} said not_a_skill, {soft_right:.3f} right)"
    )

    print("\nspeed:")
    print(
        f"  build the built-in resolver: {build_seconds * 1000:.0f} ms; "
        f"load the segmenter: {warm_seconds * 1000:.0f} ms"
    )
    print(
        f"  single new phrase: p50 {statistics.median(latencies):.2f} ms, p95 {percentile(latencies, 0.95):.2f} ms, "
        f"max {max(latencies):.1f} ms"
    )
    stream = random.Random(7).choices([r["text"] for r in rows], k=args.n)
    fresh = SkillResolver(entries)
    fresh.warm_up()
    started = time.perf_counter()
    for text in stream:
        fresh.resolve(text)
    print(f"  {args.n} phrases drawn with repeats from the set (fresh resolver): {time.perf_counter() - started:.2f} s")
    long_text = "本人吃苦耐劳，" * 1400 + "会开叉车"
    started = time.perf_counter()
    fresh.resolve(long_text)
    print(f"  a {len(long_text)}-character phrase: {(time.perf_counter() - started) * 1000:.1f} ms")

    if args.errors:
        print("\nwrong answers:")
        for row, match in zip(rows, matches, strict=True):
            if match.skill in row["gold"] or (args.split != "all" and row["split"] != args.split):
                continue
            gold = ",".join(sorted(g or "null" for g in row["gold"]))
            print(
                f"  [{row['kind']}] {row['text']!r}: gold {gold}, got {match.skill} "
                f"{match.score:.2f} {match.method} {match.matched!r} {match.guess or ''}"
            )


if __name__ == "__main__":
    main()
