"""Words the resolver was never given: the built-in forms a linked taxonomy borrows, hidden, then read.

    python benchmarks/eval_hidden_forms.py [--folds 5] [--show changed|wrong] [--code DIR]

``SkillResolver.linked(external, builtin)`` gives each external skill the forms of the built-in
skills linked to it (``_linked_entries``). Here the Chinese forms so borrowed (not the external
taxonomy's own names and synonyms) are dealt into ``--folds`` folds by a hash of the form; for each
fold they are taken out of the merged taxonomy, the resolver is made from what is left
(``SkillResolver.from_linked``) and each hidden form is read as a phrase. Right: the external skill
it was borrowed by. A hidden form is a wording the resolver does not know, as most held phrases
are: this measures how the reading stages that need no exact form (a form inside a longer phrase,
the words before it, homophones, edit distance, n-gram similarity, the wording model) do on words
they were not given, with no line of the blind phrase sets read at all (the external taxonomy is
the blind set's, ``benchmarks/data/blind/external_taxonomy.jsonl``).

"Wrong" here is not always wrong (a built-in skill links to one external skill, but some of its
forms would be better read as a neighbour); compare two versions of the code rather than read the
figure as an accuracy. ``--code DIR`` resolves with another checkout's code (say the main
branch's), for an A/B; ``--show changed`` then lists the forms whose answer differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def answers(root: Path, folds: int) -> dict[str, list[str | None]]:
    """Hidden form -> [the skill it was borrowed by, the answer, the method], with ``root``'s code (the
    data are always this checkout's)."""
    sys.path.insert(0, str(root))
    from ml import taxonomy
    from ml.skill_resolver import SkillResolver, _linked_entries
    from ml.taxonomy import TaxonomyEntry
    from ml.text import normalize

    with (ROOT / "skills" / "data" / "skills.jsonl").open(encoding="utf-8") as handle:
        builtin = taxonomy.parse(handle)
    with (ROOT / "benchmarks" / "data" / "blind" / "external_taxonomy.jsonl").open(encoding="utf-8-sig") as handle:
        external, _warnings = taxonomy.parse_lenient(handle)
    merged = _linked_entries(external, builtin, {})
    own = {e.id: {normalize(f) for f in e.forms()} for e in external}
    found: dict[str, list[str | None]] = {}
    for fold in range(folds):
        hidden: dict[str, str] = {}
        kept_entries = []
        for e in merged:
            kept = []
            for form in e.synonyms:
                key = normalize(form)
                borrowed = key not in own[e.id] and len(key) >= 2 and not key.isascii()
                if borrowed and zlib.crc32(key.encode("utf-8")) % folds == fold:
                    hidden[form] = e.id
                else:
                    kept.append(form)
            kept_entries.append(
                TaxonomyEntry(e.id, e.name_zh, e.name_en, tuple(kept), e.category, e.description, e.occupations)
            )
        resolver = SkillResolver.from_linked(kept_entries)
        for form, gold in hidden.items():
            match = resolver.resolve(form)
            found[form] = [gold, match.skill, match.method]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--code", type=Path, help="resolve with this checkout's code as well (A/B)")
    parser.add_argument("--show", choices=["changed", "wrong"])
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one side of an A/B
    args = parser.parse_args()
    if args.folds < 2:
        raise SystemExit("--folds must be at least 2")
    if args.json:
        json.dump(answers(Path.cwd(), args.folds), sys.stdout, ensure_ascii=False)
        return
    started = time.process_time()
    mine = answers(ROOT, args.folds)
    seconds = time.process_time() - started
    sides = {"this checkout": mine}
    if args.code is not None:
        other = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--folds", str(args.folds), "--json"],
            cwd=args.code,
            env={"PYTHONPATH": str(args.code.resolve())},
            capture_output=True,
            text=True,
            check=True,
        )
        sides[str(args.code)] = json.loads(other.stdout)
    for name, found in sides.items():
        kinds = Counter(
            "right" if skill == gold else "null" if skill is None else "wrong" for gold, skill, _m in found.values()
        )
        n = len(found)
        print(
            f"{name}: {n} hidden forms, right {kinds['right'] / n:.3f}, another skill {kinds['wrong'] / n:.3f}, "
            f"none {kinds['null'] / n:.3f}"
        )
    print(f"(this checkout: {seconds:.1f} s CPU)")
    if args.show == "wrong":
        for form, (gold, skill, method) in mine.items():
            if skill is not None and skill != gold:
                print(f"  {form}: borrowed by {gold}, read as {skill} ({method})")
    if args.show == "changed" and len(sides) == 2:
        other_found = sides[str(args.code)]
        for form, (gold, skill, method) in mine.items():
            before = other_found.get(form, [gold, None, ""])[1]
            if before != skill:
                mark = "+" if skill == gold else "-" if before == gold else "~"
                print(f"  {mark} {form}: borrowed by {gold}; {before} -> {skill} ({method})")


if __name__ == "__main__":
    main()
