"""Keeping stored matches fresh. Every function is idempotent: running it twice leaves the same rows.

What is stored (``matching.models.Match``) is the union of both sides' best:

* for each seeker, their best ``MATCHES_PER_SIDE`` postings;
* for each posting, its best ``MATCHES_PER_SIDE`` seekers, and its best ``MATCHES_PER_SIDE`` among
  the people who agreed to be found by employers (the only ones an employer may see, besides
  applicants), so that the employer's list is not emptied by people who did not agree.

A change refreshes one row against the whole other side (``refresh_posting``, ``refresh_member``):
the changed row is read fresh from the database and scored with the cached ``Market``, whose *other*
side must be current (the changes logged since it last looked, ``matching.changes``); the row's own
side may be up to ``MATCHING_MARKET_MAX_AGE`` seconds old, as it only shapes the rarity and TF-IDF
weights. Whether the refreshed row also enters the other side's best lists is decided against the
stored rows (the ``MATCHES_PER_SIDE``-th best score of each). The refreshed row is then taken into
the cached market (``_overlay``) instead of the market being rebuilt, with the log's snapshot read
before the row, so that the row's own changes up to then count as taken in and any other change
still shows. Rows changed behind the market (another worker's refreshes, edits not refreshed yet)
are read again and taken in the same way when the market next needs their side current, up to
``MATCHING_CATCH_UP`` of them (``_caught_up``); with more it is rebuilt, or a refresh takes its
thresholds from the stored rows. The
nightly ``rematch_all`` recomputes everything, split into chunks of seekers that Celery workers run
in parallel.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from typing import Any, NamedTuple, cast

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from core.db import lease_is_free, session_lease
from core.fields import JSONTextField
from households.models import Member
from jobs.models import JobPosting
from jobs.selectors import open_postings
from matching import changes, engine, notices
from matching.learning import current_weights
from matching.models import (
    MarketChange,
    Match,
    PendingMatch,
    RematchChunk,
    RematchPiece,
    RematchRun,
    RematchThresholdPart,
)
from ml.best import BestLists, best_of
from ml.matching import (  # the underscored names: the rules ``_rows_of_pairs`` shares with ``Market.explain``
    ENGINE_VERSION,
    PARTS,
    Explanation,
    Market,
    Posting,
    Seeker,
    _occupation_fit,
    capacity_fact,
    check_posting,
    check_seeker,
    feasible_location,
    posting_salary,
)
from ml.relatedness import Relatedness
from notifications.services import Notice, notify_each
from skills.models import Skill

log = logging.getLogger(__name__)


# Scores of one pair computed through the two fast paths (one seeker against all postings, one posting
# against all seekers) agree to about 1e-6, not exactly: comparisons with a threshold allow for that.
TOLERANCE = 1e-5
INSERT_BATCH = 1000  # rows per INSERT statement (fewer where the database limits parameters)


def per_side() -> int:
    return int(getattr(settings, "MATCHES_PER_SIDE", 50))


def scan_depth() -> int:
    """How far down one row's ranking we look for the other side's best lists (see module doc)."""
    return max(per_side(), int(getattr(settings, "MATCHING_SCAN", 1000)))


# --- the cached market ---------------------------------------------------------------------------------


@dataclass
class CachedMarket:
    market: Market
    seekers: dict[int, Seeker]
    facts: dict[int, engine.SeekerFacts]
    postings: dict[int, Posting]
    posting_rows: dict[int, int]  # posting id -> its row in the market
    seeker_rows: dict[int, int]  # seeker id -> its row in the market
    seeker_state: changes.Seen
    posting_state: changes.Seen
    built_at: float  # time.monotonic()
    built_on: dt.date  # the day it was built: a posting past its ``valid_until`` closes by the date alone
    build_seconds: float
    # What ``_rows_of_pairs`` needs of a posting whatever the seeker, worked out once per posting.
    posting_facts: dict[int, PostingFacts] = field(default_factory=dict)
    # Each row's best of the other side in this market (``MarketBest``), made for the first refresh.
    best: MarketBest | None = None


@dataclass
class MarketBest:
    """The refreshes' thresholds from the market itself: each seeker's best postings, each posting's
    best seekers overall and among people who agreed to be found (``ml.best``), filled when a
    refresh first asks for the market (``_fill_best``), else on first use, and kept current as the
    overlay takes rows in. They hold what a market built now would rank, so
    they answer for a side only while that side is current (every change logged was taken in)."""

    seekers: BestLists  # per seeker row: posting rows
    postings: BestLists  # per posting row: seeker rows
    consenting: BestLists  # per posting row: rows of seekers who agreed to be found
    consent: np.ndarray  # per seeker row


def _market_best(cached: CachedMarket) -> MarketBest:
    if cached.best is None:
        market_ = cached.market
        depth = per_side() + BEST_SLACK
        consent = _consent_of_rows(cached)
        best = MarketBest(
            seekers=BestLists(depth, lambda rows: market_.best_postings_of_rows(rows, depth)),
            postings=BestLists(depth, lambda rows: _best_seekers(cached, rows, depth, consenting=False)),
            consenting=BestLists(depth, lambda rows: _best_seekers(cached, rows, depth, consenting=True)),
            consent=consent,
        )
        cached.best = best
    return cached.best


def _consent_of_rows(cached: CachedMarket) -> np.ndarray:
    """Per seeker row of the market, whether they agreed to be found (a row taken out: no)."""
    facts = cached.facts
    return np.array([(f := facts.get(int(s.id))) is not None and f.consent for s in cached.market.seekers], dtype=bool)


#: Up to this many postings' best seekers are found one posting at a time (``Market.seeker_scores``,
#: a fraction of a millisecond each at 25,000 seekers), more block by block (a few ms per county
#: block, whatever the number of its postings asked for).
FILL_ONE_BY_ONE = 64


def _best_seekers(
    cached: CachedMarket, rows: np.ndarray, depth: int, *, consenting: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The best ``depth`` seekers of these posting rows (among those who agreed to be found, when
    ``consenting``), as ``BestLists`` fills them."""
    assert cached.best is not None
    market_, consent = cached.market, cached.best.consent
    if len(rows) > FILL_ONE_BY_ONE:
        return market_.best_seekers_of_rows(rows, depth, among=consent if consenting else None)
    of, others, micros = [], [], []
    for row in rows.tolist():
        seekers, scores = market_.seeker_scores(market_.postings[row])
        if consenting:
            agreed = consent[seekers]
            seekers, scores = seekers[agreed], scores[agreed]
        best_seekers, best_micros, _cut = best_of(seekers, _micros(scores), depth)
        of.append(np.full(len(best_seekers), row, dtype=np.int64))
        others.append(best_seekers)
        micros.append(best_micros)
    if not of:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(of), np.concatenate(others), np.concatenate(micros)


def _nth_from_market(
    cached: CachedMarket, side: str, ids: Sequence[int], exclude: int, *, consenting: bool = False
) -> dict[int, float] | None:
    """The N-th best score of each of these seekers (``side`` "seekers": among the postings but
    ``exclude``) or postings (``side`` "postings": among the seekers but ``exclude``, or among those
    who agreed to be found), from the market's best lists; None when the side they rank (the other
    one) has more changes the market has not taken in than it takes in on the way (``_caught_up``),
    or the market is no longer the process's."""
    n = per_side()
    with _lock:
        if _cached is not cached:
            return None
        ranked_side = MarketChange.POSTINGS if side == "seekers" else MarketChange.SEEKERS
        if not _caught_up(cached, ranked_side):
            return None
        best = _market_best(cached)
        if side == "seekers":
            lists, rows_of, other = best.seekers, cached.seeker_rows, cached.posting_rows.get(exclude, -1)
        else:
            lists = best.consenting if consenting else best.postings
            rows_of, other = cached.posting_rows, cached.seeker_rows.get(exclude, -1)
        rows = np.array([rows_of[pk] for pk in ids], dtype=np.int64)
        nth = lists.nth_without(rows, other, n)
    return {pk: micros / 1e6 for pk, micros in zip(ids, nth.tolist(), strict=True) if micros > 0}


#: Rows each best list holds beyond the N a threshold needs: a cut list is filled again when rows
#: that left it bring it below N + 1 (memory: (N + slack) x 8 bytes per row of each side's lists).
BEST_SLACK = 10


def _micros(scores: np.ndarray) -> np.ndarray:
    return cast(np.ndarray, np.rint(scores * 1e6).astype(np.int64))


Scores = tuple[np.ndarray, np.ndarray]  # one row's (other side's rows, scores): ``Market.seeker_scores`` ...


def _in_micros(scores: Scores | None) -> tuple[np.ndarray, np.ndarray]:
    if scores is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return scores[0], _micros(scores[1])


def _best_posting_changed(cached: CachedMarket, row: int, scores: Scores | None) -> None:
    """Posting ``row`` was put into the market with these ``scores`` with the seekers (or taken out:
    None): the best lists follow."""
    _best_postings_changed(cached, [(row, scores)])


def _best_postings_changed(cached: CachedMarket, changed: Sequence[tuple[int, Scores | None]]) -> None:
    """``_best_posting_changed`` of each (posting row, scores), in turn: the same lists, but the
    seekers' lists searched once for all of them (``BestLists.others_changed``: each search reads
    every seeker's list, 5 ms at 50,000 seekers)."""
    best = cached.best
    if best is None or not changed:
        return
    moves = [(row, *_in_micros(scores)) for row, scores in changed]
    best.seekers.others_changed(moves)
    for row, seekers, micros in moves:
        best.postings.set_row(row, seekers, micros)
        agreed = best.consent[seekers] if len(seekers) else np.zeros(0, dtype=bool)
        best.consenting.set_row(row, seekers[agreed], micros[agreed])


def _best_seeker_changed(cached: CachedMarket, row: int, scores: Scores | None, consent: bool) -> None:
    """Seeker ``row`` was put into the market with these ``scores`` with the postings (or taken out:
    None): the best lists follow."""
    _best_seekers_changed(cached, [(row, scores, consent)])


