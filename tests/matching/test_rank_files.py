"""The rank_files management command: seekers and postings in, one JSON line per seeker out. No
database; every bad input gets a clear error and no output file."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HOME, OTHER = "150602", "150603"


def lines(records: list[Any]) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def run(
    tmp_path: Path,
    seekers: list[Any],
    postings: list[Any],
    *extra: str,
    top: int = 20,
) -> tuple[list[dict[str, Any]], str]:
    (tmp_path / "s.jsonl").write_text(lines(seekers), encoding="utf-8")
    (tmp_path / "p.jsonl").write_text(lines(postings), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    stderr = io.StringIO()
    call_command(
        "rank_files",
        "--seekers",
        str(tmp_path / "s.jsonl"),
        "--postings",
        str(tmp_path / "p.jsonl"),
        "--top",
        str(top),
        "--out",
        str(target),
        *extra,
        stdout=io.StringIO(),
        stderr=stderr,
    )
    return [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()], stderr.getvalue()


def seeker(id: Any, skills: list[str], **more: Any) -> dict[str, Any]:
    return {
        "id": id,
        "skills": skills,
        "text": "",
        "region": HOME,
        "willing_to_relocate": False,
        "capacity": "full",
        **more,
    }


def posting(id: Any, skills: list[str], **more: Any) -> dict[str, Any]:
    return {
        "id": id,
        "title": "",
        "skills": skills,
        "text": "",
        "region": HOME,
        "cross_region": False,
        "capacity_required": "full",
        **more,
    }


def test_ranks_with_the_builtin_taxonomy(tmp_path: Path) -> None:
    records, stderr = run(
        tmp_path,
        [seeker("w", ["会开叉车"], expected_salary=5000), seeker("c", ["炒菜做饭"]), seeker(7, ["电汗"])],
        [
            posting("forklift", ["叉车司机"], title="叉车工", salary_max=6000),
            posting("cook", ["厨师"], title="厨师"),
            posting("weld", ["电焊工"], title="电焊工"),
        ],
    )
    assert [r["seeker"] for r in records] == ["w", "c", 7]
    assert records[0]["postings"][0][0] == "forklift"
    assert records[1]["postings"][0][0] == "cook"
    assert records[2]["postings"][0][0] == "weld"  # a homophone typo, resolved to welding
    scores = [s for _, s in records[0]["postings"]]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert "3 seekers, 3 postings" in stderr


def test_top_limits_the_list(tmp_path: Path) -> None:
    records, _ = run(tmp_path, [seeker(1, ["电焊"])], [posting(i, ["电焊"]) for i in range(5)], top=2)
    assert len(records[0]["postings"]) == 2


def test_constraints_hold(tmp_path: Path) -> None:
    records, _ = run(
        tmp_path,
        [
            seeker("home", ["电焊"]),
            seeker("light", ["电焊"], capacity="partial"),
            seeker("none", ["电焊"], capacity="none"),
            seeker("mover", ["电焊"], region=OTHER, willing_to_relocate=True),
        ],
        [
            posting("heavy", ["电焊"]),
            posting("light_work", ["电焊"], capacity_required="partial"),
            posting("far", ["电焊"], region=OTHER),
            posting("recruits", ["电焊"], cross_region=True),
        ],
    )
    got = {r["seeker"]: sorted(p for p, _ in r["postings"]) for r in records}
    assert got == {
        "home": ["heavy", "light_work", "recruits"],
        "light": ["light_work"],
        "none": [],
        "mover": ["far", "recruits"],
    }


def test_empty_skill_lists_are_matched_on_text(tmp_path: Path) -> None:
    records, _ = run(
        tmp_path,
        [seeker(1, [], text="想找个放羊的活"), seeker(2, [])],
        [posting("sheep", [], title="牧场放羊工"), posting("office", [], title="办公室文员")],
    )
    assert records[0]["postings"][0][0] == "sheep"
    assert {p for p, _ in records[1]["postings"]} == {"sheep", "office"}  # nothing to go on, still feasible


def test_a_posting_without_a_resolvable_skill_is_matched_on_text_and_flagged(tmp_path: Path) -> None:
    records, stderr = run(
        tmp_path,
        [seeker(1, ["驯鹰"], text="会驯鹰")],
        [posting("odd", ["驯鹰"], title="驯鹰师"), posting("office", ["会计"], title="会计")],
    )
    assert records[0]["postings"][0][0] == "odd"
    assert "flagged: 1 postings with no resolvable skill" in stderr and '"odd"' in stderr


def test_a_seeker_with_no_feasible_posting_gets_an_empty_list(tmp_path: Path) -> None:
    records, stderr = run(tmp_path, [seeker(1, ["电焊"], region=OTHER), seeker(2, ["电焊"])], [posting("p", ["电焊"])])
    assert records[0] == {"seeker": 1, "postings": []}
    assert records[1]["postings"][0][0] == "p"
    assert "1 seekers with no feasible posting" in stderr


def test_a_malformed_line_names_file_and_line_and_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match=r"p\.jsonl: line 3: not valid JSON"):
        run(tmp_path, [seeker(1, [])], [posting("a", []), posting("b", []), '{"id": "c", "skills": [}'])
    assert not target.exists()
    assert list(tmp_path.glob(".out.jsonl.*")) == []


def test_an_existing_output_is_untouched_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"s\.jsonl: line 2: unknown \"capacity\" 'tired'"):
        run(tmp_path, [seeker(1, []), seeker(2, [], capacity="tired")], [posting("a", [])])
    assert target.read_text(encoding="utf-8") == "old\n"


def test_unknown_posting_capacity(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"p\.jsonl: line 1: unknown \"capacity_required\""):
        run(tmp_path, [seeker(1, [])], [posting("a", [], capacity_required="heavy")])


def test_duplicate_ids_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"s\.jsonl: line 2: id 1 was already given on line 1"):
        run(tmp_path, [seeker(1, []), seeker(1, [])], [posting("a", [])])
    with pytest.raises(CommandError, match=r"p\.jsonl: line 2: id 'a' was already given"):
        run(tmp_path, [seeker(1, [])], [posting("a", []), posting("a", [])])


def test_top_below_one(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--top must be at least 1"):
        run(tmp_path, [seeker(1, [])], [posting("a", [])], top=0)


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "rank_files",
            "--seekers",
            str(tmp_path / "nope.jsonl"),
            "--postings",
            str(tmp_path / "nope2.jsonl"),
            "--out",
            str(tmp_path / "out.jsonl"),
            stderr=io.StringIO(),
        )
    (tmp_path / "s.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "p.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="no folder"):
        call_command(
            "rank_files",
            "--seekers",
            str(tmp_path / "s.jsonl"),
            "--postings",
            str(tmp_path / "p.jsonl"),
            "--out",
            str(tmp_path / "missing" / "out.jsonl"),
            stderr=io.StringIO(),
        )


def test_empty_files_give_an_empty_result(tmp_path: Path) -> None:
    records, _ = run(tmp_path, [], [])
    assert records == []


def test_an_external_taxonomy(tmp_path: Path) -> None:
    taxonomy = tmp_path / "t.jsonl"
    taxonomy.write_text(
        lines([{"id": "W1", "name_zh": "电焊", "name_en": "Welding", "synonyms": ["焊工"]}]), encoding="utf-8"
    )
    records, _ = run(
        tmp_path,
        [seeker(1, ["电焊"]), seeker(2, ["会计"])],
        [posting("w", ["焊工"]), posting("acc", ["会计"])],
        "--taxonomy",
        str(taxonomy),
    )
    assert records[0]["postings"][0][0] == "w"
    # 会计 is not in the external taxonomy: both sides keep it as text, and still meet.
    assert records[1]["postings"][0][0] == "acc"


def test_skills_told_in_free_text_count(tmp_path: Path) -> None:
    """A seeker who lists nothing but tells what they did; a posting that lists nothing but whose
    title names the trade: both are matched by skill, and the posting is not flagged."""
    records, stderr = run(
        tmp_path,
        [seeker(1, [], text="以前在工地干过电焊，想找附近的活")],
        [posting("cook", ["厨师"], title="厨师"), posting("weld", [], title="急招电焊工（包吃住）")],
    )
    assert records[0]["postings"][0][0] == "weld"
    assert "flagged" not in stderr


def test_a_list_in_one_field_with_a_typo(tmp_path: Path) -> None:
    records, _ = run(
        tmp_path,
        [seeker(1, ["会计，电汗"])],  # 电汗: a homophone typo of 电焊 inside a list
        [posting("cook", ["厨师"]), posting("weld", ["电焊"])],
    )
    assert records[0]["postings"][0][0] == "weld"


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "s.jsonl").write_bytes(b'{"id": 1, "text": "\xb5\xe7\xba\xb8"}\n')  # GBK, not UTF-8
    (tmp_path / "p.jsonl").write_text(lines([posting("a", [])]), encoding="utf-8")
    with pytest.raises(CommandError, match=r"s\.jsonl is not UTF-8 text"):
        call_command(
            "rank_files",
            "--seekers",
            str(tmp_path / "s.jsonl"),
            "--postings",
            str(tmp_path / "p.jsonl"),
            "--out",
            str(tmp_path / "out.jsonl"),
            stderr=io.StringIO(),
        )
    assert not (tmp_path / "out.jsonl").exists()


def test_the_parallel_paths_give_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big inputs take other paths: phrases sent to worker processes while the files are read, two
    processes writing the output. Forced on a small market, they must write the very same file as
    the plain paths (ids of both kinds, seekers without a feasible posting, scores of every size)."""
    from matching.management.commands import rank_files
    from ml import matching

    forms = ["电焊", "会开叉车", "炒菜做饭", "電銲 3年", "育婴师", "保洁", "电汗", "养羊", "修拖拉机", "会计"]
    seekers = [
        seeker(
            i if i % 3 else f"s{i}",
            [forms[i % len(forms)], forms[(i * 7) % len(forms)]],
            text="想找电焊的工作" if i % 4 == 0 else "",
            region=HOME if i % 5 else OTHER,
            capacity="none" if i % 11 == 0 else "full",
            expected_salary=3000 + 100 * i,
        )
        for i in range(60)
    ]
    postings = [
        posting(f"p{j}", [forms[(j * 3) % len(forms)]], title="急招" + forms[j % len(forms)], salary_max=2500 + 250 * j)
        for j in range(25)
    ]
    plain, _ = run(tmp_path, seekers, postings)
    expected = (tmp_path / "out.jsonl").read_bytes()
    monkeypatch.setattr(rank_files, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(rank_files, "PARALLEL_WRITE_FROM", 2)
    monkeypatch.setattr(rank_files, "WRITE_CHUNK", 7)
    monkeypatch.setattr(matching, "SUBMIT_EVERY", 9)
    monkeypatch.setattr(matching, "SUBMIT_CHUNK", 4)
    collected: list[int] = []
    answered = matching._Phrases.answered

    def counting(self: Any, phrases: Any) -> None:
        collected.append(len(self._pending))
        answered(self, phrases)

    monkeypatch.setattr(matching._Phrases, "answered", counting)
    parallel, _ = run(tmp_path, seekers, postings)
    assert collected and collected[0] > 1  # answers came from the worker processes
    assert (tmp_path / "out.jsonl").read_bytes() == expected
    assert parallel == plain and any(not r["postings"] for r in plain)
    assert list(tmp_path.glob(".out.jsonl.*")) == []


def test_the_parallel_paths_with_an_external_taxonomy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --taxonomy the two phrase workers share the linking (``LinkedBuild``) and each makes the
    resolver from the merged entries: the same file as the plain path."""
    from matching.management.commands import rank_files
    from ml import matching

    taxonomy = tmp_path / "t.jsonl"
    taxonomy.write_text(
        lines(
            [
                {"id": "W1", "name_zh": "电焊", "name_en": "Welding", "synonyms": ["焊工"]},
                {"id": "F1", "name_zh": "叉车驾驶", "name_en": "Forklift driving", "synonyms": []},
                {"id": "C1", "name_zh": "中式烹调", "name_en": "Chinese cooking", "synonyms": ["厨师"]},
            ]
        ),
        encoding="utf-8",
    )
    forms = ["电焊", "有3年电焊经验", "会开叉车", "叉车（熟练）", "厨师", "炒菜做饭", "会计", "吃苦耐劳"]
    forms.append("电汗，能吃苦")
    seekers = [seeker(i, [forms[i % len(forms)], forms[(i * 5) % len(forms)]]) for i in range(40)]
    postings = [posting(f"p{j}", [forms[(j * 2) % len(forms)]], salary_max=3000 + 200 * j) for j in range(15)]
    plain, _ = run(tmp_path, seekers, postings, "--taxonomy", str(taxonomy))
    expected = (tmp_path / "out.jsonl").read_bytes()
    monkeypatch.setattr(rank_files, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(matching, "SUBMIT_EVERY", 7)
    monkeypatch.setattr(matching, "SUBMIT_CHUNK", 3)
    from ml.skill_resolver import LinkedBuild

    reads = LinkedBuild.reads
    made = tmp_path / "reads.txt"

    def noting(self: Any, part: int) -> Any:  # (runs in the worker processes: noted in a file)
        with made.open("a", encoding="utf-8") as note:
            note.write(f"{part}\n")
        return reads(self, part)

    monkeypatch.setattr(LinkedBuild, "reads", noting)
    parallel, stderr = run(tmp_path, seekers, postings, "--taxonomy", str(taxonomy), "--verbosity", "2")
    assert sorted(made.read_text(encoding="utf-8").split()) == ["0", "1"]  # each worker made its part
    assert (tmp_path / "out.jsonl").read_bytes() == expected
    assert parallel == plain
    # (The workers' own lines go to the process's stderr, not the command's.)
    assert "stages, seconds since the command started" in stderr


def test_a_failed_second_worker_while_linking_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from matching.management.commands import rank_files
    from ml.skill_resolver import LinkedBuild

    taxonomy = tmp_path / "t.jsonl"
    welding = {"id": "W1", "name_zh": "电焊", "name_en": "Welding", "synonyms": []}
    taxonomy.write_text(lines([welding]), encoding="utf-8")
    reads = LinkedBuild.reads

    def failing(self: Any, part: int) -> Any:
        if part == 1:
            raise RuntimeError("the second worker fails")
        return reads(self, part)

    monkeypatch.setattr(LinkedBuild, "reads", failing)
    monkeypatch.setattr(rank_files, "PARALLEL_FROM_BYTES", 0)
    with pytest.raises(RuntimeError, match="worker process died"):
        run(tmp_path, [seeker(1, ["电焊"])], [posting("w", ["电焊"])], "--taxonomy", str(taxonomy))
    assert not (tmp_path / "out.jsonl").exists()


def test_phrases_are_shared_out_by_what_they_say() -> None:
    """The wrappers of one phrase go to the same phrase worker (its memos answer all but the first)."""
    from ml import matching

    phrases = ["电焊", "有5年电焊经验", "電焊", "电焊（熟练）", "电焊，能吃苦", matching._TEXT + "电焊相关"]
    parts = matching._by_worker([*phrases, "叉车", "会开叉车", "厨师", "会计"], 2)
    assert sorted(p for part in parts for p in part) == sorted([*phrases, "叉车", "会开叉车", "厨师", "会计"])
    assert any(set(phrases) <= set(part) for part in parts)
    assert any({"叉车", "会开叉车"} <= set(part) for part in parts)


def test_resolving_workers_answer_in_order_raise_and_stop() -> None:
    """The worker processes of a large run (``matching._Workers``): answers in the order asked, the
    same as resolving in this process; a failure in a worker is raised here; ``terminate`` leaves
    no process behind."""
    import os
    import time

    from ml import matching, taxonomy
    from ml.skill_resolver import SkillResolver
    from skills.reference import BUILTIN_TAXONOMY

    resolver = SkillResolver(taxonomy.parse(BUILTIN_TAXONOMY.open(encoding="utf-8")))
    chunks = [["电焊", "会开叉车", "吃苦耐劳"], ["有3年电焊经验", matching._TEXT + "想找离家近的活"], []]
    expected = [[matching._resolve_one(resolver, p) for p in chunk] for chunk in chunks]
    matching._worker_resolver = resolver
    try:
        workers = matching._Workers(2)
    finally:
        matching._worker_resolver = None
    try:
        assert workers.map(matching._resolve_chunk, chunks) == expected
        failing = workers.apply_async(matching._resolve_chunk, ([None],))  # type: ignore[list-item]
        with pytest.raises(AttributeError):
            failing.get()
        assert workers.map(matching._resolve_chunk, chunks[:1]) == expected[:1]  # still serving
    finally:
        workers.terminate()
        workers.join()
    assert not workers._first.is_alive()
    for _ in range(100):  # the second worker is reaped by init once the first is gone
        try:
            os.killpg(workers._group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("a worker process is still running")


def test_each_line_is_written_as_json_dumps_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines are put together from pieces (ids and scores formatted once), by one writer or two:
    each id and score must read as ``json.dumps(..., ensure_ascii=False)`` writes it, whatever the
    ids hold (the pairs are written without spaces, as always)."""
    from matching.management.commands import rank_files

    odd = ['s"1', "s\\2", "工人3", "s\x014", "😀6", 7, -8, "s\t9"]
    seekers = [seeker(i, ["电焊"], expected_salary=3000 + 700 * n) for n, i in enumerate(odd)]
    postings = [
        posting(p, ["电焊"], salary_max=2500 + 900 * n) for n, p in enumerate(['p"a', "p\\b", "岗位c", 4, "p\x7fe"])
    ]
    for write_from in (10_000, 2):
        monkeypatch.setattr(rank_files, "PARALLEL_WRITE_FROM", write_from)
        monkeypatch.setattr(rank_files, "WRITE_CHUNK", 4)
        result, _ = run(tmp_path, seekers, postings)
        text = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
        assert [r["seeker"] for r in result] == odd
        assert all(len(r["postings"]) == 5 for r in result)
        assert text == "".join(
            '{"seeker": '
            + json.dumps(r["seeker"], ensure_ascii=False)
            + ', "postings": '
            + json.dumps(r["postings"], ensure_ascii=False, separators=(",", ":"))
            + "}\n"
            for r in result
        )
