"""Reading text we did not write: titles and skill phrases from outside sources, both halves every time.

    python benchmarks/eval_outside.py [--set all|blind|csco] [--curves] [--errors tune]
        [--fit-calibration] [--tune-only]

Two families of sets (docs/evaluation.md), each split once into a ``tune`` and a ``held`` half:

**blind** (``benchmarks/data/blind/``, written blind by someone who never saw this code; split by
``split_blind.py``):

* job titles as real job ads write them, with their CSCO 2022 code: ``code_occupations`` as it is
  built (the full table, the built-in skills, the region names); exact code and the first three
  levels right;
* messy skill phrases labelled with the ids of an outside taxonomy (``external_taxonomy.jsonl``) or
  null (no skill of that taxonomy): ``resolve_skills --taxonomy external_taxonomy.jsonl``, i.e.
  ``SkillResolver.linked(external, builtin)``; right when the id (or null) is the label's.

**csco** (``benchmarks/data/outside/``, built once by ``build_heldout_sets.py``): CSCO 2022 aliases
as titles and as skill phrases. Evaluating a half, the coder and the resolver are built from the
table WITHOUT that half's aliases (zero-shot: reading titles the table does not list).

Calibration: reliability table (``--curves``) and expected calibration error (ECE, 10 equal-width
bins) of the scores as given, and before calibration: over titles coded (right = exact code) and
over phrases resolved to a skill (right = the labelled id).

``--errors tune`` lists the wrong answers of the TUNING halves; nothing ever prints a held half's
lines; ``--tune-only`` does not even evaluate the held halves (for working on the rules without
spending a look at the held figures). ``--fit-calibration`` fits the isotonic maps on the tuning
halves (``ml/data/calibration.json``; then run again to see them on the held halves).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml import taxonomy  # noqa: E402
from ml.calibration import (  # noqa: E402
    CALIBRATION_FILE,
    expected_calibration_error,
    fit_isotonic,
    method_group,
    reliability,
)
from ml.occupations import UNCERTAIN_BELOW, OccupationCoder, OccupationEntry, read_csco  # noqa: E402
from ml.skill_resolver import SkillResolver  # noqa: E402
from ml.text import normalize  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "outside"
BLIND = ROOT / "benchmarks" / "data" / "blind"
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


Scores = tuple[list[float], list[bool]]


class Half:
    """What one half of one set gave: figures, and (score, right) pairs for calibration."""

    def __init__(self) -> None:
        self.figures: dict[str, float] = {}
        self.raw: dict[str, Scores] = {}
        self.given: dict[str, Scores] = {}
        self.methods: dict[str, list[str]] = {}


def score_pairs(matches: list, right: list[bool], attr: str) -> tuple[Scores, Scores, list[str]]:
    """(raw scores, rights), (scores as given, rights), methods: over the answers that name something."""
    named = [(m, r) for m, r in zip(matches, right, strict=True) if getattr(m, attr)]
    raw = [m.score if m.raw_score is None else m.raw_score for m, _r in named]
    given = [m.score for m, _r in named]
    rights = [r for _m, r in named]
    return (raw, rights), (given, rights), [m.method for m, _r in named]


def code_titles(coder: OccupationCoder, rows: list[dict], by_code: dict[str, OccupationEntry], half: Half) -> list:
    matches = [coder.code(r["text"] if "text" in r else r["title"]) for r in rows]
    exact = [m.code == r["code"] for r, m in zip(rows, matches, strict=True)]
    three = [
        m.code is not None
        and bool(m.code)
        and by_code[m.code].level >= 3
        and parent_at(m.code, by_code, 3) == parent_at(r["code"], by_code, 3)
        for r, m in zip(rows, matches, strict=True)
    ]
    half.figures.update(
        titles=len(rows),
        exact=sum(exact) / len(rows),
        three=sum(three) / len(rows),
        coverage=sum(m.code is not None for m in matches) / len(rows),
    )
    review = [m.code is None or m.score < UNCERTAIN_BELOW for m in matches]
    half.figures["review_share"] = sum(review) / len(rows)
    half.figures["exact_kept"] = sum(e for e, r in zip(exact, review, strict=True) if not r) / max(
        1, len(rows) - sum(review)
    )
    half.figures["exact_review"] = sum(e for e, r in zip(exact, review, strict=True) if r) / max(1, sum(review))
    half.raw["title"], half.given["title"], half.methods["title"] = score_pairs(matches, exact, "code")
    half.figures["title_ece"] = expected_calibration_error(*half.given["title"])
    half.figures["title_ece_raw"] = expected_calibration_error(*half.raw["title"])
    return matches


#: Two folds of each half by a hash of the phrase (``fold_of``): a change made looking at one fold's
#: errors is checked on the other, inside the tuning half, without a look at the held half.
FOLDS = 2


def fold_of(text: str) -> int:
    return zlib.crc32(text.encode("utf-8")) % FOLDS


def resolve_phrases(resolver: SkillResolver, rows: list[dict], half: Half) -> list:
    matches = [resolver.resolve(r["text"]) for r in rows]
    right = [m.skill == r["skill"] for r, m in zip(rows, matches, strict=True)]
    half.figures.update(phrases=len(rows), phrase_acc=sum(right) / len(rows))
    labelled = [i for i, r in enumerate(rows) if r["skill"] is not None]
    nulls = [i for i, r in enumerate(rows) if r["skill"] is None]
    half.figures["phrase_acc_skill"] = sum(right[i] for i in labelled) / max(1, len(labelled))
    half.figures["phrase_acc_null"] = sum(right[i] for i in nulls) / max(1, len(nulls))
    half.figures["phrase_null_share"] = len(nulls) / len(rows)
    for fold in range(FOLDS):
        members = [i for i, r in enumerate(rows) if fold_of(r["text"]) == fold]
        half.figures[f"phrase_acc_fold{fold}"] = sum(right[i] for i in members) / max(1, len(members))
    half.raw["phrase"], half.given["phrase"], half.methods["phrase"] = score_pairs(matches, right, "skill")
    half.figures["phrase_ece"] = expected_calibration_error(*half.given["phrase"])
    half.figures["phrase_ece_raw"] = expected_calibration_error(*half.raw["phrase"])
    return matches


def load_builtin() -> tuple[list[OccupationEntry], list[taxonomy.TaxonomyEntry], list[str]]:
    entries = read_csco(CSCO)
    with SKILLS.open(encoding="utf-8") as handle:
        builtin = taxonomy.parse(handle)
    with REGIONS.open(encoding="utf-8", newline="") as handle:
        places = [n for row in csv.DictReader(handle) for n in (row.get("name"), row.get("short_name")) if n]
    return entries, builtin, places


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run_blind(errors: str | None, halves_wanted: tuple[str, ...] = HALVES) -> dict[str, Half]:
    """The blind sets: the coder and the resolver exactly as ``code_occupations`` and
    ``resolve_skills --taxonomy`` build them; the held half is read, never printed."""
    entries, builtin, places = load_builtin()
    by_code = {e.code: e for e in entries}
    with (BLIND / "external_taxonomy.jsonl").open(encoding="utf-8-sig") as handle:
        external, _warnings = taxonomy.parse_lenient(handle)
    started = time.perf_counter()
    coder = OccupationCoder(entries, skills=builtin, place_names=places)
    coder.warm_up()
    resolver = SkillResolver.linked(external, builtin)
    built = time.perf_counter() - started
    names = {e.id: e.name_zh for e in external}
    halves: dict[str, Half] = {}
    for name in halves_wanted:
        half = halves[name] = Half()
        titles = load_jsonl(BLIND / f"job_titles.{name}.jsonl")
        phrases = load_jsonl(BLIND / f"skill_phrases.{name}.jsonl")
        started = time.perf_counter()
        coded = code_titles(coder, titles, by_code, half)
        resolved = resolve_phrases(resolver, phrases, half)
        half.figures["seconds"] = time.perf_counter() - started + (built if name == "tune" else 0.0)
        if errors == name == "tune":
            print("\nwrong titles (blind, tune):")
            for r, m in zip(titles, coded, strict=True):
                if m.code != r["code"]:
                    mark = "~" if m.code and parent_at(m.code, by_code, 3) == parent_at(r["code"], by_code, 3) else "x"
                    print(
                        f"  {mark} {r['title']!r}: gold {r['code']} {by_code[r['code']].name}, "
                        f"got {m.code} {m.name} {m.score:.2f} {m.method}"
                    )
            print("\nwrong phrases (blind, tune):")
            for r, m in zip(phrases, resolved, strict=True):
                if m.skill != r["skill"]:
                    print(
                        f"  {fold_of(r['text'])} {r['text']!r}: "
                        f"gold {r['skill']} {names.get(r['skill'], '')}, got {m.skill} "
                        f"{names.get(m.skill or '', '')} {m.score:.2f} {m.method} {m.matched!r} guess {m.guess}"
                    )
    return halves


def run_csco(errors: str | None, halves_wanted: tuple[str, ...] = HALVES) -> dict[str, Half]:
    """The CSCO-alias sets, zero-shot: each half's aliases taken out of the table first."""
    entries, builtin, places = load_builtin()
    by_code = {e.code: e for e in entries}
    titles = load("csco_titles.jsonl")
    phrases = load("csco_phrases.jsonl")
    halves: dict[str, Half] = {}
    for name in halves_wanted:
        half = halves[name] = Half()
        held_aliases = {normalize(r["alias"]) for r in titles if r["half"] == name}
        table = without(entries, held_aliases)
        started = time.perf_counter()
        coder = OccupationCoder(table, skills=builtin, place_names=places)
        coder.warm_up()
        rows = [r for r in titles if r["half"] == name]
        matches = code_titles(coder, rows, by_code, half)
        exact = [m.code == r["code"] for r, m in zip(rows, matches, strict=True)]
        noisy = {i for i, r in enumerate(rows) if r["kind"] == "noisy"}
        half.figures["exact_noisy"] = sum(exact[i] for i in noisy) / max(1, len(noisy))
        half.figures["exact_clean"] = sum(exact[i] for i in range(len(rows)) if i not in noisy) / max(
            1, len(rows) - len(noisy)
        )
        resolver = SkillResolver.linked(external_taxonomy(table), builtin)
        prow = [r for r in phrases if r["half"] == name]
        pm = resolve_phrases(resolver, prow, half)
        half.figures["seconds"] = time.perf_counter() - started
        if errors == name == "tune":
            print(f"\nwrong titles (csco, {name}):")
            for r, m in zip(rows, matches, strict=True):
                if m.code != r["code"]:
                    gold = by_code[r["code"]].name
                    print(f"  {r['text']!r}: gold {r['code']} {gold}, got {m.code} {m.name} {m.score:.2f} {m.method}")
            print(f"\nwrong phrases (csco, {name}):")
            for r, m in zip(prow, pm, strict=True):
                if m.skill != r["skill"]:
                    gold = by_code[r["skill"]].name
                    print(
                        f"  {fold_of(r['text'])} {r['text']!r}: gold {r['skill']} {gold}, "
                        f"got {m.skill} {m.score:.2f} {m.method} "
                        f"{m.matched!r} guess {m.guess}"
                    )
    return halves