def _best_seekers_changed(cached: CachedMarket, changed: Sequence[tuple[int, Scores | None, bool]]) -> None:
    """``_best_seeker_changed`` of each (seeker row, scores, consent), in turn: the same lists, each
    list of the postings searched once for all of them (see ``_best_postings_changed``)."""
    best = cached.best
    if best is None or not changed:
        return
    last = max(row for row, _scores, _consent in changed)
    if last >= len(best.consent):
        best.consent = np.concatenate([best.consent, np.zeros(last + 1 - len(best.consent), dtype=bool)])
    moves, agreed = [], []
    for row, scores, consent in changed:
        best.consent[row] = consent and scores is not None
        postings, micros = _in_micros(scores)
        moves.append((row, postings, micros))
        agreed.append((row, postings, micros if best.consent[row] else micros[:0]))
    best.postings.others_changed(moves)
    best.consenting.others_changed(agreed)
    for row, postings, micros in moves:
        best.seekers.set_row(row, postings, micros)


class PostingFacts(NamedTuple):
    required: list[str]  # required skills, each once, in order
    preferred: list[str]  # preferred skills that are not required
    salary: float | None  # ``posting_salary``
    text_weight: float
    no_skills: bool


def _posting_facts(cached: CachedMarket, space: Any, posting: Posting) -> PostingFacts:
    # Kept only for the market's own posting, not a fresher copy (one the market could not take in).
    own = cached.postings.get(int(posting.id)) is posting
    known = cached.posting_facts.get(int(posting.id)) if own else None
    if known is None:
        required = list(dict.fromkeys(posting.required))
        preferred = [c for c in dict.fromkeys(posting.preferred) if c not in set(required)]
        _blocks, text_weight, no_skills = space.posting_weights(posting)
        known = PostingFacts(required, preferred, posting_salary(posting), text_weight, no_skills)
        if own:
            cached.posting_facts[int(posting.id)] = known
    return known


_cached: CachedMarket | None = None
_lock = threading.Lock()


def forget_market() -> None:
    """Drop this process's cached market (tests; after a bulk load)."""
    global _cached
    with _lock:
        _cached = None


def market(*, current: str = "both", lists: bool = False) -> CachedMarket:
    """The process's market, rebuilt when the side named by ``current`` ("seekers", "postings" or
    "both") has changed, or when the other side has changed and the market is older than
    ``MATCHING_MARKET_MAX_AGE`` seconds. With ``lists`` (a refresh's), every row's best lists are
    filled before it is returned, if they were not (``_fill_best``) and the market is no larger than
    ``MATCHING_FILL_AHEAD_PAIRS`` feasible pairs: the fill grows with the pairs, as the night's
    rankings do (minutes at the region's size), so a larger market fills each row's on first use."""
    with _lock:
        cached = _market(current)
        if lists and cached.best is None and cached.market.feasible_pairs() <= settings.MATCHING_FILL_AHEAD_PAIRS:
            _fill_best(cached)
        return cached


def _fill_best(cached: CachedMarket) -> None:
    """Every row's best lists filled at once (``_lock`` held), block by block as the plan's
    thresholds rank. A refresh reads up to ``MATCHING_SCAN`` rows' lists: filled on first use, a
    few hundred at a time, they made the first refreshes after a build several times slower than
    the next ones, while all of them at once cost about what the build costs (50,000 seekers:
    3.1-3.8 s of CPU against the build's 2.5-3.6 s; growing with the feasible pairs, as the
    re-match's rankings do). Memory: (N + ``BEST_SLACK``) x 8 bytes per row of each list."""
    started = time.process_time()
    best = _market_best(cached)
    best.seekers.fill_rows(np.arange(len(cached.market.seekers)))
    best.postings.fill_rows(np.arange(len(cached.market.postings)))
    best.consenting.fill_rows(np.arange(len(cached.market.postings)))
    cached.market.make_column_major()  # what the first refresh would make otherwise
    log.info("matching market's best lists filled in %.2fs of CPU", time.process_time() - started)


def _market(current: str) -> CachedMarket:
    """``market`` without its lists, ``_lock`` held."""
    global _cached
    weights = current_weights()
    cached = _cached
    if cached is not None and cached.market.weights != weights:
        cached = None  # learned weights went live (matching.learning): score with them from now on
    # A side's changes are read only when the answer depends on them (each a small index range).
    if cached is not None and cached.built_on == timezone.localdate():
        young = time.monotonic() - cached.built_at < float(getattr(settings, "MATCHING_MARKET_MAX_AGE", 300))
        seekers_ok = (current not in ("seekers", "both") and young) or _caught_up(cached, MarketChange.SEEKERS)
        postings_ok = seekers_ok and (
            (current not in ("postings", "both") and young) or _caught_up(cached, MarketChange.POSTINGS)
        )
        if seekers_ok and postings_ok:
            return cached
    seen = changes.now()  # before reading: a change it does not see is read as one at the next check
    built_on = timezone.localdate()
    started = time.monotonic()
    built = engine.build_seekers()
    postings = engine.build_postings()
    new = CachedMarket(
        market=Market(
            built.seekers,
            postings,
            weights=weights,
            skill_names=dict(Skill.objects.values_list("code", "name_zh")),
            relatedness=relatedness(built.seekers, postings),
        ),
        seekers={int(s.id): s for s in built.seekers},
        facts=built.facts,
        postings={int(p.id): p for p in postings},
        posting_rows={int(p.id): i for i, p in enumerate(postings)},
        seeker_rows={int(s.id): i for i, s in enumerate(built.seekers)},
        seeker_state=changes.Seen(seen),
        posting_state=changes.Seen(seen),
        built_at=time.monotonic(),
        built_on=built_on,
        build_seconds=time.monotonic() - started,
    )
    log.info(
        "matching market built: %d seekers, %d postings in %.2fs",
        len(built.seekers),
        len(postings),
        new.build_seconds,
    )
    _cached = new
    return new


def relatedness(seekers: Sequence[Seeker], postings: Sequence[Posting]) -> Relatedness:
    """How close the skills are (``ml.relatedness``): the taxonomy's structure as the prior, moved
    by which skills the market's postings ask for together and its people hold together."""
    from skills.understanding import taxonomy_entries

    together = [[*p.required, *p.preferred] for p in postings] + [list(s.skills) for s in seekers]
    return Relatedness.build(taxonomy_entries(), together)


# --- one row taken into the cached market ----------------------------------------------------------------


class Read(NamedTuple):
    """When one row was read: the change log's snapshot taken just before (so that a change made in
    between is read as another change), and the clock."""

    snapshot: changes.Snapshot
    at: float  # time.monotonic() of the read


def read_row() -> Read:
    return Read(changes.now(), time.monotonic())


def _overlay(
    cached: CachedMarket,
    seen: changes.Seen,
    key: int,
    read: Read,
    take_in: Callable[[], bool],
) -> None:
    """Take one changed row into the cached market instead of rebuilding it (``take_in`` changes the
    market and the maps, and says False when it could not), and note that the row's changes up to
    its read are in the market. A market built after the row was read holds it already; one
    replaced meanwhile is left alone; a row the market cannot take in drops the market (rebuilt
    when next asked for).

    The market is changed in place: in production only Celery worker processes refresh, one task
    at a time each, so nothing reads it meanwhile; a web process that ran refreshes eagerly (tests,
    development) while another of its threads scored with the same market could see a torn row."""
    global _cached
    with _lock:
        if _cached is not cached or cached.built_at >= read.at:
            return
        if not take_in():
            _cached = None
            return
        seen.taken_in[key] = read.snapshot


def _take_in_posting(
    cached: CachedMarket, posting_id: int, posting: Posting | None, scores: Scores | None = None
) -> Callable[[], bool]:
    """``scores``: the posting's with the market's seekers (``Market.seeker_scores``), if known."""

    def take_in() -> bool:
        if posting is None:
            cached.posting_facts.pop(posting_id, None)
            cached.market.drop_posting(posting_id)
            cached.postings.pop(posting_id, None)
            gone = cached.posting_rows.pop(posting_id, None)
            if gone is not None:
                _best_posting_changed(cached, gone, None)
            return True
        if cached.postings.get(posting_id) == posting:
            return True  # refreshed unchanged: the market holds it as it is
        row = cached.market.put_posting(posting)
        if row is None:
            return False
        cached.postings[posting_id] = posting
        cached.posting_rows[posting_id] = row
        cached.posting_facts.pop(posting_id, None)
        _best_posting_changed(cached, row, scores if scores is not None else cached.market.seeker_scores(posting))
        return True

    return take_in


def _take_in_seeker(
    cached: CachedMarket,
    member_id: int,
    seeker: Seeker | None,
    facts: engine.SeekerFacts | None,
    scores: Scores | None = None,
) -> Callable[[], bool]:
    """``scores``: the seeker's with the market's postings (``Market.posting_scores``), if known."""

    def scored() -> Scores:
        assert seeker is not None
        return scores if scores is not None else cached.market.posting_scores(seeker)

    def take_in() -> bool:
        if seeker is None or facts is None:
            cached.market.drop_seeker(member_id)
            cached.seekers.pop(member_id, None)
            cached.facts.pop(member_id, None)
            gone = cached.seeker_rows.pop(member_id, None)
            if gone is not None:
                _best_seeker_changed(cached, gone, None, False)
            return True
        if cached.seekers.get(member_id) == seeker:
            before = cached.facts.get(member_id)
            cached.facts[member_id] = facts  # consent and the quoted values need no vector
            if before is None or before.consent != facts.consent:  # but the lists among those who agreed do
                _best_seeker_changed(cached, cached.seeker_rows[member_id], scored(), facts.consent)
            return True
        row = cached.market.put_seeker(seeker)
        if row is None:
            return False
        cached.seekers[member_id] = seeker
        cached.facts[member_id] = facts
        cached.seeker_rows[member_id] = row
        _best_seeker_changed(cached, row, scored(), facts.consent)
        return True

    return take_in


def _take_in_postings(cached: CachedMarket, found: Sequence[tuple[int, Posting | None]]) -> bool:
    """``_take_in_posting`` of each (posting id, the posting as read now, or None: closed), in turn,
    but the changed ones put into the market together (``Market.put_postings``: one copy of its
    matrix, not one a row). The best lists follow each row in the given order, as one by one."""
    changed = [(pk, p) for pk, p in found if p is not None and cached.postings.get(pk) != p]
    rows = cached.market.put_postings([p for _pk, p in changed])
    if None in rows:
        return False
    put = dict(zip([pk for pk, _p in changed], rows, strict=True))
    lists: list[tuple[int, Scores | None]] = []  # the best lists' changes, made together in order
    for pk, posting in found:
        row = put.get(pk)
        if row is None:
            _best_postings_changed(cached, lists)
            lists = []
            if not _take_in_posting(cached, pk, posting)():
                return False
            continue
        assert posting is not None
        cached.postings[pk] = posting
        cached.posting_rows[pk] = row
        cached.posting_facts.pop(pk, None)
        lists.append((row, cached.market.seeker_scores(posting)))
    _best_postings_changed(cached, lists)
    return True


