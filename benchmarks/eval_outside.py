"""Reading text we did not write: titles and skill phrases from outside sources, both halves every time.

    python benchmarks/eval_outside.py [--errors tune] [--fit-calibration]

The sets (``benchmarks/data/outside/``, built once by ``build_heldout_sets.py``; docs/evaluation.md)
hold CSCO 2022 aliases, as recruitment sites write job titles, with their true code, each in a
``tune`` or a ``held`` half. Evaluating a half, the coder and the resolver are built from the CSCO
table WITHOUT that half's aliases: the set measures reading titles the table does not list.

* titles: ``OccupationCoder`` as ``code_occupations`` builds it; exact code, first three levels
  right (the code lies in the gold's minor group), coverage;
* phrases: ``SkillResolver.linked(external, builtin)`` as ``resolve_skills --taxonomy`` builds it,
  against ``csco_taxonomy`` (each occupation a skill: its name, and its aliases not held out);
* calibration: reliability table and expected calibration error (ECE, 10 equal-width bins) of
  the scores as given, on each half.

``--errors tune`` lists the wrong answers of the TUNING half (never ask for the held half's while
changing the code). ``--fit-calibration`` fits the isotonic maps on the tuning half and writes
``ml/data/calibration.json`` (then run again to see them on the held half).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml import taxonomy  # noqa: E402
from ml.calibration import CALIBRATION_FILE, expected_calibration_error, fit_isotonic, reliability  # noqa: E402
from ml.occupations import OccupationCoder, OccupationEntry, read_csco  # noqa: E402
from ml.skill_resolver import SkillResolver  # noqa: E402
from ml.text import normalize  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "outside"
CSCO = ROOT / "skills" / "data" / "csco2022.csv"
SKILLS = ROOT / "skills" / "data" / "skills.jsonl"
REGIONS = ROOT / "core" / "data" / "regions.csv"
HALVES = ("tune", "held")


def load(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def without(entries: list[OccupationEntry], aliases: set[str]) -> list[OccupationEntry]:
    return [replace(e, aliases=tuple(a for a in e.aliases if normalize(a) not in aliases)) for e in entries]


def parent_at(code: str, by_code: dict[str, OccupationEntry], depth: int) -> str | None:
    entry = by_code.get(code)
    while entry is not None and entry.level > depth:
        entry = by_code.get(entry.parent) if entry.parent else None
    return entry.code if entry else None


def external_taxonomy(entries: list[OccupationEntry]) -> list[taxonomy.TaxonomyEntry]:
    """Each occupation a skill: id the code, its name, its aliases (shared forms are dropped the way
    ``resolve_skills --taxonomy`` drops them)."""
    lines = [
        json.dumps(
            {
                "id": e.code,
                "name_zh": e.name,
                "name_en": e.code,
                "synonyms": list(e.aliases),
                "description": e.definition,
            },
            ensure_ascii=False,
        )
        for e in entries
        if e.level == 4
    ]
    found, _warnings = taxonomy.parse_lenient(lines)
    return found


def ece_line(scores: list[float], right: list[bool]) -> str:
    return f"ECE {expected_calibration_error(scores, right):.3f}"


def show_reliability(label: str, scores: list[float], right: list[bool]) -> None:
    print(f"  reliability ({label}): score bin, answers, share right")
    for low, high, n, mean_score, share in reliability(scores, right):
        if n:
            print(f"    [{low:.1f}, {high:.1f}) {n:>5}  mean score {mean_score:.3f}  right {share:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=["tune"], help="list the wrong answers of the tuning half")
    parser.add_argument("--fit-calibration", action="store_true", help="fit the isotonic maps on the tuning half")
    parser.add_argument("--curves", action="store_true", help="print the reliability tables")
    args = parser.parse_args()

    entries = read_csco(CSCO)
    by_code = {e.code: e for e in entries}
    with SKILLS.open(encoding="utf-8") as handle:
        builtin = taxonomy.parse(handle)
    with REGIONS.open(encoding="utf-8", newline="") as handle:
        places = [n for row in csv.DictReader(handle) for n in (row.get("name"), row.get("short_name")) if n]
    titles = load("csco_titles.jsonl")
    phrases = load("csco_phrases.jsonl")

    results: dict[str, dict[str, float]] = {}
    raw: dict[str, dict[str, tuple[list[float], list[bool]]]] = {"title": {}, "phrase": {}}
    calibrated_scores: dict[str, dict[str, tuple[list[float], list[bool]]]] = {"title": {}, "phrase": {}}
    for half in HALVES:
        held_aliases = {normalize(r["alias"]) for r in titles if r["half"] == half}
        table = without(entries, held_aliases)
        started = time.perf_counter()
        coder = OccupationCoder(table, skills=builtin, place_names=places)
        coder.warm_up()
        rows = [r for r in titles if r["half"] == half]
        matches = [coder.code(r["text"]) for r in rows]
        title_seconds = time.perf_counter() - started
        exact = [m.code == r["code"] for r, m in zip(rows, matches, strict=True)]
        three = [
            bool(m.code)
            and by_code[m.code].level >= 3
            and parent_at(m.code, by_code, 3) == parent_at(r["code"], by_code, 3)
            for r, m in zip(rows, matches, strict=True)
        ]
        covered = [m.code is not None for m in matches]
        scores = [m.score if m.code else 0.0 for m in matches]
        raw_scores = [(m.score if m.raw_score is None else m.raw_score) if m.code else 0.0 for m in matches]
        raw["title"][half] = (raw_scores, exact)
        calibrated_scores["title"][half] = (scores, exact)
        noisy = [i for i, r in enumerate(rows) if r["kind"] == "noisy"]

        external = external_taxonomy(table)
        started = time.perf_counter()
        resolver = SkillResolver.linked(external, builtin)
        prow = [r for r in phrases if r["half"] == half]
        pm = [resolver.resolve(r["text"]) for r in prow]
        phrase_seconds = time.perf_counter() - started
        p_right = [m.skill == r["skill"] for r, m in zip(prow, pm, strict=True)]
        p_scores = [m.score if m.skill else 0.0 for m in pm]
        raw["phrase"][half] = (
            [(m.score if m.raw_score is None else m.raw_score) if m.skill else 0.0 for m in pm],
            p_right,
        )
        calibrated_scores["phrase"][half] = (p_scores, p_right)
        results[half] = {
            "titles": len(rows),
            "exact": sum(exact) / len(rows),
            "three": sum(three) / len(rows),
            "coverage": sum(covered) / len(rows),
            "exact_noisy": sum(exact[i] for i in noisy) / max(1, len(noisy)),
            "exact_clean": sum(exact[i] for i in range(len(rows)) if i not in set(noisy))
            / max(1, len(rows) - len(noisy)),
            "title_ece": expected_calibration_error(scores, exact),
            "title_ece_raw": expected_calibration_error(raw_scores, exact),
            "phrases": len(prow),
            "phrase_acc": sum(p_right) / len(prow),
            "phrase_ece": expected_calibration_error(p_scores, p_right),
            "phrase_ece_raw": expected_calibration_error(raw["phrase"][half][0], p_right),
            "title_s": title_seconds,
            "phrase_s": phrase_seconds,
        }
        if args.errors == half:
            print(f"\nwrong titles ({half}):")
            for r, m in zip(rows, matches, strict=True):
                if m.code != r["code"]:
                    gold = by_code[r["code"]].name
                    print(f"  {r['text']!r}: gold {r['code']} {gold}, got {m.code} {m.name} {m.score:.2f} {m.method}")
            print(f"\nwrong phrases ({half}):")
            for r, m in zip(prow, pm, strict=True):
                if m.skill != r["skill"]:
                    gold = by_code[r["skill"]].name
                    print(
                        f"  {r['text']!r}: gold {r['skill']} {gold}, got {m.skill} {m.score:.2f} {m.method} "
                        f"{m.matched!r} guess {m.guess}"
                    )

    print(f"{'figure':<40}{'tune':>10}{'held':>10}{'held-tune':>11}")
    rows_out = (
        ("titles", "titles", "{:.0f}"),
        ("title coding, exact code", "exact", "{:.3f}"),
        ("  ... titles as written", "exact_clean", "{:.3f}"),
        ("  ... inside recruitment noise", "exact_noisy", "{:.3f}"),
        ("title coding, first three levels", "three", "{:.3f}"),
        ("title coding, coverage", "coverage", "{:.3f}"),
        ("title score ECE (scores as given)", "title_ece", "{:.3f}"),
        ("  ... before calibration", "title_ece_raw", "{:.3f}"),
        ("phrases", "phrases", "{:.0f}"),
        ("phrase resolution (--taxonomy)", "phrase_acc", "{:.3f}"),
        ("phrase score ECE (scores as given)", "phrase_ece", "{:.3f}"),
        ("  ... before calibration", "phrase_ece_raw", "{:.3f}"),
        ("seconds: titles (build + code)", "title_s", "{:.1f}"),
        ("seconds: phrases (build + resolve)", "phrase_s", "{:.1f}"),
    )
    for label, key, fmt in rows_out:
        a, b = results["tune"][key], results["held"][key]
        print(f"{label:<40}{fmt.format(a):>10}{fmt.format(b):>10}{b - a:>+11.3f}")
    if args.curves:
        for what in ("title", "phrase"):
            for half in HALVES:
                show_reliability(f"{what}, {half}", *calibrated_scores[what][half])

    if args.fit_calibration:
        maps = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")) if CALIBRATION_FILE.exists() else {}
        maps["title"] = fit_isotonic(*raw["title"]["tune"])
        maps["phrase_external"] = fit_isotonic(*raw["phrase"]["tune"])
        CALIBRATION_FILE.write_text(json.dumps(maps, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nfitted on the tuning half -> {CALIBRATION_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
