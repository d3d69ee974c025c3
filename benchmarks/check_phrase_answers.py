"""Do two versions of the resolver give the same answers to every distinct phrase of a market?

    python benchmarks/check_phrase_answers.py --seekers S.jsonl --postings P.jsonl [--taxonomy T.jsonl]
        --write ANSWERS.json [--code DIR]
    python benchmarks/check_phrase_answers.py --seekers S.jsonl --postings P.jsonl [--taxonomy T.jsonl]
        --against ANSWERS.json [--code DIR]

A speed change to the resolver (memos, lazier steps, pruned loops) must not change a single answer.
This reads the two files as ``rank_files`` does, resolves each distinct phrase (skill phrases,
certificates, titles and free text, as ``rank_files`` resolves them) in this process, one at a time,
and writes the answers (phrase -> skill ids), or compares them with answers written earlier, naming
the first phrases that differ. ``--code DIR`` resolves with the code of another checkout (say the
main branch's), so one run of each gives the two sides; the CPU seconds of resolving are printed
too. Market files: ``bench_matching.py --keep DIR`` writes them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=Path, required=True)
    parser.add_argument("--postings", type=Path, required=True)
    parser.add_argument("--taxonomy", type=Path, default=None, help="an external taxonomy (default: built-in)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose resolver answers")
    parser.add_argument("--write", type=Path, default=None, help="write the answers here")
    parser.add_argument("--against", type=Path, default=None, help="compare with answers written earlier")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from ml import matching, taxonomy
    from ml.skill_resolver import SkillResolver
    from skills.reference import BUILTIN_TAXONOMY

    print(f"code: {Path(matching.__file__).resolve().parent.parent}")
    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        builtin = taxonomy.parse(handle)
    if args.taxonomy is None:
        resolver = SkillResolver(builtin)
    else:
        with args.taxonomy.open(encoding="utf-8-sig") as handle:
            external, _problems = taxonomy.parse_lenient(handle)  # as rank_files reads it
        resolver = SkillResolver.linked(external, builtin)
    resolver.warm_up()

    memo = matching.phrase_memo(resolver)  # one process: nothing is sent anywhere
    with args.seekers.open(encoding="utf-8") as handle:
        seekers = matching._parse_seekers(handle, memo)
    with args.postings.open(encoding="utf-8") as handle:
        postings = matching._parse_postings(handle, memo)
    phrases = list(dict.fromkeys([*matching._seeker_phrases(seekers), *matching._posting_phrases(postings)]))
    phrases.sort(key=matching._rough_key)  # the order a worker sees them in

    started = time.process_time()
    answers = {phrase: list(matching._resolve_one(resolver, phrase)) for phrase in phrases}
    print(f"{len(phrases):,} distinct phrases resolved in {time.process_time() - started:.2f} s of CPU")

    if args.write is not None:
        args.write.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
        print(f"answers written to {args.write}")
    if args.against is not None:
        earlier = json.loads(args.against.read_text(encoding="utf-8"))
        differ = [p for p in phrases if earlier.get(p) != answers[p]]
        missing = sorted(set(earlier) - set(answers))
        for phrase in differ[:20]:
            print(f"differs: {phrase!r}: {earlier.get(phrase)} -> {answers[phrase]}")
        print(f"{len(phrases):,} phrases compared: {len(differ):,} differ, {len(missing):,} only in {args.against}")
        if differ or missing:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
