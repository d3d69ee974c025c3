"""``ml.best.BestLists``: after any sequence of rows changed on either side, each row's N-th best
but one equals what the whole score table says now."""

from __future__ import annotations

import numpy as np
import pytest

from ml.best import COMPLETE, CUT, BestLists


class Table:
    """A market's scores as a dense table (rows x others, millionths; 0: not a pair), and best lists
    filled from it."""

    def __init__(self, rng: np.random.Generator, rows: int, others: int, depth: int) -> None:
        self.rng = rng
        self.rows = rows
        self.scores = self.random((rows, others))
        self.lists = BestLists(depth, self.fill)

    def random(self, shape: tuple[int, ...]) -> np.ndarray:
        """Scores with ties common; the rows past the first half have few pairs (complete lists)."""
        scores = self.rng.integers(1, 400, size=shape) * 1000
        sparse = np.arange(shape[0]) >= self.rows // 2
        if len(shape) == 2:
            sparse = sparse[:, None]
        return np.where(self.rng.random(shape) < np.where(sparse, 0.92, 0.4), 0, scores).astype(np.int64)

    def fill(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        of, others, micros = [], [], []
        for row in rows.tolist():
            order = np.lexsort((np.arange(self.scores.shape[1]), -self.scores[row]))
            order = order[self.scores[row, order] > 0][: self.lists.depth]
            of += [row] * len(order)
            others += order.tolist()
            micros += self.scores[row, order].tolist()
        return np.array(of, dtype=np.int64), np.array(others, dtype=np.int64), np.array(micros, dtype=np.int64)

    def change_other(self, other: int) -> None:
        """Column ``other`` scores anew (a posting edited, or closed: all zeros)."""
        column = self.random((self.scores.shape[0],)) if self.rng.random() < 0.8 else np.zeros(self.scores.shape[0])
        self.scores[:, other] = column
        where = np.flatnonzero((column > 0) | (self.rng.random(len(column)) < 0.5))  # zeros need not be given
        self.lists.other_changed(other, where, self.scores[where, other])

    def add_other(self) -> None:
        self.scores = np.concatenate([self.scores, np.zeros((self.scores.shape[0], 1), dtype=np.int64)], axis=1)
        self.change_other(self.scores.shape[1] - 1)

    def change_row(self, row: int) -> None:
        """Row ``row`` scores anew (a seeker edited): its own list is set from its scores."""
        self.scores[row] = self.random((self.scores.shape[1],))
        self.lists.set_row(row, np.arange(self.scores.shape[1]), self.scores[row])

    def expected(self, rows: np.ndarray, other: int, n: int) -> np.ndarray:
        out = []
        for row in rows.tolist():
            left = np.sort(np.delete(self.scores[row], other))[::-1]
            left = left[left > 0]
            out.append(int(left[n - 1]) if len(left) >= n else 0)
        return np.array(out)


@pytest.mark.parametrize("seed", range(6))
def test_the_nth_best_but_one_follows_every_change(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 4
    table = Table(rng, rows=40, others=30, depth=n + 2)  # a small slack: cut lists run short often
    everyone = np.arange(40)
    for step in range(120):
        what = rng.random()
        if what < 0.6:
            table.change_other(int(rng.integers(table.scores.shape[1])))
        elif what < 0.7:
            table.add_other()
        else:
            table.change_row(int(rng.integers(40)))
        if step % 3 == 0:
            asked = rng.choice(everyone, size=15, replace=False)
            other = int(rng.integers(table.scores.shape[1]))
            got = table.lists.nth_without(asked, other, n)
            assert got.tolist() == table.expected(asked, other, n).tolist(), step
    states = set(table.lists.state[table.lists.state > 0].tolist())
    assert states == {COMPLETE, CUT}  # both kinds of list were exercised
    # Most asks were answered from the lists as they were kept, not filled again.
    assert table.lists.filled < 40 * 120 // 3 * 15 // 40


def test_a_list_is_filled_once_and_then_kept() -> None:
    table = Table(np.random.default_rng(7), rows=10, others=50, depth=8)
    table.lists.nth_without(np.arange(10), -1, 3)
    assert table.lists.filled == 10
    table.change_other(5)
    assert table.lists.nth_without(np.arange(10), 5, 3).tolist() == table.expected(np.arange(10), 5, 3).tolist()
    assert table.lists.filled == 10


def test_n_must_leave_room_for_the_row_left_out() -> None:
    lists = BestLists(5, lambda rows: (rows, rows, rows))
    with pytest.raises(ValueError):
        lists.nth_without(np.arange(2), 0, 5)


def test_lists_filled_ahead_are_the_lists_filled_on_first_use() -> None:
    rng = np.random.default_rng(11)
    lazy = Table(rng, rows=30, others=25, depth=6)
    ahead = BestLists(6, lazy.fill)
    ahead.fill_rows(np.arange(30)[::-1])
    assert ahead.filled == 30
    lazy.lists.nth_without(np.arange(30), -1, 3)  # every list filled as a refresh fills it
    for part in ("others", "micros", "length", "state"):
        assert (getattr(ahead, part)[:30] == getattr(lazy.lists, part)[:30]).all(), part
    lazy.lists = ahead  # and kept the same way afterwards, without being filled again
    for _ in range(20):
        lazy.change_other(int(rng.integers(25)))
    assert ahead.nth_without(np.arange(30), 4, 3).tolist() == lazy.expected(np.arange(30), 4, 3).tolist()


@pytest.mark.parametrize("changed", [1, 2, 3, 8, 20])
def test_rows_changed_together_leave_the_lists_one_by_one_leaves(changed: int) -> None:
    """``others_changed`` (the lists searched once for all the rows) makes exactly the lists that
    ``other_changed`` of each in turn makes, ties and cut lists included, also when a row entering
    a cut list pushes out one changed after it."""
    rng = np.random.default_rng(changed)
    table = Table(rng, rows=60, others=40, depth=5)
    twin = BestLists(5, table.fill)
    for lists in (table.lists, twin):
        lists.fill_rows(np.arange(60))
    for _round in range(4):
        moves = []
        for other in rng.choice(40, size=changed, replace=False).tolist():
            column = table.random((60,)) if rng.random() < 0.8 else np.zeros(60, dtype=np.int64)
            column = np.where(rng.random(60) < 0.3, 400_000, column)  # high ties: cut lists enter and push out
            table.scores[:, other] = column
            rows = np.flatnonzero((column > 0) | (rng.random(60) < 0.5))
            moves.append((other, rows, table.scores[rows, other]))
        before = twin.others.copy()
        for other, rows, micros in moves:
            table.lists.other_changed(other, rows, micros)
        twin.others_changed(moves)
        assert (twin.others != before).any(), "the changes moved the lists"
        for part in ("others", "micros", "length", "state"):
            assert (getattr(twin, part) == getattr(table.lists, part)).all(), part
    other = int(moves[-1][0])
    assert table.lists.nth_without(np.arange(60), other, 3).tolist() == table.expected(np.arange(60), other, 3).tolist()
