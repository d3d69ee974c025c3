"""The interview scheduler (ml/assignment.py): optimal choice of pairs, valid timing, kept meetings."""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict

import pytest

from ml.assignment import Candidate, Meeting, ScheduleError, Slot, greedy_schedule, schedule


def slots_for(booths: list[str], count: int, length: int = 15, capacity: int = 1) -> list[Slot]:
    return [
        Slot(booth=b, index=i, start=i * length, length=length, capacity=capacity) for b in booths for i in range(count)
    ]


def assert_valid(meetings: list[Meeting], slots: list[Slot], max_per: int, gap: int) -> None:
    by_key = {(s.booth, s.index): s for s in slots}
    seats = Counter((m.booth, m.slot, m.seat) for m in meetings)
    assert max(seats.values(), default=1) == 1, "two people in one seat"
    for m in meetings:
        assert m.seat < by_key[(m.booth, m.slot)].capacity
    per_attendee: dict[object, list[Slot]] = defaultdict(list)
    for m in meetings:
        per_attendee[m.attendee].append(by_key[(m.booth, m.slot)])
    for times in per_attendee.values():
        assert len(times) <= max_per
        for x, y in itertools.combinations(times, 2):
            assert x.start >= y.end + gap or y.start >= x.end + gap, "one person in two places, or no gap"
    pairs = Counter((m.attendee, m.booth) for m in meetings)
    assert max(pairs.values(), default=1) == 1


def test_the_flow_beats_greedy_where_greedy_is_short_sighted() -> None:
    # One seat at X and one at Y. Greedy gives X to a (0.9); then b (who only fits X) gets nothing.
    candidates = [Candidate("a", "X", 0.9), Candidate("a", "Y", 0.8), Candidate("b", "X", 0.85)]
    slots = slots_for(["X", "Y"], 1)
    solution = schedule(candidates, slots, max_per_attendee=1)
    assert {(m.attendee, m.booth) for m in solution.meetings} == {("a", "Y"), ("b", "X")}
    assert solution.objective == pytest.approx(1.65) and solution.bound == pytest.approx(1.65)
    assert solution.greedy == pytest.approx(0.9)


def test_the_objective_equals_the_brute_force_optimum_on_small_random_fairs() -> None:
    rng = random.Random(3)
    for _ in range(20):
        attendees, booths = ["a", "b", "c", "d"], ["X", "Y", "Z"]
        candidates = [Candidate(a, b, round(rng.random(), 3)) for a in attendees for b in booths if rng.random() < 0.7]
        slots = slots_for(booths, 2)
        solution = schedule(candidates, slots, max_per_attendee=2, gap=0)
        best = 0.0
        weights = {(c.attendee, c.booth): c.score for c in candidates}
        keys = list(weights)
        for chosen in itertools.product([0, 1], repeat=len(keys)):
            pick = [k for k, on in zip(keys, chosen, strict=True) if on]
            per_a, per_b = Counter(a for a, _ in pick), Counter(b for _, b in pick)
            if all(v <= 2 for v in per_a.values()) and all(v <= 2 for v in per_b.values()):
                best = max(best, sum(weights[k] for k in pick))
        assert solution.bound == pytest.approx(best, abs=1e-3)
        assert solution.objective == pytest.approx(best, abs=1e-3)  # here, every chosen pair was timed
        assert_valid(solution.meetings, slots, 2, 0)


def test_the_gap_between_an_attendees_interviews_holds() -> None:
    candidates = [Candidate("a", b, 0.9) for b in "XYZ"] + [Candidate("b", b, 0.5) for b in "XYZ"]
    slots = slots_for(list("XYZ"), 6)  # with 15 minutes between, three interviews need 5 slots
    solution = schedule(candidates, slots, max_per_attendee=3, gap=15)
    assert_valid(solution.meetings, slots, 3, 15)
    assert len(solution.meetings) == 6 and solution.untimed == 0


def test_a_large_random_fair_is_valid_and_close_to_the_bound() -> None:
    rng = random.Random(11)
    booths = [f"B{n}" for n in range(30)]
    candidates = [Candidate(a, b, rng.random()) for a in range(400) for b in rng.sample(booths, 8)]
    slots = slots_for(booths, 10, capacity=2)
    solution = schedule(
        candidates, slots, max_per_attendee=3, gap=10, priority=range(40), priority_bonus=0.3, floor=0.1
    )
    assert_valid(solution.meetings, slots, 3, 10)
    assert solution.objective <= solution.bound + 1e-6
    assert solution.gap_percent < 1.0
    assert solution.objective >= solution.greedy


def test_priority_attendees_come_first() -> None:
    candidates = [Candidate("grad", "X", 0.5), Candidate("other", "X", 0.7)]
    plain = schedule(candidates, slots_for(["X"], 1), max_per_attendee=1)
    ranked = schedule(candidates, slots_for(["X"], 1), max_per_attendee=1, priority={"grad"}, priority_bonus=0.5)
    assert [m.attendee for m in plain.meetings] == ["other"]
    assert [m.attendee for m in ranked.meetings] == ["grad"]
    assert ranked.meetings[0].score == pytest.approx(0.5)  # the reported score is the match score


def test_fixed_meetings_stay_and_their_seats_and_times_are_respected() -> None:
    slots = slots_for(["X", "Y"], 2)
    fixed = [Meeting("a", "X", 0, 0, 0.4)]
    candidates = [
        Candidate("a", "X", 0.9),
        Candidate("a", "Y", 0.9),
        Candidate("b", "X", 0.8),
        Candidate("c", "X", 0.7),
    ]
    solution = schedule(candidates, slots, max_per_attendee=2, fixed=fixed)
    assert all((m.attendee, m.booth) != ("a", "X") for m in solution.meetings)
    assert_valid(solution.meetings + fixed, slots, 2, 0)
    a_y = next(m for m in solution.meetings if m.attendee == "a")
    assert (a_y.booth, a_y.slot) == ("Y", 1)  # slot 0 is when a sits at X
    assert {m.attendee for m in solution.meetings if m.booth == "X"} == {"b"}


def test_bad_numbers_are_refused() -> None:
    with pytest.raises(ScheduleError):
        schedule([], slots_for(["X"], 1), max_per_attendee=0)
    with pytest.raises(ScheduleError):
        schedule([], [Slot("X", 0, 0, 15, 0)], max_per_attendee=1)
    with pytest.raises(ScheduleError):
        greedy_schedule([], slots_for(["X"], 1), max_per_attendee=1, fixed=[Meeting("a", "X", 5, 0, 1.0)])


def test_the_repair_never_moves_a_kept_meeting_out_of_its_seat() -> None:
    # a1's confirmed meeting holds X's first slot; a2 is kept busy at Y during X's second slot, so
    # a2 fits X only in the first slot. Moving a1 would free it, but a kept meeting stays put: the
    # new schedule must not hand out a1's seat (the database refuses two live interviews in one).
    slots = slots_for(["X", "Y"], 2)
    fixed = [Meeting("a1", "X", 0, 0, 0.5), Meeting("a2", "Y", 1, 0, 0.5)]
    solution = schedule([Candidate("a2", "X", 0.9)], slots, max_per_attendee=3, fixed=fixed)
    assert_valid([*fixed, *solution.meetings], slots, max_per=3, gap=0)
    assert solution.meetings == [] and solution.untimed == 1
    assert solution.objective <= solution.bound
    greedy = greedy_schedule([Candidate("a2", "X", 0.9)], slots, max_per_attendee=3, fixed=fixed)
    assert_valid([*fixed, *greedy], slots, max_per=3, gap=0)