def _take_in_seekers(
    cached: CachedMarket, found: Sequence[tuple[int, Seeker | None, engine.SeekerFacts | None]]
) -> bool:
    """``_take_in_seeker`` of each (member id, the seeker and facts as read now, or None: no longer
    seeking), in turn, but the changed ones put into the market together (``Market.put_seekers``)
    and scored from their new rows of the market, not vectorised again."""
    changed = [(pk, s, f) for pk, s, f in found if s is not None and f is not None and cached.seekers.get(pk) != s]
    rows = cached.market.put_seekers([s for _pk, s, _f in changed])
    if None in rows:
        return False
    put = dict(zip([pk for pk, _s, _f in changed], rows, strict=True))
    lists: list[tuple[int, Scores | None, bool]] = []  # the best lists' changes, made together in order
    for pk, seeker, facts in found:
        row = put.get(pk)
        if row is None:
            _best_seekers_changed(cached, lists)
            lists = []
            if not _take_in_seeker(cached, pk, seeker, facts)():
                return False
            continue
        assert seeker is not None and facts is not None
        cached.seekers[pk] = seeker
        cached.facts[pk] = facts
        cached.seeker_rows[pk] = row
        lists.append((row, cached.market.posting_scores_of_row(row), facts.consent))
    _best_seekers_changed(cached, lists)
    return True


def catch_up_limit() -> int:
    return int(getattr(settings, "MATCHING_CATCH_UP", 64))


def _caught_up(cached: CachedMarket, side: str) -> bool:
    """Whether ``side`` of the process's market (``_lock`` held) is current, after taking in the rows
    changed behind it that no refresh here took in (another process's refreshes, edits not refreshed
    yet), when there are at most ``MATCHING_CATCH_UP``: each read again from the database after the
    log's snapshot that listed it, and put into the market and the best lists as a refresh puts its
    own row. With more, or a side not checked for long, nothing is read: False, as before (the
    caller rebuilds or asks the stored rows). A row the market cannot take in drops it (False)."""
    found = _state(cached, side).unseen(side)
    if found is None:
        return False
    then, rows = found
    if rows and (len(rows) > catch_up_limit() or _cached is not cached):
        return False
    return _take_in_changed(cached, side, then, rows, _read_rows(side, rows) if rows else None)


def _state(cached: CachedMarket, side: str) -> changes.Seen:
    return cached.seeker_state if side == MarketChange.SEEKERS else cached.posting_state


SideRows = engine.Built | list[Posting]  # rows of one side as read: seekers and their facts, or postings


def _read_rows(side: str, pks: Sequence[int]) -> SideRows:
    """The rows of ``side`` with these ids as they are now (fewer: those no longer seeking or open)."""
    if side == MarketChange.SEEKERS:
        return engine.build_seekers(engine.seekers_queryset().filter(pk__in=pks))
    return engine.build_postings(open_postings().filter(pk__in=pks))


def _take_in_changed(
    cached: CachedMarket, side: str, then: changes.Snapshot, rows: Sequence[int], read: SideRows | None
) -> bool:
    """``_caught_up``'s second half (``_lock`` held): the changed ``rows`` of ``side``, as ``read``
    after the snapshot ``then`` that listed them, taken into the market; ``then`` is then the side's."""
    global _cached
    if rows:
        assert read is not None
        if isinstance(read, engine.Built):
            seekers = {int(s.id): s for s in read.seekers}
            taken = _take_in_seekers(cached, [(pk, seekers.get(pk), read.facts.get(pk)) for pk in rows])
        else:
            postings = {int(p.id): p for p in read}
            taken = _take_in_postings(cached, [(pk, postings.get(pk)) for pk in rows])
        if not taken:
            _cached = None
            return False
        log.info(
            "matching market took in %d %s changed behind it",
            len(rows),
            "seekers" if side == MarketChange.SEEKERS else "postings",
        )
    _state(cached, side).moved_on(then)
    return True


def _read_own(side: str, pk: int) -> tuple[Read, SideRows]:
    """A refresh's read of its own row (``read_row`` and the row), and, in the same queries, the rows
    of its side changed behind the process's market, which are taken in (``_caught_up``) before the
    refresh asks for that side's best lists: one read of each table, not one for the refresh's row
    and another for the catch-up (each read is a handful of queries, most of its cost the ORM's and
    the round trips', whatever the rows). The log's snapshot that lists the changes is taken before
    the read, so it serves as the row's own. The returned rows may hold others than ``pk``."""
    with _lock:
        cached = _cached
        found = None if cached is None or cached.built_on != timezone.localdate() else _state(cached, side).unseen(side)
        if found is None:
            return read_row(), _read_rows(side, [pk])
        then, rows = found
        changed = rows if len(rows) <= catch_up_limit() else []
        read = Read(then, time.monotonic())
        built = _read_rows(side, [pk, *changed])
        if len(changed) == len(rows):
            assert cached is not None
            _take_in_changed(cached, side, then, rows, built)
        return read, built


# --- rows ----------------------------------------------------------------------------------------------

_vectors_lock = threading.Lock()


@contextmanager
def _vectors_reused(cached: CachedMarket) -> Iterator[None]:
    """Calls of ``Market.postings_for`` / ``seekers_for`` / ``explain`` with each row's vector
    computed once.

    Those methods vectorise the row they are given on every call (2-3 ms for a seeker: TF-IDF and
    the salary table), though the market holds the vector of each of its own rows already. For the
    block, the market's one-row vectorisers answer with the market's own row for a seeker or posting
    of the market (the same object), and memoise any other row. This reaches into the engine's
    ``_space``; tests/matching/test_services.py checks that the answers do not change, and without
    it everything runs at the engine's own speed."""
    market_ = cached.market
    space = getattr(market_, "_space", None)
    if space is None:
        yield
        return

    def reused(
        original: Any, vectors: Callable[[list[int]], Any], rows_of: dict[int, int], objects: dict[int, Any]
    ) -> Any:
        memo: dict[int, tuple[Any, Any]] = {}

        def one_row(rows: Sequence[Any]) -> Any:
            if len(rows) != 1:
                return original(rows)
            obj = rows[0]
            key = int(obj.id)
            if objects.get(key) is obj:  # the market's matrix now: a row taken in meanwhile replaced it
                return vectors([rows_of[key]])
            hit = memo.get(id(obj))
            if hit is None or hit[0] is not obj:  # keep the object: its id cannot be reused meanwhile
                hit = memo[id(obj)] = (obj, original(rows))
            return hit[1]

        return one_row

    with _vectors_lock:
        space.seeker_matrix = reused(space.seeker_matrix, market_.seeker_vectors, cached.seeker_rows, cached.seekers)
        space.posting_matrix = reused(
            space.posting_matrix, market_.posting_vectors, cached.posting_rows, cached.postings
        )
        try:
            yield
        finally:
            del space.seeker_matrix, space.posting_matrix  # the class's methods again


def _explanation(explanation: Explanation | None) -> dict[str, Any] | None:
    if explanation is None:
        return None
    return {f.name: getattr(explanation, f.name) for f in dataclasses.fields(explanation)}


