"""The resolve_skills management command: phrases in, one JSON line per phrase out. No database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from ml.skill_resolver import SkillResolver


def run(tmp_path: Path, lines: list[str] | bytes, *, taxonomy: list[str] | None = None) -> tuple[list[dict], str]:
    """Run the command on these input lines; return the output records and what went to stderr."""
    source = tmp_path / "phrases.txt"
    source.write_bytes(lines if isinstance(lines, bytes) else "\n".join(lines).encode("utf-8") + b"\n")
    target = tmp_path / "resolved.jsonl"
    arguments = ["--in", str(source), "--out", str(target)]
    if taxonomy is not None:
        path = tmp_path / "taxonomy.jsonl"
        path.write_text("\n".join(taxonomy) + "\n", encoding="utf-8")
        arguments += ["--taxonomy", str(path)]
    stderr = io.StringIO()
    call_command("resolve_skills", *arguments, stdout=io.StringIO(), stderr=stderr)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    return records, stderr.getvalue()


def skill(id: str, name_zh: str, name_en: str, *synonyms: str) -> str:
    return json.dumps(
        {"id": id, "name_zh": name_zh, "name_en": name_en, "synonyms": list(synonyms)}, ensure_ascii=False
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


class TestOutput:
    def test_each_input_line_gives_one_output_line_in_order(self, tmp_path):
        records, _ = run(tmp_path, ["熟练掌握电焊技术", "开叉车", "吃苦耐劳", "forklift driver"])
        # Scores are calibrated (ml/data/calibration.json): answers of these kinds were all right on
        # the evaluation set, and only an organizer's answer scores 1.0. "Not a skill" is not mapped.
        assert records == [
            {"text": "熟练掌握电焊技术", "skill": "manufacturing.arc_welding", "score": 0.99},
            {"text": "开叉车", "skill": "logistics.forklift", "score": 0.99},
            {"text": "吃苦耐劳", "skill": None, "score": 0.95},
            {"text": "forklift driver", "skill": "logistics.forklift", "score": 0.99},
        ]

    def test_an_empty_line_answers_null_and_keeps_the_order(self, tmp_path):
        records, _ = run(tmp_path, ["叉车", "", "   ", "电焊"])
        assert [(r["text"], r["skill"]) for r in records] == [
            ("叉车", "logistics.forklift"),
            ("", None),
            ("   ", None),
            ("电焊", "manufacturing.arc_welding"),
        ]

    def test_the_text_is_the_line_as_written_without_bom_or_line_ending(self, tmp_path):
        records, _ = run(tmp_path, b"\xef\xbb\xbf  \xe5\x8f\x89\xe8\xbd\xa6 (A2)\r\nlast line without newline")
        assert [r["text"] for r in records] == ["  叉车 (A2)", "last line without newline"]

    def test_a_line_that_is_not_utf8_is_decoded_with_replacement_characters(self, tmp_path):
        records, stderr = run(tmp_path, "开叉车\n".encode() + b"\xff\xfe" + "电焊\n".encode() + "保安\n".encode("gbk"))
        assert records[0]["skill"] == "logistics.forklift"
        assert records[1] == {
            "text": "\ufffd\ufffd电焊",
            "skill": "manufacturing.arc_welding",
            "score": 0.99,
        }  # calibrated: only organizers score 1.0
        assert "\ufffd" in records[2]["text"]
        assert "2 not valid UTF-8" in stderr

    def test_emoji_control_characters_and_mixed_scripts_are_answered(self, tmp_path):
        records, _ = run(tmp_path, ["会开叉车🚜", "电焊\x00工", "ᠮᠣᠩᠭᠣᠯ 会开forklift", "😀"])
        assert [r["skill"] for r in records] == [
            "logistics.forklift",
            "manufacturing.arc_welding",
            "logistics.forklift",
            None,
        ]

    def test_a_10000_character_line_is_answered(self, tmp_path):
        records, _ = run(tmp_path, ["会开叉车" + "啊" * 10_000, "电焊"])
        assert [r["skill"] for r in records] == ["logistics.forklift", "manufacturing.arc_welding"]
        assert len(records[0]["text"]) == 10_004

    def test_scores_are_rounded_to_three_places(self, tmp_path):
        records, _ = run(tmp_path, ["本人会开叉车也会电焊", "开半挂", "做实木家具"])
        assert all(round(r["score"], 3) == r["score"] for r in records)
        assert all(0.0 <= r["score"] <= 1.0 for r in records)

    def test_standard_input_and_output_can_be_used(self, monkeypatch):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("叉车\n\n电焊\n".encode()), encoding="utf-8"))
        out = io.StringIO()
        call_command("resolve_skills", "--in", "-", "--out", "-", stdout=out, stderr=io.StringIO())
        assert [json.loads(line)["skill"] for line in out.getvalue().splitlines()] == [
            "logistics.forklift",
            None,
            "manufacturing.arc_welding",
        ]


class TestProblems:
    def test_a_malformed_taxonomy_line_is_an_error_naming_the_line_and_writes_nothing(self, tmp_path):
        with pytest.raises(CommandError, match="line 2"):
            run(tmp_path, ["叉车"], taxonomy=[skill("X1", "叉车驾驶", "Forklift"), '{"id": "X2", "name_zh": '])
        assert not (tmp_path / "resolved.jsonl").exists()
        assert leftovers(tmp_path) == []

    def test_an_existing_output_file_is_untouched_when_the_taxonomy_is_bad(self, tmp_path):
        (tmp_path / "resolved.jsonl").write_text("earlier results\n", encoding="utf-8")
        with pytest.raises(CommandError, match="line 1"):
            run(tmp_path, ["叉车"], taxonomy=["not json"])
        assert (tmp_path / "resolved.jsonl").read_text(encoding="utf-8") == "earlier results\n"

    def test_a_failure_half_way_leaves_no_half_written_file(self, tmp_path, monkeypatch):
        (tmp_path / "resolved.jsonl").write_text("earlier results\n", encoding="utf-8")
        original = SkillResolver.resolve

        def failing(self, text):
            if text == "boom":
                raise RuntimeError("disk on fire")
            return original(self, text)

        monkeypatch.setattr(SkillResolver, "resolve", failing)
        with pytest.raises(RuntimeError):
            run(tmp_path, ["叉车", "电焊", "boom", "厨师"])
        assert (tmp_path / "resolved.jsonl").read_text(encoding="utf-8") == "earlier results\n"
        assert leftovers(tmp_path) == []

    def test_two_entries_claiming_the_same_synonym_are_reported_on_stderr(self, tmp_path):
        records, stderr = run(
            tmp_path,
            ["铲车", "叉车"],
            taxonomy=[skill("X1", "叉车驾驶", "Forklift", "铲车"), skill("X2", "装载机驾驶", "Loader", "铲车")],
        )
        assert "warning" in stderr
        assert "'X1' (line 1)" in stderr and "'X2' (line 2)" in stderr and "铲车" in stderr
        # Dropped from the file's forms; the built-in taxonomy, linked by name, knows 铲车 is a loader.
        assert [r["skill"] for r in records] == ["X2", "X1"]

    def test_a_missing_input_file_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("resolve_skills", "--in", str(tmp_path / "nowhere.txt"), "--out", str(tmp_path / "o.jsonl"))
        assert not (tmp_path / "o.jsonl").exists()

    def test_a_missing_taxonomy_file_is_a_command_error(self, tmp_path):
        (tmp_path / "in.txt").write_text("叉车\n", encoding="utf-8")
        with pytest.raises(CommandError, match="Cannot read"):
            call_command(
                "resolve_skills",
                "--taxonomy",
                str(tmp_path / "nowhere.jsonl"),
                "--in",
                str(tmp_path / "in.txt"),
                "--out",
                str(tmp_path / "o.jsonl"),
            )


class TestExternalTaxonomy:
    def test_built_in_colloquial_forms_still_resolve_to_the_external_ids(self, tmp_path):
        records, _ = run(
            tmp_path,
            ["开叉车", "叉车司机", "熟练掌握电焊技术", "开挖机"],
            taxonomy=[skill("X1", "叉车驾驶", "Forklift"), skill("X2", "电焊", "Welding")],
        )
        assert [r["skill"] for r in records] == ["X1", "X1", "X2", None]


class TestNoDatabase:
    def test_the_command_runs_with_a_database_that_does_not_exist(self, tmp_path):
        (tmp_path / "in.txt").write_text("开叉车\n吃苦耐劳\n", encoding="utf-8")
        environment = {
            **os.environ,
            "DATABASE_URL": "postgres://nobody:wrong@127.0.0.1:9/does_not_exist",
            "DJANGO_SETTINGS_MODULE": "web.settings",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "resolve_skills", "--in", str(tmp_path / "in.txt"), "--out", "-"],
            cwd=Path(settings.BASE_DIR),
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert [json.loads(line)["skill"] for line in result.stdout.splitlines()] == ["logistics.forklift", None]