ROWS = {
    "blind": (
        ("titles", "titles", "{:.0f}"),
        ("title coding, exact code", "exact", "{:.3f}"),
        ("title coding, first three levels", "three", "{:.3f}"),
        ("title coding, coverage", "coverage", "{:.3f}"),
        ("titles sent to review (score < 0.6)", "review_share", "{:.3f}"),
        ("  exact among those not sent", "exact_kept", "{:.3f}"),
        ("  exact among those sent", "exact_review", "{:.3f}"),
        ("title score ECE (scores as given)", "title_ece", "{:.3f}"),
        ("  ... before calibration", "title_ece_raw", "{:.3f}"),
        ("phrases", "phrases", "{:.0f}"),
        ("phrase resolution (--taxonomy)", "phrase_acc", "{:.3f}"),
        ("  ... phrases labelled with a skill", "phrase_acc_skill", "{:.3f}"),
        ("  ... phrases labelled null", "phrase_acc_null", "{:.3f}"),
        ("  ... fold 0 (crc32 of the text)", "phrase_acc_fold0", "{:.3f}"),
        ("  ... fold 1", "phrase_acc_fold1", "{:.3f}"),
        ("  share labelled null", "phrase_null_share", "{:.3f}"),
        ("phrase score ECE (scores as given)", "phrase_ece", "{:.3f}"),
        ("  ... before calibration", "phrase_ece_raw", "{:.3f}"),
        ("seconds (build + code + resolve)", "seconds", "{:.1f}"),
    ),
    "csco": (
        ("titles", "titles", "{:.0f}"),
        ("title coding, exact code", "exact", "{:.3f}"),
        ("  ... titles as written", "exact_clean", "{:.3f}"),
        ("  ... inside recruitment noise", "exact_noisy", "{:.3f}"),
        ("title coding, first three levels", "three", "{:.3f}"),
        ("title coding, coverage", "coverage", "{:.3f}"),
        ("titles sent to review (score < 0.6)", "review_share", "{:.3f}"),
        ("  exact among those not sent", "exact_kept", "{:.3f}"),
        ("  exact among those sent", "exact_review", "{:.3f}"),
        ("title score ECE (scores as given)", "title_ece", "{:.3f}"),
        ("  ... before calibration", "title_ece_raw", "{:.3f}"),
        ("phrases", "phrases", "{:.0f}"),
        ("phrase resolution (--taxonomy)", "phrase_acc", "{:.3f}"),
        ("phrase score ECE (scores as given)", "phrase_ece", "{:.3f}"),
        ("  ... before calibration", "phrase_ece_raw", "{:.3f}"),
        ("seconds (build + code + resolve)", "seconds", "{:.1f}"),
    ),
}

