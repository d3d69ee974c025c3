"""Matching job seekers and job postings: hard constraints, then one documented weighted score.

Pure Python (numpy, scipy, scikit-learn, optionally ``sparse_dot_topn``); nothing here imports
Django. The contract other code relies on is in the module's public names: ``ENGINE_VERSION``,
``Weights``/``WEIGHTS``, ``Seeker``, ``Posting``, ``Explanation``, ``infeasible_reason``, ``Market``,
``read_seekers`` and ``read_postings``. ``docs/rank-files.md`` describes the score for people.

How a pair is scored
--------------------
1. Hard constraints (``infeasible_reason``): the work capacity ("none" matches nothing, "partial"
   only light work), the location (same county, a county the seeker named, or the seeker relocates
   and the posting recruits from other regions) and the posting being open (``open_seats > 0``).
   Infeasible pairs are never scored and never appear in a result.
2. A weighted sum in [0, 1] of components each in [0, 1]; every weight is a field of ``Weights``.

Why the design is what it is
----------------------------
Every component is written as a dot product of a seeker vector and a posting vector over one
shared feature space (blocks of columns: required skills weighted by rarity, certified skills,
preferred skills, occupation prefixes, character n-gram TF-IDF, salary bins, location). The whole
score of a pair is then ONE sparse dot product, so a market is ranked by a single sparse matrix
product with top-k selection (``sparse_dot_topn`` when installed, two threads), and only over the
pairs that pass the constraints: postings are grouped by county and by the relocation pool, the
seekers who may work in each group are multiplied against it alone. ``explain`` reads the same
vectors block by block, so the parts it shows add up to the ranked score exactly.

Salary fit is not linear in the two numbers, so salaries are put in logarithmic bins
(``SALARY_STEP`` apart): a posting sets one bin, a seeker carries the fit of every bin. Location
and "unknown" cases (no salary, no occupation) are constant features, which is also what makes
every feasible pair score above zero (``Weights.location`` is never zero).
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing as mp
import os
import queue
import re
import signal
import sys
import threading
import time
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path
from typing import Any, cast

import numpy as np
import scipy.sparse as sp

from ml.relatedness import Relatedness

try:  # optional: multi-threaded sparse product keeping only the top k of each row
    from sparse_dot_topn import sp_matmul_topn as _sp_matmul_topn
except ImportError:  # pragma: no cover - the plain scipy path below gives the same results
    _sp_matmul_topn = None

#: Bump when scores change meaning; stored with every match so that stale matches can be found.
ENGINE_VERSION = "2"  # 2: related skills earn part of the credit (ml.relatedness)

#: Scores are computed in double precision: in single precision the whole-market product and the
#: one-row queries (summing in another order) disagree in the sixth decimal of about one score in
#: twenty, and results are given to six decimals.
FLOAT = np.float64

SEEKER_CAPACITIES = ("full", "partial", "none")
POSTING_CAPACITIES = ("full", "partial")

#: Salary bins: ``SALARY_BASE`` CNY a month is bin 0, each further bin is ``SALARY_STEP`` (5%) more,
#: up to ``SALARY_BINS`` bins (about 35,000 CNY; anything higher shares the last bin).
SALARY_BASE = 1000.0
SALARY_STEP = 0.05
SALARY_BINS = 74
_LOG_STEP = math.log1p(SALARY_STEP)

# Component names, in the order of the feature blocks (also the keys of ``Explanation.parts``).
PARTS = ("required", "certified", "preferred", "occupation", "text", "salary", "location")


@dataclass(frozen=True)
class Weights:
    """Every weight of the match score: the one documented place (docs/rank-files.md points here).

    The seven component weights (``required`` ... ``location``) must add up to 1, so that a score
    is in [0, 1]. The other fields shape single components and are each in [0, 1].
    """

    required: float = 0.40
    """Share of the required skills the seeker has, each skill weighted by its rarity (inverse
    document frequency over the postings: 会计 in 1 posting in 100 counts more than 普工 in every
    other one). The heart of the score: a job you cannot do is no match."""

    certified: float = 0.03
    """The same coverage counting only skills the seeker holds a certificate for: a certified
    skill counts a little more than a claimed one."""

    preferred: float = 0.07
    """Rarity-weighted share of the posting's preferred ("nice to have") skills the seeker has.
    When a posting lists preferred skills but no required ones, ``required`` is added to this."""

    occupation: float = 0.10
    """Occupation fit between the seeker's desired CSCO code and the posting's: the same code (or
    the posting inside the group the seeker named) 1, same minor group ``occupation_group``, same
    major or middle group ``occupation_related``, unknown on either side ``occupation_unknown``."""

    text: float = 0.22
    """Cosine of character 1-2-gram TF-IDF vectors over skill names, unresolved phrases and free
    text (title and description for postings). Catches what the taxonomy does not know. A posting
    with no resolved skill at all is matched on text: the skill weights are added to this one."""

    salary: float = 0.10
    """Salary fit: 1 when the posting's salary_max (else salary_min) meets the expected salary,
    falling linearly to 0 at ``salary_tolerance`` below it; ``salary_unknown`` when either is
    unknown."""

    location: float = 0.08
    """The seeker's stated location preference: 1 in the home county, ``preferred_region`` in a
    county they named, ``relocation`` elsewhere. Must be above 0 (it keeps feasible pairs above
    zero, so that they are found by the sparse product)."""

    occupation_group: float = 0.5
    """Occupation credit for the same minor group (6-30-01-xx) but another occupation."""

    occupation_related: float = 0.2
    """Occupation credit for the same major group (6-xx-xx-xx) only."""

    occupation_unknown: float = 0.3
    """Occupation credit when either side has no code: neutral, neither rewarded nor punished much."""

    salary_tolerance: float = 0.3
    """How far below the expected salary (as a share of it) the fit reaches 0."""

    salary_unknown: float = 0.5
    """Salary credit when the expected salary or the posting's salary is unknown: neutral."""

    preferred_region: float = 0.8
    """Location credit for a county the seeker named besides home."""

    relocation: float = 0.3
    """Location credit for a posting reached only because the seeker will relocate."""

    text_max_df: float = 0.1
    """Character n-grams found in more than this share of the documents (in markets of at least
    ``text_max_df_from`` documents) are dropped from the text vectors: they say little ("工", "作")
    and they make the sparse product dense, hence slow."""

    text_max_df_from: int = 2000
    """Market size (seekers + postings) from which ``text_max_df`` applies."""

    def __post_init__(self) -> None:
        total = sum(getattr(self, name) for name in PARTS)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the component weights {PARTS} must add up to 1, not {total:.4f}")
        if self.location <= 0:
            raise ValueError("Weights.location must be above 0")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "text_max_df_from" and not 0.0 <= value <= 1.0:
                raise ValueError(f"Weights.{f.name} must be in [0, 1], not {value}")


WEIGHTS = Weights()


@dataclass(frozen=True)
class Seeker:
    id: str | int
    skills: tuple[str, ...] = ()
    certified: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()
    text: str = ""
    region: str = ""
    regions: tuple[str, ...] = ()
    willing_to_relocate: bool = False
    capacity: str = "full"
    expected_salary: int | None = None
    occupation: str = ""
    occupation_from_skills: bool = False  # the occupation was read from their skills, not stated


@dataclass(frozen=True)
class Posting:
    id: str | int
    title: str = ""
    required: tuple[str, ...] = ()
    preferred: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    text: str = ""
    region: str = ""
    cross_region: bool = False
    capacity_required: str = "full"
    salary_min: int | None = None
    salary_max: int | None = None
    occupation: str = ""
    open_seats: int = 1


@dataclass(frozen=True)
class Explanation:
    """Facts only; the Django layer words them (translated)."""

    matched_required: tuple[str, ...]
    missing_required: tuple[str, ...]
    matched_preferred: tuple[str, ...]
    location: str  # "same_region" | "preferred_region" | "relocation"
    capacity: str  # see ``capacity_fact``
    salary: str  # "meets" | "below" | "unknown"
    salary_gap: int  # expected - salary_max when below, else 0
    occupation: str  # "same" | "group" | "related" | "none" | "unknown"
    text_similarity: float
    no_resolved_skills: bool
    parts: dict[str, float] = field(default_factory=dict)
    # Required skills the seeker lacks but holds a related one: (required, held, closeness).
    related_required: tuple[tuple[str, str, float], ...] = ()
    occupation_from_skills: bool = False  # ``occupation`` compares the trade of their skills


# --- constraints ----------------------------------------------------------------------------------


def check_seeker(seeker: Seeker) -> None:
    """Refuse a seeker the engine cannot read (an unknown work capacity), naming it."""
    if seeker.capacity not in SEEKER_CAPACITIES:
        raise ValueError(f"seeker {seeker.id!r}: unknown capacity {seeker.capacity!r} (one of {SEEKER_CAPACITIES})")


def check_posting(posting: Posting) -> None:
    """Refuse a posting the engine cannot read (an unknown physical demand), naming it."""
    if posting.capacity_required not in POSTING_CAPACITIES:
        raise ValueError(
            f"posting {posting.id!r}: unknown capacity_required {posting.capacity_required!r} "
            f"(one of {POSTING_CAPACITIES})"
        )


def _location(seeker: Seeker, posting: Posting) -> str | None:
    if posting.region and posting.region == seeker.region:
        return "same_region"
    if posting.region and posting.region in seeker.regions:
        return "preferred_region"
    if seeker.willing_to_relocate and posting.cross_region:
        return "relocation"
    return None


def capacity_fact(seeker: Seeker, posting: Posting) -> str:
    """What may truthfully be said about physical demand: "light_work_ok" (light work, and the
    seeker has partial capacity: it suits them), "light_work" (light work; the seeker has full
    capacity, so nothing is said about theirs) or "full_capacity" (the job needs full capacity)."""
    if posting.capacity_required == "partial":
        return "light_work_ok" if seeker.capacity == "partial" else "light_work"
    return "full_capacity"


def infeasible_reason(seeker: Seeker, posting: Posting) -> str | None:
    """None when the hard constraints pass; else "capacity" | "location" | "closed".

    Checked in that order: a closed posting is "closed" whatever else; capacity before location,
    because no move makes heavy work light. Unknown capacity values raise ValueError.
    """
    check_seeker(seeker)
    check_posting(posting)
    if posting.open_seats <= 0:
        return "closed"
    if seeker.capacity == "none" or (seeker.capacity == "partial" and posting.capacity_required != "partial"):
        return "capacity"
    if _location(seeker, posting) is None:
        return "location"
    return None


def feasible_location(seeker: Seeker, posting: Posting) -> str | None:
    """The pair's location fact (``_location``) when the hard constraints allow it, None when
    ``infeasible_reason`` names a reason: both answers in one pass, for a caller that stores many
    pairs and checked each row once (``check_seeker``, ``check_posting``)."""
    if posting.open_seats <= 0:
        return None
    if seeker.capacity == "none" or (seeker.capacity == "partial" and posting.capacity_required != "partial"):
        return None
    return _location(seeker, posting)


# --- occupation codes -----------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _code_parts(code: str) -> tuple[str, ...]:
    """ "6-30-01-03" -> ("6", "30", "01", "03"); trailing zero parts are a group: "6-30-00-00" ->
    ("6", "30"); "6-30" -> ("6", "30")."""
    parts = [p.strip() for p in (code or "").strip().split("-")]
    while parts and not parts[-1].strip("0"):
        parts.pop()
    return tuple(parts)


def _occupation_fit(seeker_code: str, posting_code: str) -> str:
    s, p = _code_parts(seeker_code), _code_parts(posting_code)
    if not s or not p:
        return "unknown"
    common = 0
    for a, b in zip(s, p, strict=False):
        if a != b:
            break
        common += 1
    if common >= len(s):  # same code, or the posting sits inside the group the seeker named
        return "same"
    if common >= 3:
        return "group"
    if common >= 1:
        return "related"
    return "none"


# --- salary ---------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _salary_bin(amount: float) -> int:
    if amount <= SALARY_BASE:
        return 0
    return min(SALARY_BINS - 1, int(math.log(amount / SALARY_BASE) / _LOG_STEP))


def posting_salary(posting: Posting) -> int | None:
    """The pay compared with what people expect: the posting's maximum, else its minimum; None when
    it states none."""
    value = posting.salary_max if posting.salary_max is not None else posting.salary_min
    return value if value is not None and value > 0 else None


def _salary_fit_by_gap(gap_bins: np.ndarray, weights: Weights) -> np.ndarray:
    """Fit for (posting bin - seeker bin): 1 at or above, linear to 0 at ``salary_tolerance`` below."""
    ramp = max(1.0, -math.log1p(-min(weights.salary_tolerance, 0.95)) / _LOG_STEP)
    return np.clip(1.0 + gap_bins / ramp, 0.0, 1.0)


# --- the feature space ----------------------------------------------------------------------------


# --- text ----------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"(?:[^\w\u0300-\u036f\u1800-\u18af]|_)+")
_t2s_lock = threading.Lock()
_t2s_table: dict[int, str] | None = None


def _t2s() -> dict[int, str]:
    """Traditional -> simplified, character by character (OpenCC's character table). ``ml.text``
    converts whole phrases with OpenCC, which is right for comparing skill forms but about 50 µs a
    string; for n-gram similarity over a whole market a character table is enough and instant."""
    global _t2s_table
    if _t2s_table is None:
        with _t2s_lock:
            table: dict[int, str] = {}
            try:
                import opencc

                path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
                with path.open(encoding="utf-8") as handle:
                    for line in handle:
                        source, _tab, target = line.rstrip("\n").partition("\t")
                        first = target.split(" ")[0]
                        if len(source) == 1 and first and first != source:
                            table[ord(source)] = first
            except (ImportError, OSError):  # no table: traditional text is compared as written
                pass
            _t2s_table = table
    return _t2s_table