def _rows_of_pairs(
    cached: CachedMarket,
    pairs: Sequence[tuple[Seeker, engine.SeekerFacts, Posting, float]],
    now: datetime,
    *,
    one_posting: bool = False,
) -> list[Row]:
    """The stored rows of these pairs (seeker, their facts, posting, score): ``_match`` of each, the
    infeasible ones left out, at once. ``one_posting``: the pairs are one posting's (its refresh),
    which decides the order the parts are added in (``_part_sums``).

    ``explain`` costs a quarter of a millisecond a pair even with memoised vectors, which would be
    most of a full re-match's time. Here the weighted parts of every pair come from one element-wise
    product of the pairs' vectors (the market's own rows; a fresher seeker or posting vectorised
    once), summed per part and rounded as arrays; each seeker's and posting's own facts are worked
    out once, and each pair only compares the two. The rules are the engine's (``explain``,
    ``related_facts``), and ``tests/matching/test_services.py`` checks that the rows equal
    ``_match``'s through ``explain`` on every pair; without the engine internals this relies on, it
    is that path."""
    market = cached.market
    space = getattr(market, "_space", None)
    if space is None or getattr(space, "offsets", None) is None:
        return [row for s, f, p, score in pairs if (row := _match(cached, s, f, p, score, now)) is not None]
    if not pairs:
        return []
    postings = [t[2] for t in pairs]
    of_seekers, at_seeker = _rows_of_vectors(
        market.seeker_vectors, cached.seeker_rows, cached.seekers, space.seeker_matrix, [t[0] for t in pairs]
    )
    of_postings, at_posting = _rows_of_vectors(
        market.posting_vectors, cached.posting_rows, cached.postings, space.posting_matrix, postings
    )
    if one_posting:  # one posting against many seekers: main's product took the seekers' rows
        sums = _part_sums(space, of_seekers, at_seeker, of_postings, at_posting)
    else:  # each seeker against many postings (mostly fewer non-zeros: less to repeat)
        sums = _part_sums(space, of_postings, at_posting, of_seekers, at_seeker)
    # Each posting's facts once (``_posting_facts``), and what each pair reads of its posting.
    keys = list(map(id, postings))
    of_posting: dict[int, Any] = dict(zip(keys, postings, strict=True))
    for key, posting in of_posting.items():
        check_posting(posting)  # ``infeasible_reason``'s check of the posting, once
        of_posting[key] = (_posting_facts(cached, space, posting), int(posting.id))
    about: list[tuple[PostingFacts, int]] = list(map(of_posting.__getitem__, keys))
    text_weights = np.array([a[0].text_weight for a in about])
    similarity = np.divide(sums[:, _TEXT], text_weights, out=np.zeros(len(pairs)), where=text_weights != 0)
    parts, text, scores = (
        _rounded(sums, 4),
        _rounded(similarity, 4),
        _rounded(np.array([float(t[3]) for t in pairs]), 6),
    )
    relatedness = cached.market.relatedness
    of_seeker: dict[int, tuple[Any, ...]] = {}
    occupations: dict[tuple[str, str], str] = {}
    capacities: dict[tuple[str, str], str] = {}
    rows: list[Row] = []
    append, names, new_row = rows.append, PARTS, Row._make
    for (seeker, facts, posting, _score), (known, posting_id), parts_k, text_k, score_k in zip(
        pairs, about, parts, text, scores, strict=True
    ):
        mine = of_seeker.get(id(seeker))
        if mine is None:
            check_seeker(seeker)  # ``infeasible_reason``'s check of the seeker, once
            # ``related_facts``' answer for each skill, from the same nearest held skill.
            near = relatedness.nearest_of_each(seeker.skills) if relatedness is not None and seeker.skills else {}
            mine = of_seeker[id(seeker)] = (set(seeker.skills), near, int(seeker.id))
        location = feasible_location(seeker, posting)
        if location is None:
            continue  # infeasible: never stored
        has, near, seeker_id = mine
        required, preferred, salary, _text_weight, no_skills = known
        expected = seeker.expected_salary
        if salary is None or expected is None or expected <= 0:
            salary_state, gap = "unknown", 0
        elif salary >= expected:
            salary_state, gap = "meets", 0
        else:
            salary_state, gap = "below", int(expected - salary)
        codes = (seeker.occupation, posting.occupation)
        occupation = occupations.get(codes)
        if occupation is None:
            occupation = occupations[codes] = _occupation_fit(*codes)
        demands = (seeker.capacity, posting.capacity_required)
        capacity = capacities.get(demands)
        if capacity is None:
            capacity = capacities[demands] = capacity_fact(seeker, posting)
        if required:
            matched = [c for c in required if c in has]
            missing = [c for c in required if c not in has] if len(matched) < len(required) else []
        else:
            matched, missing = [], []
        # The keys in ``_match``'s order: the stored JSON text is compared byte for byte.
        found = {
            "matched_required": matched,
            "missing_required": missing,
            "matched_preferred": [c for c in preferred if c in has] if preferred else [],
            "location": location,
            "capacity": capacity,
            "related_required": [[c, *near[c]] for c in missing if c in near] if missing and near else [],
            "occupation_from_skills": seeker.occupation_from_skills,
            "salary": salary_state,
            "salary_gap": gap,
            "occupation": occupation,
            "text_similarity": text_k,
            "no_resolved_skills": no_skills,
            "parts": dict(zip(names, parts_k, strict=True)),
            "expected_salary": facts.expected_salary,
            "salary_min": posting.salary_min,
            "salary_max": posting.salary_max,
            "seeker_region": seeker.region,
            "posting_region": posting.region,
        }
        append(new_row((seeker_id, posting_id, score_k, ENGINE_VERSION, now, found)))
    return rows


def _rows_of_vectors(
    market_rows_of: Callable[[list[int]], Any],
    rows_of: dict[int, int],
    own: dict[int, Any],
    vectorise: Callable[[Any], Any],
    objects: Sequence[Any],
) -> tuple[Any, np.ndarray]:
    """The vectors of ``objects`` (seekers or postings), each distinct one once, and each object's row
    among them: the market's row for the market's own object (the same object), else the object
    vectorised (a fresher copy, or a row the market does not hold)."""
    keys = list(map(id, objects))
    where: dict[int, Any] = dict(zip(keys, objects, strict=True))  # each object once, in order of first use
    market_rows: list[int] = []
    fresh: list[Any] = []
    for key, obj in where.items():
        pk = int(obj.id)
        if own.get(pk) is obj:
            where[key] = len(market_rows)
            market_rows.append(rows_of[pk])
        else:
            where[key] = -1 - len(fresh)
            fresh.append(vectorise([obj]))
    at = np.fromiter(map(where.__getitem__, keys), dtype=np.int64, count=len(keys))
    at[at < 0] = len(market_rows) - 1 - at[at < 0]  # the fresh ones follow the market's
    ours = market_rows_of(market_rows)  # the market's rows (``Market.seeker_vectors``), as its matrix holds them
    stacked = ours if not fresh else sp.vstack([ours, *fresh], format="csr")
    return stacked, at


def _part_sums(space: Any, kept: Any, at_kept: np.ndarray, looked_up: Any, at_looked_up: np.ndarray) -> np.ndarray:
    """Each pair's sum per weighted part (``PARTS``) of the element-wise product of its two vectors:
    row ``at_kept`` of ``kept`` and row ``at_looked_up`` of ``looked_up``.

    The ``kept`` side's vector is repeated for each pair, the other's value at each of its columns
    looked up; the products are added up from the vector's last stored column to its first. That is
    the order in which main's per-row products always added the stored figures (the rows of the side
    ``kept`` times one vector of the other side: scipy's product with a diagonal), so the sums, and
    the figures rounded from them, are the same to the last bit. ``Market.explain`` adds in another
    order (numpy's pairwise sum); the four decimals kept hide that difference."""
    pairs = kept[at_kept].tocsr()  # each row's columns in the order the market stores them
    other = looked_up.tocsr(copy=True)
    other.sum_duplicates()  # sorted (a copy: the caller's stays as it is), one entry a column: the keys ascend
    width = other.shape[1]
    pair_of = np.repeat(np.arange(pairs.shape[0]), np.diff(pairs.indptr))
    wanted = at_looked_up[pair_of] * width + pairs.indices
    held = np.repeat(np.arange(other.shape[0]), np.diff(other.indptr)) * width + other.indices
    found = np.minimum(np.searchsorted(held, wanted), max(len(held) - 1, 0))
    part_of = np.full(width, -1, dtype=np.int64)
    for i, name in enumerate(PARTS):
        start, end = space.offsets[name]
        part_of[start:end] = i
    which = part_of[pairs.indices]
    if len(held):
        keep = (which >= 0) & (held[found] == wanted)
        values = (pairs.data * other.data[found])[keep][::-1]
    else:
        keep, values = np.zeros(len(wanted), dtype=bool), np.zeros(0)
    cells = (pair_of * len(PARTS) + which)[keep][::-1]
    sums = np.bincount(cells, weights=values, minlength=pairs.shape[0] * len(PARTS))
    return sums.reshape(pairs.shape[0], len(PARTS))


def _rounded(values: np.ndarray, digits: int) -> list[Any]:
    """``round(v, digits)`` of each value as Python floats (nested as ``values`` is), vectorised.

    Rounding the scaled value to the nearest integer and scaling back gives the same float as
    ``round`` (both are the correctly rounded quotient) unless the scaled value is within reach of a
    half, where its own rounding error could tip it: those few, and anything not finite or too
    large, are rounded by ``round`` itself."""
    scale = 10.0**digits
    scaled = values * scale
    out = np.rint(scaled) / scale
    unsure = ~(np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6) | ~(np.abs(scaled) < 2.0**40)
    for index in zip(*np.nonzero(unsure), strict=True):
        out[index] = round(float(values[index]), digits)
    return cast(list[Any], out.tolist())


_TEXT = PARTS.index("text")


class Row(NamedTuple):
    """A stored match as it is written: the columns of ``Match`` (whose instances, read the same
    way, are accepted too). Building a model instance per row cost a seventh of a re-match."""

    member_id: int
    posting_id: int
    score: float
    engine_version: str
    computed_at: datetime
    explanation: dict[str, Any]


def _match(
    cached: CachedMarket,
    seeker: Seeker,
    facts: engine.SeekerFacts,
    posting: Posting,
    score: float,
    now: datetime,
) -> Row | None:
    """One pair's row through ``Market.explain`` (None: infeasible): what ``_rows_of_pairs`` gives
    at once, and its answer where the engine's internals are not there."""
    found = _jsonable(_explanation(cached.market.explain(seeker, posting)))
    if found is None:  # infeasible after all: never stored
        return None
    # The values the sentences quote, as they were when the match was computed.
    found = {
        **found,
        "expected_salary": facts.expected_salary,
        "salary_min": posting.salary_min,
        "salary_max": posting.salary_max,
        "seeker_region": seeker.region,
        "posting_region": posting.region,
    }
    return Row(int(seeker.id), int(posting.id), round(float(score), 6), ENGINE_VERSION, now, found)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return round(value, 4)
    try:
        return round(float(value), 4)  # numpy scalars
    except (TypeError, ValueError):
        return str(value)


def _member_thresholds(member_ids: Sequence[int], *, exclude_posting: int) -> dict[int, float]:
    """For each member with at least N stored matches (other than ``exclude_posting``), the score of
    their N-th best: a posting scoring at least that is among their best N. One query; per member
    their range of the unique index (a few dozen rows), sorted in memory."""
    if not member_ids:
        return {}
    n = per_side()
    if connection.vendor == "postgresql":
        return _member_thresholds_pg(member_ids, exclude_posting=exclude_posting, n=n)
    return _member_thresholds_any(member_ids, exclude_posting=exclude_posting, n=n)


def _member_thresholds_any(member_ids: Sequence[int], *, exclude_posting: int, n: int) -> dict[int, float]:
    """``_member_thresholds`` on any database: a subquery per member."""
    nth = (
        Match.objects.filter(member_id=OuterRef("pk"))
        .exclude(posting_id=exclude_posting)
        .order_by("-score")
        .values("score")[n - 1 : n]
    )
    found = Member.objects.filter(pk__in=member_ids).annotate(nth=Subquery(nth)).values_list("pk", "nth")
    return {pk: score for pk, score in found if score is not None}


