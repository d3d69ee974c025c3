"""python manage.py resolve_skills --in phrases.txt --out resolved.jsonl [--taxonomy T.jsonl]

Maps each line of a text file to a skill of the taxonomy (docs/resolve-skills.md). Needs no
database: no system checks, no model imports; it runs with DATABASE_URL pointing nowhere.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from ml.skill_resolver import SkillResolver
from skills.management.taxonomy_files import taxonomies

BOM = b"\xef\xbb\xbf"


class Command(BaseCommand):
    help = (
        "Resolve free-text skill phrases, one a line, to skill ids. Writes one JSON line per input line, "
        'in order: {"text", "skill": id or null, "score"}. With --taxonomy, answers with that file\'s ids '
        "(linked to the built-in taxonomy by name, so its colloquial forms still apply)."
    )
    requires_system_checks: list[str] = []  # no database needed, so none of its checks either

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--taxonomy",
            dest="taxonomy_path",
            default=None,
            help="a JSON Lines taxonomy to answer with (default: the built-in one)",
        )
        parser.add_argument("--in", dest="source", required=True, help="the phrases, one a line (UTF-8), or -")
        parser.add_argument("--out", dest="target", required=True, help="the JSON Lines result, or -")

    def handle(self, *args: Any, taxonomy_path: str | None, source: str, target: str, **options: Any) -> None:
        resolver = self._resolver(taxonomy_path)
        if source != "-" and not Path(source).is_file():
            raise CommandError(f"Cannot read {source}: no such file.")
        if target == "-":
            counts = self._write(resolver, source, self.stdout)
        else:
            counts = self._write_atomically(resolver, source, Path(target))
        lines, found, bad = counts
        self.stderr.write(
            f"{lines} lines, {found} resolved to a skill" + (f", {bad} not valid UTF-8 (bytes replaced)" if bad else "")
        )

    # -- the taxonomy ------------------------------------------------------------------------------

    def _resolver(self, taxonomy_path: str | None) -> SkillResolver:
        builtin, external = taxonomies(taxonomy_path, warn=self.stderr.write)
        return SkillResolver(builtin) if external is None else SkillResolver.linked(external, builtin)

    # -- input and output --------------------------------------------------------------------------

    def _lines(self, source: str) -> Iterator[tuple[str, bool]]:
        """Each input line as written, without its line ending: (text, was valid UTF-8)."""
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # a text stream (tests replace stdin with one)
                for number, text in enumerate(sys.stdin):
                    yield (text.removeprefix("\ufeff") if number == 0 else text).rstrip("\n").rstrip("\r"), True
                return
            yield from self._decoded(stream)
            return
        try:
            with open(source, "rb") as handle:
                yield from self._decoded(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror}") from exc

    @staticmethod
    def _decoded(handle: IO[bytes]) -> Iterator[tuple[str, bool]]:
        for number, raw in enumerate(handle):
            if number == 0 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:
                yield raw.decode("utf-8"), True
            except UnicodeDecodeError:
                yield raw.decode("utf-8", errors="replace"), False

    def _write(self, resolver: SkillResolver, source: str, out: Any) -> tuple[int, int, int]:
        lines = found = bad = 0
        for text, valid in self._lines(source):
            match = resolver.resolve(text)
            record = {"text": text, "skill": match.skill, "score": round(match.score, 3)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            lines += 1
            found += match.skill is not None
            bad += not valid
        return lines, found, bad

    def _write_atomically(self, resolver: SkillResolver, source: str, target: Path) -> tuple[int, int, int]:
        """Write beside the target and rename: on any error no output file is left behind, and an
        existing one is untouched."""
        folder = target.parent
        if not folder.is_dir():
            raise CommandError(f"Cannot write {target}: no folder {folder}.")
        try:
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror}") from exc
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                counts = self._write(resolver, source, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, _mode_for(target))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return counts


def _mode_for(target: Path) -> int:
    """The existing file's permissions, or what a new file gets (mkstemp makes it private)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
