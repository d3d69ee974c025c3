"""python manage.py rank_files [--taxonomy T.jsonl] --seekers S.jsonl --postings P.jsonl --top K --out R.jsonl

Ranks every seeker's best postings with the matching engine (``ml.matching``), from files to a file
(docs/rank-files.md). Needs no database: no system checks, no model imports; it runs with
DATABASE_URL pointing nowhere, for organizers' batch work and for evaluation.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import stat
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from itertools import chain
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from ml import matching
from ml.matching import (
    SUBMIT_EVERY,
    Market,
    Posting,
    Seeker,
    _parse_postings,
    _parse_seekers,
    _posting_phrases,
    _postings_from,
    _seeker_phrases,
    _seekers_from,
    phrase_memo,
)
from ml.skill_resolver import LinkedBuild, SkillResolver
from skills.management.taxonomy_files import taxonomies

#: Processes resolving phrases (pure Python, the largest single cost on a big market).
PROCESSES = 2

#: Input size from which phrase resolution starts its worker processes before reading (small files
#: are resolved in this process; forking would cost more than it saves).
PARALLEL_FROM_BYTES = 2_000_000

#: Seekers whose output lines are built at once.
WRITE_CHUNK = 10_000

#: From this many seekers on, two processes write the output (each half of the seekers).
PARALLEL_WRITE_FROM = 20_000

#: How many flagged posting ids are named on stderr (the count is always given).
FLAGGED_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Rank each seeker's best postings (hard constraints, then the weighted score of ml.matching). "
        'Writes one JSON line per seeker, in input order: {"seeker": id, "postings": [[posting_id, score], ...]}, '
        "best first. Skill phrases are resolved with the built-in taxonomy, or with --taxonomy."
    )
    requires_system_checks: list[str] = []  # no database needed, so none of its checks either
    verbosity = 1  # 2 and up: each stage's time and the phrase workers' timings on stderr

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--taxonomy",
            dest="taxonomy_path",
            default=None,
            help="a JSON Lines taxonomy to resolve phrases with (default: the built-in one)",
        )
        parser.add_argument("--seekers", required=True, help="the seekers, JSON Lines (UTF-8)")
        parser.add_argument("--postings", required=True, help="the postings, JSON Lines (UTF-8)")
        parser.add_argument("--top", type=int, default=20, help="postings per seeker (default 20)")
        parser.add_argument("--out", dest="target", required=True, help="the JSON Lines result")

    def handle(
        self,
        *args: Any,
        taxonomy_path: str | None,
        seekers: str,
        postings: str,
        top: int,
        target: str,
        **options: Any,
    ) -> None:
        # Hundreds of thousands of long-lived objects (records, seekers, postings) and no cycles worth
        # collecting: the cyclic collector would walk them over and over (about 1.5 s on a big market).
        collecting = gc.isenabled()
        gc.disable()
        self.verbosity = options.get("verbosity", 1)
        if self.verbosity >= 2:
            matching.trace_from = time.perf_counter()
        try:
            self._rank(taxonomy_path, seekers, postings, top, target)
        finally:
            matching.trace_from = None
            if collecting:
                gc.enable()

    def _rank(self, taxonomy_path: str | None, seekers: str, postings: str, top: int, target: str) -> None:
        started = time.perf_counter()
        if top < 1:
            raise CommandError(f"--top must be at least 1, not {top}.")
        for path in (seekers, postings):
            if not Path(path).is_file():
                raise CommandError(f"Cannot read {path}: no such file.")
        out = Path(target)
        if not out.parent.is_dir():
            raise CommandError(f"Cannot write {out}: no folder {out.parent}.")
        marks: list[tuple[str, float, float]] = [("start", started, time.process_time())]

        def mark(what: str) -> float:
            now = time.perf_counter()
            marks.append((what, now, time.process_time()))
            return now

        resolver, names = self._resolver(taxonomy_path)
        with phrase_memo(resolver, processes=PROCESSES) as memo:
            if sum(Path(path).stat().st_size for path in (seekers, postings)) > PARALLEL_FROM_BYTES:
                memo.start()  # the workers load their dictionaries while the files are read
            # Both files are read before waiting for any answer: the workers resolve what was sent
            # while the parent reads on.
            parsed_seekers = self._read(Path(seekers), _parse_seekers, memo)
            parsed_postings = self._read(Path(postings), _parse_postings, memo)
            mark("files read")
            # The seekers of the first lines are made as soon as their phrases are answered, while
            # the workers resolve the rest (the answers come in the order the lines were read).
            seeker_rows: list[Seeker] = []
            if memo.running:
                for first in range(0, len(parsed_seekers), SUBMIT_EVERY):
                    part = parsed_seekers[first : first + SUBMIT_EVERY]
                    memo.answered(_seeker_phrases(part))
                    seeker_rows += _seekers_from(part, memo)
                mark("seekers made")
                memo.answered(_posting_phrases(parsed_postings))  # (every phrase was sent: none is left)
            else:
                memo.resolve_many(chain(_seeker_phrases(parsed_seekers), _posting_phrases(parsed_postings)))
            mark("phrases answered")
            if len(seeker_rows) < len(parsed_seekers):
                seeker_rows = _seekers_from(parsed_seekers, memo)
            posting_rows: list[Posting] = _postings_from(parsed_postings, memo)
            mark("seekers and postings made")
        read = mark("workers gone")
        market = Market(seeker_rows, posting_rows, skill_names=names)
        built = mark("market built")
        rows, cols, scores = market.top_rows(top)
        ranked = mark("top found")
        self._write_atomically(out, seeker_rows, posting_rows, rows, cols, scores)
        written = mark("written")
        flagged = [p.id for p in posting_rows if not p.required and not p.preferred]
        empty = len(seeker_rows) - (int(np.count_nonzero(np.diff(rows))) + 1 if len(rows) else 0)  # rows sorted
        self.stderr.write(
            f"{len(seeker_rows)} seekers, {len(posting_rows)} postings, {len(memo.memo)} distinct phrases and texts; "
            f"{empty} seekers with no feasible posting"
        )
        self.stderr.write(
            f"seconds: read {read - started - memo.seconds:.2f} (taxonomy and files), "
            f"resolve {memo.seconds:.2f} (not overlapped with reading), "
            f"market {built - read:.2f}, top {ranked - built:.2f}, write {written - ranked:.2f}, "
            f"command {written - started:.2f}"
        )
        if self.verbosity >= 2:
            self.stderr.write(
                "stages, seconds since the command started (this process's CPU time): "
                + ", ".join(f"{what} {wall - started:.2f} ({cpu:.2f})" for what, wall, cpu in marks)
            )
        if flagged:
            shown = ", ".join(json.dumps(i, ensure_ascii=False) for i in flagged[:FLAGGED_SHOWN])
            more = f" and {len(flagged) - FLAGGED_SHOWN} more" if len(flagged) > FLAGGED_SHOWN else ""
            self.stderr.write(
                f"flagged: {len(flagged)} postings with no resolvable skill, matched on their text only: {shown}{more}"
            )

    # -- the taxonomy ------------------------------------------------------------------------------

    def _resolver(self, taxonomy_path: str | None) -> tuple[_LazyResolver, dict[str, str]]:
        """The resolver (built on first use: in the first worker process when phrases are resolved
        in worker processes) and the skill names (id -> Chinese name) its ids stand for."""
        builtin, external = taxonomies(taxonomy_path, warn=self.stderr.write)
        if external is None:
            return _LazyResolver(lambda: SkillResolver(builtin)), {e.id: e.name_zh for e in builtin}
        lazy = _LazyResolver(lambda: SkillResolver.linked(external, builtin))
        lazy.linked = LinkedBuild(external, builtin)
        return lazy, {e.id: e.name_zh for e in external}

    # -- input and output --------------------------------------------------------------------------

    @staticmethod
    def _read(path: Path, parse: Any, memo: Any) -> Any:
        try:
            with path.open(encoding="utf-8-sig", newline=None) as handle:
                return parse(handle, memo)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from exc

    @staticmethod
    def _pieces(postings: list[Posting], scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What the lines are made of, formatted once (before the second writer forks): the text of
        each posting id (``[id,``) and the scores in millionths."""
        posting_ids = np.array(["[" + _json_text(p.id) + "," for p in postings] or [""], dtype=object)
        micros = np.rint(scores * 1e6).astype(np.int64)  # scores are whole millionths
        return posting_ids, micros

    @staticmethod
    def _score_texts(micros: np.ndarray) -> np.ndarray:
        """The text of each millionth that occurs in ``micros`` (``repr`` of the score, as
        ``json.dumps`` writes it), at its place: each writer makes those of its own seekers."""
        size = max(1_000_001, int(micros.max(initial=0)) + 1)
        seen = np.zeros(size, dtype=bool)
        seen[micros] = True
        present = np.flatnonzero(seen)  # (np.unique sorts: slower than this by far)
        texts = np.empty(size, dtype=object)
        texts[present] = [repr(m / 1e6) for m in present.tolist()]
        return texts

    @staticmethod
    def _lines(
        seekers: list[Seeker],
        rows: np.ndarray,
        cols: np.ndarray,
        pieces_: tuple[np.ndarray, np.ndarray],
        first: int,
        last: int,
    ) -> Iterator[str]:
        """The output of seekers ``first`` to ``last`` (exclusive), in order, as text a chunk of
        seekers at a time (bounded memory). ``rows`` is sorted (by seeker, best first); ``pieces_``
        from ``_pieces``.

        No string is made per pair: numpy puts references to the formatted pieces (and to the
        separators) in place, and a chunk is one ``join``. Same text as ``json.dumps(...,
        ensure_ascii=False)`` of each line."""
        posting_ids, micros = pieces_
        bounds = np.searchsorted(rows, np.arange(first, last + 1))
        texts = Command._score_texts(micros[bounds[0] : bounds[-1]])
        for chunk_first in range(first, last, WRITE_CHUNK):
            chunk_last = min(chunk_first + WRITE_CHUNK, last)
            here = bounds[chunk_first - first : chunk_last - first + 1]
            start, end = int(here[0]), int(here[-1])
            counts = np.diff(here)
            # Pieces per seeker: its head, then per pair "[id," score "]," (the last "]]}\n"); or
            # its head and "]}\n" when it has no pair.
            sizes = 1 + 3 * counts + (counts == 0)
            heads = np.cumsum(sizes) - sizes
            pieces = np.empty(int(sizes.sum()), dtype=object)
            pieces[heads] = [
                '{"seeker": ' + _json_text(seekers[i].id) + ', "postings": [' for i in range(chunk_first, chunk_last)
            ]
            pieces[heads[counts == 0] + 1] = "]}\n"
            if end > start:
                owner = np.repeat(np.arange(len(counts)), counts)
                at = heads[owner] + 1 + 3 * (np.arange(start, end) - here[owner])
                pieces[at] = posting_ids[cols[start:end]]
                pieces[at + 1] = texts[micros[start:end]]
                pieces[at + 2] = "],"
                pieces[heads[counts > 0] + sizes[counts > 0] - 1] = "]]}\n"
            yield "".join(pieces.tolist())

    def _write_atomically(
        self,
        target: Path,
        seekers: list[Seeker],
        postings: list[Posting],
        rows: np.ndarray,
        cols: np.ndarray,
        scores: np.ndarray,
    ) -> None:
        """Write beside the target and rename: on any error no output file is left behind, and an
        existing one is untouched. A large result is written by two processes: a forked child writes
        the second half of the seekers to a part file, appended once the first half is written."""
        try:
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror}") from exc
        part: str | None = None
        child = 0
        try:
            n = len(seekers)
            split = n // 2 if n >= PARALLEL_WRITE_FROM and hasattr(os, "fork") else n
            pieces = self._pieces(postings, scores)
            if split < n:
                part_fd, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
                child = _fork_writer(part_fd, self._lines(seekers, rows, cols, pieces, split, n))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                for chunk in self._lines(seekers, rows, cols, pieces, 0, split):
                    handle.write(chunk)
                handle.flush()
                if child:
                    _pid, status = os.waitpid(child, 0)
                    child = 0
                    if status != 0 or part is None:
                        raise CommandError(f"Cannot write {target}: the second writer process failed.")
                    with open(part, "rb") as rest:
                        shutil.copyfileobj(rest, handle.buffer, 1 << 22)
                    handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, _mode_for(target))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        finally:
            if child:
                os.kill(child, signal.SIGTERM)
                os.waitpid(child, 0)
            if part is not None:
                Path(part).unlink(missing_ok=True)


class _LazyResolver:
    """A ``SkillResolver`` made on first use (about a quarter of a second): with worker processes,
    the first worker makes it while this process reads the files, and this process never needs one."""

    def __init__(self, make: Callable[[], SkillResolver]) -> None:
        self._make = make
        self._resolver: SkillResolver | None = None
        self.linked: LinkedBuild | None = None  # the steps of a linked resolver, for two processes

    def build_in_two(self) -> LinkedBuild | None:
        """How two phrase workers share the making of a linked resolver (``ml.matching._first_worker``);
        None: the first makes it alone."""
        return self.linked

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._resolver is None:
            self._resolver = self._make()
        return getattr(self._resolver, name)


def _json_text(value: str | int) -> str:
    """``json.dumps(value, ensure_ascii=False)`` of an id, without its dispatch for a string."""
    return encode_basestring(value) if type(value) is str else json.dumps(value, ensure_ascii=False)


def _fork_writer(fd: int, chunks: Iterator[str]) -> int:
    """Fork a child writing ``chunks`` to ``fd`` (then exiting); returns its process id."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(fd)
    return pid


def _mode_for(target: Path) -> int:
    """The existing file's permissions, or what a new file gets (mkstemp makes it private)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