def _member_thresholds_pg(member_ids: Sequence[int], *, exclude_posting: int, n: int) -> dict[int, float]:
    """``_member_thresholds`` on PostgreSQL: per member the N-th and N+1-th best scores of all their
    rows (their range of the unique index, a few dozen rows, sorted; excluding the posting in the
    same scan would need each row's ``posting_id`` compared), and the posting's own row, if any, by
    the unique index. Without that row the threshold is the N-th best; when that row is among the
    best N (at least the N-th score) it is the N+1-th."""
    table = connection.ops.quote_name(Match._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, ARRAY(SELECT score FROM {table} WHERE member_id = m.id ORDER BY score DESC "
            f"OFFSET %s LIMIT 2), (SELECT score FROM {table} WHERE member_id = m.id AND posting_id = %s) "
            "FROM unnest(%s::bigint[]) AS m(id)",
            [n - 1, exclude_posting, [int(pk) for pk in member_ids]],
        )
        found: dict[int, float] = {}
        for pk, scores, own in cursor.fetchall():
            if own is not None and scores and own >= scores[0]:
                scores = scores[1:]
            if scores:
                found[pk] = scores[0]
        return found


def _posting_thresholds(posting_ids: Sequence[int], *, exclude_member: int, consenting: bool) -> dict[int, float]:
    """Like ``_member_thresholds``, per posting (``match_posting_best``); among people who agreed to
    be found when ``consenting``."""
    if not posting_ids:
        return {}
    n = per_side()
    rows = Match.objects.filter(posting_id=OuterRef("pk")).exclude(member_id=exclude_member)
    if consenting:
        rows = rows.filter(member__consent_to_be_found=True)
    nth = rows.order_by("-score").values("score")[n - 1 : n]
    found = JobPosting.objects.filter(pk__in=posting_ids).annotate(nth=Subquery(nth)).values_list("pk", "nth")
    return {pk: score for pk, score in found if score is not None}


def _replace(delete: Q, rows: Sequence[Match | Row], *, then: Callable[[], None] | None = None) -> int:
    """Make the stored rows matching ``delete`` exactly ``rows``, in one transaction: readers see the
    old rows or the new, never a mix. Returns the number of rows now stored there."""
    if connection.vendor == "postgresql" and then is None and 0 < len(rows) <= SMALL_WRITE:
        statistics_keep_up(len(rows), _write_small(delete, rows))
        return len(rows)
    with transaction.atomic():
        if connection.vendor == "postgresql" and rows:
            if not _copy_into_empty(delete, rows):
                _merge(delete, rows)
        else:
            Match.objects.filter(delete).delete()
            _insert(rows)
        if then is not None:
            then()
    statistics_keep_up(len(rows))
    return len(rows)


def statistics_keep_up(written: int, estimate: float | None = None) -> None:
    """PostgreSQL: analyse the stored matches when their statistics say the table holds fewer rows
    than were just written to it (it was emptied and is being filled again), outside a transaction.

    The planner trusts those statistics: a table it believes empty is read by whichever index
    looks cheapest, which for ``member_id = ...`` was a whole scan of the posting index (0.7 s per
    refresh at 225,000 rows, and a first fill that slows with every chunk). Autovacuum would
    analyse it within minutes where it runs; where it does not (it is off on some installations,
    and busy on others) nothing else would. One catalogue read per write; the analysis itself
    samples a fixed number of rows (``estimate``: that read, made already by the write)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or written <= 0:
        return
    if estimate is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Match._meta.db_table])
            row = cursor.fetchone()
        estimate = None if row is None else row[0]
    if estimate is not None and estimate < written:
        analyze_matches()


def analyze_matches() -> None:
    """PostgreSQL, outside a transaction: refresh the planner's statistics of the stored matches."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Match._meta.db_table)}")


def _copy_into_empty(delete: Q, rows: Sequence[Match | Row]) -> bool:
    """PostgreSQL: when the scope holds no stored row (a first fill, a posting just published, people
    just imported), copy the rows straight into the table, without the staging table and its merge.
    Returns False, having written nothing, when the merge is needed instead.

    One index probe decides (``EXISTS``, in the caller's transaction). A concurrent writer of the same
    scope may have written rows it cannot see yet: the COPY then waits for that writer at the first
    pair both wrote and fails on the unique index once it commits; the savepoint takes the COPY
    back and the merge runs over the rows now visible, as a write over stored rows always did. Two
    writers of disjoint pairs both find the scope empty and both commit, as they did through the
    merge (whose delete cannot see uncommitted rows either)."""
    if Match.objects.filter(delete).exists():
        return False
    try:
        with transaction.atomic():  # a savepoint: a refused COPY leaves the transaction usable
            _copy_rows(rows)
    except IntegrityError:
        return False
    return True


_STAGE = "matching_match_new"

#: A write of at most this many rows (one refresh's) is one statement (``_write_small``).
SMALL_WRITE = 5000


def _write_small(delete: Q, rows: Sequence[Match | Row]) -> float | None:
    """PostgreSQL, a few rows (one refresh's): ``_merge`` in two statements, without its temporary
    table. The rows go as arrays: first those not stored as they are (same score, engine and
    explanation) are inserted, or change the stored row of their pair in place (rows found again
    unchanged are not touched, not even locked: their ``computed_at`` stays); then the stored rows
    of the scope that are not among them are deleted.
    In that order a concurrent writer of the same pairs is waited for by the insert, and its rows
    are then seen by the delete (a statement of its own, with its own snapshot), as the merge's
    retry after a refused COPY sees them. Returns the planner's estimate of the table's rows
    (``statistics_keep_up``), read by the delete.

    The merge's five statements, its transaction's two more round trips and the temporary
    table's creation and drop (written to the system catalogues every time) were about a seventh
    of a posting's refresh."""
    if len({(m.member_id, m.posting_id) for m in rows}) != len(rows):  # as the unique index refuses it elsewhere
        raise IntegrityError("a stored match written twice: one row per member and posting")
    table = connection.ops.quote_name(Match._meta.db_table)
    scope = Match.objects.filter(delete)
    where, params = scope.query.get_compiler(connection=connection).compile(scope.query.where)
    where = where or "TRUE"
    encode = JSONTextField.encode
    values = [
        (m.member_id, m.posting_id, m.score, m.engine_version, m.computed_at, encode(m.explanation)) for m in rows
    ]
    columns = [list(column) for column in zip(*values, strict=True)]
    names = "member_id, posting_id, score, engine_version, computed_at, explanation"
    arrays = ", ".join(f"%b::{db_type}[]" for db_type in _copy_types())
    import psycopg  # PostgreSQL's driver: needed here only

    connection.ensure_connection()
    # psycopg's own cursor, binding on the server: the arrays go in binary, where Django's cursor
    # (binding in the client) quoted each explanation with a regular expression (4 ms a refresh).
    with transaction.atomic(), connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS m ({names}) SELECT * FROM unnest({arrays}) AS n({names}) "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.member_id = n.member_id AND "
            "o.posting_id = n.posting_id AND o.score = n.score AND o.engine_version = n.engine_version "
            "AND o.explanation = n.explanation) "
            "ON CONFLICT (member_id, posting_id) DO UPDATE SET score = EXCLUDED.score, "
            "engine_version = EXCLUDED.engine_version, computed_at = EXCLUDED.computed_at, "
            "explanation = EXCLUDED.explanation WHERE (m.score, m.engine_version, m.explanation) "
            "IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.engine_version, EXCLUDED.explanation)",
            columns,
        )
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} WHERE {where} AND NOT EXISTS (SELECT 1 FROM "
            f"unnest(%b::bigint[], %b::bigint[]) AS n(member_id, posting_id) WHERE n.member_id = "
            f"{table}.member_id AND n.posting_id = {table}.posting_id)) "
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [*params, columns[0], columns[1], Match._meta.db_table],
        )
        found = cursor.fetchone()
    return None if found is None else float(found[0])


def _merge(delete: Q, rows: Sequence[Match | Row]) -> None:
    """PostgreSQL: the new rows are copied into a temporary table, then only what differs is changed:
    rows no longer wanted or with another score or explanation are deleted, new and changed ones
    inserted, and rows found again as they were are left alone (their ``computed_at`` too).

    A nightly re-match finds most matches unchanged; deleting and inserting every one of them cost
    twice as much as writing into an empty table (dead rows under the same keys of the unique
    index) and left the table twice its size until vacuumed.

    The table's statistics are wrong for a while after it was emptied (the first fill), so the
    plans lean on them as little as possible: the staging table's primary key answers the
    delete's "found again as it was?" per row, and the insert leaves the rows found again to the
    unique index (``ON CONFLICT DO NOTHING``) instead of an anti-join with the stored rows, which
    with a stale "empty" estimate hashed the whole table for every chunk and every refresh (0.5 s
    at 225,000 rows, growing with the region). The delete's own scan of the scope needs sane
    statistics: ``statistics_keep_up``."""
    table = connection.ops.quote_name(Match._meta.db_table)
    scope = Match.objects.filter(delete)
    where, params = scope.query.get_compiler(connection=connection).compile(scope.query.where)
    where = where or "TRUE"
    with connection.cursor() as cursor:
        # The table's own column types, so that the binary COPY's declared types fit both tables.
        staged = ", ".join(
            f"{connection.ops.quote_name(str(cast(Field, Match._meta.get_field(name)).column))} {db_type} NOT NULL"
            for name, db_type in zip(_COLUMNS, _copy_types(), strict=True)
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} ({staged}, PRIMARY KEY (member_id, posting_id)) ON COMMIT DROP"
        )
        _copy_rows(rows, into=_STAGE)
        cursor.execute(
            f"DELETE FROM {table} WHERE {where} AND NOT EXISTS (SELECT 1 FROM {_STAGE} n "
            f"WHERE n.member_id = {table}.member_id AND n.posting_id = {table}.posting_id "
            f"AND n.score = {table}.score AND n.engine_version = {table}.engine_version "
            f"AND n.explanation = {table}.explanation)",
            params,
        )
        columns = "member_id, posting_id, score, engine_version, computed_at, explanation"
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STAGE} "
            "ON CONFLICT (member_id, posting_id) DO NOTHING"
        )
        # Dropped now, not only at commit: ``_replace`` may run inside a longer transaction.
        cursor.execute(f"DROP TABLE {_STAGE}")


_COLUMNS = ("member", "posting", "score", "engine_version", "computed_at", "explanation")


