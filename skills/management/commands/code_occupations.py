"""Code a file of job titles (or desired-work phrases) to CSCO 2022, one JSON line per input line.

    python manage.py code_occupations --in titles.txt --out coded.jsonl

No database: the bundled CSCO table, the built-in skills and the region names are read from the
package, so this runs anywhere (even with DATABASE_URL pointing at nothing).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.reference import REGIONS_CSV
from ml import taxonomy
from ml.occupations import UNCERTAIN_BELOW, OccupationCoder, read_csco
from skills.reference import BUILTIN_TAXONOMY, OCCUPATIONS_CSV


def build_coder() -> OccupationCoder:
    """The coder on the bundled tables (no database)."""
    with BUILTIN_TAXONOMY.open(encoding="utf-8-sig") as handle:
        skills = taxonomy.parse(handle)
    places: list[str] = []
    if REGIONS_CSV.exists():
        with REGIONS_CSV.open(encoding="utf-8-sig", newline="") as handle:
            places = [n for row in csv.DictReader(handle) for n in (row.get("name"), row.get("short_name")) if n]
    return OccupationCoder(read_csco(OCCUPATIONS_CSV), skills=skills, place_names=places)


def _lines(raw: bytes) -> list[str]:
    """UTF-8 with or without a BOM; bytes that are not UTF-8 become U+FFFD instead of failing.

    Lines end at \n (a \r before it goes too); other control characters stay inside their line.
    """
    text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class Command(BaseCommand):
    help = (
        "Code job titles to CSCO 2022 occupations: one JSON line per input line "
        '({"text", "code", "score"}), in order; an empty line gives code null. '
        f"Scores under {UNCERTAIN_BELOW} are for an organizer to review."
    )
    # Nothing here touches the database or the models.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--in", dest="source", required=True, help="titles, one a line (UTF-8), or - for stdin")
        parser.add_argument("--out", dest="target", required=True, help="JSON Lines output, or - for stdout")

    def handle(self, *args: Any, source: str, target: str, **options: Any) -> None:
        raw = self._read(source)
        lines = _lines(raw)
        coder = build_coder()
        rows = []
        uncertain = 0
        for line in lines:
            match = coder.code(line) if line.strip() else None
            code = match.code if match else None
            score = round(match.score, 3) if match and code else 0.0
            if code is None or score < UNCERTAIN_BELOW:
                uncertain += 1 if line.strip() else 0
            rows.append(json.dumps({"text": line, "code": code, "score": score}, ensure_ascii=False) + "\n")
        if target == "-":
            # UTF-8 whatever the terminal's locale, when writing to a real stream.
            buffer = getattr(self.stdout, "buffer", None)
            if buffer is not None:
                buffer.write("".join(rows).encode("utf-8"))
                buffer.flush()
            else:
                self.stdout.write("".join(rows), ending="")
        else:
            self._write(Path(target), rows)
        self.stderr.write(f"{len(rows)} lines coded, {uncertain} uncertain (score under {UNCERTAIN_BELOW}).")

    def _read(self, source: str) -> bytes:
        if source == "-":
            stdin = getattr(sys.stdin, "buffer", None)
            return stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8")
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror or exc}") from exc

    def _write(self, target: Path, rows: list[str]) -> None:
        """Beside the target and renamed over it: a failure leaves no half-written file, and an
        existing file untouched."""
        directory = target.parent if str(target.parent) else Path(".")
        if not directory.is_dir():
            raise CommandError(f"Cannot write {target}: no such folder {directory}")
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with open(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.writelines(rows)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
