"""Each row's best rows of the other side of a market, kept current as single rows change.

A refresh asks, for up to ``MATCHING_SCAN`` rows of the other side, the N-th best score of each one
other than the row refreshed: whether that row enters their best N. ``BestLists`` holds, per row,
its best ``depth`` (> N) rows of the other side by score (in millionths, positive only), filled
lazily for the rows asked about (or ahead, ``fill_rows``), and changed in place when a row of the
other side changes: it leaves every list it was in, and enters those whose last score it reaches
with its new one.

A list is *complete* when it holds every positive score of its row, or *cut* when more exist
below its last. A cut list that lost rows still holds its row's best ones (every score it lost
was replaced by the row's new score or left a gap at the end, never in the middle); when fewer
than N + 1 are left it is filled again before it is used.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

UNKNOWN, COMPLETE, CUT = 0, 1, 2

#: rows -> (row, other row, score in millionths) of each row's best, sorted by row, then best first.
Fill = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


class BestLists:
    def __init__(self, depth: int, fill: Fill) -> None:
        if depth < 2:
            raise ValueError("depth must be at least 2")
        self.depth = depth
        self.fill = fill
        self.others = np.full((0, depth), -1, dtype=np.int32)  # other side's rows, best first; -1 past the end
        self.micros = np.zeros((0, depth), dtype=np.int32)  # their scores; 0 past the end
        self.length = np.zeros(0, dtype=np.int32)
        self.state = np.zeros(0, dtype=np.int8)
        self.filled = 0  # rows filled by ``fill`` (a measure of the lazy work done)

    def _grow(self, rows: int) -> None:
        have = len(self.length)
        if rows <= have:
            return
        more = max(rows, have + have // 4 + 64) - have
        self.others = np.vstack([self.others, np.full((more, self.depth), -1, dtype=np.int32)])
        self.micros = np.vstack([self.micros, np.zeros((more, self.depth), dtype=np.int32)])
        self.length = np.concatenate([self.length, np.zeros(more, dtype=np.int32)])
        self.state = np.concatenate([self.state, np.zeros(more, dtype=np.int8)])

    def _set(self, rows: np.ndarray, of: np.ndarray, others: np.ndarray, micros: np.ndarray) -> None:
        """Lists of ``rows`` from (row, other, score) triples sorted by row, best first (at most
        ``depth`` a row; a row without any gets an empty complete list)."""
        self.others[rows] = -1
        self.micros[rows] = 0
        self.length[rows] = 0
        self.state[rows] = COMPLETE
        if len(of):
            starts = np.r_[0, np.flatnonzero(np.diff(of)) + 1]
            rank = np.arange(len(of)) - np.repeat(starts, np.diff(np.r_[starts, len(of)]))
            keep = rank < self.depth
            of, others, micros, rank = of[keep], others[keep], micros[keep], rank[keep]
            self.others[of, rank] = others
            self.micros[of, rank] = micros
            counts = np.bincount(of, minlength=len(self.length))
            self.length[rows] = counts[rows]
            self.state[rows[counts[rows] >= self.depth]] = CUT

    def set_row(self, row: int, others: np.ndarray, micros: np.ndarray) -> None:
        """One row's list from all its scores (any order; zeros and below are left out)."""
        self._grow(row + 1)
        others, micros, cut = best_of(others, micros, self.depth)
        self._set(np.array([row]), np.full(len(others), row), others, micros)
        if cut:
            self.state[row] = CUT

    def forget(self, rows: np.ndarray) -> None:
        self._grow(int(rows.max(initial=-1)) + 1)
        self.others[rows] = -1
        self.micros[rows] = 0
        self.length[rows] = 0
        self.state[rows] = UNKNOWN

    def other_changed(self, other: int, rows: np.ndarray, micros: np.ndarray) -> None:
        """Row ``other`` of the other side now scores ``micros`` with ``rows`` (none elsewhere): it
        leaves every list, and enters the known ones it reaches."""
        self.others_changed([(other, rows, micros)])

    #: Up to this many rows changed at once are looked for in the lists one by one (a comparison
    #: of every entry each); more, through one look-up of every entry in a table of them.
    ONE_BY_ONE = 2

    def _holding(self, others: list[int]) -> dict[int, np.ndarray]:
        """Per row of ``others``, the rows whose lists hold it (sorted), found in one pass over the
        lists, not one per row changed: each pass reads every entry (3 million at 50,000 rows of
        depth 60), 3 ms; the one pass through a table about 9 ms whatever their number."""
        depth = self.depth
        if len(others) <= self.ONE_BY_ONE:
            return {other: np.flatnonzero(self.others == other) // depth for other in others}
        # Sized past the largest entry: -1 (past a list's end) reads the last place, never set.
        table = np.zeros(max(int(self.others.max()), *others) + 2, dtype=bool)
        table[others] = True
        at = np.flatnonzero(table[self.others])
        found, rows = self.others.ravel()[at], at // depth
        return {other: rows[found == other] for other in others}

    def others_changed(self, changed: list[tuple[int, np.ndarray, np.ndarray]]) -> None:
        """``other_changed`` of each (other row, rows, scores), in turn: the same lists, but the lists
        holding each found in one pass (``_holding``). A row changed later cannot enter a list before
        its own turn, so its lists then are among those found; an earlier one may have pushed it out
        of some, which its turn reads from the lists as they are then."""
        if not len(self.length) or not changed:
            return
        holding = self._holding([other for other, _rows, _micros in changed])
        for other, rows, micros in changed:
            self._other_changed(other, rows, micros, holding[other])

    def _other_changed(self, other: int, rows: np.ndarray, micros: np.ndarray, holding: np.ndarray) -> None:
        """``other_changed``, the lists holding ``other`` being among the rows ``holding``."""
        held = holding[(self.others[holding] == other).any(axis=1)] if len(holding) else holding
        if len(held):
            self._leave(held, other)
        positive = micros > 0
        rows, micros = rows[positive], micros[positive]
        inside = rows < len(self.length)
        rows, micros = rows[inside], micros[inside]
        state = self.state[rows]
        last = self.micros[rows, np.maximum(self.length[rows] - 1, 0)]
        # A complete list takes any score; a cut one what reaches its last (an empty cut list: none,
        # it is filled again before use).
        enters = (state == COMPLETE) | ((state == CUT) & (self.length[rows] > 0) & (micros >= last))
        rows, micros = rows[enters], micros[enters]
        if len(rows):
            self._enter(rows, other, micros)

    def _leave(self, held: np.ndarray, other: int) -> None:
        """``other`` taken out of the lists of rows ``held`` (each holds it once): the entries after
        it move up one place, the gap goes to the end (what a stable sort by score did, without
        sorting)."""
        mine, scores = self.others[held], self.micros[held]
        gone = mine == other
        count = gone.sum(axis=1)
        if (count == 1).all():
            kept = ~gone
            mine = np.concatenate([mine[kept].reshape(len(held), -1), np.full((len(held), 1), -1, mine.dtype)], axis=1)
            scores = np.concatenate(
                [scores[kept].reshape(len(held), -1), np.zeros((len(held), 1), scores.dtype)], axis=1
            )
        else:
            scores[gone], mine[gone] = 0, -1
            order = np.argsort(-scores.astype(np.int64), axis=1, kind="stable")  # the gaps move to the end
            mine, scores = np.take_along_axis(mine, order, axis=1), np.take_along_axis(scores, order, axis=1)
        self.others[held], self.micros[held] = mine, scores
        self.length[held] -= count.astype(np.int32)

    def _enter(self, rows: np.ndarray, other: int, micros: np.ndarray) -> None:
        """``other`` put into the lists of ``rows`` (distinct, none holding it) with these scores, in
        its place: best first, ties by other row, the places past the end last; the last entry of a
        full list drops out (the list is cut then)."""
        mine, scores = self.others[rows], self.micros[rows]
        key = -scores.astype(np.int64) * (1 << 32) + np.where(mine < 0, (1 << 31) - 1, mine)
        at = (key < (-micros.astype(np.int64) * (1 << 32) + other)[:, None]).sum(axis=1)
        places = np.arange(self.depth)
        source = places[None, :] - (places[None, :] > at[:, None])  # after its place: one back
        mine, scores = np.take_along_axis(mine, source, axis=1), np.take_along_axis(scores, source, axis=1)
        inside = np.flatnonzero(at < self.depth)
        mine[inside, at[inside]] = other
        scores[inside, at[inside]] = micros[inside]
        self.others[rows], self.micros[rows] = mine, scores
        full = self.length[rows] + 1 > self.depth
        self.length[rows] = np.minimum(self.length[rows] + 1, self.depth)
        self.state[rows[full]] = CUT

    def fill_rows(self, rows: np.ndarray) -> None:
        """Fill the lists of these rows now, ahead of their first use (what ``nth_without`` would
        fill then), whatever they held."""
        todo = np.unique(np.asarray(rows, dtype=np.int64))
        if not len(todo):
            return
        self._grow(int(todo[-1]) + 1)
        of, others, micros = self.fill(todo)
        self._set(todo, of.astype(np.int64), others, micros)
        self.filled += len(todo)

    def nth_without(self, rows: np.ndarray, other: int, n: int) -> np.ndarray:
        """Per row, its ``n``-th best score among the other side's rows but ``other`` (0: fewer
        than ``n``), filling the lists needed first."""
        if n < 1 or n >= self.depth:
            raise ValueError(f"n must be between 1 and {self.depth - 1}")
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.zeros(0, dtype=np.int64)
        self._grow(int(rows.max()) + 1)
        without = self.others[rows] == other
        left = self.length[rows] - without.sum(axis=1)
        state = self.state[rows]
        stale = (state == UNKNOWN) | ((state == CUT) & (left < n))
        if stale.any():
            todo = np.unique(rows[stale])
            of, others, micros = self.fill(todo)
            self._set(todo, of.astype(np.int64), others, micros)
            self.filled += len(todo)
            without = self.others[rows] == other
        scores = np.where(without, 0, self.micros[rows])
        # An excluded row is at most once in a list: the n-th is at n - 1, or at n past it.
        ahead = without[:, :n].any(axis=1)
        return np.where(ahead, scores[:, n] if n < self.depth else 0, scores[:, n - 1]).astype(np.int64)


def best_of(others: np.ndarray, micros: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """The ``depth`` best positive of one row's scores (any order), best first, ties by other row,
    and whether any were left out."""
    positive = micros > 0
    others, micros = others[positive].astype(np.int64), micros[positive].astype(np.int64)
    cut = len(micros) > depth
    if cut:
        keep = np.argpartition(-micros, depth - 1)[:depth]
        others, micros = others[keep], micros[keep]
    order = np.lexsort((others, -micros))
    return others[order], micros[order], cut