SET_TITLES = {
    "blind": "blind sets (benchmarks/data/blind: job-ad titles, phrases against an outside taxonomy)",
    "csco": "CSCO-alias sets (benchmarks/data/outside, zero-shot: each half's aliases out of the table)",
}


def report(name: str, halves: dict[str, Half], curves: bool) -> None:
    print(f"\n{SET_TITLES[name]}")
    if "held" not in halves:
        print(f"{'figure':<40}{'tune':>10}   (held half not evaluated)")
        for label, key, fmt in ROWS[name]:
            print(f"{label:<40}{fmt.format(halves['tune'].figures[key]):>10}")
    else:
        print(f"{'figure':<40}{'tune':>10}{'held':>10}{'held-tune':>11}")
        for label, key, fmt in ROWS[name]:
            a, b = halves["tune"].figures[key], halves["held"].figures[key]
            print(f"{label:<40}{fmt.format(a):>10}{fmt.format(b):>10}{b - a:>+11.3f}")
    if curves:
        for what in ("title", "phrase"):
            for half in halves:
                show_reliability(f"{name} {what}s, {half}", *halves[half].given[what])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["all", "blind", "csco"], default="all")
    parser.add_argument("--errors", choices=["tune"], help="list the wrong answers of the tuning halves")
    parser.add_argument("--fit-calibration", action="store_true", help="fit the isotonic maps on the tuning halves")
    parser.add_argument("--curves", action="store_true", help="print the reliability tables")
    parser.add_argument(
        "--tune-only",
        action="store_true",
        help="evaluate the tuning halves only (the held halves are not even read): for working on the rules",
    )
    args = parser.parse_args()

    wanted = ("tune",) if args.tune_only else HALVES
    results: dict[str, dict[str, Half]] = {}
    if args.set in ("all", "blind"):
        results["blind"] = run_blind(args.errors, wanted)
    if args.set in ("all", "csco"):
        results["csco"] = run_csco(args.errors, wanted)
    for name, halves in results.items():
        report(name, halves, args.curves)

    if args.fit_calibration:
        if set(results) != {"blind", "csco"}:
            raise SystemExit("--fit-calibration needs --set all (the maps are fitted on every tuning half)")
        maps = fit_maps(results)
        merged = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")) if CALIBRATION_FILE.exists() else {}
        # The maps of these kinds are replaced whole (a method group may have fallen below the minimum).
        merged = {k: v for k, v in merged.items() if k.split(":")[0] not in ("title", "phrase_external")}
        merged.update(maps)
        CALIBRATION_FILE.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nfitted on the tuning halves -> {CALIBRATION_FILE.relative_to(ROOT)}")


