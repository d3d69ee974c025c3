"""``Market.put_*`` / ``drop_*``: one row changed in place scores as the fitted space scores it, the
three ways of asking still agree, and a row the space has no column for is refused."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from ml.matching import Market, Posting, Seeker

HOME, OTHER = "150602", "150603"
SKILLS = ("weld", "forklift", "cook", "clean")


def market() -> tuple[Market, list[Seeker], list[Posting]]:
    rng = random.Random(4)
    seekers = [
        Seeker(
            i,
            skills=tuple(rng.sample(SKILLS, 2)),
            region=rng.choice((HOME, OTHER)),
            regions=(OTHER,) if i % 5 == 0 else (),
            willing_to_relocate=i % 4 == 0,
            capacity="partial" if i % 6 == 0 else "full",
            expected_salary=3000 + 250 * (i % 9),
            text="会电焊 开叉车",
        )
        for i in range(40)
    ]
    postings = [
        Posting(
            f"p{j}",
            required=(rng.choice(SKILLS),),
            preferred=(rng.choice(SKILLS),),
            region=rng.choice((HOME, OTHER)),
            cross_region=j % 3 == 0,
            capacity_required="partial" if j % 4 == 0 else "full",
            salary_min=3500,
            salary_max=3500 + 500 * j,
            text="招聘电焊工 叉车司机",
        )
        for j in range(12)
    ]
    m = Market(seekers, postings)
    m.seekers_for(postings[0]), m.postings_for(seekers[1])  # the column-major copies made
    return m, seekers, postings


def agrees(m: Market) -> None:
    """Each way of asking gives the pair scores ``score`` gives, over the rows the market holds; the
    column-major copies, made before the rows changed, are the row-major matrices' but for the rows
    noted as changed since (read from the row-major matrices)."""
    for row_major, column_major, stale in ((m._a, m._a_csc, m._a_stale), (m._b, m._b_csc, m._b_stale)):
        assert column_major is not None
        kept = np.setdiff1d(np.arange(column_major.shape[0]), sorted(stale))
        assert (column_major.toarray()[kept] == row_major.toarray()[kept]).all()
    for seeker, best in zip(m.seekers, m.top_postings(top_k=50), strict=True):
        if seeker.capacity == "none":
            continue
        assert best == m.postings_for(seeker, top_k=50)
        for pid, value in best:
            posting = next(p for p in m.postings if p.id == pid)
            assert value == pytest.approx(m.score(seeker, posting), abs=1e-5)
            assert (seeker.id, value) in [(s, pytest.approx(v, abs=1e-5)) for s, v in m.seekers_for(posting, 50)]


def test_a_posting_changed_added_or_dropped() -> None:
    m, _seekers, postings = market()
    changed = dataclasses.replace(postings[3], required=("cook",), region=OTHER, salary_max=9000)
    assert m.put_posting(changed) is not None
    assert m.put_posting(Posting("new", required=("weld",), region=HOME, text="电焊")) is not None
    m.drop_posting(postings[5].id)
    agrees(m)
    everywhere = {pid for best in m.top_postings(top_k=50) for pid, _v in best}
    assert "new" in everywhere and postings[5].id not in everywhere
    assert m.postings[3] is changed
    assert m.put_posting(dataclasses.replace(postings[5], salary_max=8000)) == 5  # back in its own row
    assert m.postings_for(Seeker(1, skills=("weld",), region=HOME), top_k=50)  # the column-major copy follows


def test_a_seeker_changed_added_or_dropped() -> None:
    m, seekers, _postings = market()
    moved = dataclasses.replace(seekers[2], region=OTHER, regions=(HOME,), skills=("clean",), capacity="full")
    assert m.put_seeker(moved) is not None
    assert m.put_seeker(Seeker(99, skills=("weld", "cook"), region=HOME, willing_to_relocate=True)) is not None
    m.drop_seeker(seekers[7].id)
    agrees(m)
    found = {sid for p in m.postings for sid, _v in m.seekers_for(p, top_k=50)}
    assert 99 in found and seekers[7].id not in found and moved.id in found
    assert m.top_postings(top_k=5)[7] == []


def test_a_row_the_space_has_no_column_for_is_refused() -> None:
    m, seekers, postings = market()
    before = m.top_postings(top_k=50)

    assert m.put_posting(dataclasses.replace(postings[0], region="150621")) is None
    assert m.put_posting(dataclasses.replace(postings[0], required=("unheard-of",))) is None
    assert m.put_seeker(dataclasses.replace(seekers[0], regions=("150621",))) is None
    assert not m.fits(dataclasses.replace(seekers[0], occupation="6-02-01-00"))

    assert m.top_postings(top_k=50) == before


def test_past_so_many_changed_rows_the_column_major_copy_is_made_again() -> None:
    m, seekers, postings = market()
    m.STALE_ROWS = 1
    m.put_seeker(dataclasses.replace(seekers[2], skills=("clean",)))
    assert m._a_csc is not None and m._a_stale == {2}
    m.put_seeker(dataclasses.replace(seekers[3], skills=("cook",)))
    assert m._a_csc is None and not m._a_stale
    m.seekers_for(postings[0])
    agrees(m)


def same_market(left: Market, right: Market) -> None:
    """The two markets hold the same rows, exactly: the matrices entry by entry in their stored
    order (the order a product adds them up in), the per-row arrays and the per-county lists."""
    for name in ("_a", "_b"):
        one, two = getattr(left, name), getattr(right, name)
        assert (one.indptr == two.indptr).all()
        assert (one.indices == two.indices).all()
        assert (one.data == two.data).all()
    for name in ("_p_county", "_p_open", "_p_cross", "_p_light", "_s_capacity", "_s_relocate", "_s_home"):
        assert (getattr(left, name) == getattr(right, name)).all(), name
    assert (left._s_salary == right._s_salary).all() and (left._s_has_code == right._s_has_code).all()
    for name in ("_county_seekers", "_county_preferred"):
        assert [list(r) for r in getattr(left, name)] == [list(r) for r in getattr(right, name)], name
    assert left.seekers == right.seekers and left.postings == right.postings
    assert left._seeker_row == right._seeker_row and left._posting_row == right._posting_row


def test_rows_put_in_together_are_the_rows_put_in_one_by_one() -> None:
    one_by_one, seekers, postings = market()
    together, _s, _p = market()
    changed_seekers = [
        dataclasses.replace(seekers[9], region=OTHER, regions=(HOME,), skills=("clean",)),
        Seeker(99, skills=("weld", "cook"), region=HOME, willing_to_relocate=True, expected_salary=5000),
        dataclasses.replace(seekers[2], capacity="partial", skills=("cook", "weld"), text="厨师"),
        Seeker(100, skills=("forklift",), region=OTHER, regions=(HOME,), capacity="partial"),
        dataclasses.replace(seekers[30], willing_to_relocate=True),
    ]
    changed_postings = [
        dataclasses.replace(postings[7], required=("cook",), region=OTHER, salary_max=9000),
        Posting("new", required=("weld",), region=HOME, text="电焊", cross_region=True),
        dataclasses.replace(postings[1], open_seats=0),
        dataclasses.replace(postings[0], capacity_required="partial", preferred=()),
    ]
    expected = [one_by_one.put_seeker(s) for s in changed_seekers]
    expected_postings = [one_by_one.put_posting(p) for p in changed_postings]

    assert together.put_seekers(changed_seekers) == expected == [9, 40, 2, 41, 30]
    assert together.put_postings(changed_postings) == expected_postings == [7, 12, 1, 0]
    same_market(together, one_by_one)
    agrees(together)


def test_rows_put_in_together_leave_out_those_that_do_not_fit() -> None:
    m, seekers, postings = market()
    strange = dataclasses.replace(seekers[4], regions=("150621",))
    assert m.put_seekers([dataclasses.replace(seekers[3], skills=("cook",)), strange]) == [3, None]
    assert m.seekers[4] is seekers[4] and m.seekers[3].skills == ("cook",)
    assert m.put_postings([dataclasses.replace(postings[0], required=("unheard-of",))]) == [None]
    assert m.postings[0] is postings[0]
    agrees(m)


def test_a_row_twice_in_one_call_is_refused() -> None:
    m, seekers, postings = market()
    with pytest.raises(ValueError, match="at most once"):
        m.put_seekers([seekers[1], dataclasses.replace(seekers[1], skills=("cook",))])
    with pytest.raises(ValueError, match="at most once"):
        m.put_postings([postings[2], postings[2]])
    assert m.seekers[1] is seekers[1]


def test_rows_put_in_are_kept_beside_the_matrix_and_read_as_if_in_it() -> None:
    """A changed, added or dropped row is kept beside its side's row-major matrix, not copied into
    it, until something reads the whole matrix; meanwhile every read of some rows, and every score,
    is what the whole matrix gives once they are put into it."""
    m, seekers, postings = market()
    matrices = m._seeker_vectors._whole, m._posting_vectors._whole
    m.put_seekers([dataclasses.replace(seekers[3], skills=("cook",), region=OTHER), Seeker(99, skills=("weld",))])
    m.drop_seeker(seekers[7].id)
    m.put_postings([dataclasses.replace(postings[2], required=("clean",)), Posting("new", required=("cook",))])
    m.drop_posting(postings[4].id)

    assert (m._seeker_vectors._whole, m._posting_vectors._whole) == matrices, "no copy of either matrix"
    rows = np.array([40, 3, 0, 7, 3, 40, 12])
    got = m.seeker_vectors(rows).toarray(), m.posting_vectors(np.array([12, 2, 4, 0, 12])).toarray()
    scores = [m.posting_scores_of_row(row) for row in range(len(m.seekers))], [m.seeker_scores(p) for p in m.postings]
    one = m.seeker_vectors([3])
    assert m._seeker_vectors._put and m._posting_vectors._put

    assert m._a.shape == (41, matrices[0].shape[1]) and not m._seeker_vectors._put  # made whole when read whole
    assert m._b.shape[0] == 13 and not m._posting_vectors._put
    assert (got[0] == m._a[rows].toarray()).all() and (got[1] == m._b[np.array([12, 2, 4, 0, 12])].toarray()).all()
    assert (one.toarray() == m._a[[3]].toarray()).all()
    assert not m._a[[7]].nnz and not m._b[[4]].nnz
    for before, after in zip(scores[0], [m.posting_scores_of_row(row) for row in range(41)], strict=True):
        assert (before[0] == after[0]).all() and (before[1] == after[1]).all()
    for before, after in zip(scores[1], [m.seeker_scores(p) for p in m.postings], strict=True):
        assert (before[0] == after[0]).all() and (before[1] == after[1]).all()
    agrees(m)
