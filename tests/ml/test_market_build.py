"""The market's vectors, built without a Python loop per seeker, are the same to the last bit and
in the same stored order as the plain construction (one-hot rows times the salary table, a loop
per seeker for counties and codes): the top-k product adds a row's entries in their stored order,
so a different order could move a score at the sixth decimal and change ``rank_files``' output."""

from __future__ import annotations

import random

import numpy as np
import scipy.sparse as sp

from ml.matching import (
    SALARY_BINS,
    SEEKER_CAPACITIES,
    WEIGHTS,
    Market,
    Posting,
    Seeker,
    _code_parts,
    _onehot,
    _salary_bin,
)

COUNTIES = ("150602", "150603", "150621", "150702")
SKILLS = ("weld", "forklift", "cook", "clean", "drive")
CODES = ("", "", "6-30-01-03", "6-30-01-00", "4-01-02-01", "6-30-02-01")


def world() -> Market:
    rng = random.Random(8)
    seekers = [
        Seeker(
            f"s{i}",
            skills=tuple(rng.sample(SKILLS, rng.randint(0, 3))),
            certified=frozenset(rng.sample(SKILLS, 1)),
            region=rng.choice((*COUNTIES, "")),
            regions=tuple(rng.sample(COUNTIES, rng.randint(0, 2))) if i % 3 == 0 else (),
            willing_to_relocate=i % 4 == 0,
            capacity=rng.choice(SEEKER_CAPACITIES),
            expected_salary=rng.choice((None, 0, 2500, 4000, 6500, 20000)),
            occupation=rng.choice(CODES),
            text="会电焊 开叉车",
        )
        for i in range(120)
    ]
    postings = [
        Posting(
            f"p{j}",
            title="电焊工",
            required=tuple(rng.sample(SKILLS, rng.randint(0, 2))),
            preferred=tuple(rng.sample(SKILLS, rng.randint(0, 1))),
            region=rng.choice(COUNTIES),
            cross_region=j % 3 == 0,
            salary_min=rng.choice((None, 3000, 5000)),
            salary_max=rng.choice((None, 6000)),
            occupation=rng.choice(CODES),
        )
        for j in range(40)
    ]
    return Market(seekers, postings)


def same(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)  # the stored order too, not only the values
    assert a.data.tobytes() == b.data.tobytes()


def test_seeker_blocks_as_the_plain_construction() -> None:
    m = world()
    space, seekers, w = m._space, m.seekers, WEIGHTS
    # Salary: one-hot rows times the table (scipy's product stores each row last column first).
    bins = np.array(
        [
            _salary_bin(s.expected_salary) if s.expected_salary and s.expected_salary > 0 else SALARY_BINS
            for s in seekers
        ]
    )
    plain_salary = (_onehot(bins, SALARY_BINS + 1) @ space._salary_table()).tocsr()
    same(space._salary_rows(bins, w.salary), plain_salary * w.salary)
    # Location: a loop per seeker.
    rows, cols, vals = [], [], []
    for i, s in enumerate(seekers):
        rows.append(i)
        cols.append(len(space.counties))
        vals.append(w.relocation)
        for county in dict.fromkeys(s.regions):
            if county in space.counties and county != s.region:
                rows.append(i)
                cols.append(space.counties[county])
                vals.append(w.preferred_region - w.relocation)
        if s.region in space.counties:
            rows.append(i)
            cols.append(space.counties[s.region])
            vals.append(1.0 - w.relocation)
    plain_location = sp.csr_matrix((vals, (rows, cols)), shape=(len(seekers), len(space.counties) + 1))
    same(space._location_block(seekers), plain_location)
    # Occupation codes: each seeker's row made alone.
    occupation = space._occupation_block([s.occupation for s in seekers], seeker_side=True)
    for i, s in enumerate(seekers):
        same(occupation[i], space._occupation_block([s.occupation], seeker_side=True))
    assert occupation.nnz > len(seekers)  # some seekers have a code: more than the one column
    # Text: TF-IDF rows scaled by a diagonal product (rows stored last column first).
    documents = [space.seeker_document(s) for s in seekers]
    counts = space.text._counts(documents, grow=False).tocoo()
    columns = space.text.column[counts.col]
    keep = columns >= 0
    weighted = sp.csr_matrix(
        ((1.0 + np.log(counts.data[keep])) * space.text.idf[columns[keep]], (counts.row[keep], columns[keep])),
        shape=(len(seekers), space.text.width),
    )
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    same(space.text.transform(documents), sp.csr_matrix(sp.diags(1.0 / norms) @ weighted))
    same(space.seeker_text(seekers), space.text.transform(documents))
    # The whole seeker matrix is made of these blocks.
    same(m._a, space.seeker_matrix(seekers))


def test_county_lists_as_the_plain_loops() -> None:
    m = world()
    counties = m._space.counties
    allowed: list[list[int]] = [[] for _ in counties]
    preferred: list[list[int]] = [[] for _ in counties]
    for i, s in enumerate(m.seekers):
        for county in {s.region, *s.regions}:
            if county in counties:
                allowed[counties[county]].append(i)
        for county in set(s.regions) - {s.region}:
            if county in counties:
                preferred[counties[county]].append(i)
    assert [r.tolist() for r in m._county_seekers] == allowed
    assert [r.tolist() for r in m._county_preferred] == preferred
    assert all(r.dtype == np.int64 for r in m._county_seekers + m._county_preferred)
    assert any(preferred)
    assert m._s_capacity.tolist() == [SEEKER_CAPACITIES.index(s.capacity) for s in m.seekers]
    assert m._s_has_code.tolist() == [bool(_code_parts(s.occupation)) for s in m.seekers]
