"""``manage.py code_occupations``: titles in, one JSON line per title out, no database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skills.management.commands import code_occupations

ROOT = Path(__file__).resolve().parents[2]


def run(source: Path, target: Path) -> list[dict]:
    call_command("code_occupations", "--in", str(source), "--out", str(target), stderr=io.StringIO())
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_one_line_out_per_line_in_in_order(tmp_path):
    source = tmp_path / "titles.txt"
    source.write_text("电焊工（包吃住）\n\n鄂托克旗急招叉车司机\n   \n资深Java开发\n😀\n", encoding="utf-8")
    rows = run(source, tmp_path / "coded.jsonl")
    assert [r["text"] for r in rows] == ["电焊工（包吃住）", "", "鄂托克旗急招叉车司机", "   ", "资深Java开发", "😀"]
    assert [r["code"] for r in rows] == ["6-18-02-04", None, "6-30-05-01", None, "2-02-10-03", None]
    assert all(set(r) == {"text", "code", "score"} for r in rows)
    assert all(isinstance(r["score"], float) and r["score"] == round(r["score"], 3) for r in rows)
    assert rows[1]["score"] == 0.0
    # Chinese as written, not \\u escapes.
    assert "电焊工" in (tmp_path / "coded.jsonl").read_text(encoding="utf-8")


def test_a_byte_order_mark_windows_line_ends_and_bad_bytes_are_read(tmp_path):
    source = tmp_path / "titles.txt"
    source.write_bytes(
        b"\xef\xbb\xbf" + "保洁员\r\n".encode() + b"\xff\xfe\x80" + "叉车司机\r\n".encode() + "保安\x0c夜班".encode()
    )
    rows = run(source, tmp_path / "coded.jsonl")
    assert len(rows) == 3
    assert rows[0] == {"text": "保洁员", "code": "4-09-08-01", "score": rows[0]["score"]}
    assert rows[1]["text"].endswith("叉车司机") and "\ufffd" in rows[1]["text"]
    assert rows[1]["code"] == "6-30-05-01"
    assert rows[2]["text"] == "保安\x0c夜班" and rows[2]["code"] == "4-07-05-01"


def test_an_empty_file_gives_an_empty_file(tmp_path):
    source = tmp_path / "titles.txt"
    source.write_bytes(b"")
    assert run(source, tmp_path / "coded.jsonl") == []
    assert (tmp_path / "coded.jsonl").exists()


def test_standard_input_and_output(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO("叉车司机\n\n普工\n".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()
    call_command("code_occupations", "--in", "-", "--out", "-", stdout=out, stderr=io.StringIO())
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["code"] for r in rows] == ["6-30-05-01", None, "6-00-00-00"]


def test_a_missing_input_is_a_command_error_and_writes_nothing(tmp_path):
    target = tmp_path / "coded.jsonl"
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("code_occupations", "--in", str(tmp_path / "nowhere.txt"), "--out", str(target))
    assert list(tmp_path.iterdir()) == []


def test_a_failure_leaves_an_existing_output_untouched_and_no_partial_file(tmp_path, monkeypatch):
    source = tmp_path / "titles.txt"
    source.write_text("叉车司机\n保洁\n", encoding="utf-8")
    target = tmp_path / "coded.jsonl"
    target.write_text("old results\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(code_occupations.os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        call_command("code_occupations", "--in", str(source), "--out", str(target), stderr=io.StringIO())
    assert target.read_text(encoding="utf-8") == "old results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coded.jsonl", "titles.txt"]


def test_a_failure_while_coding_writes_nothing(tmp_path, monkeypatch):
    source = tmp_path / "titles.txt"
    source.write_text("叉车司机\n", encoding="utf-8")
    target = tmp_path / "coded.jsonl"

    class Broken:
        def code(self, title):
            raise RuntimeError("coder broke")

    monkeypatch.setattr(code_occupations, "build_coder", Broken)
    with pytest.raises(RuntimeError):
        call_command("code_occupations", "--in", str(source), "--out", str(target), stderr=io.StringIO())
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["titles.txt"]


def test_an_output_folder_that_does_not_exist_is_a_command_error(tmp_path):
    source = tmp_path / "titles.txt"
    source.write_text("叉车司机\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no such folder"):
        call_command("code_occupations", "--in", str(source), "--out", str(tmp_path / "no" / "coded.jsonl"))


def test_no_system_checks_and_no_database():
    assert code_occupations.Command.requires_system_checks == []


def test_it_runs_with_the_database_unreachable(tmp_path):
    """A separate process with DATABASE_URL pointing at nothing: no connection is ever made."""
    source = tmp_path / "titles.txt"
    source.write_text("电焊工（包吃住）\n\n想找个开车的活\n", encoding="utf-8")
    target = tmp_path / "coded.jsonl"
    env = {**os.environ, "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/no_such_database"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "code_occupations", "--in", str(source), "--out", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["code"] for r in rows] == ["6-18-02-04", None, "4-02-02-00"]
    assert "3 lines coded" in done.stderr