def _grams(piece: str) -> list[str]:
    """Character unigrams and bigrams of each word of a normalised piece of text (NFKC, case
    folded, simplified characters; punctuation and spaces separate words). Characters suit Chinese,
    where words are not delimited and people write the same skill in many word orders."""
    folded = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", piece).casefold().translate(_t2s()))
    grams: list[str] = []
    for word in folded.split():
        grams.extend(word)
        grams.extend(word[i : i + 2] for i in range(len(word) - 1))
    return grams


class _TextModel:
    """TF-IDF over character 1-2-grams of documents given as lists of pieces (skill names, phrases,
    free text). Each distinct piece is analysed once and a document is the sum of its pieces: a
    market repeats the same few thousand pieces hundreds of thousands of times. Sublinear term
    frequency, smoothed IDF over every document of the market, L2-normalised rows."""

    def __init__(self, documents: Sequence[Sequence[str]], max_df: float) -> None:
        self.pieces: dict[str, int] = {}
        self.vocabulary: dict[str, int] = {}
        counts = self._counts(documents, grow=True)
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1]) if counts.nnz else np.zeros(counts.shape[1])
        keep = df <= max(1.0, max_df * n)
        # Columns kept, renumbered; the dropped ones map to -1.
        self.column = np.full(counts.shape[1], -1, dtype=np.int64)
        self.column[keep] = np.arange(int(keep.sum()))
        self.idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(FLOAT)
        self.width = int(keep.sum())
        self.fitted = self._weigh(counts)
        self._piece_columns: dict[str, list[int]] = {}

    def _counts(self, documents: Sequence[Sequence[str]], *, grow: bool) -> sp.csr_matrix:
        """Documents x grams raw counts (grams unknown to the vocabulary are dropped unless ``grow``)."""
        # Pieces numbered in the order they first appear (empty ones skipped), without a Python
        # loop per piece: a market has hundreds of thousands of them.
        table = self.pieces if grow else {}
        first = len(table)
        flat = list(chain.from_iterable(documents))
        new_pieces = [piece for piece in dict.fromkeys(flat) if piece and piece not in table]
        table.update(zip(new_pieces, range(first, first + len(new_pieces)), strict=True))
        piece_rows = np.fromiter(map(table.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        present = piece_rows >= 0
        per_doc = np.bincount(np.repeat(np.arange(len(documents)), lengths)[present], minlength=len(documents))
        incidence = sp.csr_matrix(
            (np.ones(int(present.sum()), dtype=FLOAT), piece_rows[present], np.r_[0, np.cumsum(per_doc)]),
            shape=(len(documents), len(new_pieces)),
        )
        indptr = [0]
        indices: list[int] = []
        for piece in new_pieces:
            for gram in _grams(piece):
                j = self.vocabulary.get(gram)
                if j is None and grow:
                    j = self.vocabulary[gram] = len(self.vocabulary)
                if j is not None:
                    indices.append(j)
            indptr.append(len(indices))
        grams = sp.csr_matrix(
            (np.ones(len(indices), dtype=FLOAT), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(new_pieces), len(self.vocabulary)),
        )
        grams.sum_duplicates()
        return (incidence @ grams).tocsr()

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = counts.tocoo()
        columns = self.column[counts.col]
        keep = columns >= 0
        tf = 1.0 + np.log(counts.data[keep])
        matrix = sp.csr_matrix(
            (tf * self.idf[columns[keep]], (counts.row[keep], columns[keep])),
            shape=(counts.shape[0], self.width),
            dtype=FLOAT,
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        # Each row times the inverse of its norm, as the product with a diagonal matrix gives it
        # (that product stores each row's entries last column first: kept, since the top-k product
        # adds a row's entries in their stored order).
        matrix.sort_indices()
        matrix.data *= np.repeat((1.0 / norms).astype(FLOAT), np.diff(matrix.indptr))
        return _rows_of(matrix, np.arange(matrix.shape[0]), backwards=True)

    def piece_columns(self, piece: str) -> list[int]:
        """The kept columns of a piece's grams, one entry per occurrence (memoised)."""
        found = self._piece_columns.get(piece)
        if found is None:
            vocabulary, column = self.vocabulary, self.column
            found = [int(column[j]) for j in (vocabulary.get(g) for g in _grams(piece)) if j is not None]
            found = [j for j in found if j >= 0]
            if len(self._piece_columns) < 100_000:
                self._piece_columns[piece] = found
        return found

    def row(self, document: Sequence[str]) -> dict[int, float]:
        """One document's TF-IDF row as {column: value}, without building a matrix (the one-row
        queries of ``Market`` need it in microseconds; same values as ``transform``)."""
        counts: dict[int, int] = {}
        for piece in document:
            if piece:
                for j in self.piece_columns(piece):
                    counts[j] = counts.get(j, 0) + 1
        values = {j: (1.0 + math.log(c)) * float(self.idf[j]) for j, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        return {j: v / norm for j, v in values.items()}

    def transform(self, documents: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Rows for documents outside the market (a new seeker or posting), with the market's
        vocabulary and IDF."""
        return self._weigh(self._counts(documents, grow=False))


def _skill_label(skill: str, names: Mapping[str, str]) -> str:
    """A skill as text: its name, or its id made readable when no name is known."""
    return names.get(skill) or skill.replace(".", " ").replace("_", " ")


class _Labels(dict[str, str]):
    """Skill id -> its label as text, made on first use (a plain dict lookup after that, so that
    ``map(labels.__getitem__, ...)`` reads a market's documents without a Python call per skill)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, skill: str) -> str:
        label = self[skill] = _skill_label(skill, self.names)
        return label


class _Space:
    """The shared feature space: column blocks and what is fitted on the market (rarity of skills,
    the n-gram vocabulary and its IDF, counties, occupation prefixes)."""

    def __init__(
        self,
        seekers: Sequence[Seeker],
        postings: Sequence[Posting],
        weights: Weights,
        skill_names: Mapping[str, str],
        relatedness: Relatedness | None = None,
    ) -> None:
        self.weights = weights
        self.relatedness = relatedness
        self.skill_names = dict(skill_names)
        self._labels = _Labels(self.skill_names)
        skills: set[str] = set()
        df: dict[str, int] = {}
        for p in postings:
            for k in set(p.required) | set(p.preferred):
                df[k] = df.get(k, 0) + 1
            skills.update(p.required, p.preferred)
        skills.update(chain.from_iterable([s.skills for s in seekers]))
        self.skills = {k: i for i, k in enumerate(sorted(skills))}
        n = len(postings)
        # Smoothed IDF; a skill no posting asks for gets the highest value.
        self.idf = {s: math.log((1 + n) / (1 + df.get(s, 0))) + 1.0 for s in self.skills}
        self._top_idf = math.log(1 + n) + 1.0  # what a skill no posting asks for gets
        codes: set[str] = set()
        for code in {s.occupation for s in seekers} | {p.occupation for p in postings}:
            parts = _code_parts(code)
            codes.update("-".join(parts[:i]) for i in range(1, len(parts) + 1))
        self.codes = {c: i for i, c in enumerate(sorted(codes))}
        counties = {s.region for s in seekers} | {r for s in seekers for r in s.regions} | {p.region for p in postings}
        counties.discard("")
        self.counties = {c: i for i, c in enumerate(sorted(counties))}
        # Text: character 1-2-grams, IDF over both sides.
        documents = [self.seeker_document(s) for s in seekers] + [self.posting_document(p) for p in postings]
        max_df = weights.text_max_df if len(documents) >= weights.text_max_df_from else 1.0
        self.text = _TextModel(documents, max_df)
        self._fitted_seekers = self.text.fitted[: len(seekers)]
        self._fitted_postings = self.text.fitted[len(seekers) :]
        self._market = (seekers, postings)
        # Blocks of columns.
        n_skills = len(self.skills)
        sizes: dict[str, int] = {
            "required": n_skills,
            "certified": n_skills,
            "preferred": n_skills,
            "occupation": len(self.codes) + 2,  # codes, "seeker has none", "posting has none"
            "text": self.text.width,
            "salary": SALARY_BINS + 1,  # bins, "posting has none"
            "location": len(self.counties) + 1,  # counties, "any feasible pair"
        }
        self.offsets: dict[str, tuple[int, int]] = {}
        start = 0
        for name in PARTS:
            self.offsets[name] = (start, start + sizes[name])
            start += sizes[name]
        self.width = start

    # -- documents ------------------------------------------------------------------------------

    def _label(self, skill: str) -> str:
        return self._labels[skill]

    def seeker_document(self, s: Seeker) -> list[str]:
        return [*map(self._labels.__getitem__, s.skills), *s.phrases, s.text]

    def posting_document(self, p: Posting) -> list[str]:
        return [p.title, *map(self._labels.__getitem__, dict.fromkeys([*p.required, *p.preferred])), *p.phrases, p.text]

    def seeker_text(self, seekers: Sequence[Seeker]) -> sp.csr_matrix:
        if seekers is self._market[0]:
            return self._fitted_seekers
        return self.text.transform([self.seeker_document(s) for s in seekers])

    def posting_text(self, postings: Sequence[Posting]) -> sp.csr_matrix:
        if postings is self._market[1]:
            return self._fitted_postings
        return self.text.transform([self.posting_document(p) for p in postings])

    # -- the two sides ----------------------------------------------------------------------------

    def _skill_block(self, rows: list[list[tuple[str, float]]]) -> sp.csr_matrix:
        """A (len(rows) x number of skills) matrix from (skill id, value) lists; unknown ids dropped."""
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for row in rows:
            for skill, value in row:
                j = self.skills.get(skill)
                if j is not None and value:
                    indices.append(j)
                    data.append(value)
            indptr.append(len(indices))
        return _csr(data, indices, indptr, (len(rows), len(self.skills)))

    def _binary_block(self, lists: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """1 where a row has the skill (ids the market does not know are dropped; repeats count once)."""
        index = self.skills
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        columns = np.fromiter(
            map(index.get, chain.from_iterable(lists), repeat(-1)), dtype=np.int64, count=int(lengths.sum())
        )
        rows = np.repeat(np.arange(len(lists)), lengths)
        known = columns >= 0
        matrix = sp.csr_matrix(
            (np.ones(int(known.sum()), dtype=FLOAT), (rows[known], columns[known])),
            shape=(len(lists), len(index)),
        )
        matrix.data[:] = 1.0  # a repeated id was summed
        return matrix

    def _occupation_block(self, codes: list[str], seeker_side: bool) -> sp.csr_matrix:
        """Occupation prefixes: a seeker carries on each prefix of its code the step of credit that
        prefix adds, so that the prefixes shared with a posting's code add up to the credit; a posting
        carries 1 on each prefix. Two extra columns: "the seeker has no code" (every posting carries
        it, the seeker the neutral credit) and "the posting has no code" (the other way round)."""
        w = self.weights
        width = len(self.codes) + 2
        number: dict[str, int] = {}  # each distinct code's row in the table of entries
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for code in dict.fromkeys(codes):
            parts = _code_parts(code)
            cols: dict[int, float] = {}
            if seeker_side:
                if parts:
                    depth = len(parts)

                    def credit(level: int, depth: int = depth) -> float:
                        if level >= depth:
                            return 1.0
                        return w.occupation_group if level >= 3 else w.occupation_related if level >= 1 else 0.0

                    for level in range(1, depth + 1):
                        step = credit(level) - credit(level - 1)
                        j = self.codes.get("-".join(parts[:level]))
                        if step and j is not None:
                            cols[j] = step
                    cols[width - 1] = w.occupation_unknown
                else:
                    cols[width - 2] = w.occupation_unknown
            else:
                for level in range(1, len(parts) + 1):
                    j = self.codes.get("-".join(parts[:level]))
                    if j is not None:
                        cols[j] = 1.0
                if not parts:
                    cols[width - 1] = 1.0
                cols[width - 2] = 1.0
            keys = sorted(cols)
            number[code] = len(number)
            indices.extend(keys)
            data.extend(cols[k] for k in keys)
            indptr.append(len(indices))
        table = _csr(data, indices, indptr, (len(number), width))
        picks = np.fromiter(map(number.__getitem__, codes), dtype=np.int64, count=len(codes))
        return _rows_of(table, picks)

    def _salary_table(self) -> sp.csr_matrix:
        """Row b (a seeker's bin; the last row: no expected salary) -> the fit of every posting bin
        (last column: the posting gives no salary)."""
        w = self.weights
        table = np.full((SALARY_BINS + 1, SALARY_BINS + 1), w.salary_unknown, dtype=np.float64)
        bins = np.arange(SALARY_BINS, dtype=np.float64)
        for b in range(SALARY_BINS):
            table[b, :SALARY_BINS] = _salary_fit_by_gap(bins - b, w)
        return sp.csr_matrix(table.astype(FLOAT))

    def seeker_matrix(self, seekers: Sequence[Seeker]) -> sp.csr_matrix:
        """Seekers as rows of the feature space; the weights sit on the posting side, except for the
        shapes of the occupation, salary and location credits (functions of the seeker)."""
        w = self.weights
        if self.relatedness is not None and len(self.relatedness):
            # A related skill earns part of the credit (瓦斯抽采 for 瓦斯检查): its closeness.
            has = self._skill_block([list(self.relatedness.credit(s.skills).items()) for s in seekers])
        else:
            has = self._binary_block([s.skills for s in seekers])
        certified = self._binary_block(
            [[k for k in s.skills if k in s.certified] if s.certified else () for s in seekers]
        )
        occupation = self._occupation_block([s.occupation for s in seekers], seeker_side=True)
        text = self.seeker_text(seekers)
        bins = np.array(
            [
                _salary_bin(s.expected_salary) if s.expected_salary and s.expected_salary > 0 else SALARY_BINS
                for s in seekers
            ],
            dtype=np.int64,
        )
        salary = self._salary_rows(bins, w.salary)
        location = self._location_block(seekers)
        blocks = [has, certified, has, occupation * w.occupation, text, salary, location * w.location]
        return sp.hstack(blocks, format="csr", dtype=FLOAT)

    def _salary_rows(self, bins: np.ndarray, weight: float) -> sp.csr_matrix:
        """Row i: the salary table's row ``bins[i]`` (the fit of every posting bin) times ``weight``,
        copied: the product of one-hot rows with the table, without the product. Each row's entries are stored
        last column first, the order scipy's product leaves them in, because the order of a row's
        entries is the order the top-k product adds them up in (so the scores stay the same to the
        last bit)."""
        table = self._salary_table() * weight
        table.sort_indices()
        return _rows_of(table, bins, backwards=True)

    def _location_block(self, seekers: Sequence[Seeker]) -> sp.csr_matrix:
        """Location credit shapes: every seeker the relocation base on the "any feasible pair"
        column, plus the step up to a county they named and to their home county."""
        w = self.weights
        base = w.relocation
        n = len(seekers)
        counties = self.counties
        any_column = len(counties)
        # ("" is never a county: no region reads as none)
        home = np.fromiter(map(counties.get, [s.region for s in seekers], repeat(-1)), dtype=np.int64, count=n)
        rows = [np.arange(n), np.flatnonzero(home >= 0)]
        cols = [np.full(n, any_column, dtype=np.int64), home[home >= 0]]
        vals = [np.full(n, base, dtype=FLOAT), np.full(len(rows[1]), 1.0 - base, dtype=FLOAT)]
        named_rows: list[int] = []  # (few seekers name further counties)
        named_cols: list[int] = []
        for i, s in enumerate(seekers):
            if s.regions:
                for county in dict.fromkeys(s.regions):
                    j = counties.get(county)
                    if j is not None and county != s.region:
                        named_rows.append(i)
                        named_cols.append(j)
        rows.append(np.asarray(named_rows, dtype=np.int64))
        cols.append(np.asarray(named_cols, dtype=np.int64))
        vals.append(np.full(len(named_rows), w.preferred_region - base, dtype=FLOAT))
        return sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, any_column + 1)
        )

    def posting_weights(self, p: Posting) -> tuple[dict[str, float], float, bool]:
        """Per-posting weights of the skill blocks and the text block, moving the weight of skill
        blocks the posting cannot use (no required / no preferred skill) to where it can count."""
        w = self.weights
        required = list(dict.fromkeys(p.required))
        preferred = [k for k in dict.fromkeys(p.preferred) if k not in set(required)]
        no_skills = not required and not preferred
        blocks = {"required": w.required, "certified": w.certified, "preferred": w.preferred}
        text = w.text
        if no_skills:
            text += w.required + w.certified + w.preferred
            blocks = {"required": 0.0, "certified": 0.0, "preferred": 0.0}
        elif not required:
            blocks = {"required": 0.0, "certified": 0.0, "preferred": w.preferred + w.required + w.certified}
        elif not preferred:
            blocks["required"] += w.preferred
            blocks["preferred"] = 0.0
        return blocks, text, no_skills

    def _rarity(self, skills: list[str], weight: float) -> list[tuple[str, float]]:
        """Each skill's share of ``weight`` in proportion to its rarity. A skill the market does not
        know (a new posting's) gets the highest rarity: it counts in the total, nobody has it."""
        if not skills or not weight:
            return []
        idf = self.idf
        top = self._top_idf
        values = [idf.get(k, top) for k in skills]
        scale = weight / sum(values)
        return [(k, v * scale) for k, v in zip(skills, values, strict=True)]

    def posting_sparse_row(self, p: Posting) -> tuple[np.ndarray, np.ndarray]:
        """The posting's skill, occupation-code and text features as (columns, values): the part of
        its row that only some seekers share (``Market.seekers_for`` adds location, salary and the
        "no code" cases from per-seeker arrays). Same values as ``posting_matrix``."""
        blocks, text_weight, _ = self.posting_weights(p)
        required = list(dict.fromkeys(p.required))
        preferred = [k for k in dict.fromkeys(p.preferred) if k not in set(required)]
        cols: dict[int, float] = {}
        for name, skills in (("required", required), ("certified", required), ("preferred", preferred)):
            start = self.offsets[name][0]
            for k, v in self._rarity(skills, blocks[name]):
                j = self.skills.get(k)
                if j is not None:
                    cols[start + j] = v
        parts = _code_parts(p.occupation)
        start = self.offsets["occupation"][0]
        for level in range(1, len(parts) + 1):
            j = self.codes.get("-".join(parts[:level]))
            if j is not None:
                cols[start + j] = 1.0
        start = self.offsets["text"][0]
        for j, v in self.text.row(self.posting_document(p)).items():
            cols[start + j] = v * text_weight
        keys = sorted(cols)
        return np.asarray(keys, dtype=np.int64), np.asarray([cols[k] for k in keys], dtype=np.float64)

    def posting_matrix(self, postings: Sequence[Posting]) -> sp.csr_matrix:
        n = len(postings)
        required_rows, certified_rows, preferred_rows, text_weights = [], [], [], []
        for p in postings:
            blocks, text_weight, _ = self.posting_weights(p)
            required = list(dict.fromkeys(p.required))
            preferred = [k for k in dict.fromkeys(p.preferred) if k not in set(required)]
            required_rows.append(self._rarity(required, blocks["required"]))
            certified_rows.append(self._rarity(required, blocks["certified"]))
            preferred_rows.append(self._rarity(preferred, blocks["preferred"]))
            text_weights.append(text_weight)
        occupation = self._occupation_block([p.occupation for p in postings], seeker_side=False)
        text = sp.diags(np.asarray(text_weights, dtype=FLOAT)) @ self.posting_text(postings)
        salaries = [posting_salary(p) for p in postings]
        bins = np.array([SALARY_BINS if s is None else _salary_bin(s) for s in salaries], dtype=np.int64)
        salary = _onehot(bins, SALARY_BINS + 1)
        county = np.array([self.counties.get(p.region, -1) if p.region else -1 for p in postings], dtype=np.int64)
        rows = np.r_[np.arange(n), np.flatnonzero(county >= 0)]
        cols = np.r_[np.full(n, len(self.counties)), county[county >= 0]]
        location = sp.csr_matrix((np.ones(len(rows), dtype=FLOAT), (rows, cols)), shape=(n, len(self.counties) + 1))
        matrices = [
            self._skill_block(required_rows),
            self._skill_block(certified_rows),
            self._skill_block(preferred_rows),
            occupation,
            text,
            salary,
            location,
        ]
        return sp.hstack(matrices, format="csr", dtype=FLOAT)


def _csr(data: list[float], indices: list[int], indptr: list[int], shape: tuple[int, int]) -> sp.csr_matrix:
    return sp.csr_matrix(
        (np.asarray(data, dtype=FLOAT), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=shape,
    )


def _with_rows(matrix: sp.csr_matrix, rows: np.ndarray, vectors: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` with its rows ``rows`` (distinct) replaced by the rows of ``vectors`` in that order
    (same width), exactly, in one copy of the matrix."""
    order = np.argsort(rows, kind="stable")
    rows, vectors = rows[order], vectors.tocsr()[order]
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    keep_from = np.r_[0, ends]  # the matrix's entries kept: [keep_from[k], keep_to[k]) before row k's vector
    keep_to = np.r_[starts, matrix.indptr[-1]]
    pieces_data, pieces_indices = [], []
    for k in range(len(rows) + 1):
        pieces_data.append(matrix.data[keep_from[k] : keep_to[k]])
        pieces_indices.append(matrix.indices[keep_from[k] : keep_to[k]])
        if k < len(rows):
            lo, hi = vectors.indptr[k], vectors.indptr[k + 1]
            pieces_data.append(vectors.data[lo:hi].astype(matrix.dtype))
            pieces_indices.append(vectors.indices[lo:hi].astype(matrix.indices.dtype))
    lengths = np.diff(matrix.indptr)
    lengths[rows] = np.diff(vectors.indptr)
    indptr = np.zeros_like(matrix.indptr)
    np.cumsum(lengths, out=indptr[1:])
    return sp.csr_matrix((np.concatenate(pieces_data), np.concatenate(pieces_indices), indptr), shape=matrix.shape)


class _Rows:
    """One side's row-major matrix, with the rows put into it since it was last made whole kept
    beside it (as the column-major copies keep their changed rows, ``Market._stale``): putting a
    row into the matrix itself copies the whole matrix (63 MB at 50,000 seekers), which in a
    process's first rounds cost 100-200 ms, most of the first refresh after other workers changed a
    few rows. A reader of some rows (``rows``, ``[]``) gets the rows kept beside it in their place;
    the whole matrix (``whole``) is made, with one copy, only when something reads all of it, or
    when more than ``KEPT`` rows are kept. The values are the same either way, byte for byte."""

    #: Rows kept beside the matrix before it is made whole again (each read of rows pays for them).
    KEPT = 256

    def __init__(self, matrix: sp.csr_matrix) -> None:
        self._whole = matrix
        self._put: dict[int, sp.csr_matrix] = {}  # row -> its one-row vector, in the matrix's dtypes
        self.shape: tuple[int, int] = matrix.shape  # rows added beside it counted

    @property
    def whole(self) -> sp.csr_matrix:
        if self._put:
            self._merge()
        return self._whole

    def put(self, rows: Sequence[int], vectors: sp.csr_matrix) -> None:
        """Row ``rows[k]`` becomes the k-th row of ``vectors`` (same width); a row past the end is
        added (rows added in order, without gaps)."""
        if not len(rows):
            return
        vectors = vectors.tocsr()
        whole = self._whole
        # A new dict, swapped in whole: a reader in another thread iterates the one it took.
        put = dict(self._put)
        for k, row in enumerate(rows):
            lo, hi = vectors.indptr[k], vectors.indptr[k + 1]
            put[int(row)] = sp.csr_matrix(
                (
                    vectors.data[lo:hi].astype(whole.dtype),
                    vectors.indices[lo:hi].astype(whole.indices.dtype),
                    np.array([0, hi - lo], dtype=whole.indptr.dtype),
                ),
                shape=(1, whole.shape[1]),
            )
        self.shape = (max(self.shape[0], max(rows) + 1), whole.shape[1])
        self._put = put
        if len(put) > self.KEPT:
            self._merge()

    def _merge(self) -> None:
        """The rows kept beside the matrix put into it: what putting each into it would have made."""
        put, whole = self._put, self._whole
        have = whole.shape[0]
        old = sorted(row for row in put if row < have)
        new = sorted(row for row in put if row >= have)
        assert new == list(range(have, have + len(new))), "rows are added at the end, in order"
        if old:
            vectors = sp.vstack([put[row] for row in old], format="csr")
            whole = _with_rows(whole, np.array(old, dtype=np.int64), vectors)
        if new:
            whole = sp.vstack([whole, *(put[row] for row in new)], format="csr")
        self._whole, self._put = whole, {}  # in this order (see ``rows``)

    def rows(self, rows: Sequence[int] | np.ndarray) -> sp.csr_matrix:
        """These rows (any order, repeats allowed), as ``whole[rows]`` without making it whole."""
        rows = np.asarray(rows, dtype=np.int64)
        put = self._put  # first: a merge sets the whole matrix before it empties the rows kept
        whole = self._whole
        if not put:
            return whole[rows]
        if len(rows) == 1 and int(rows[0]) in put:  # one row (a refresh's scores): no copy at all
            return put[int(rows[0])]
        at = np.flatnonzero(np.isin(rows, np.fromiter(put, dtype=np.int64, count=len(put))))
        if not len(at):
            return whole[rows]
        have = whole.shape[0]
        if not have:
            return sp.vstack([put[int(row)] for row in rows], format="csr")
        picked = whole[np.where(rows < have, rows, 0)]  # an added row's place is filled below
        vectors = sp.vstack([put[row] for row in rows[at].tolist()], format="csr")
        return _with_rows(picked, at, vectors)

    def __getitem__(self, rows: Sequence[int] | np.ndarray) -> sp.csr_matrix:
        return self.rows(rows)


def _set_or_append(
    arrays: tuple[np.ndarray, ...], rows: list[int], values: list[tuple[Any, ...]]
) -> tuple[np.ndarray, ...]:
    """Per-row arrays with ``values[k]`` (one value per array) at row ``rows[k]``: set in place where
    the row exists, appended in order where it is new (new arrays then)."""
    out = list(arrays)
    have = len(arrays[0])
    new = [(row, value) for row, value in zip(rows, values, strict=True) if row >= have]
    for row, value in zip(rows, values, strict=True):
        if row < have:
            for array, v in zip(arrays, value, strict=True):
                array[row] = v
    if new:
        assert [row for row, _v in new] == list(range(have, have + len(new)))
        for i, array in enumerate(arrays):
            out[i] = np.append(array, [value[i] for _row, value in new]).astype(array.dtype)
    return tuple(out)


def _distinct(ids: Sequence[Any], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"each {what} at most once in one call (ids {sorted(ids, key=str)})")


def _rows_of(table: sp.csr_matrix, picks: np.ndarray, *, backwards: bool = False) -> sp.csr_matrix:
    """A matrix whose row i is a copy of ``table``'s row ``picks[i]`` (its entries in the table's
    order, or in reverse order with ``backwards``), without a Python loop per row."""
    lengths = np.diff(table.indptr)[picks]
    indptr = np.zeros(len(picks) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    steps = np.arange(int(indptr[-1]), dtype=np.int64)
    if backwards:  # from each row's last entry back
        at = np.repeat(table.indptr[picks + 1] - 1 + indptr[:-1], lengths) - steps
    else:
        at = np.repeat(table.indptr[picks] - indptr[:-1], lengths) + steps
    return sp.csr_matrix((table.data[at], table.indices[at], indptr), shape=(len(picks), table.shape[1]))


def _grouped(groups: np.ndarray, rows: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """For each group number below ``n_groups``, its ``rows`` in increasing order (``groups[i]`` is
    the group of ``rows[i]``; no (group, row) pair given twice)."""
    order = np.lexsort((rows, groups))
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    ordered = rows[order]
    return [ordered[bounds[j] : bounds[j + 1]] for j in range(n_groups)]


def _onehot(positions: np.ndarray, width: int) -> sp.csr_matrix:
    n = len(positions)
    return sp.csr_matrix(
        (np.ones(n, dtype=FLOAT), positions.astype(np.int32), np.arange(n + 1, dtype=np.int64)), shape=(n, width)
    )


# --- the market -----------------------------------------------------------------------------------


def _threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _round(score: float) -> float:
    return round(float(score), 6)


def _cut(weights: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Consecutive [start, stop) positions of ``weights`` whose sums stay within ``budget``, at least
    one position each."""
    ends = np.cumsum(weights)
    cuts: list[tuple[int, int]] = []
    at, held = 0, 0
    while at < len(weights):
        # The furthest position whose running total stays within the budget, at least one.
        stop = max(at + 1, int(np.searchsorted(ends, held + budget, side="right")))
        cuts.append((at, stop))
        held = int(ends[stop - 1])
        at = stop
    return cuts


def _topk_rows(
    a: sp.csr_matrix, b: sp.csr_matrix, top_k: int, *, transposed: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row of ``a``, the ``top_k`` best rows of ``b`` by dot product (only pairs with a
    positive product): (row in a, row in b, score) arrays. With ``transposed``, ``b`` is given as
    features x rows (CSR), so that a caller multiplying many chunks of ``a`` transposes it once."""
    n_b = b.shape[1] if transposed else b.shape[0]
    if a.shape[0] == 0 or n_b == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=FLOAT)
    k = min(top_k, n_b)
    if _sp_matmul_topn is not None:
        product = _sp_matmul_topn(a, b, top_n=k, n_threads=_threads() if a.shape[0] >= 256 else None)
    else:
        product = (a @ (b if transposed else b.T)).tocsr()
        product = _keep_top(product, k)
    product = product.tocoo()
    return product.row.astype(np.int64), product.col.astype(np.int64), product.data.astype(FLOAT)


def _tied_at_cut(rows: np.ndarray, micros: np.ndarray, top_k: int, kept: int) -> np.ndarray:
    """Of a top-``kept`` product's (row, score in millionths) pairs, the rows whose list was full
    (``kept`` pairs: more may have been cut) and whose lowest kept score equals their ``top_k``-th
    best: the postings tied with their ``top_k``-th may not all be there."""
    if not len(rows):
        return np.empty(0, dtype=np.int64)
    if np.any(rows[1:] < rows[:-1]):  # the product's pairs come row by row; sorted if not
        order = np.argsort(rows, kind="stable")
        rows, micros = rows[order], micros[order]
    counts = np.bincount(rows)
    full = np.flatnonzero(counts >= kept)
    if not len(full):
        return full
    starts = np.r_[0, np.cumsum(counts)[:-1]][full]
    lists = micros[starts[:, np.newaxis] + np.arange(kept)]  # a full row's pairs are exactly ``kept``
    nth = -np.partition(-lists, top_k - 1, axis=1)[:, top_k - 1]
    return full[lists.min(axis=1) == nth]


def _keep_top(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for r in range(matrix.shape[0]):
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        if end - start > k:
            chosen = start + np.argpartition(-matrix.data[start:end], k - 1)[:k]
        else:
            chosen = np.arange(start, end)
        rows.extend([r] * len(chosen))
        cols.extend(matrix.indices[chosen])
        vals.extend(matrix.data[chosen])
    return sp.csr_matrix((vals, (rows, cols)), shape=matrix.shape)


def _gather(matrix: sp.csc_matrix, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``matrix @ v`` for a sparse vector v (``columns``, ``values``), reading only those columns of
    the column-major matrix: every (row, value) of them at once, without a Python loop per column."""
    scores = np.zeros(matrix.shape[0], dtype=np.float64)
    starts, ends = matrix.indptr[columns], matrix.indptr[columns + 1]
    used = ends > starts
    if used.any():
        starts, ends, values = starts[used], ends[used], values[used]
        lengths = ends - starts
        offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(lengths.sum())
        scores += np.bincount(
            matrix.indices[offsets], weights=matrix.data[offsets] * np.repeat(values, lengths), minlength=len(scores)
        )
    return scores


def _top_of_product(
    scores: np.ndarray, rows: np.ndarray, columns: np.ndarray, top_k: int, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``top_k`` best of a dense block of scores (``rows`` x ``columns``, both given as
    row numbers), ties by column: (row, column, score in millionths) triples, not sorted, zeros
    included (``_best_of_each`` drops them). A partition per row, not a sort of every pair."""
    micros = np.rint(scores * 1e6).astype(np.int64)
    if len(columns) > top_k:
        key = micros * width + (width - 1 - columns)[np.newaxis, :]
        chosen = np.argpartition(key, len(columns) - top_k, axis=1)[:, -top_k:]
        micros = np.take_along_axis(micros, chosen, axis=1)
        picked = columns[chosen]
    else:
        picked = np.broadcast_to(columns, micros.shape)
    return np.repeat(rows, micros.shape[1]), picked.ravel(), micros.ravel()


def _best_of_each(
    rows: np.ndarray, columns: np.ndarray, micros: np.ndarray, top_k: int, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of (row, column, score in millionths) triples, each row's ``top_k`` best positive ones with
    no pair twice: sorted by row, best first, ties by column (``width`` columns in all)."""
    positive = micros > 0
    rows, columns, micros = rows[positive], columns[positive], micros[positive]
    top = int(micros.max()) + 1 if len(micros) else 1
    if (int(rows.max(initial=0)) + 1) * top * width < 2**62:
        order = np.argsort((rows * top + (top - 1 - micros)) * width + columns, kind="stable")
    else:  # pragma: no cover - astronomically large markets
        order = np.lexsort((columns, -micros, rows))
    rows, columns, micros = rows[order], columns[order], micros[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (columns[1:] != columns[:-1])
    rows, columns, micros = rows[keep], columns[keep], micros[keep]
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if len(rows) else np.empty(0, dtype=np.int64)
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = rank < top_k
    return rows[keep], columns[keep], micros[keep]


class Market:
    """Both sides vectorised once (skills weighted by rarity, TF-IDF text, occupation, salary).
    Build once, query many times; cheap queries for one row against the whole other side.

    ``skill_names`` (skill id -> name) lets the text similarity read resolved skills by name, so
    that an unresolved phrase on one side still meets a resolved skill on the other.
    """

    def __init__(
        self,
        seekers: Sequence[Seeker],
        postings: Sequence[Posting],
        *,
        weights: Weights = WEIGHTS,
        skill_names: Mapping[str, str] | None = None,
        relatedness: Relatedness | None = None,
    ) -> None:
        for s in seekers:
            check_seeker(s)
        for p in postings:
            check_posting(p)
        self.weights = weights
        self.seekers = list(seekers)
        self.postings = list(postings)
        self.relatedness = relatedness
        self._space = _Space(self.seekers, self.postings, weights, skill_names or {}, relatedness)
        self._seeker_vectors = _Rows(self._space.seeker_matrix(self.seekers))
        self._posting_vectors = _Rows(self._space.posting_matrix(self.postings))
        self._a_csc: sp.csc_matrix | None = None  # column-major copies, made on first use
        self._b_csc: sp.csc_matrix | None = None
        # Rows changed since the copy was made: read from the row-major matrix (``_gather_rows``).
        self._a_stale: set[int] = set()
        self._b_stale: set[int] = set()
        counties = self._space.counties
        # Postings: county number (-1 none), open, relocation pool, light work.
        self._p_county = np.array([counties.get(p.region, -1) for p in self.postings], dtype=np.int64)
        self._p_open = np.array([p.open_seats > 0 for p in self.postings], dtype=bool)
        self._p_cross = np.array([p.cross_region for p in self.postings], dtype=bool)
        self._p_light = np.array([p.capacity_required == "partial" for p in self.postings], dtype=bool)
        # Seekers: capacity, relocation, home county, counties they may work in.
        capacity_number = {c: i for i, c in enumerate(SEEKER_CAPACITIES)}
        self._s_capacity = np.fromiter(
            map(capacity_number.__getitem__, [s.capacity for s in self.seekers]), dtype=np.int8, count=len(self.seekers)
        )
        self._s_relocate = np.array([s.willing_to_relocate for s in self.seekers], dtype=bool)
        self._s_home = np.array([counties.get(s.region, -1) if s.region else -1 for s in self.seekers], dtype=np.int64)
        self._s_salary = np.array(
            [
                _salary_bin(s.expected_salary) if s.expected_salary and s.expected_salary > 0 else -1
                for s in self.seekers
            ],
            dtype=np.int64,
        )
        self._s_has_code = np.array([bool(_code_parts(s.occupation)) for s in self.seekers], dtype=bool)
        # Per county, the seekers who may work there (home or named), and those who only named it;
        # each in seeker order.
        named_rows: list[int] = []
        named_counties: list[int] = []
        for i, s in enumerate(self.seekers):
            if s.regions:
                for county in set(s.regions) - {s.region}:
                    j = counties.get(county) if county else None
                    if j is not None:
                        named_rows.append(i)
                        named_counties.append(j)
        named = (np.asarray(named_counties, dtype=np.int64), np.asarray(named_rows, dtype=np.int64))
        at_home = np.flatnonzero(self._s_home >= 0)
        self._county_preferred = _grouped(*named, len(counties))
        self._county_seekers = _grouped(
            np.concatenate([self._s_home[at_home], named[0]]), np.concatenate([at_home, named[1]]), len(counties)
        )
        self._seeker_ids = [s.id for s in self.seekers]
        self._posting_ids = [p.id for p in self.postings]
        self._seeker_row = {s.id: i for i, s in enumerate(self.seekers)}
        self._posting_row = {p.id: i for i, p in enumerate(self.postings)}

    @property
    def _a(self) -> sp.csr_matrix:
        """The seekers' row-major matrix, whole (see ``_Rows``)."""
        return self._seeker_vectors.whole

    @property
    def _b(self) -> sp.csr_matrix:
        """The postings' row-major matrix, whole."""
        return self._posting_vectors.whole

    def seeker_vectors(self, rows: Sequence[int] | np.ndarray) -> sp.csr_matrix:
        """These seeker rows of the matrix (``_a[rows]``), without making it whole."""
        return self._seeker_vectors.rows(rows)

    def posting_vectors(self, rows: Sequence[int] | np.ndarray) -> sp.csr_matrix:
        """These posting rows of the matrix (``_b[rows]``), without making it whole."""
        return self._posting_vectors.rows(rows)

    # -- one row changed ------------------------------------------------------------------------------

    def fits(self, row: Seeker | Posting) -> bool:
        """Whether the fitted feature space has a column for each of the row's skills, counties and
        occupation codes. A row that does not fit would score lower here than in a market rebuilt
        with it (a county or skill nobody else has); ``put_seeker`` / ``put_posting`` refuse it."""
        space = self._space
        if isinstance(row, Seeker):
            skills: Iterable[str] = row.skills
            counties = {row.region, *row.regions}
        else:
            skills = (*row.required, *row.preferred)
            counties = {row.region}
        parts = _code_parts(row.occupation)
        return (
            all(k in space.skills for k in skills)
            and all(c in space.counties for c in counties if c)
            and all("-".join(parts[:i]) in space.codes for i in range(1, len(parts) + 1))
        )

    def put_posting(self, posting: Posting) -> int | None:
        """Put one new or changed posting into the market in place of its old row (a new one is added
        at the end), vectorised in the fitted space: cheaper than a rebuild by the size of the market,
        and the same scores but for the rarity and TF-IDF weights, which stay those of the build.
        Returns the posting's row, or None, changing nothing, when it does not ``fit``.

        Not atomic for a reader in another thread (the per-row arrays and matrices change one after
        the other): the caller keeps readers away while it runs."""
        return self.put_postings([posting])[0]

    def put_postings(self, postings: Sequence[Posting]) -> list[int | None]:
        """``put_posting`` of each of these postings (distinct ids) in turn, the same rows and vectors,
        but vectorised together and with one copy of the row-major matrix for all of them: that copy
        grows with the market, and paid once a row it was most of the cost of taking in the rows
        other workers changed. Returns each posting's row (None: it does not ``fit``, left out)."""
        for posting in postings:
            check_posting(posting)
        _distinct([p.id for p in postings], "posting")
        fits = [self.fits(p) for p in postings]
        fitting = [p for p, ok in zip(postings, fits, strict=True) if ok]
        rows = self._put_rows(fitting, seekers=False)
        counties = self._space.counties
        values = [
            (
                counties.get(p.region, -1) if p.region else -1,
                p.open_seats > 0,
                p.cross_region,
                p.capacity_required == "partial",
            )
            for p in fitting
        ]
        arrays = (self._p_county, self._p_open, self._p_cross, self._p_light)
        grown = _set_or_append(arrays, rows, values)
        self._p_county, self._p_open, self._p_cross, self._p_light = grown
        for posting, row in zip(fitting, rows, strict=True):
            self._posting_row[posting.id] = row
        at = iter(rows)
        return [next(at) if ok else None for ok in fits]

    def _put_rows(self, rows_in: Sequence[Seeker] | Sequence[Posting], *, seekers: bool) -> list[int]:
        """Put these rows' vectors and objects into one side (their old row, or new rows at the end in
        order), the vectors kept beside its row-major matrix (``_Rows``); returns their rows. The per-row arrays are
        the caller's, set after this: a reader in another thread never meets a candidate row the
        matrices do not have yet."""
        if not rows_in:
            return []
        space = self._space
        objects: list[Any]
        if seekers:
            vectors = space.seeker_matrix(cast(Sequence[Seeker], rows_in))
            objects, ids, row_of, store = self.seekers, self._seeker_ids, self._seeker_row, self._seeker_vectors
        else:
            vectors = space.posting_matrix(cast(Sequence[Posting], rows_in))
            objects, ids, row_of, store = self.postings, self._posting_ids, self._posting_row, self._posting_vectors
        known = [row_of.get(r.id) for r in rows_in]
        old = [k for k, row in enumerate(known) if row is not None]
        new = [k for k, row in enumerate(known) if row is None]
        if seekers:
            for k in old:
                self._unplace(cast(int, known[k]))
        objects = list(objects)
        rows = [cast(int, row) for row in known]
        for k in old:
            objects[rows[k]] = rows_in[k]
        for k in new:
            rows[k] = len(objects)
            objects.append(rows_in[k])
        ids = [*ids, *(rows_in[k].id for k in new)]
        store.put(rows, vectors)
        if seekers:
            self.seekers, self._seeker_ids = cast(list[Seeker], objects), ids
        else:
            self.postings, self._posting_ids = cast(list[Posting], objects), ids
        for row in rows:
            self._stale(self._a_stale if seekers else self._b_stale, row, seekers=seekers)
        return rows

    def drop_posting(self, posting_id: Any) -> None:
        """Take one posting out of the market (closed, filled, withdrawn): its row stays, with no open
        seat and empty, so that the other rows keep their numbers."""
        row = self._posting_row.get(posting_id)
        if row is None:
            return
        self.postings = [*self.postings]
        self.postings[row] = replace(self.postings[row], open_seats=0)
        self._p_open[row] = False
        self._posting_vectors.put([row], sp.csr_matrix((1, self._posting_vectors.shape[1]), dtype=FLOAT))
        self._stale(self._b_stale, row, seekers=False)

    def put_seeker(self, seeker: Seeker) -> int | None:
        """Put one new or changed seeker into the market (see ``put_posting``)."""
        return self.put_seekers([seeker])[0]

    def put_seekers(self, seekers: Sequence[Seeker]) -> list[int | None]:
        """``put_seeker`` of each of these seekers (distinct ids) in turn, with one copy of the row-major
        matrix for all of them (see ``put_postings``)."""
        for seeker in seekers:
            check_seeker(seeker)
        _distinct([s.id for s in seekers], "seeker")
        fits = [self.fits(s) for s in seekers]
        fitting = [s for s, ok in zip(seekers, fits, strict=True) if ok]
        rows = self._put_rows(fitting, seekers=True)
        counties = self._space.counties
        values = [
            (
                SEEKER_CAPACITIES.index(s.capacity),
                s.willing_to_relocate,
                counties.get(s.region, -1) if s.region else -1,
                _salary_bin(s.expected_salary) if s.expected_salary and s.expected_salary > 0 else -1,
                bool(_code_parts(s.occupation)),
            )
            for s in fitting
        ]
        arrays = (self._s_capacity, self._s_relocate, self._s_home, self._s_salary, self._s_has_code)
        grown = _set_or_append(arrays, rows, values)
        self._s_capacity, self._s_relocate, self._s_home, self._s_salary, self._s_has_code = grown
        added: dict[int, list[int]] = {}
        preferred: dict[int, list[int]] = {}
        for seeker, row in zip(fitting, rows, strict=True):
            self._seeker_row[seeker.id] = row
            for county in {seeker.region, *seeker.regions}:
                j = counties.get(county) if county else None
                if j is not None:
                    added.setdefault(j, []).append(row)
                    if county != seeker.region:
                        preferred.setdefault(j, []).append(row)
        for lists, more in ((self._county_seekers, added), (self._county_preferred, preferred)):
            for j, new_rows in more.items():
                lists[j] = np.union1d(lists[j], new_rows).astype(np.int64)
        at = iter(rows)
        return [next(at) if ok else None for ok in fits]

    def drop_seeker(self, seeker_id: Any) -> None:
        """Take one seeker out of the market (no longer looking for work): their row stays, with no
        capacity (never a candidate) and empty."""
        row = self._seeker_row.get(seeker_id)
        if row is None:
            return
        self._unplace(row)
        self.seekers = [*self.seekers]
        self.seekers[row] = replace(self.seekers[row], capacity="none")
        self._s_capacity[row] = SEEKER_CAPACITIES.index("none")
        self._s_relocate[row] = False
        self._seeker_vectors.put([row], sp.csr_matrix((1, self._seeker_vectors.shape[1]), dtype=FLOAT))
        self._stale(self._a_stale, row, seekers=True)

    #: Rows changed since a column-major copy was made are read from the row-major matrix instead;
    #: past this many the copy is made again at its next use. Changing the copy in place moved every
    #: entry after the row's (22 ms a seeker at 50,000 seekers, growing with them).
    STALE_ROWS = 256

    def _stale(self, stale: set[int], row: int, *, seekers: bool) -> None:
        if (self._a_csc if seekers else self._b_csc) is None:
            return
        stale.add(row)
        if len(stale) > self.STALE_ROWS:
            stale.clear()
            if seekers:
                self._a_csc = None
            else:
                self._b_csc = None

    def make_column_major(self) -> None:
        """Make the column-major copies the one-row queries read now, not on the first query (tens of
        milliseconds at 50,000 seekers)."""
        self._column_major(True)
        self._column_major(False)

    def _column_major(self, seekers: bool) -> sp.csc_matrix:
        csc = self._a_csc if seekers else self._b_csc
        if csc is None:
            csc = (self._a if seekers else self._b).tocsc()
            (self._a_stale if seekers else self._b_stale).clear()
            if seekers:
                self._a_csc = csc
            else:
                self._b_csc = csc
        return csc

    def _gather_rows(self, seekers: bool, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """``matrix @ v`` for every row of one side's matrix (v sparse: ``columns``, ``values``) through
        its column-major copy (made here when there is none), the rows changed since the copy was made
        read from the row-major matrix."""
        matrix, stale = (self._seeker_vectors, self._a_stale) if seekers else (self._posting_vectors, self._b_stale)
        scores = _gather(self._column_major(seekers), columns, values)
        if len(scores) < matrix.shape[0]:  # rows added since
            scores = np.concatenate([scores, np.zeros(matrix.shape[0] - len(scores))])
        if stale:
            rows = np.fromiter(sorted(stale), dtype=np.int64, count=len(stale))
            vector = np.zeros(matrix.shape[1])
            np.add.at(vector, columns, values)
            scores[rows] = matrix.rows(rows) @ vector
        return scores

    def _unplace(self, row: int) -> None:
        """Take a seeker's row out of the per-county lists of the counties it names (before it is put
        back with new counties)."""
        old = self.seekers[row]
        for county in {old.region, *old.regions}:
            j = self._space.counties.get(county) if county else None
            if j is None:
                continue
            for lists in (self._county_seekers, self._county_preferred):
                rows = lists[j]
                if len(rows):
                    lists[j] = rows[rows != row]

    # -- whole market -------------------------------------------------------------------------------

    def _blocks(self) -> Iterable[tuple[np.ndarray, np.ndarray]]:
        """(seeker rows, posting rows) blocks covering exactly the feasible pairs (some twice)."""
        capacity = self._s_capacity
        open_ = self._p_open
        for county, seekers in enumerate(self._county_seekers):
            postings = np.flatnonzero(open_ & (self._p_county == county))
            if not len(seekers) or not len(postings):
                continue
            yield from self._by_capacity(seekers[capacity[seekers] != 2], postings)
        relocating = np.flatnonzero(self._s_relocate & (capacity != 2))
        pool = np.flatnonzero(open_ & self._p_cross)
        if len(relocating) and len(pool):
            yield from self._by_capacity(relocating, pool)

    def feasible_pairs(self) -> int:
        """How many (seeker, posting) pairs the whole market's rankings score: the pairs of its
        feasible blocks (a pair in two blocks counted twice). What a night's scoring grows with."""
        return sum(len(seekers) * len(postings) for seekers, postings in self._blocks())

    def _by_capacity(self, seekers: np.ndarray, postings: np.ndarray) -> Iterable[tuple[np.ndarray, np.ndarray]]:
        full = seekers[self._s_capacity[seekers] == 0]
        partial = seekers[self._s_capacity[seekers] == 1]
        if len(full):
            yield full, postings
        light = postings[self._p_light[postings]]
        if len(partial) and len(light):
            yield partial, light

    #: How many more than ``top_k`` the sparse top-n product keeps, so that a tie at the cut is seen.
    TIE_SLACK = 8

    def _top_arrays(self, top_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(seeker row, posting row, score) of every seeker's best ``top_k``, sorted by seeker, then
        best first, ties by posting input order, at the cut too.

        The sparse top-n product keeps, among postings tied at its last place, whichever it reached
        last, not the first given. So it is asked for ``TIE_SLACK`` more than wanted; a seeker whose
        list it cut while the last kept score still equals their ``top_k``-th (a tie that may go on
        past the cut) is ranked again exactly, over the block's postings (``_top_of_product``)."""
        rows_list, cols_list, micros_list = [], [], []
        chunk = 8192
        width = max(1, len(self.postings))
        wanted = top_k + self.TIE_SLACK
        for seekers, postings in self._blocks():
            b = self._b[postings].T.tocsr()  # transposed once, not by every chunk's product
            for start in range(0, len(seekers), chunk):
                part = seekers[start : start + chunk]
                r, c, v = _topk_rows(self._a[part], b, wanted, transposed=True)
                micros = np.rint(v.astype(np.float64) * 1e6).astype(np.int64)
                unsure = _tied_at_cut(r, micros, top_k, wanted)
                if len(unsure):
                    settled = ~np.isin(r, unsure)
                    r, c, micros = r[settled], c[settled], micros[settled]
                    step = max(1, self.PAIRS_AT_ONCE // len(postings))
                    for at in range(0, len(unsure), step):
                        again = part[unsure[at : at + step]]
                        dense = (self._a[again] @ b).toarray()
                        er, ec, em = _top_of_product(dense, again, postings, top_k, width)
                        rows_list.append(er)
                        cols_list.append(ec)
                        micros_list.append(em)
                rows_list.append(part[r])
                cols_list.append(postings[c])
                micros_list.append(micros)
        if not rows_list:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=np.float64)
        # The same pair may come from two blocks (a cross-region posting in a county the seeker
        # named); both computed the same features, so the copies are equal and one is kept.
        rows, cols, micros = _best_of_each(
            np.concatenate(rows_list), np.concatenate(cols_list), np.concatenate(micros_list), top_k, width
        )
        return rows, cols, micros / 1e6

    def top_postings(self, top_k: int = 20) -> list[list[tuple[Any, float]]]:
        """Per seeker, in input order, the best ``top_k`` feasible postings (id, score), best first."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        rows, cols, vals = self._top_arrays(top_k)
        result: list[list[tuple[Any, float]]] = [[] for _ in self.seekers]
        ids = [p.id for p in self.postings]
        for r, c, v in zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True):
            result[r].append((ids[c], v))
        return result

    def top_rows(self, top_k: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``top_postings`` as arrays (seeker row, posting row, score), for writing large results
        without building Python lists of tuples."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        return self._top_arrays(top_k)

    # -- many of the market's own rows at once, block by block -------------------------------------

    #: Pairs scored by one sparse product while ranking many rows (about 40 MB of them at once).
    PAIRS_AT_ONCE = 2_000_000

    def postings_for_many(self, seeker_ids: Iterable[Any], top_k: int = 20) -> dict[Any, list[tuple[Any, float]]]:
        """``postings_for`` of many of the market's own seekers at once (id -> best postings; an id the
        market does not hold is left out): the same answers, ties included, computed block by block
        over the feasible pairs only. One-row queries read every posting of the market that shares a
        feature with the seeker, so a re-match of every seeker costs seekers x postings; here a
        seeker is multiplied only with the postings of the counties they may work in and the
        relocation pool, and the cost grows with the pairs people may actually form."""
        rows = self.seeker_rows_of(seeker_ids)
        left, right, micros = self.best_postings_of_rows(rows, top_k)
        out: dict[Any, list[tuple[Any, float]]] = {self._seeker_ids[int(r)]: [] for r in rows}
        ids = self._posting_ids
        for r, c, v in zip(left.tolist(), right.tolist(), micros.tolist(), strict=True):
            out[self._seeker_ids[r]].append((ids[c], v / 1e6))
        return out

    def seeker_rows_of(self, seeker_ids: Iterable[Any]) -> np.ndarray:
        """The rows of those of these seekers the market holds, ascending, each once."""
        return np.array(sorted({self._seeker_row[i] for i in seeker_ids if i in self._seeker_row}), dtype=np.int64)

    def seeker_ids_at(self, rows: np.ndarray) -> list[Any]:
        ids = self._seeker_ids
        return [ids[r] for r in rows.tolist()]

    def posting_ids_at(self, rows: np.ndarray) -> list[Any]:
        ids = self._posting_ids
        return [ids[r] for r in rows.tolist()]

    def best_postings_of_rows(self, rows: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``postings_for_many`` of these seeker rows, as arrays (seeker row, posting row, score in
        millionths), sorted by seeker, then best first."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        wanted = np.zeros(len(self.seekers), dtype=bool)
        wanted[rows] = True
        blocks = ((seekers[wanted[seekers]], postings) for seekers, postings in self._blocks())
        return self._ranked(self._seeker_vectors, self._posting_vectors, blocks, top_k)

    def best_seekers_of_rows(
        self, rows: np.ndarray, top_k: int, among: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``seekers_for`` of these posting rows, as arrays (posting row, seeker row, score in
        millionths), sorted by posting, then best first; only seekers whose row is True in ``among``
        when it is given."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        wanted = np.zeros(len(self.postings), dtype=bool)
        wanted[rows] = True
        blocks = (
            (postings[wanted[postings]], seekers if among is None else seekers[among[seekers]])
            for seekers, postings in self._blocks()
        )
        return self._ranked(self._posting_vectors, self._seeker_vectors, blocks, top_k)

    def top_seekers_rows(self, top_k: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every posting's ``seekers_for``, as arrays (posting row, seeker row, score in millionths),
        sorted by posting, then best first, ties by seeker row: computed block by block over the
        feasible pairs only (see ``postings_for_many``)."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        blocks = ((postings, seekers) for seekers, postings in self._blocks())
        return self._ranked(self._posting_vectors, self._seeker_vectors, blocks, top_k)

    def _ranked(
        self,
        left: _Rows,
        right: _Rows,
        blocks: Iterable[tuple[np.ndarray, np.ndarray]],
        top_k: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each row of ``left`` named in the blocks, its ``top_k`` best rows of ``right`` among
        those its blocks pair it with: (left row, right row, score in millionths), sorted by left row,
        best first, ties by right row; only positive scores (as ``_best``). Each product is cut to
        ``PAIRS_AT_ONCE`` pairs and cut down to every row's best before the next, so memory stays
        flat; only what is left of them is sorted. The left rows are taken in ranges holding at most
        ``KEPT_AT_ONCE`` of those bests (a row too many for one range has one of its own), each range
        finished before the next: what is held grows with the range, not with the region."""
        width = max(1, right.shape[0])
        blocks = [(rows, columns) for rows, columns in blocks if len(rows) and len(columns)]
        if not blocks:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        done = [self._ranked_range(left, right, blocks, top_k, width, lo, hi) for lo, hi in self._ranges(blocks, top_k)]
        if len(done) == 1:
            return done[0]
        mine, theirs, scores = (np.concatenate(part) for part in zip(*done, strict=True))
        return mine, theirs, scores

    #: Best pairs held at once while ranking many rows, before each row's best of them is kept (three
    #: int64 numbers a pair: about 48 MB, and the sort of them a few times that).
    KEPT_AT_ONCE = 2_000_000

    def _ranges(self, blocks: list[tuple[np.ndarray, np.ndarray]], top_k: int) -> list[tuple[int, int]]:
        """Consecutive ranges of left rows [lo, hi) whose blocks keep at most ``KEPT_AT_ONCE`` pairs
        in all before their best are chosen (every block keeps ``top_k`` of each of its rows, or all
        its columns if fewer)."""
        rows = np.concatenate([rows for rows, _ in blocks])
        kept = np.concatenate([np.full(len(r), min(top_k, len(c)), dtype=np.int64) for r, c in blocks])
        per_row = np.bincount(rows, weights=kept).astype(np.int64)
        named = np.flatnonzero(per_row)
        return [(int(named[at]), int(named[stop - 1]) + 1) for at, stop in _cut(per_row[named], self.KEPT_AT_ONCE)]

    def posting_parts(self, pairs: int) -> list[np.ndarray]:
        """The rows of the postings some feasible block names, cut into parts that score at most
        ``pairs`` (seeker, posting) pairs each (a posting with more is a part alone), for ranking them
        on several workers: ``best_seekers_of_rows`` of a part gives exactly what ``top_seekers_rows``
        gives for those rows, since a posting's ranking depends on its own blocks only. A county's
        postings are kept together (row order within it), so that a part multiplies few blocks."""
        if pairs < 1:
            raise ValueError("pairs must be at least 1")
        per_row = np.zeros(len(self.postings), dtype=np.int64)
        for seekers, postings in self._blocks():
            per_row[postings] += len(seekers)
        named = np.flatnonzero(per_row)
        named = named[np.argsort(self._p_county[named], kind="stable")]
        return [named[at:stop] for at, stop in _cut(per_row[named], pairs)]

    def _ranked_range(
        self,
        left: _Rows,
        right: _Rows,
        blocks: list[tuple[np.ndarray, np.ndarray]],
        top_k: int,
        width: int,
        lo: int,
        hi: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_ranked`` of the left rows in [lo, hi)."""
        kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for all_rows, columns in blocks:
            rows = all_rows[(all_rows >= lo) & (all_rows < hi)]
            if not len(rows):
                continue
            transposed = right[columns].T.tocsr()
            step = max(1, self.PAIRS_AT_ONCE // len(columns))
            for start in range(0, len(rows), step):
                part = rows[start : start + step]
                kept.append(_top_of_product((left[part] @ transposed).toarray(), part, columns, top_k, width))
        # A pair may come from two blocks (a cross-region posting in a county the seeker named): both
        # computed the same features, so the copies are equal and one is dropped.
        mine, theirs, scores = (np.concatenate(part) for part in zip(*kept, strict=True))
        return _best_of_each(mine, theirs, scores, top_k, width)

    # -- one row against the other side -------------------------------------------------------------

    def postings_for(
        self, seeker: Seeker, top_k: int = 20, scores: tuple[np.ndarray, np.ndarray] | None = None
    ) -> list[tuple[Any, float]]:
        """One (new or changed) seeker against every posting of the market, best first (from its
        ``posting_scores`` when they are given)."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        candidates, scores_ = scores if scores is not None else self.posting_scores(seeker)
        if not len(candidates):
            return []
        return self._best(candidates, scores_, top_k, self._posting_ids)

    def posting_scores(self, seeker: Seeker, *, row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One seeker's score with every feasible posting: (posting rows, sorted; scores), unranked
        (``row``: the seeker is the market's own in that row, see ``posting_scores_of_row``)."""
        check_seeker(seeker)
        none = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        if seeker.capacity == "none" or not self.postings:
            return none
        counties = self._space.counties
        where = np.zeros(len(self.postings), dtype=bool)
        for county in {seeker.region, *seeker.regions}:
            j = counties.get(county) if county else None
            if j is not None:
                where |= self._p_county == j
        if seeker.willing_to_relocate:
            where |= self._p_cross
        where &= self._p_open
        if seeker.capacity == "partial":
            where &= self._p_light
        candidates = np.flatnonzero(where)
        if not len(candidates):
            return none
        a = self._space.seeker_matrix([seeker]) if row is None else self._seeker_vectors.rows([row])
        return candidates, self._gather_rows(False, a.indices.astype(np.int64), a.data)[candidates]

    def posting_scores_of_row(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """``posting_scores`` of the market's own seeker in ``row``, from that row of the matrix
        instead of vectorising the seeker again (the same vector, see ``put_seekers``)."""
        return self.posting_scores(self.seekers[row], row=row)

    def seekers_for(
        self, posting: Posting, top_k: int = 20, scores: tuple[np.ndarray, np.ndarray] | None = None
    ) -> list[tuple[Any, float]]:
        """One (new or changed) posting against every seeker of the market, best first (from its
        ``seeker_scores`` when they are given).

        Fast path (about a millisecond for 100,000 seekers): the sparse blocks through the
        seekers' column-major matrix for the posting's few features only; location, salary and the
        "no occupation code" cases from per-seeker arrays (they concern nearly every seeker).
        """
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        candidates, scores_ = scores if scores is not None else self.seeker_scores(posting)
        if not len(candidates):
            return []
        return self._best(candidates, scores_, top_k, self._seeker_ids)

    def seeker_scores(self, posting: Posting) -> tuple[np.ndarray, np.ndarray]:
        """One posting's score with every feasible seeker: (seeker rows, sorted; scores), unranked."""
        check_posting(posting)
        none = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        if posting.open_seats <= 0 or not self.seekers:
            return none
        w = self.weights
        county = self._space.counties.get(posting.region, -1) if posting.region else -1
        where = np.zeros(len(self.seekers), dtype=bool)
        if county >= 0:
            where[self._county_seekers[county]] = True
        if posting.cross_region:
            where |= self._s_relocate
        where &= self._s_capacity == 0 if posting.capacity_required == "full" else self._s_capacity != 2
        candidates = np.flatnonzero(where)
        if not len(candidates):
            return none
        # Skills, text and occupation codes: only the seekers sharing one of the posting's features.
        columns, values = self._space.posting_sparse_row(posting)
        scores = self._gather_rows(True, columns, values)[candidates]
        # Occupation "no code" cases.
        has_code = self._s_has_code[candidates]
        neutral = w.occupation * w.occupation_unknown
        if _code_parts(posting.occupation):
            scores += np.where(has_code, 0.0, neutral)
        else:
            scores += neutral
        # Salary.
        bins = self._s_salary[candidates]
        salary = posting_salary(posting)
        if salary is None:
            scores += w.salary * w.salary_unknown
        else:
            fit = _salary_fit_by_gap((_salary_bin(salary) - bins).astype(np.float64), w)
            scores += w.salary * np.where(bins < 0, w.salary_unknown, fit)
        # Location: every feasible pair has the base; home and named counties more.
        location = np.full(len(candidates), w.relocation)
        if county >= 0:
            named = self._county_preferred[county]  # sorted, like candidates
            if len(named):
                at = np.searchsorted(candidates, named)
                inside = at < len(candidates)
                at, named = at[inside], named[inside]
                location[at[candidates[at] == named]] = w.preferred_region
            location[self._s_home[candidates] == county] = 1.0
        scores += w.location * location
        return candidates, scores

    @staticmethod
    def _best(candidates: np.ndarray, scores: np.ndarray, top_k: int, ids: Sequence[Any]) -> list[tuple[Any, float]]:
        """The ``top_k`` best (id, score) of the candidates (sorted row numbers): scores rounded to 6
        places, best first, ties in input order, like ``top_postings``. One integer key per candidate
        (score, then earlier row) makes the selection a single ``argpartition``."""
        micros = np.rint(scores.astype(np.float64) * 1e6).astype(np.int64)
        keep = micros > 0
        candidates, micros = candidates[keep], micros[keep]
        span = len(ids) + 1
        key = micros * span + (span - 1 - candidates)
        cut = len(key) - top_k
        chosen = np.argpartition(key, cut)[cut:] if cut > 0 else np.arange(len(key))
        chosen = chosen[np.argsort(-key[chosen])]
        return [(ids[int(candidates[i])], int(micros[i]) / 1e6) for i in chosen]

    # -- explanation ----------------------------------------------------------------------------------

    def explain(self, seeker: Seeker, posting: Posting) -> Explanation | None:
        """The facts behind one pair's score (None when the pair is infeasible). ``parts`` add up to
        the score ``top_postings`` gives the pair (to rounding)."""
        if infeasible_reason(seeker, posting) is not None:
            return None
        space = self._space
        a = space.seeker_matrix([seeker])
        b = space.posting_matrix([posting])
        product = a.multiply(b).tocsr()
        parts: dict[str, float] = {}
        for name in PARTS:
            start, end = space.offsets[name]
            mask = (product.indices >= start) & (product.indices < end)
            parts[name] = _round(float(product.data[mask].sum()))
        has = set(seeker.skills)
        required = list(dict.fromkeys(posting.required))
        preferred = [k for k in dict.fromkeys(posting.preferred) if k not in set(required)]
        salary = posting_salary(posting)
        if salary is None or seeker.expected_salary is None or seeker.expected_salary <= 0:
            salary_state, gap = "unknown", 0
        elif salary >= seeker.expected_salary:
            salary_state, gap = "meets", 0
        else:
            salary_state, gap = "below", int(seeker.expected_salary - salary)
        _, text_weight, no_skills = space.posting_weights(posting)
        text_part = parts["text"]
        location = _location(seeker, posting)
        assert location is not None
        return Explanation(
            matched_required=tuple(k for k in required if k in has),
            missing_required=tuple(k for k in required if k not in has),
            matched_preferred=tuple(k for k in preferred if k in has),
            related_required=related_facts(self.relatedness, seeker, required),
            location=location,
            capacity=capacity_fact(seeker, posting),
            occupation_from_skills=seeker.occupation_from_skills,
            salary=salary_state,
            salary_gap=gap,
            occupation=_occupation_fit(seeker.occupation, posting.occupation),
            text_similarity=_round(text_part / text_weight) if text_weight else 0.0,
            no_resolved_skills=no_skills,
            parts=parts,
        )

    def score(self, seeker: Seeker, posting: Posting) -> float | None:
        """The score of one pair (None when infeasible): the sum of ``explain(...).parts``."""
        if infeasible_reason(seeker, posting) is not None:
            return None
        a = self._space.seeker_matrix([seeker])
        b = self._space.posting_matrix([posting])
        return _round(float((a @ b.T).toarray()[0, 0]))


def related_facts(
    relatedness: Relatedness | None,
    seeker: Seeker,
    required: Sequence[str],
    *,
    memo: dict[str, tuple[str, float] | None] | None = None,
) -> tuple[tuple[str, str, float], ...]:
    """For each required skill the seeker lacks, the held skill closest to it: (required, held,
    closeness). ``memo``: the nearest held skills already found for this seeker (one seeker against
    many postings asks for the same skills again and again)."""
    if relatedness is None or not seeker.skills:
        return ()
    out = []
    held = set(seeker.skills)
    for skill in required:
        if skill not in held:
            if memo is None:
                near = relatedness.nearest_held(skill, seeker.skills)
            elif skill in memo:
                near = memo[skill]
            else:
                near = memo[skill] = relatedness.nearest_held(skill, seeker.skills)
            if near is not None:
                out.append((skill, near[0], near[1]))
    return tuple(out)


# --- reading the rank_files formats -----------------------------------------------------------------


#: From this many new distinct phrases on, ``_Phrases`` resolves them in forked processes.
PARALLEL_PHRASES_FROM = 2000

#: While a file is read, the phrases of every this many lines go to the worker processes (when they
#: run), in tasks of at least ``SUBMIT_CHUNK`` phrases: reading and resolving overlap.
SUBMIT_EVERY = 5000
SUBMIT_CHUNK = 500

_worker_resolver: Any = None

#: When set (``perf_counter`` at the caller's start), each phrase worker writes to stderr, as it
#: leaves, when its resolver was ready, how many phrases it resolved, when it answered its last
#: task and its CPU time (``rank_files --verbosity 2``).
trace_from: float | None = None


class _Trace:
    """A phrase worker's timings (seconds since ``trace_from``), written to stderr as it leaves."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: list[tuple[str, float, float]] = []
        self.phrases = 0
        self.mark("start")

    def mark(self, what: str) -> None:
        if trace_from is not None:
            self.marks.append((what, time.perf_counter() - trace_from, time.process_time()))

    def answered(self) -> None:
        if trace_from is not None:
            if self.marks[-1][0] == "last answer":
                self.marks.pop()
            self.mark("last answer")

    def write(self) -> None:
        if trace_from is None:
            return
        self.mark("leave")
        shown = ", ".join(f"{what} {wall:.2f} s (CPU {cpu:.2f} s)" for what, wall, cpu in self.marks)
        sys.stderr.write(f"{self.name} (pid {os.getpid()}): {self.phrases} phrases; {shown}\n")
        sys.stderr.flush()


def _resolve_chunk(phrases: list[str]) -> list[tuple[str, ...]]:
    """In a worker process: the resolver is the one the parent had when it forked."""
    return [_resolve_one(_worker_resolver, p) for p in phrases]


#: A phrase this short with none of these separators names one skill: ``resolve`` (about 0.05 ms)
#: answers it; longer ones or lists ("会开叉车也会电焊") go through ``resolve_all`` (about 0.2 ms).
SINGLE_PHRASE_CHARS = 10
_SEVERAL = re.compile(r"[、,，;；/+＋&|]|\s\S|和|及|与|也|还|并且|以及|兼")


_PIECES = re.compile(r"[、,，;；/|。!！?？]+")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")


#: Memo keys of free text (titles, descriptions, what a person wrote) start with this, so that the
#: same string given as a skill phrase and as text is resolved each way.
_TEXT = "\x00"


def _resolve_one(resolver: Any, phrase: str) -> tuple[str, ...]:
    """The skills a skill phrase names (or, with the ``_TEXT`` prefix, a piece of free text). A short
    phrase is one skill (``resolve``: fuzzy and homophone matching included); a list goes through
    ``resolve_all`` as a whole, and each of its pieces between separators through ``_resolve_one``
    again (``resolve_all`` is stricter on a misspelt piece inside a list: "电焊，气哥，钳工"). Free
    text goes through ``resolve_all`` only: its pieces ("家里有老人要照顾") are not skill phrases."""
    if phrase.startswith(_TEXT):
        text = phrase[1:].strip()
        if resolver is None or not text:
            return ()
        return tuple(dict.fromkeys(m.skill for m in resolver.resolve_all(text) if m.skill is not None))
    text = phrase.strip()
    if resolver is None or not text:
        return ()
    if len(text) <= SINGLE_PHRASE_CHARS and not _SEVERAL.search(text):
        skill = resolver.resolve(text).skill
        return (skill,) if skill is not None else ()
    # Pieces between separators; a space separates pieces next to Chinese ("电焊 钳工"), not
    # between English words ("forklift driver").
    pieces = [p for part in _PIECES.split(text) for p in _CJK_SPACE.split(part) if p.strip()]
    if len(pieces) > 1:
        # A list whose every piece is short and read outright (a form, a form with filler, no skill:
        # "电焊证，能吃苦") names what its pieces name: the sentence scan of the whole would find
        # the same forms, at several times the cost.
        read = [_read_outright(resolver, piece) for piece in pieces]
        if all(r is not None for r in read):
            return tuple(dict.fromkeys(skill for r in read for skill in r or ()))
    found = [m.skill for m in resolver.resolve_all(text) if m.skill is not None]
    if len(pieces) > 1:
        for piece in pieces:
            found.extend(_resolve_one(resolver, piece))
    return tuple(dict.fromkeys(found))


#: Answers that read a phrase outright: the phrase is a known form, or one wrapped in filler, or no skill.
_OUTRIGHT = frozenset({"exact", "filler", "learned", "not_a_skill"})


def _read_outright(resolver: Any, piece: str) -> tuple[str, ...] | None:
    """The skill a short piece names when the resolver reads it outright (``_OUTRIGHT``; () for no
    skill), else None."""
    piece = piece.strip()
    if len(piece) > SINGLE_PHRASE_CHARS or _SEVERAL.search(piece):
        return None
    match = resolver.resolve(piece)
    if getattr(match, "method", None) not in _OUTRIGHT:
        return None
    return (match.skill,) if match.skill is not None else ()


def _rough_key(phrase: str) -> str:
    return unicodedata.normalize("NFKC", phrase).casefold().translate(_t2s()).strip()


def _by_worker(phrases: list[str], processes: int) -> list[list[str]]:
    """The phrases shared out between ``processes`` workers so that the wrappers of one phrase (有5年
    电焊经验, 电焊（熟练）, 電焊, 电焊，能吃苦: ``core_key`` of a list's first piece) go to the same one,
    whose memos (the resolver remembers the costly stages by a phrase's core) answer all but the
    first; each worker's share in the order of a rough key. Sharing out chunks in turn instead cost
    about a quarter more of those stages: the same core read in both processes."""
    from ml.skill_resolver import core_key

    parts: list[list[tuple[str, str]]] = [[] for _ in range(processes)]
    for phrase in phrases:
        rough = _rough_key(phrase)
        route = core_key(_PIECES.split(rough, 1)[0]).encode()
        parts[zlib.crc32(route) % processes].append((rough, phrase))
    return [[phrase for _rough, phrase in sorted(part)] for part in parts]


def _warm_up() -> None:
    if _worker_resolver is not None and hasattr(_worker_resolver, "warm_up"):
        _worker_resolver.warm_up()


def _serve(tasks: Any, results: Any, trace: _Trace | None = None) -> None:
    """A worker's loop: (key, phrases) from ``tasks``, (key, their skills) to ``results``; None ends it."""
    trace = trace or _Trace("phrase worker")
    while True:
        task = tasks.get()
        if task is None:
            trace.write()
            return
        key, phrases = task
        if not trace.phrases:
            trace.mark("first task")
        try:
            found: Any = _resolve_chunk(phrases)
        except Exception as exc:  # the parent raises it, as a pool would
            found = exc
        trace.phrases += len(phrases)
        results.put((key, found))
        trace.answered()


def _first_worker(tasks: list[Any], results: Any) -> None:
    """The first worker loads the segmenter's dictionary (about a second), then forks the others
    (copy-on-write: one load for all of them, none in the parent, which reads its files meanwhile).
    Each serves its own queue of tasks (``tasks[0]`` is the first's). They run in a process group
    of their own, which ``_Workers.terminate`` stops."""
    global _worker_resolver
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    trace = _Trace("first phrase worker")
    context = mp.get_context("fork")
    others: list[Any] = []
    build = _worker_resolver.build_in_two() if hasattr(type(_worker_resolver), "build_in_two") else None
    if build is not None and len(tasks) >= 2:
        # A linked resolver: the second worker, forked once the dictionary is loaded, makes part of
        # the reads that linking needs, then the same resolver from the entries this one links.
        build.load_segmenter()
        trace.mark("dictionary loaded")
        mine, theirs = context.Pipe()
        others.append(context.Process(target=_second_worker, args=(build, theirs, tasks[1], results), daemon=True))
        others[0].start()
        theirs.close()  # (so that a failed second worker is an error here, not a wait for ever)
        reads = build.reads(0)
        reads.update(mine.recv())
        entries = build.entries(reads)
        mine.send(entries)
        _worker_resolver = type(build).resolver(entries)
    _warm_up()
    trace.mark("resolver ready")
    rest = [context.Process(target=_serve, args=(queue_, results), daemon=True) for queue_ in tasks[1 + len(others) :]]
    for process in rest:
        process.start()
    others += rest
    _serve(tasks[0], results, trace)
    for process in others:
        process.join()


def _second_worker(build: Any, link: Any, tasks: Any, results: Any) -> None:
    """The second worker when the resolver is linked (``_first_worker``): its part of the reads,
    then the resolver made from the entries the first worker sends back."""
    global _worker_resolver
    trace = _Trace("second phrase worker")
    link.send(build.reads(1))
    _worker_resolver = type(build).resolver(link.recv())
    _warm_up()
    trace.mark("resolver ready")
    _serve(tasks, results, trace)


class _Answer:
    def __init__(self, workers: _Workers, key: int) -> None:
        self.workers = workers
        self.key = key

    def get(self) -> list[tuple[str, ...]]:
        return self.workers.answer(self.key)


class _Workers:
    """``processes`` worker processes resolving phrases (``_resolve_chunk``), the part of
    ``multiprocessing.Pool`` that ``_Phrases`` uses (``apply_async``, ``map``, ``terminate``,
    ``join``). Unlike a pool's, only the first worker loads the segmenter's dictionary: the others
    are forked from it once it is loaded. Each worker has a queue of its own (``apply_async``'s
    ``worker``): the caller chooses which phrases go to the same process."""

    def __init__(self, processes: int) -> None:
        context = mp.get_context("fork")
        self.processes = processes
        self._tasks = [context.Queue() for _ in range(processes)]
        self._results = context.Queue()
        self._answers: dict[int, list[tuple[str, ...]]] = {}
        self._next = 0
        self._first = context.Process(target=_first_worker, args=(self._tasks, self._results))
        self._first.start()
        self._group = self._first.pid or 0
        with contextlib.suppress(OSError):  # the child does the same (whichever runs first)
            os.setpgid(self._group, self._group)

    def apply_async(self, function: Any, args: tuple[list[str]], worker: int | None = None) -> _Answer:
        """Send a task to worker ``worker`` (None: one after the other)."""
        assert function is _resolve_chunk
        key = self._next
        self._next += 1
        self._tasks[key % self.processes if worker is None else worker].put((key, args[0]))
        return _Answer(self, key)

    def answer(self, key: int) -> list[tuple[str, ...]]:
        while key not in self._answers:
            try:
                done, found = self._results.get(timeout=1.0)
            except queue.Empty:
                if not self._first.is_alive():
                    raise RuntimeError("the phrase-resolving worker process died") from None
                continue
            self._answers[done] = found
        found = self._answers.pop(key)
        if isinstance(found, Exception):
            raise found
        return found

    def map(self, function: Any, chunks: list[list[str]]) -> list[list[tuple[str, ...]]]:
        answers = [self.apply_async(function, (chunk,)) for chunk in chunks]
        return [answer.get() for answer in answers]

    def terminate(self) -> None:
        """Stop the workers at once (what they were still doing is dropped), as ``Pool.terminate``:
        the first worker and those it forked share a process group of their own."""
        if self._group > 0:  # (never 0: that would be this process's own group)
            with contextlib.suppress(OSError):  # already gone
                os.killpg(self._group, signal.SIGTERM)

    def stop(self, timeout: float = 5.0) -> None:
        """Let the workers finish: each takes one end-of-work mark and leaves, the first after
        waiting for those it forked (so that their CPU time is accounted to this process's
        children); any still running after ``timeout`` seconds is stopped."""
        for tasks in self._tasks:
            tasks.put(None)
        self._first.join(timeout)
        if self._first.is_alive():
            self.terminate()

    def join(self) -> None:
        self._first.join()
        for queue_ in (*self._tasks, self._results):
            queue_.close()
            queue_.cancel_join_thread()


class _Phrases:
    """Resolves each distinct phrase once (the resolver's own memo is bounded; a market repeats the
    same few thousand phrases hundreds of thousands of times), in ``processes`` forked processes
    when there are many: resolving is pure Python, 0.05 to 0.2 ms a phrase, and on a market of
    100,000 people it is the largest single cost. ``start`` forks the workers early, so that they
    load the segmenter's dictionary (about a second) while the caller is still reading its files."""

    def __init__(self, resolver: Any, processes: int = 1) -> None:
        self.resolver = resolver
        self.processes = processes
        self.memo: dict[str, tuple[str, ...]] = {}
        self._pool: Any = None
        self.seconds = 0.0  # wall time spent resolving (waiting for the workers), for the caller's report
        self._pending: list[tuple[list[str], Any]] = []  # (phrases, async answer) sent while reading
        self._sent: set[str] = set()

    def start(self) -> None:
        global _worker_resolver
        if self._pool is not None or self.processes < 2 or self.resolver is None:
            return
        if "fork" not in mp.get_all_start_methods():  # pragma: no cover - not on Linux
            return
        _worker_resolver = self.resolver  # the children inherit it
        try:
            self._pool = _Workers(self.processes)
        finally:
            _worker_resolver = None

    def close(self, *, failed: bool = False) -> None:
        """Stop the workers: at once after an error (``failed``) or with work still sent, else
        letting them leave on their own."""
        unfinished = failed or bool(self._pending)
        self._pending = []
        self._sent = set()
        if self._pool is not None:
            if unfinished or not hasattr(self._pool, "stop"):
                self._pool.terminate()  # an error while reading: what the workers do is dropped
            else:
                self._pool.stop()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> _Phrases:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(failed=kind is not None)

    def submit(self, phrases: Iterable[str]) -> None:
        """Send the new distinct phrases among these to the worker processes (when they run) without
        waiting for the answers: the caller goes on reading its file meanwhile, and ``resolve_many``
        collects them. Without workers, nothing happens (``resolve_many`` resolves everything)."""
        if self._pool is None:
            return
        memo, sent = self.memo, self._sent
        todo = [p for p in dict.fromkeys(phrases) if p not in memo and p not in sent]
        if not todo:
            return
        sent.update(todo)
        for worker, part in enumerate(_by_worker(todo, self.processes)):
            size = max(SUBMIT_CHUNK, -(-len(part) // 2))
            for i in range(0, len(part), size):
                chunk = part[i : i + size]
                self._pending.append((chunk, self._pool.apply_async(_resolve_chunk, (chunk,), worker)))

    def _collect(self) -> None:
        """The answers to everything ``submit`` sent."""
        pending, self._pending = self._pending, []
        for chunk, answer in pending:
            self.memo.update(zip(chunk, answer.get(), strict=True))
        self._sent = set()

    @property
    def running(self) -> bool:
        """Whether worker processes resolve the phrases sent (``start``)."""
        return self._pool is not None

    def answered(self, phrases: Iterable[str]) -> None:
        """Collect the workers' answers, in the order they were sent, until each of these phrases has
        one (or nothing more was sent): the caller can use the answers to the first lines of a file
        while the workers still resolve the rest."""
        started = time.perf_counter()
        memo = self.memo
        missing = [p for p in phrases if p not in memo]
        while missing and self._pending:
            chunk, answer = self._pending.pop(0)
            memo.update(zip(chunk, answer.get(), strict=True))
            missing = [p for p in missing if p not in memo]
        self.seconds += time.perf_counter() - started

    def resolve_many(self, phrases: Iterable[str]) -> None:
        started = time.perf_counter()
        try:
            if self._pending:
                self._collect()
            todo = [p for p in dict.fromkeys(phrases) if p not in self.memo]
            if todo:
                self._resolve_many(todo)
        finally:
            self.seconds += time.perf_counter() - started

    def _resolve_many(self, todo: list[str]) -> None:
        if len(todo) >= PARALLEL_PHRASES_FROM and self._pool is None:
            self.start()
            owned = True
        else:
            owned = False
        try:
            if self._pool is None or len(todo) < PARALLEL_PHRASES_FROM:
                for phrase in todo:
                    self.memo[phrase] = _resolve_one(self.resolver, phrase)
                return
            sent: list[tuple[list[str], Any]] = []
            for worker, part in enumerate(_by_worker(todo, self.processes)):
                size = max(1, -(-len(part) // 2))
                for i in range(0, len(part), size):
                    chunk = part[i : i + size]
                    sent.append((chunk, self._pool.apply_async(_resolve_chunk, (chunk,), worker)))
            for chunk, answer in sent:
                self.memo.update(zip(chunk, answer.get(), strict=True))
        finally:
            if owned:
                self.close()

    def found_in(self, text: str) -> tuple[str, ...]:
        """The skills a piece of free text names (a title, a description, what a person wrote)."""
        key = _TEXT + text
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _resolve_one(self.resolver, key)
        return found

    def split(self, phrases: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(skill ids found, phrases that named no skill)."""
        skills: list[str] = []
        unresolved: list[str] = []
        for phrase in phrases:
            found = self.memo.get(phrase)
            if found is None:
                found = self.memo[phrase] = _resolve_one(self.resolver, phrase)
            if found:
                skills.extend(found)
            elif phrase.strip():
                unresolved.append(phrase)
        return tuple(dict.fromkeys(skills)), tuple(unresolved)


def _records(lines: Iterable[str], what: str) -> Iterable[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        text = line.removeprefix("\ufeff") if number == 1 else line
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise ValueError(f"line {number}: a {what} must be a JSON object")
        yield number, record


def _id(number: int, record: dict[str, Any], seen: dict[Any, int]) -> str | int:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise ValueError(f'line {number}: "id" must be a non-empty string or an integer')
    if value in seen:
        raise ValueError(f"line {number}: id {value!r} was already given on line {seen[value]}")
    seen[value] = number
    return value


def _strings(number: int, record: dict[str, Any], key: str) -> list[str]:
    value = record.get(key)
    if value is None:
        return []
    if type(value) is not list or not all(type(v) is str for v in value):
        raise ValueError(f'line {number}: "{key}" must be a list of strings')
    return value


def _string(number: int, record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if type(value) is int and key in ("region", "occupation"):
        return str(value)  # a county code written as a number
    raise ValueError(f'line {number}: "{key}" must be a string')


def _flag(number: int, record: dict[str, Any], key: str) -> bool:
    value = record.get(key)
    if value is None:
        return False
    if type(value) is not bool:
        raise ValueError(f'line {number}: "{key}" must be true or false')
    return value


def _amount(number: int, record: dict[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if type(value) is int and value >= 0:
        return value
    if type(value) is float and math.isfinite(value) and value >= 0:
        return int(value)
    raise ValueError(f'line {number}: "{key}" must be a non-negative number or null')


def _choice(number: int, record: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = record.get(key)
    if value is None:
        return "full"
    if value not in allowed:
        raise ValueError(f'line {number}: unknown "{key}" {value!r} (one of {", ".join(allowed)})')
    return str(value)


#: Lines taken apart: (skill phrases, certified or preferred phrases, the other fields).
_Parsed = list[tuple[list[str], list[str], dict[str, Any]]]


def _seeker_phrases(parsed: _Parsed) -> Iterator[str]:
    """What ``read_seekers`` resolves of its parsed lines: skill phrases, certificates, the text."""
    for skills, certified, fields_ in parsed:
        yield from skills
        yield from certified
        yield _TEXT + fields_["text"]


def _posting_phrases(parsed: _Parsed) -> Iterator[str]:
    """What ``read_postings`` resolves of its parsed lines: skill phrases, the title, the text."""
    for required, preferred, fields_ in parsed:
        yield from required
        yield from preferred
        yield fields_["title"]
        yield _TEXT + fields_["text"]


def read_seekers(lines: Iterable[str], resolver: Any = None, *, memo: _Phrases | None = None) -> list[Seeker]:
    """Seekers from the rank_files JSON Lines format (docs/rank-files.md); phrases are resolved with
    ``resolver`` (a ``SkillResolver``; None keeps every phrase as text), each distinct one once, and
    skills the free text names are added. Blank lines are skipped. Every line is checked before any
    seeker is made (phrases may already be resolving in ``memo``'s worker processes meanwhile);
    raises ValueError naming the 1-based line number of the first malformed line (a duplicate id is
    one too)."""
    phrases = memo or _Phrases(resolver)
    parsed = _parse_seekers(lines, phrases)
    phrases.resolve_many(_seeker_phrases(parsed))
    return _seekers_from(parsed, phrases)


def _parse_seekers(lines: Iterable[str], phrases: _Phrases) -> _Parsed:
    """Every line checked and taken apart; the phrases are sent to the worker processes as the
    file is read (``_Phrases.submit``), not resolved yet."""
    seen: dict[Any, int] = {}
    parsed: _Parsed = []
    for number, record in _records(lines, "seeker"):
        parsed.append(
            (
                _strings(number, record, "skills"),
                _strings(number, record, "certified"),
                {
                    "id": _id(number, record, seen),
                    "text": _string(number, record, "text"),
                    "region": _string(number, record, "region"),
                    "regions": tuple(_strings(number, record, "regions")),
                    "willing_to_relocate": _flag(number, record, "willing_to_relocate"),
                    "capacity": _choice(number, record, "capacity", SEEKER_CAPACITIES),
                    "expected_salary": _amount(number, record, "expected_salary"),
                    "occupation": _string(number, record, "occupation"),
                },
            )
        )
        if len(parsed) % SUBMIT_EVERY == 0:
            phrases.submit(_seeker_phrases(parsed[-SUBMIT_EVERY:]))
    phrases.submit(_seeker_phrases(parsed[len(parsed) - len(parsed) % SUBMIT_EVERY :]))
    return parsed


def _seekers_from(parsed: _Parsed, phrases: _Phrases) -> list[Seeker]:
    """The seekers of parsed lines whose phrases are resolved (``resolve_many``)."""
    result = []
    nothing: frozenset[str] = frozenset()
    for skill_phrases, certified_phrases, fields_ in parsed:
        skills, unresolved = phrases.split(skill_phrases)
        # Skills told only in the free text ("以前在工地干过电焊") count as skills too.
        skills = tuple(dict.fromkeys([*skills, *phrases.found_in(fields_["text"])]))
        if certified_phrases:
            certified, _ = phrases.split(certified_phrases)
            skills = tuple(dict.fromkeys([*skills, *certified]))
        result.append(
            Seeker(
                skills=skills,
                certified=frozenset(certified) if certified_phrases else nothing,
                phrases=unresolved,
                **fields_,
            )
        )
    return result


def read_postings(lines: Iterable[str], resolver: Any = None, *, memo: _Phrases | None = None) -> list[Posting]:
    """Postings from the rank_files JSON Lines format (docs/rank-files.md); like ``read_seekers``.
    ``skills`` are the required skills; optional ``preferred_skills``, ``occupation`` and
    ``open_seats`` (default 1) are read too. Skills the title or description names are required
    when the posting lists none, else preferred."""
    phrases = memo or _Phrases(resolver)
    parsed = _parse_postings(lines, phrases)
    phrases.resolve_many(_posting_phrases(parsed))
    return _postings_from(parsed, phrases)


def _parse_postings(lines: Iterable[str], phrases: _Phrases) -> _Parsed:
    """Like ``_parse_seekers``."""
    seen: dict[Any, int] = {}
    parsed: _Parsed = []
    for number, record in _records(lines, "posting"):
        seats = record.get("open_seats", 1)
        if isinstance(seats, bool) or not isinstance(seats, int):
            raise ValueError(f'line {number}: "open_seats" must be an integer')
        parsed.append(
            (
                _strings(number, record, "skills"),
                _strings(number, record, "preferred_skills"),
                {
                    "id": _id(number, record, seen),
                    "title": _string(number, record, "title"),
                    "text": _string(number, record, "text"),
                    "region": _string(number, record, "region"),
                    "cross_region": _flag(number, record, "cross_region"),
                    "capacity_required": _choice(number, record, "capacity_required", POSTING_CAPACITIES),
                    "salary_min": _amount(number, record, "salary_min"),
                    "salary_max": _amount(number, record, "salary_max"),
                    "occupation": _string(number, record, "occupation"),
                    "open_seats": seats,
                },
            )
        )
        if len(parsed) % SUBMIT_EVERY == 0:
            phrases.submit(_posting_phrases(parsed[-SUBMIT_EVERY:]))
    phrases.submit(_posting_phrases(parsed[len(parsed) - len(parsed) % SUBMIT_EVERY :]))
    return parsed


def _postings_from(parsed: _Parsed, phrases: _Phrases) -> list[Posting]:
    """The postings of parsed lines whose phrases are resolved (``resolve_many``)."""
    result = []
    for required_phrases, preferred_phrases, fields_ in parsed:
        required, unresolved = phrases.split(required_phrases)
        preferred, unresolved_preferred = phrases.split(preferred_phrases)
        # Skills named only in the title or the description: required when the posting lists none,
        # else preferred (the list is what the employer asks for; the prose adds to it).
        title = phrases.memo.get(fields_["title"]) or ()  # a title reads like a skill phrase
        told = [*title, *phrases.found_in(fields_["text"])]
        if required:
            preferred = (*preferred, *told)
        else:
            required = tuple(dict.fromkeys(told))
        result.append(
            Posting(
                required=required,
                preferred=tuple(k for k in preferred if k not in set(required)),
                phrases=unresolved + unresolved_preferred,
                **fields_,
            )
        )
    return result


def phrase_memo(resolver: Any, processes: int = 1) -> _Phrases:
    """One memo to share between ``read_seekers`` and ``read_postings``: each distinct phrase of
    both files is resolved once (in ``processes`` forked processes when there are many)."""
    return _Phrases(resolver, processes)


__all__ = [
    "ENGINE_VERSION",
    "PARTS",
    "WEIGHTS",
    "Explanation",
    "Market",
    "Posting",
    "Seeker",
    "Weights",
    "capacity_fact",
    "infeasible_reason",
    "phrase_memo",
    "read_postings",
    "read_seekers",
]