def _insert(rows: Sequence[Match | Row]) -> None:
    """Write new match rows as fast as the database allows: ``COPY`` on PostgreSQL, multi-row INSERTs
    elsewhere. A full re-match writes millions of rows; ``bulk_create`` spends most of its time
    preparing each field of each row in Python (benchmarks/bench_matches_api.py compares the three)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_rows(rows)
    else:
        _insert_values(rows)


def _copy_types() -> list[str]:
    """The database types of ``_COLUMNS``, as the binary ``COPY`` must declare them (``bigint``,
    ``character varying``, ...): read from the model's fields, so that a column's type changed by a
    migration changes them too."""
    types = []
    for name in _COLUMNS:
        field = cast(Field, Match._meta.get_field(name))
        db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
        types.append(str(db_type).split("(")[0].strip())  # varchar(16) -> varchar
    return types


def _copy_rows(rows: Sequence[Match | Row], *, into: str = "") -> None:
    """``COPY ... FROM STDIN (FORMAT BINARY)`` through psycopg 3: the rows stream to the server in one
    command, with no statement size limit and no parameter list. Runs in the caller's transaction,
    so ``_replace``'s delete and this write still commit together.

    Binary, with the columns' types declared: each value goes as its bytes, where the text format
    escaped every explanation (some 600 characters a row) on the way out and parsed it on the way
    in. Into a table without indexes that is 2.5 times the rows a second (340,000 against 130,000
    on this machine), and it was most of the write's own time."""
    fields = [cast(Field, Match._meta.get_field(name)) for name in _COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    encode = JSONTextField.encode  # the explanation, as its field writes it
    sql = f"COPY {quote(into or Match._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
    # Django's cursor wrapper is bypassed for COPY: its error translation is kept (IntegrityError, ...).
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        copy.set_types(_copy_types())
        write = copy.write_row
        for m in rows:
            write((m.member_id, m.posting_id, m.score, m.engine_version, m.computed_at, encode(m.explanation)))


def _insert_values(rows: Sequence[Match | Row]) -> None:
    """Multi-row INSERT statements of prepared values (SQLite, and any database without ``COPY``).
    Values are still adapted by their fields (JSON, the aware datetime)."""
    fields = [cast(Field, Match._meta.get_field(name)) for name in _COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    limit = connection.features.max_query_params or 60_000
    per_statement = max(1, min(INSERT_BATCH, limit // len(fields)))
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    stamps: dict[Any, Any] = {}
    explanation = fields[5]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params: list[Any] = []
            for m in batch:
                stamp = stamps.get(m.computed_at)
                if stamp is None:
                    stamp = stamps[m.computed_at] = fields[4].get_db_prep_save(m.computed_at, connection)
                params += (
                    m.member_id,
                    m.posting_id,
                    m.score,
                    m.engine_version,
                    stamp,
                    explanation.get_db_prep_save(m.explanation, connection),
                )
            values = ", ".join([row_sql] * len(batch))
            cursor.execute(f"INSERT INTO {quote(Match._meta.db_table)} ({columns}) VALUES {values}", params)


# --- one row against the other side --------------------------------------------------------------------


def refresh_posting(posting_id: int) -> int:
    """Score one posting against every seeker and replace its stored matches; a posting that is no
    longer open loses them. Returns the number of rows stored."""
    read, read_rows = _read_own(MarketChange.POSTINGS, posting_id)
    assert isinstance(read_rows, list)
    posting = next((p for p in read_rows if int(p.id) == posting_id), None)
    if posting is None or posting.open_seats <= 0:
        cached = _cached  # no market is built for a posting that is gone; one cached is kept current
        if cached is not None:
            _overlay(cached, cached.posting_state, posting_id, read, _take_in_posting(cached, posting_id, posting))
        Match.objects.filter(posting_id=posting_id).delete()
        return 0
    cached = market(current="seekers", lists=True)
    scores = cached.market.seeker_scores(posting)  # once: ranked here, and the best lists follow them
    _overlay(cached, cached.posting_state, posting_id, read, _take_in_posting(cached, posting_id, posting, scores))
    if cached.postings.get(posting_id) == posting:
        posting = cached.postings[posting_id]  # the market's own: its vector is the market's row
    n = per_side()
    ranked = [(int(sid), score) for sid, score in cached.market.seekers_for(posting, scan_depth(), scores)]
    consenting = [sid for sid, _score in ranked if cached.facts[sid].consent]
    keep = {sid for sid, _score in ranked[:n]} | set(consenting[:n])
    rest = [(sid, score) for sid, score in ranked if sid not in keep]
    rest_ids = [sid for sid, _s in rest]
    thresholds = _nth_from_market(cached, "seekers", rest_ids, posting_id)
    if thresholds is None:
        thresholds = _member_thresholds(rest_ids, exclude_posting=posting_id)
    keep |= {sid for sid, score in rest if sid not in thresholds or score >= thresholds[sid] - TOLERANCE}
    now = timezone.now()
    chosen = [(cached.seekers[sid], cached.facts[sid], posting, score) for sid, score in ranked if sid in keep]
    with _vectors_reused(cached):
        rows = _rows_of_pairs(cached, chosen, now, one_posting=True)
    return _replace(Q(posting_id=posting_id), rows)


def refresh_member(member_id: int) -> int:
    """Score one member against every open posting and replace their stored matches; a member who
    no longer seeks work (left, closed archive, no capacity) loses them."""
    read, built = _read_own(MarketChange.SEEKERS, member_id)
    assert isinstance(built, engine.Built)
    if member_id not in built.facts:
        cached = _cached  # as for a posting that is gone
        if cached is not None:
            _overlay(cached, cached.seeker_state, member_id, read, _take_in_seeker(cached, member_id, None, None))
        Match.objects.filter(member_id=member_id).delete()
        PendingMatch.objects.filter(member_id=member_id).delete()
        return 0
    seeker, facts = next(s for s in built.seekers if int(s.id) == member_id), built.facts[member_id]
    cached = market(current="postings", lists=True)
    with _vectors_reused(cached):  # the seeker vectorised once, for the scores, the market and the facts
        scores = cached.market.posting_scores(seeker)
        _overlay(
            cached, cached.seeker_state, member_id, read, _take_in_seeker(cached, member_id, seeker, facts, scores)
        )
    if cached.seekers.get(member_id) == seeker:
        seeker = cached.seekers[member_id]  # the market's own: its vector is the market's row
    n = per_side()
    ranked = [(int(pid), score) for pid, score in cached.market.postings_for(seeker, scan_depth(), scores)]
    keep = {pid for pid, _score in ranked[:n]}
    rest = [(pid, score) for pid, score in ranked if pid not in keep]
    ids = [pid for pid, _s in rest]
    overall = _nth_from_market(cached, "postings", ids, member_id)
    if overall is None:
        overall = _posting_thresholds(ids, exclude_member=member_id, consenting=False)
    keep |= {pid for pid, score in rest if pid not in overall or score >= overall[pid] - TOLERANCE}
    if facts.consent:
        among_consenting = _nth_from_market(cached, "postings", ids, member_id, consenting=True)
        if among_consenting is None:
            among_consenting = _posting_thresholds(ids, exclude_member=member_id, consenting=True)
        keep |= {
            pid for pid, score in rest if pid not in among_consenting or score >= among_consenting[pid] - TOLERANCE
        }
    now = timezone.now()
    chosen = [(seeker, facts, cached.postings[pid], score) for pid, score in ranked if pid in keep]
    with _vectors_reused(cached):
        rows = _rows_of_pairs(cached, chosen, now)
    stored = _replace(Q(member_id=member_id), rows)
    PendingMatch.objects.filter(member_id=member_id).delete()
    return stored


def refresh_members(member_ids: Iterable[int]) -> int:
    return sum(refresh_member(pk) for pk in dict.fromkeys(member_ids))


#: An import of at most this many people is matched person by person; more, in chunks of seekers
#: that Celery workers run in parallel (the nightly re-match's path).
IMPORT_ONE_BY_ONE = 200


def match_imported(member_ids: Sequence[int]) -> int:
    """Match people just imported (a spreadsheet's members): until their matches are stored their
    page says they are being computed (``PendingMatch``). Returns the rows stored, or the number
    of chunks handed to the workers for a large import."""
    from celery import current_app, group

    ids = sorted({int(pk) for pk in member_ids})
    if not ids:
        return 0
    PendingMatch.objects.bulk_create([PendingMatch(member_id=pk) for pk in ids], ignore_conflicts=True)
    if len(ids) <= IMPORT_ONE_BY_ONE:
        stored = refresh_members(ids)
        PendingMatch.objects.filter(member_id__in=ids).delete()
        return stored
    cached = market(current="seekers")
    thresholds = posting_thresholds(cached)
    size = int(getattr(settings, "MATCHING_CHUNK_SIZE", 5000))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    group(current_app.signature("matching.rematch_chunk", args=[chunk, thresholds]) for chunk in chunks).delay()
    return len(chunks)


# --- everything, in chunks -----------------------------------------------------------------------------


def posting_thresholds(cached: CachedMarket, posting_ids: Sequence[int] | None = None) -> list[list[float]]:
    """For every open posting: [id, N-th best score overall, N-th best among people who agreed to be
    found] (0 when it has fewer). A seeker belongs to a posting's best lists when they reach it.
    ``posting_ids``: only these postings (a re-match's threshold part; an id the market does not hold
    is left out), with the figures the whole computation gives them.

    Deep enough for the N-th among those who agreed to be found (a third of people, or more, in
    practice); where fewer are found the threshold is 0 and every one of them reaches the list.
    Every posting's ranking at once, over the feasible blocks (``Market.top_seekers_rows``): one
    posting at a time would read every seeker of the region for each posting."""
    n = per_side()
    market_ = cached.market
    top_k = min(scan_depth(), 4 * n)
    if posting_ids is None:
        wanted = list(cached.postings)
        postings, seekers, micros = market_.top_seekers_rows(top_k=top_k)
    else:
        wanted = [pid for pid in dict.fromkeys(int(pk) for pk in posting_ids) if pid in cached.posting_rows]
        rows = np.array([cached.posting_rows[pid] for pid in wanted], dtype=np.int64)
        postings, seekers, micros = market_.best_seekers_of_rows(rows, top_k)
    consent = _consent_of_rows(cached)
    overall = _nth_of_each(postings, micros, n)
    agreed = consent[seekers]
    among = _nth_of_each(postings[agreed], micros[agreed], n)
    out: list[list[float]] = []
    for pid in wanted:
        row = cached.posting_rows[pid]
        out.append([pid, overall.get(row, 0) / 1e6, among.get(row, 0) / 1e6])
    return out


def _nth_of_each(rows: np.ndarray, micros: np.ndarray, n: int) -> dict[int, int]:
    """row -> its n-th score, of (row, score) pairs sorted by row, best first (rows with fewer left out)."""
    if not len(rows):
        return {}
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    at = rank == n - 1
    return dict(zip(rows[at].tolist(), micros[at].tolist(), strict=True))


def threshold_parts(cached: CachedMarket) -> list[list[int]]:
    """The open postings' ids cut into a re-match's threshold parts (``Market.posting_parts``: about
    ``REMATCH_THRESHOLD_PAIRS`` pairs scored by each). Postings no feasible block names have nothing
    to rank; they go with the last part, so that the parts together name every posting
    ``posting_thresholds`` names."""
    market_ = cached.market
    pairs = int(settings.REMATCH_THRESHOLD_PAIRS)
    parts = [[int(market_.postings[row].id) for row in rows.tolist()] for rows in market_.posting_parts(pairs)]
    named = {pid for part in parts for pid in part}
    rest = [pid for pid in cached.postings if pid not in named]
    if rest and parts:
        parts[-1].extend(rest)
    elif rest:
        parts.append(rest)
    return parts


def _cleared_and_cut(chunk_size: int | None) -> tuple[CachedMarket, list[list[int]]]:
    """Clear what can no longer be right, and cut the seekers into chunks."""
    cached = market(current="both")
    changes.prune()
    Match.objects.exclude(member_id__in=engine.seekers_queryset().values("pk")).delete()
    Match.objects.exclude(posting_id__in=open_postings().values("pk")).delete()
    size = chunk_size or int(getattr(settings, "MATCHING_CHUNK_SIZE", 5000))
    ids = sorted(cached.seekers)
    return cached, [ids[i : i + size] for i in range(0, len(ids), size)]


def rematch_plan(*, chunk_size: int | None = None) -> tuple[list[list[int]], list[list[float]]]:
    """Clear what can no longer be right, and cut the seekers into chunks. Returns the chunks and the
    postings' thresholds (see ``posting_thresholds``) every chunk needs, computed here: for a whole
    re-match in one process (the demo); ``rematch_all`` leaves the thresholds to the workers."""
    cached, chunks = _cleared_and_cut(chunk_size)
    return chunks, posting_thresholds(cached)


def rematch_all(*, chunk_size: int | None = None) -> int:
    """The full re-match, in two phases of Celery tasks that any number of workers share (in-process,
    one after the other, in eager mode). Returns the number of seeker chunks.

    First the postings' thresholds, in parts (``threshold_parts``, ``rematch_run_part``): every chunk
    needs all of them, and ranking every posting's people in the one planning process grew as the
    square of the region. The last part to finish assembles them and sends the chunks of seekers
    (``rematch_run_chunk``). The run, its parts and its chunks are recorded first (``RematchRun``,
    ``RematchThresholdPart``, ``RematchChunk``); each task marks its piece done in the transaction
    that writes its result, and ``rematch_sweep`` sends again what a dead worker or a lost message
    left undone."""
    cached, chunks = _cleared_and_cut(chunk_size)
    parts = threshold_parts(cached) if chunks else []
    with transaction.atomic():
        now = timezone.now()
        RematchRun.objects.filter(state=RematchRun.State.RUNNING).update(
            state=RematchRun.State.SUPERSEDED, finished_at=now
        )
        run = RematchRun.objects.create(chunk_count=len(chunks), part_count=len(parts))
        RematchChunk.objects.bulk_create(
            [RematchChunk(run=run, index=n, member_ids=chunk) for n, chunk in enumerate(chunks)]
        )
        RematchThresholdPart.objects.bulk_create(
            [RematchThresholdPart(run=run, index=n, posting_ids=part) for n, part in enumerate(parts)]
        )
        if not chunks:
            run.state, run.finished_at = RematchRun.State.DONE, now
        elif not parts:  # no posting at all: nothing to rank, every threshold is known (none)
            run.thresholds_at = now
        run.save(update_fields=["state", "finished_at", "thresholds_at"])
    if parts:
        _send(run.pk, "matching.rematch_run_part", run.threshold_parts.order_by("index"))
    elif chunks:
        _send(run.pk, "matching.rematch_run_chunk", run.chunks.order_by("index"))
    return len(chunks)


def _send(run_id: int, task: str, pieces: Any) -> None:
    """Send a run's recorded parts or chunks as one group; with the broker away they stay recorded
    and the sweeper sends them later."""
    from celery import current_app, group

    ids = list(pieces.values_list("pk", flat=True))
    if not ids:
        return
    try:
        group(current_app.signature(task, args=[pk]) for pk in ids).delay()
    except Exception:
        if current_app.conf.task_always_eager:
            raise
        log.exception("re-match run %s: %s not sent; the sweeper will send them", run_id, task)


REMATCH_LEASE = "matching.rematch_chunk"
REMATCH_PART_LEASE = "matching.rematch_part"


def rematch_run_part(part_id: int) -> int:
    """Rank one recorded threshold part's postings, once (what ``rematch_run_chunk`` does for a chunk:
    a part done, given up, of a run no longer running, or held by a live worker is left alone). The
    last part of its run to finish assembles the run's thresholds and sends its seeker chunks.
    Returns the postings whose thresholds it recorded (0 when there was nothing to do)."""
    with session_lease(REMATCH_PART_LEASE, part_id, wait=settings.REMATCH_LEASE_WAIT) as held:
        if not held:
            return 0
        part = RematchThresholdPart.objects.select_related("run").filter(pk=part_id).first()
        if part is None or part.state != RematchChunk.State.PENDING or part.run.state != RematchRun.State.RUNNING:
            return 0
        if not _attempted(part, "threshold part"):
            # No chunk can run without every posting's thresholds: the run ends here, its chunks unsent.
            RematchRun.objects.filter(pk=part.run_id, state=RematchRun.State.RUNNING).update(
                state=RematchRun.State.INCOMPLETE, finished_at=timezone.now()
            )
            return 0
        thresholds = posting_thresholds(market(current="both"), part.posting_ids)
        with transaction.atomic():
            RematchThresholdPart.objects.filter(pk=part.pk).update(
                state=RematchChunk.State.DONE, finished_at=timezone.now(), thresholds=thresholds
            )
            assembled = _assemble_thresholds(part.run_id)
        # Sent once the thresholds are committed: a chunk delivered before would read none. Should
        # this process die first, the sweeper sends them (the run's thresholds are recorded).
        if assembled:
            _send(
                part.run_id,
                "matching.rematch_run_chunk",
                RematchChunk.objects.filter(run_id=part.run_id).order_by("index"),
            )
        return len(thresholds)


def _attempted(piece: RematchChunk | RematchThresholdPart, what: str) -> bool:
    """Record one more attempt at a run's chunk or threshold part; past ``REMATCH_MAX_ATTEMPTS`` it
    is given up instead (False)."""
    piece.attempts += 1
    piece.started_at = timezone.now()
    if piece.attempts <= settings.REMATCH_MAX_ATTEMPTS:
        piece.save(update_fields=["attempts", "started_at"])
        return True
    piece.state, piece.finished_at = RematchPiece.State.FAILED, timezone.now()
    piece.save(update_fields=["attempts", "started_at", "state", "finished_at"])
    log.error("re-match %s %s given up after %d attempts", what, piece, piece.attempts - 1)
    return False


def _assemble_thresholds(run_id: int) -> bool:
    """In the transaction that marks a part done: when no part of the run is left, put the parts'
    thresholds together as the run's (by posting id). The run's row is locked first, so of parts
    finishing at once exactly one sees the others done and does it. Returns whether this one did."""
    run = RematchRun.objects.select_for_update().get(pk=run_id)
    if run.state != RematchRun.State.RUNNING or run.thresholds_at is not None:
        return False
    parts = run.threshold_parts.all()
    if parts.exclude(state=RematchChunk.State.DONE).exists():
        return False
    rows = [row for found in parts.order_by("index").values_list("thresholds", flat=True) for row in found]
    run.thresholds = sorted(rows, key=lambda row: row[0])
    run.thresholds_at = timezone.now()
    run.save(update_fields=["thresholds", "thresholds_at"])
    parts.update(thresholds=[])  # the run holds them now
    return True


def rematch_run_chunk(chunk_id: int) -> int:
    """Run one recorded chunk of a re-match run, once: a chunk already done, given up, of a
    superseded run, or being run by a live worker right now, is left alone. Returns the matches
    written (0 when there was nothing to do)."""
    # A chunk handed back because its pool child was killed can arrive while the dead child's
    # database session still holds the lease: PostgreSQL notices a vanished client only between
    # statements, or every ``client_connection_check_interval`` (settings) during one. Waiting a
    # little for it is what keeps the chunk from being acknowledged undone (left to the sweeper).
    with session_lease(REMATCH_LEASE, chunk_id, wait=settings.REMATCH_LEASE_WAIT) as held:
        if not held:
            return 0
        chunk = RematchChunk.objects.select_related("run").filter(pk=chunk_id).first()
        if (
            chunk is None
            or chunk.state != RematchChunk.State.PENDING
            or chunk.run.state != RematchRun.State.RUNNING
            or chunk.run.thresholds_at is None
        ):
            return 0
        if not _attempted(chunk, "chunk"):
            _close_run(chunk.run_id)
            return 0

        def mark_done(written: int) -> None:
            # With its count: another chunk may close the run (and a reader sum it) as soon as this commits.
            RematchChunk.objects.filter(pk=chunk.pk).update(
                state=RematchChunk.State.DONE, finished_at=timezone.now(), written=written
            )

        written = rematch_chunk(chunk.member_ids, chunk.run.thresholds, then=mark_done)
        _close_run(chunk.run_id)
        return written


def _close_run(run_id: int) -> None:
    """Mark the run finished once no chunk is pending (the last chunk to finish does it)."""
    with transaction.atomic():
        run = RematchRun.objects.select_for_update().get(pk=run_id)
        if run.state != RematchRun.State.RUNNING or run.chunks.filter(state=RematchChunk.State.PENDING).exists():
            return
        given_up = run.chunks.filter(state=RematchChunk.State.FAILED).exists()
        run.state = RematchRun.State.INCOMPLETE if given_up else RematchRun.State.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
    # A whole re-match has moved most rows: the planner learns the table's new shape tonight, not
    # when (or if) autovacuum comes by.
    analyze_matches()


class Swept(NamedTuple):
    """What ``rematch_sweep`` sent again: ids of threshold parts and of seeker chunks."""

    parts: list[int]
    chunks: list[int]


def rematch_sweep(*, stale_after: int | None = None) -> Swept:
    """Send again the threshold parts and the chunks of running re-matches that nobody is running
    (Celery beat, ``matching.sweep_rematch``).

    A part or chunk is sent again when it was started but no live worker holds it (PostgreSQL: its
    worker died; elsewhere: started ``REMATCH_STALE_SECONDS`` ago), or when it has waited that long
    without being started (its message was lost; a chunk waits from when its run's thresholds were
    assembled, and not at all before). A piece over its attempts is given up on its next delivery."""
    from celery import current_app

    stale = dt.timedelta(seconds=settings.REMATCH_STALE_SECONDS if stale_after is None else stale_after)
    now = timezone.now()

    def orphaned(pieces: Any, lease: str, sent_at: Callable[[Any], datetime]) -> list[int]:
        found = []
        for piece in pieces.select_related("run").order_by("pk"):
            free = lease_is_free(lease, piece.pk)
            if free is False:
                continue  # a live worker runs it
            if piece.started_at is None:
                if sent_at(piece.run) > now - stale:
                    continue  # waiting its turn in the queue
            elif free is None and piece.started_at > now - stale:
                continue  # (no leases) started lately
            found.append(piece.pk)
        return found

    running = {"state": RematchChunk.State.PENDING, "run__state": RematchRun.State.RUNNING}
    swept = Swept(
        parts=orphaned(RematchThresholdPart.objects.filter(**running), REMATCH_PART_LEASE, lambda run: run.started_at),
        chunks=orphaned(
            RematchChunk.objects.filter(**running, run__thresholds_at__isnull=False),
            REMATCH_LEASE,
            lambda run: run.thresholds_at,
        ),
    )
    for task, ids in (("matching.rematch_run_part", swept.parts), ("matching.rematch_run_chunk", swept.chunks)):
        for pk in ids:
            current_app.signature(task, args=[pk]).delay()
    if swept.parts or swept.chunks:
        log.warning(
            "re-match sweep: sent again %d threshold part(s) %s, %d chunk(s) %s",
            len(swept.parts),
            swept.parts,
            len(swept.chunks),
            swept.chunks,
        )
    return swept


def rematch_chunk(
    member_ids: Sequence[int],
    thresholds: Sequence[Sequence[float]] | None = None,
    *,
    then: Callable[[int], None] | None = None,
) -> int:
    """Recompute the stored matches of these members: their best postings, and the postings whose
    best lists they reach (``thresholds``: a run's, or ``rematch_plan``'s; computed here when not given).
    ``then`` runs inside the transaction that writes the rows, given their number (a run's chunk is
    marked done there, with its count).

    The chunk is one transaction, written in parts of ``MATCHING_WRITE_PART`` members: only one
    part's rows (with their explanations, a few KB each) are held at once, so a worker's memory is
    the market's and one part's, whatever the chunk's size."""
    cached = market(current="both")
    if thresholds is None:
        thresholds = posting_thresholds(cached)
    limits = (
        {int(t[0]): float(t[1]) for t in thresholds},
        {int(t[0]): float(t[2]) for t in thresholds},
    )
    wanted = [int(pk) for pk in member_ids]
    size = max(1, int(settings.MATCHING_WRITE_PART))
    parts = [wanted[start : start + size] for start in range(0, len(wanted), size)]
    now = timezone.now()
    with transaction.atomic():
        stored = _written_while_built(
            parts,
            lambda part: _rows_of_members(cached, part, limits, now),
            lambda part, rows: _replace(Q(member_id__in=part), rows),
        )
        if then is not None:
            then(stored)
    statistics_keep_up(stored)
    PendingMatch.objects.filter(member_id__in=wanted).delete()
    return stored


def _written_while_built(
    parts: Sequence[list[int]],
    build: Callable[[list[int]], list[Row]],
    write: Callable[[list[int], list[Row]], int],
) -> int:
    """``write(part, build(part))`` for each part in turn, with the next part's rows built in a
    helper thread while this part's are written. Returns the rows written.

    The write waits on the database most of its time (the server takes in the ``COPY`` and runs the
    merge: about as much CPU as the part's rows cost here), and the interpreter is free for the
    builder while it waits. The write stays on this thread: the chunk is one
    transaction on this thread's connection. The builder must not query (a thread's own connection
    would be outside that transaction): a query there fails. At most two parts' rows are held: the
    part being written and the next. A failure on either side is raised here, after the builder
    has finished, so the caller's transaction is rolled back with no thread left running."""
    if len(parts) < 2:
        return sum(write(part, build(part)) for part in parts)
    stored = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rematch-rows") as builder:
        ahead = builder.submit(_built_without_queries, build, parts[0])
        for k, part in enumerate(parts):
            rows = ahead.result()
            if k + 1 < len(parts):
                ahead = builder.submit(_built_without_queries, build, parts[k + 1])
            stored += write(part, rows)  # raising, the executor waits for the builder before leaving
            del rows  # the part written is freed before the one after next is built
    return stored


def _built_without_queries(build: Callable[[list[int]], list[Row]], part: list[int]) -> list[Row]:
    with connection.execute_wrapper(_no_queries_here):
        return build(part)


def _no_queries_here(*args: Any) -> Any:
    raise RuntimeError("a part's rows are built in a helper thread, outside the chunk's transaction: no query there")


def _rows_of_members(
    cached: CachedMarket, member_ids: Sequence[int], limits: tuple[dict[int, float], dict[int, float]], now: datetime
) -> list[Row]:
    """The stored rows of these members: each one's best N postings, and every posting whose best
    lists (overall, or among people who agreed to be found: ``limits``) they reach."""
    with _cycles_left_alone():
        return _rows_of_part(cached, member_ids, limits, now)


@contextmanager
def _cycles_left_alone() -> Iterator[None]:
    """The cyclic garbage collector paused while a part's rows are built. They are some 40,000
    dicts and lists a thousand seekers, which set off collections that walk every object of the
    process, the market's too (about half of the part's time at 10,000 seekers, more in a larger
    market); nothing built here forms a cycle, so reference counting frees it all the same."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:  # left as found: if it was paused already, whoever paused it resumes it
            gc.enable()


def _rows_of_part(
    cached: CachedMarket, member_ids: Sequence[int], limits: tuple[dict[int, float], dict[int, float]], now: datetime
) -> list[Row]:
    overall, among_consenting = limits
    market_ = cached.market
    # Every member's ranking at once, over the feasible blocks (``Market.postings_for_many``, as
    # arrays): one member at a time would read every posting of the region for each member. The
    # rankings run some 1,000 postings deep, a few times the rows kept: which are kept is decided
    # on the arrays, and only those become Python objects.
    left, right, micros = market_.best_postings_of_rows(
        market_.seeker_rows_of([m for m in member_ids if m in cached.seekers]), scan_depth()
    )
    if not len(left):
        return []
    starts = np.r_[0, np.flatnonzero(np.diff(left)) + 1]
    ends = np.r_[starts[1:], len(left)]
    rank = np.arange(len(left)) - np.repeat(starts, ends - starts)
    scores = micros / 1e6  # the float ``postings_for_many`` gives, to the bit
    postings_at, inverse = np.unique(right, return_inverse=True)
    posting_ids = [int(pid) for pid in market_.posting_ids_at(postings_at)]
    seeker_ids = [int(sid) for sid in market_.seeker_ids_at(left[starts])]
    consents = np.array([cached.facts[sid].consent for sid in seeker_ids], dtype=bool)
    kept = (
        (rank < per_side())
        | (scores >= np.array([overall.get(pid, 0.0) for pid in posting_ids])[inverse] - TOLERANCE)
        | (
            np.repeat(consents, ends - starts)
            & (scores >= np.array([among_consenting.get(pid, 0.0) for pid in posting_ids])[inverse] - TOLERANCE)
        )
    )
    # Each member's kept postings, best first, in the order the members were given.
    kept_before = np.r_[0, np.cumsum(kept)]
    span = {sid: (int(kept_before[a]), int(kept_before[b])) for sid, a, b in zip(seeker_ids, starts, ends, strict=True)}
    kept_postings = [cached.postings[posting_ids[i]] for i in inverse[kept].tolist()]
    kept_scores = scores[kept].tolist()
    chosen: list[tuple[Seeker, engine.SeekerFacts, Posting, float]] = []
    for member_id in member_ids:
        seeker = cached.seekers.get(member_id)
        if seeker is None:
            continue  # no longer a seeker: the caller's write removes their rows
        facts = cached.facts[member_id]
        a, b = span.get(member_id, (0, 0))
        chosen += zip(repeat(seeker, b - a), repeat(facts, b - a), kept_postings[a:b], kept_scores[a:b], strict=True)
    # Every pair of the part explained together: one product for all, each seeker's facts once.
    with _vectors_reused(cached):
        return _rows_of_pairs(cached, chosen, now)


# --- telling workers of new jobs that suit them ----------------------------------------------------------


def new_match_alerts_send(*, today: dt.date | None = None) -> int:
    """Daily: each worker with a login hears, in one notification, of the postings published since
    yesterday that scored at least ``MATCH_ALERT_MIN_SCORE`` for them and that they have not applied
    for. Batched and at most daily (the key is the day)."""
    today = today or timezone.localdate()
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time.min))
    rows = (
        Match.objects.filter(
            score__gte=settings.MATCH_ALERT_MIN_SCORE,
            posting__state=JobPosting.State.PUBLISHED,
            posting__published_at__gte=since,
            member__user__isnull=False,
            member__is_current=True,
        )
        .exclude(member__applications__posting=F("posting"))
        .order_by("member_id", "-score")
        .values_list("member__user_id", "posting__title")
    )
    found: dict[int, list[str]] = {}
    for user_id, title in rows.iterator(chunk_size=5000):
        found.setdefault(user_id, []).append(title)
    link = reverse("matching:mine")
    key = f"matches:{today.isoformat()}"
    with transaction.atomic():
        made = notify_each(
            notices.NEW_MATCHES.code,
            [
                Notice(user_id, {"count": len(titles), "best": titles[0]}, link, key)
                for user_id, titles in found.items()
            ],
        )
    return len(made)