#: A method group gets a map of its own from this many answers in the tuning halves.
MIN_PER_METHOD = 40

#: The sets whose tuning halves the maps are fitted on.
FIT_ON = ("blind",)


def fit_maps(results: dict[str, dict[str, Half]]) -> dict[str, dict[str, list[float]]]:
    """The isotonic maps, fitted on the tuning halves only (of every set in ``FIT_ON``): ``title``
    on the coder's answers, ``phrase_external`` on the resolver's with an outside taxonomy; each
    also per method group (``title:exact``, ``title:model`` ...) where that group answered at least
    ``MIN_PER_METHOD`` times."""
    maps: dict[str, dict[str, list[float]]] = {}
    for what, kind in (("title", "title"), ("phrase", "phrase_external")):
        scores: list[float] = []
        rights: list[bool] = []
        methods: list[str] = []
        for name in FIT_ON:
            tune = results[name]["tune"]
            scores += tune.raw[what][0]
            rights += tune.raw[what][1]
            methods += tune.methods[what]
        maps[kind] = fit_isotonic(scores, rights)
        groups: dict[str, list[int]] = {}
        for i, method in enumerate(methods):
            groups.setdefault(method_group(method), []).append(i)
        for group, members in sorted(groups.items()):
            if len(members) >= MIN_PER_METHOD:
                maps[f"{kind}:{group}"] = fit_isotonic([scores[i] for i in members], [rights[i] for i in members])
    return maps


if __name__ == "__main__":
    main()
