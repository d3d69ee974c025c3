"""The matching engine (ml.matching): constraints, the score's components, explanations, and the
three ways of asking (whole market, one seeker, one posting) agreeing with one another."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from ml.matching import (
    ENGINE_VERSION,
    PARTS,
    WEIGHTS,
    Market,
    Posting,
    Seeker,
    Weights,
    _location,
    feasible_location,
    infeasible_reason,
    read_postings,
    read_seekers,
)

HOME, OTHER, THIRD = "150602", "150603", "150621"


def ids(result: list[tuple[object, float]]) -> list[object]:
    return [i for i, _ in result]


# --- hard constraints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seeker", "posting", "reason"),
    [
        (Seeker(1, region=HOME), Posting("p", region=HOME), None),
        (Seeker(1, region=HOME, capacity="none"), Posting("p", region=HOME, capacity_required="partial"), "capacity"),
        (Seeker(1, region=HOME, capacity="partial"), Posting("p", region=HOME), "capacity"),
        (Seeker(1, region=HOME, capacity="partial"), Posting("p", region=HOME, capacity_required="partial"), None),
        (Seeker(1, region=HOME), Posting("p", region=OTHER), "location"),
        (Seeker(1, region=HOME), Posting("p", region=OTHER, cross_region=True), "location"),
        (Seeker(1, region=HOME, willing_to_relocate=True), Posting("p", region=OTHER), "location"),
        (Seeker(1, region=HOME, willing_to_relocate=True), Posting("p", region=OTHER, cross_region=True), None),
        (Seeker(1, region=HOME, regions=(OTHER,)), Posting("p", region=OTHER), None),
        (Seeker(1, region=HOME), Posting("p", region=HOME, open_seats=0), "closed"),
    ],
)
def test_infeasible_reason(seeker: Seeker, posting: Posting, reason: str | None) -> None:
    assert infeasible_reason(seeker, posting) == reason
    market = Market([seeker], [posting])
    found = market.top_postings()[0]
    assert (found == []) == (reason is not None)
    assert (market.explain(seeker, posting) is None) == (reason is not None)
    assert (market.postings_for(seeker) == []) == (reason is not None)
    assert (market.seekers_for(posting) == []) == (reason is not None)


def test_feasible_location_is_the_location_of_every_pair_infeasible_reason_allows_and_none_otherwise() -> None:
    seekers = [
        Seeker(1, region=region, regions=regions, willing_to_relocate=willing, capacity=capacity)
        for region, regions, willing, capacity in itertools.product(
            (HOME, ""), ((), (OTHER,)), (False, True), ("full", "partial", "none")
        )
    ]
    postings = [
        Posting("p", region=region, cross_region=cross, capacity_required=demand, open_seats=seats)
        for region, cross, demand, seats in itertools.product(
            (HOME, OTHER, THIRD, ""), (False, True), ("full", "partial"), (0, 1)
        )
    ]
    answers = set()
    for seeker, posting in itertools.product(seekers, postings):
        expected = _location(seeker, posting) if infeasible_reason(seeker, posting) is None else None
        assert feasible_location(seeker, posting) == expected, (seeker, posting)
        answers.add(expected)
    assert answers == {None, "same_region", "preferred_region", "relocation"}


def test_unknown_capacity_is_an_error() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Market([Seeker(1, capacity="half")], [])
    with pytest.raises(ValueError, match="capacity_required"):
        Market([], [Posting("p", capacity_required="none")])
    with pytest.raises(ValueError):
        infeasible_reason(Seeker(1, capacity="FULL"), Posting("p"))


def test_infeasible_pairs_never_appear_in_a_mixed_market() -> None:
    rng = random.Random(7)
    counties = [HOME, OTHER, THIRD]
    seekers = [
        Seeker(
            i,
            skills=tuple(rng.sample("abcdef", 2)),
            region=rng.choice(counties),
            regions=tuple(rng.sample(counties, rng.randint(0, 1))),
            willing_to_relocate=rng.random() < 0.3,
            capacity=rng.choice(["full", "full", "partial", "none"]),
        )
        for i in range(60)
    ]
    postings = [
        Posting(
            f"p{j}",
            required=tuple(rng.sample("abcdef", 2)),
            region=rng.choice(counties),
            cross_region=rng.random() < 0.3,
            capacity_required=rng.choice(["full", "partial"]),
            open_seats=rng.choice([0, 1, 3]),
        )
        for j in range(40)
    ]
    market = Market(seekers, postings)
    by_id = {p.id: p for p in postings}
    results = market.top_postings(top_k=100)
    for seeker, found in zip(seekers, results, strict=True):
        feasible = [p.id for p in postings if infeasible_reason(seeker, p) is None]
        assert sorted(ids(found)) == sorted(feasible)  # every feasible pair and only those
        assert all(infeasible_reason(seeker, by_id[i]) is None for i in ids(found))


# --- the components of the score ----------------------------------------------------------------


def test_rare_skills_count_more() -> None:
    """Both postings require a common and a rare skill; the seeker who has the rare one ranks first
    even though each seeker covers half of the required skills."""
    common = [Posting(f"c{i}", required=("common",), region=HOME) for i in range(8)]
    target = Posting("t", required=("common", "rare"), region=HOME)
    seekers = [Seeker("has_common", skills=("common",), region=HOME), Seeker("has_rare", skills=("rare",), region=HOME)]
    market = Market(seekers, [*common, target])
    ranked = market.seekers_for(target)
    assert ids(ranked) == ["has_rare", "has_common"]
    rare = market.explain(seekers[1], target)
    plain = market.explain(seekers[0], target)
    assert rare is not None and plain is not None
    assert rare.parts["required"] > 2 * plain.parts["required"]
    assert rare.matched_required == ("rare",) and rare.missing_required == ("common",)


def test_occupation_partial_credit() -> None:
    seeker = Seeker(1, region=HOME, occupation="6-30-01-03")
    postings = [
        Posting("same", region=HOME, occupation="6-30-01-03"),
        Posting("group", region=HOME, occupation="6-30-01-07"),
        Posting("related", region=HOME, occupation="6-22-02-01"),
        Posting("none", region=HOME, occupation="4-02-01-01"),
    ]
    market = Market([seeker], postings)
    assert ids(market.top_postings()[0]) == ["same", "group", "related", "none"]
    facts = [market.explain(seeker, p) for p in postings]
    assert [f.occupation for f in facts if f] == ["same", "group", "related", "none"]
    w = WEIGHTS
    parts = [f.parts["occupation"] for f in facts if f]
    assert parts == pytest.approx(
        [w.occupation, w.occupation * w.occupation_group, w.occupation * w.occupation_related, 0]
    )


def test_a_seeker_naming_a_group_gets_full_credit_inside_it() -> None:
    seeker = Seeker(1, region=HOME, occupation="6-30-01-00")
    market = Market([seeker], [Posting("in", region=HOME, occupation="6-30-01-03")])
    facts = market.explain(seeker, market.postings[0])
    assert facts is not None and facts.occupation == "same"
    assert facts.parts["occupation"] == pytest.approx(WEIGHTS.occupation)


def test_salary_fit() -> None:
    seeker = Seeker(1, region=HOME, expected_salary=5000)
    postings = [
        Posting("meets", region=HOME, salary_max=6000),
        Posting("unknown", region=HOME),
        Posting("a_bit_below", region=HOME, salary_max=4500),
        Posting("far_below", region=HOME, salary_max=2500),
    ]
    market = Market([seeker], postings)
    # 10% below the expectation still beats an unknown salary (neutral); half of it does not.
    assert ids(market.top_postings()[0]) == ["meets", "a_bit_below", "unknown", "far_below"]
    meets, unknown, below, far = (market.explain(seeker, p) for p in postings)
    assert meets and unknown and below and far
    assert (meets.salary, meets.salary_gap) == ("meets", 0)
    assert unknown.salary == "unknown"
    assert (below.salary, below.salary_gap) == ("below", 500)
    assert meets.parts["salary"] == pytest.approx(WEIGHTS.salary)
    assert far.parts["salary"] == 0


def test_location_preference() -> None:
    seeker = Seeker(1, region=HOME, regions=(OTHER,), willing_to_relocate=True)
    postings = [
        Posting("moved", region=THIRD, cross_region=True),
        Posting("named", region=OTHER),
        Posting("home", region=HOME),
    ]
    market = Market([seeker], postings)
    assert ids(market.top_postings()[0]) == ["home", "named", "moved"]
    assert [market.explain(seeker, p).location for p in postings] == ["relocation", "preferred_region", "same_region"]  # type: ignore[union-attr]


def test_certified_skill_counts_a_little_more() -> None:
    posting = Posting("p", required=("weld",), region=HOME)
    plain = Seeker("plain", skills=("weld",), region=HOME)
    certified = Seeker("certified", skills=("weld",), certified=frozenset({"weld"}), region=HOME)
    market = Market([plain, certified], [posting])
    ranked = market.seekers_for(posting)
    assert ids(ranked) == ["certified", "plain"]
    assert ranked[0][1] - ranked[1][1] == pytest.approx(WEIGHTS.certified, abs=1e-5)


def test_text_similarity_finds_unresolved_phrases() -> None:
    seeker = Seeker(1, phrases=("电焊",), text="想找电焊工的活", region=HOME)
    postings = [
        Posting("weld", title="电焊工", region=HOME),
        Posting("cook", title="厨师", text="饭店后厨", region=HOME),
    ]
    market = Market([seeker], postings)
    assert ids(market.top_postings()[0]) == ["weld", "cook"]
    facts = market.explain(seeker, postings[0])
    assert facts is not None and facts.text_similarity > 0.3


def test_a_posting_without_skills_is_matched_on_text_and_flagged() -> None:
    seeker = Seeker(1, phrases=("养羊",), region=HOME)
    posting = Posting("p", title="养羊", text="牧场招人放羊养羊", region=HOME)
    market = Market([seeker], [posting])
    facts = market.explain(seeker, posting)
    assert facts is not None and facts.no_resolved_skills
    assert facts.parts["required"] == 0
    w = WEIGHTS
    # The skill weights went to the text component.
    assert facts.parts["text"] == pytest.approx(
        (w.text + w.required + w.certified + w.preferred) * facts.text_similarity, abs=1e-5
    )
    with_skills = Market([seeker], [Posting("q", title="养羊", required=("sheep",), region=HOME)])
    other = with_skills.explain(seeker, with_skills.postings[0])
    assert other is not None and not other.no_resolved_skills


def test_scores_are_in_range_and_parts_add_up() -> None:
    seeker = Seeker(
        1,
        skills=("a", "b"),
        certified=frozenset({"a"}),
        text="焊工",
        region=HOME,
        expected_salary=3000,
        occupation="6-30-01-03",
    )
    posting = Posting(
        "p", title="焊工", required=("a", "b"), preferred=("c",), region=HOME, salary_max=9000, occupation="6-30-01-03"
    )
    market = Market(
        [seeker, Seeker(2, skills=("c",), region=HOME)], [posting, Posting("q", required=("c",), region=HOME)]
    )
    facts = market.explain(seeker, posting)
    assert facts is not None
    score = market.top_postings()[0][0][1]
    assert 0 < score <= 1
    assert sum(facts.parts.values()) == pytest.approx(score, abs=1e-5)
    assert set(facts.parts) == set(PARTS)
    assert market.score(seeker, posting) == pytest.approx(score, abs=1e-5)


def test_weights_must_add_up_to_one() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        Weights(required=0.9)
    with pytest.raises(ValueError):
        Weights(location=0.0, required=0.48)
    assert ENGINE_VERSION


# --- the three ways of asking agree --------------------------------------------------------------


def random_market(seed: int, n_seekers: int = 120, n_postings: int = 80) -> tuple[list[Seeker], list[Posting]]:
    rng = random.Random(seed)
    skills = [f"s{i}" for i in range(25)]
    counties = [HOME, OTHER, THIRD, "150622"]
    words = ["电焊", "叉车", "司机", "厨师", "保洁", "养殖", "种植", "维修", "销售", "仓库"]
    codes = ["6-30-01-03", "6-30-01-04", "6-30-02-01", "4-02-01-01", "", ""]
    seekers = [
        Seeker(
            i,
            skills=tuple(rng.sample(skills, rng.randint(0, 4))),
            certified=frozenset(rng.sample(skills, 2)),
            phrases=tuple(rng.sample(words, rng.randint(0, 2))),
            text=rng.choice(words) + "工作",
            region=rng.choice(counties),
            regions=tuple(rng.sample(counties, rng.randint(0, 2))),
            willing_to_relocate=rng.random() < 0.4,
            capacity=rng.choice(["full", "full", "full", "partial", "none"]),
            expected_salary=rng.choice([None, 2500, 4000, 6000]),
            occupation=rng.choice(codes),
        )
        for i in range(n_seekers)
    ]
    postings = [
        Posting(
            f"p{j}",
            title=rng.choice(words) + "工",
            required=tuple(rng.sample(skills, rng.randint(0, 3))),
            preferred=tuple(rng.sample(skills, rng.randint(0, 2))),
            text=rng.choice(words),
            region=rng.choice(counties),
            cross_region=rng.random() < 0.3,
            capacity_required=rng.choice(["full", "partial"]),
            salary_max=rng.choice([None, 3000, 5000, 8000]),
            occupation=rng.choice(codes),
            open_seats=rng.choice([0, 1, 1, 2]),
        )
        for j in range(n_postings)
    ]
    return seekers, postings


def test_postings_for_and_seekers_for_agree_with_top_postings() -> None:
    seekers, postings = random_market(3)
    market = Market(seekers, postings)
    top = market.top_postings(top_k=10)
    assert any(top) and any(not row for row in top)
    for seeker, row in zip(seekers, top, strict=True):
        alone = market.postings_for(seeker, top_k=10)
        assert alone == row  # same postings, same scores to the sixth decimal, same order (ties too)
    # Each posting's seekers: the scores the whole-market ranking gives the same pairs.
    full = {
        (s.id, pid): score
        for s, row in zip(seekers, market.top_postings(top_k=1000), strict=True)
        for pid, score in row
    }
    for posting in postings:
        expected = sorted(((-v, s) for (s, p), v in full.items() if p == posting.id))
        assert market.seekers_for(posting, top_k=1000) == [(s, -v) for v, s in expected]


@pytest.mark.parametrize(("pairs_at_once", "kept_at_once"), [(2_000_000, 2_000_000), (5, 2_000_000), (5, 7)])
@pytest.mark.parametrize("seed", [3, 12])
def test_many_rows_at_once_give_the_one_row_answers(
    monkeypatch: pytest.MonkeyPatch, seed: int, pairs_at_once: int, kept_at_once: int
) -> None:
    """``postings_for_many`` and ``top_seekers_rows`` (the re-match's way, block by block) give what
    ``postings_for`` / ``seekers_for`` give one row at a time: same rows, scores, order and ties, also
    when the products are cut into pieces of a few pairs, when the rows are ranked a few at a time
    (ranges of seven pairs kept: one row a range when ``top_k`` is large) and after rows are put in
    and dropped."""
    monkeypatch.setattr(Market, "PAIRS_AT_ONCE", pairs_at_once)
    monkeypatch.setattr(Market, "KEPT_AT_ONCE", kept_at_once)
    seekers, postings = random_market(seed)
    # Copies under other ids score alike: equal scores in most lists, so the order of ties is checked.
    seekers += [replace(s, id=1000 + s.id) for s in seekers[:30]]
    postings += [replace(p, id=f"{p.id}-copy") for p in postings[:30]]
    market = Market(seekers, postings)
    market.drop_posting(postings[1].id)
    market.drop_seeker(seekers[2].id)
    market.put_seeker(replace(seekers[5], regions=(OTHER, THIRD), willing_to_relocate=True))
    market.put_posting(replace(postings[7], cross_region=True, open_seats=3))
    for top_k in (1, 3, 1000):
        wanted = [s.id for s in market.seekers[::2]] + ["not in the market"]
        many = market.postings_for_many(wanted, top_k=top_k)
        assert set(many) == set(wanted[:-1])
        ties = 0
        for sid in wanted[:-1]:
            alone = market.postings_for(market.seekers[market._seeker_row[sid]], top_k=top_k)
            assert many[sid] == alone
            scores = [score for _, score in alone]
            ties += len(scores) - len(set(scores))
        rows, others, micros = market.top_seekers_rows(top_k=top_k)
        ids = [s.id for s in market.seekers]
        for row, posting in enumerate(market.postings):
            at = rows == row
            found = [(ids[o], m / 1e6) for o, m in zip(others[at].tolist(), micros[at].tolist(), strict=True)]
            assert found == market.seekers_for(posting, top_k=top_k)
    assert ties  # the markets are small enough for equal scores: the tie order was checked


@pytest.mark.parametrize("budget", [1, 7, 40, 10**9])
def test_rows_are_ranked_in_consecutive_ranges_within_the_budget(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """``Market._ranges``: every row some block names is in exactly one range, the ranges follow each
    other in row order, and each keeps at most ``KEPT_AT_ONCE`` pairs unless it is one row alone."""
    monkeypatch.setattr(Market, "KEPT_AT_ONCE", budget)
    market = Market(*random_market(4))
    top_k = 5
    blocks = [(s, p) for s, p in market._blocks() if len(s) and len(p)]
    ranges = market._ranges(blocks, top_k)
    kept = np.zeros(len(market.seekers), dtype=np.int64)
    for rows, columns in blocks:
        np.add.at(kept, rows, min(top_k, len(columns)))
    assert all(lo < hi for lo, hi in ranges) and all(a[1] <= b[0] for a, b in itertools.pairwise(ranges))
    covered = np.concatenate([np.arange(lo, hi) for lo, hi in ranges])
    assert set(np.flatnonzero(kept)) <= set(covered.tolist()) and len(covered) == len(set(covered.tolist()))
    for lo, hi in ranges:
        named = np.flatnonzero(kept[lo:hi])
        assert kept[lo:hi].sum() <= budget or len(named) == 1
    if budget == 10**9:
        assert len(ranges) == 1
    if budget == 1:
        assert len(ranges) == np.count_nonzero(kept)


@pytest.mark.parametrize("pairs", [1, 50, 400, 10**9])
def test_postings_ranked_in_parts_give_every_postings_ranking(pairs: int) -> None:
    """``Market.posting_parts`` and ``best_seekers_of_rows`` (the re-match's threshold parts): the parts
    name every posting some block names, once, each within its budget of scored pairs unless it is
    one posting alone, and their rankings put together are ``top_seekers_rows``, ties included."""
    seekers, postings = random_market(12)
    seekers += [replace(s, id=1000 + int(s.id)) for s in seekers[:30]]  # copies score alike: ties
    postings += [replace(p, id=f"{p.id}-copy") for p in postings[:30]]
    market = Market(seekers, postings)
    market.drop_posting(postings[3].id)
    per_posting = np.zeros(len(market.postings), dtype=np.int64)
    for rows, columns in market._blocks():
        per_posting[columns] += len(rows)
    parts = market.posting_parts(pairs)
    named = np.concatenate(parts)
    assert sorted(named.tolist()) == np.flatnonzero(per_posting).tolist()
    assert all(per_posting[part].sum() <= pairs or len(part) == 1 for part in parts)
    if pairs == 10**9:
        assert len(parts) == 1
    if pairs == 1:
        assert len(parts) == len(named)
    for top_k in (1, 4, 1000):
        whole = market.top_seekers_rows(top_k=top_k)
        each = [market.best_seekers_of_rows(part, top_k) for part in parts]
        mine, theirs, micros = (np.concatenate(column) for column in zip(*each, strict=True))
        order = np.argsort(mine, kind="stable")  # a part's postings are its county's, not in row order
        for got, expected in zip((mine[order], theirs[order], micros[order]), whole, strict=True):
            assert got.tolist() == expected.tolist()
    with pytest.raises(ValueError):
        market.posting_parts(0)


def test_feasible_pairs_counts_the_pairs_the_rankings_score() -> None:
    """Every pair ``infeasible_reason`` allows is in some block (so it is counted), and no more pairs
    are counted than allowed pairs plus those a seeker meets twice (home county and relocation pool)."""
    seekers, postings = random_market(6)
    market = Market(seekers, postings)
    allowed = sum(1 for s in seekers for p in postings if p.open_seats > 0 and infeasible_reason(s, p) is None)
    blocks = list(market._blocks())
    pairs = {(int(r), int(c)) for rows, columns in blocks for r in rows for c in columns}
    assert len(pairs) == allowed
    assert market.feasible_pairs() == sum(len(r) * len(c) for r, c in blocks) >= allowed > 0


@pytest.mark.parametrize("copies", [3, 12, 40])
def test_the_whole_market_s_ranking_keeps_the_first_given_of_postings_tied_at_the_cut(copies: int) -> None:
    """``top_postings`` (``rank_files``'s ranking) breaks ties by the order postings were given, at
    the ``top_k``-th place too: many copies of a posting score alike for everyone, fewer and more of
    them than the product's slack, and each list is the one-row query's."""
    seekers, postings = random_market(8)
    postings += [replace(postings[j], id=f"{postings[j].id}-copy{n}") for j in (0, 3, 5) for n in range(copies)]
    rng = random.Random(copies)
    rng.shuffle(postings)
    market = Market(seekers, postings)
    for top_k in (1, 4, 10):
        top = market.top_postings(top_k=top_k)
        cut_in_a_tie = 0
        for seeker, row in zip(seekers, top, strict=True):
            assert row == market.postings_for(seeker, top_k=top_k)
            longer = market.postings_for(seeker, top_k=top_k + 1)
            cut_in_a_tie += len(longer) > top_k and longer[top_k][1] == row[-1][1]
        assert cut_in_a_tie  # some lists were cut inside a tie: the rule at the cut was checked


def test_a_new_row_is_scored_against_the_market() -> None:
    seekers, postings = random_market(5)
    market = Market(seekers, postings)
    newcomer = Seeker("new", skills=("s1", "s2", "unknown-skill"), text="电焊", region=HOME, willing_to_relocate=True)
    found = market.postings_for(newcomer)
    assert found and all(infeasible_reason(newcomer, p) is None for p in postings if p.id in ids(found))
    posting = Posting("new", required=("s1", "never-seen"), title="电焊工", region=HOME, cross_region=True)
    found_seekers = market.seekers_for(posting)
    by_id = {s.id: s for s in seekers}
    assert found_seekers and all(infeasible_reason(by_id[i], posting) is None for i in ids(found_seekers))
    scores = [s for _, s in found_seekers]
    assert scores == sorted(scores, reverse=True)


def test_results_are_deterministic() -> None:
    seekers, postings = random_market(11)
    first = Market(seekers, postings).top_postings(5)
    second = Market(seekers, postings).top_postings(5)
    assert first == second
    for row in first:
        scores = [s for _, s in row]
        assert scores == sorted(scores, reverse=True)
        assert len(row) <= 5


# --- reading the file formats ---------------------------------------------------------------------


class Match:
    def __init__(self, skill: str | None) -> None:
        self.skill = skill


class FakeResolver:
    """Knows a table of phrases; a phrase listing several (split on 、) gives each one's skill."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.calls: list[str] = []

    def resolve(self, text: str) -> Match:
        self.calls.append(text)
        return Match(self.table.get(text))

    def resolve_all(self, text: str) -> list[Match]:
        self.calls.append(text)
        return [Match(self.table[part]) for part in text.split("、") if part in self.table]


def test_a_list_whose_pieces_are_read_outright_is_not_scanned_as_a_whole() -> None:
    """ "电焊证，能吃苦": each piece is a form (or no skill), read outright; resolving the whole again
    would find the same at several times the cost. A piece read only by a guess sends the whole list
    through ``resolve_all``."""

    class Outright(FakeResolver):
        def resolve(self, text: str) -> Any:
            self.calls.append(text)
            skill = self.table.get(text)
            method = "exact" if skill else ("not_a_skill" if text == "能吃苦" else "none")
            return SimpleNamespace(skill=skill, method=method)

    resolver = Outright({"电焊证": "weld", "开叉车": "forklift"})
    assert read_seekers(['{"id": 1, "skills": ["电焊证，能吃苦"]}'], resolver)[0].skills == ("weld",)
    assert "电焊证，能吃苦" not in resolver.calls
    resolver.calls.clear()
    read_seekers(['{"id": 1, "skills": ["电焊证，会点别的"]}'], resolver)
    assert "电焊证，会点别的" in resolver.calls


def test_read_resolves_each_distinct_phrase_once() -> None:
    resolver = FakeResolver({"电焊": "weld", "开叉车": "forklift"})
    lines = [
        '{"id": 1, "skills": ["电焊", "开叉车", "吹牛"], "region": "150602", "capacity": "partial"}',
        "",
        '{"id": 2, "skills": ["电焊"], "expected_salary": 4000, "willing_to_relocate": true}',
    ]
    seekers = read_seekers(lines, resolver)
    assert seekers[0].skills == ("weld", "forklift") and seekers[0].phrases == ("吹牛",)
    assert seekers[0].capacity == "partial" and seekers[1].expected_salary == 4000
    assert sorted(resolver.calls) == ["吹牛", "开叉车", "电焊"]


def test_a_phrase_naming_several_skills_gives_each() -> None:
    resolver = FakeResolver({"电焊": "weld", "开叉车": "forklift"})
    seekers = read_seekers(['{"id": 1, "skills": ["电焊、开叉车"]}'], resolver)
    assert seekers[0].skills == ("weld", "forklift")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": 1, "skills": ["a"]', "line 2: not valid JSON"),
        ('{"id": 1, "capacity": "half"}', 'line 2: unknown "capacity"'),
        ('{"id": 1, "skills": "电焊"}', 'line 2: "skills" must be a list'),
        ('{"skills": []}', 'line 2: "id"'),
        ('{"id": 1, "expected_salary": "many"}', 'line 2: "expected_salary"'),
        ('{"id": 0}', "line 2: id 0 was already given on line 1"),
        ("[1, 2]", "line 2: a seeker must be a JSON object"),
    ],
)
def test_malformed_seeker_lines_name_the_line(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        read_seekers(['{"id": 0}', line])


def test_read_postings() -> None:
    postings = read_postings(
        [
            '{"id": "p1", "title": "焊工", "skills": ["电焊", "??"], "region": "150602", "cross_region": true,'
            ' "capacity_required": "partial", "salary_min": 3000, "salary_max": 5000}'
        ],
        FakeResolver({"电焊": "weld"}),
    )
    assert postings[0].required == ("weld",) and postings[0].phrases == ("??",)
    assert postings[0].cross_region and postings[0].salary_max == 5000 and postings[0].capacity_required == "partial"
    with pytest.raises(ValueError, match='line 1: unknown "capacity_required"'):
        read_postings(['{"id": "p", "capacity_required": "none"}'])


def test_without_sparse_dot_topn_the_results_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain scipy fallback (when sparse_dot_topn is not installed) ranks the same."""
    import ml.matching

    seekers, postings = random_market(13)
    expected = Market(seekers, postings).top_postings(7)
    monkeypatch.setattr(ml.matching, "_sp_matmul_topn", None)
    assert Market(seekers, postings).top_postings(7) == expected


def test_explain_and_score_agree_with_the_ranking_on_a_random_market() -> None:
    seekers, postings = random_market(17)
    market = Market(seekers, postings)
    by_id = {p.id: p for p in postings}
    checked = 0
    for seeker, row in zip(seekers, market.top_postings(5), strict=True):
        for posting_id, score in row:
            facts = market.explain(seeker, by_id[posting_id])
            assert facts is not None
            assert sum(facts.parts.values()) == pytest.approx(score, abs=1e-5)
            assert market.score(seeker, by_id[posting_id]) == score
            checked += 1
    assert checked > 50
