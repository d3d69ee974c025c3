"""Interview schedules for job fairs: who meets which booth, and when. Pure Python, no Django.

The problem: attendees x booths x time slots. Each booth offers slots (a start and a length in
minutes, and a number of seats); each attendee may have at most ``max_per_attendee`` interviews,
is in one place at a time, and needs ``gap`` minutes between two interviews. Each possible
(attendee, booth) pair has a weight (the match score, plus a bonus for priority attendees).

How it is solved, and what is optimal:

1. **Who meets whom** is a min-cost flow (OR-Tools ``SimpleMinCostFlow``): source -> attendee
   (capacity: their interviews left) -> booth (one arc per pair with a weight above the floor,
   capacity 1) -> sink (capacity: the booth's free seats over all its slots). A bypass arc lets
   flow go unused, so the flow picks the set of pairs of greatest total weight. This step is
   **optimal** for the problem *without* timing, so its value is an upper bound on any schedule.
2. **When** is edge colouring of the bipartite multigraph of chosen pairs (slots are colours), with
   a gap between an attendee's colours. This step is a **heuristic**: first-fit in order of the
   attendees' load, with a repair pass (an ejection chain, like a Kempe chain in edge colouring:
   a meeting in the way is taken out and placed again elsewhere, a few steps deep, undone if it
   leads nowhere), then a refill pass that offers the seats left free to the best pairs the flow
   did not choose. Pairs that still cannot be timed are
   counted in ``untimed``.

The reported ``gap_percent`` compares the timed schedule with the flow bound, so it is an honest
upper limit on how far the schedule is from the true optimum. ``greedy`` is the baseline: pairs
best-first, each into the first slot where it fits.

Confirmed interviews stay where they are: pass them as ``fixed``; their seats, their attendees'
times and their pairs are taken out of the problem before it is solved.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

SCALE = 10_000  # integer costs: weights are kept to four decimals
DEPTH = 6  # steps of an ejection chain
REPAIR_BUDGET = 2_000  # moves tried per pair that does not fit at once


@dataclass(frozen=True)
class Slot:
    """One interview time slot of a booth. ``start`` and ``length`` are in minutes from any common
    origin (the start of the fair)."""

    booth: Hashable
    index: int  # the booth's own slot number
    start: int
    length: int
    capacity: int = 1

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Candidate:
    attendee: Hashable
    booth: Hashable
    score: float  # 0..1, the match quality


@dataclass(frozen=True)
class Meeting:
    attendee: Hashable
    booth: Hashable
    slot: int  # the booth's slot number
    seat: int
    score: float


@dataclass
class Solution:
    meetings: list[Meeting]  # new meetings only (the fixed ones are not repeated)
    objective: float  # total weight of the new meetings (score + priority bonus)
    score_total: float  # total match score of the new meetings
    bound: float  # the flow optimum, ignoring timing: no schedule can beat it
    greedy: float  # best-first baseline, with the same timing rules
    chosen: int  # pairs the flow chose
    untimed: int  # chosen pairs that could not be given a time (some seats refilled after)
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def gap_percent(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, 100.0 * (self.bound - self.objective) / self.bound)

    @property
    def greedy_gap_percent(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, 100.0 * (self.bound - self.greedy) / self.bound)


class ScheduleError(ValueError):
    """The problem as given cannot be solved (bad numbers); the message says why."""


# --- the timing table ----------------------------------------------------------------------------------


class _Timetable:
    """Seats taken per slot and busy times per attendee."""

    def __init__(self, slots: Sequence[Slot], gap: int) -> None:
        self.gap = gap
        self.slots_of: dict[Hashable, list[Slot]] = defaultdict(list)
        for slot in sorted(slots, key=lambda s: (s.start, s.index)):
            self.slots_of[slot.booth].append(slot)
        self.seats: dict[tuple[Hashable, int], list[Hashable | None]] = {
            (s.booth, s.index): [None] * s.capacity for s in slots
        }
        self.busy: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
        self.where: dict[tuple[Hashable, Hashable], tuple[int, int]] = {}  # (attendee, booth) -> (slot, seat)
        self.booths_of: dict[Hashable, set[Hashable]] = defaultdict(set)
        self.by_key = {(s.booth, s.index): s for s in slots}
        self.log: list[tuple[str, Hashable, Slot, int]] = []  # undo log of the repair in progress
        # Kept (fixed) meetings: an ejection chain must never take one out, or its seat and its
        # attendee's time would be handed to a new meeting while the kept one stays where it is.
        self.pinned: set[tuple[Hashable, Hashable]] = set()
        self.budget = 0

    def free(self, attendee: Hashable, slot: Slot, ignore: tuple[int, int] | None = None) -> bool:
        gap = self.gap
        for start, end in self.busy[attendee]:
            if ignore is not None and (start, end) == ignore:
                continue
            if not (slot.start >= end + gap or slot.end + gap <= start):
                return False
        return True

    def open_seat(self, slot: Slot) -> int | None:
        seats = self.seats[(slot.booth, slot.index)]
        for n, who in enumerate(seats):
            if who is None:
                return n
        return None

    def put(self, attendee: Hashable, slot: Slot, seat: int) -> None:
        self.seats[(slot.booth, slot.index)][seat] = attendee
        self.busy[attendee].append((slot.start, slot.end))
        self.where[(attendee, slot.booth)] = (slot.index, seat)
        self.booths_of[attendee].add(slot.booth)

    def take(self, attendee: Hashable, slot: Slot, seat: int) -> None:
        self.seats[(slot.booth, slot.index)][seat] = None
        self.busy[attendee].remove((slot.start, slot.end))
        del self.where[(attendee, slot.booth)]
        self.booths_of[attendee].discard(slot.booth)

    def place(self, attendee: Hashable, booth: Hashable, *, repair: bool) -> bool:
        """First fit; else (``repair``) an ejection chain: take out one meeting in the way (the
        occupant of the seat, or the attendee's own meeting at that time), put this one in, and
        place the one taken out again the same way, up to ``DEPTH`` steps deep. On failure every
        step is undone."""
        if (attendee, booth) in self.where:
            return False
        if self._first_fit(attendee, booth):
            return True
        if not repair:
            return False
        self.budget = REPAIR_BUDGET
        mark = len(self.log)
        if self._chain(attendee, booth, DEPTH, {(attendee, booth)}):
            del self.log[mark:]
            return True
        self._rollback(mark)
        return False

    def _first_fit(self, attendee: Hashable, booth: Hashable) -> bool:
        for slot in self.slots_of.get(booth, []):
            if self.free(attendee, slot):
                seat = self.open_seat(slot)
                if seat is not None:
                    self._put(attendee, slot, seat)
                    return True
        return False

    def _chain(self, attendee: Hashable, booth: Hashable, depth: int, path: set[tuple[Hashable, Hashable]]) -> bool:
        if self._first_fit(attendee, booth):
            return True
        if depth == 0:
            return False
        for slot in self.slots_of.get(booth, []):
            own = []
            if not self.free(attendee, slot):
                for b in self.booths_of[attendee]:
                    i, seat = self.where[(attendee, b)]
                    if not self._apart(self.by_key[(b, i)], slot):
                        own.append((b, self.by_key[(b, i)], seat))
            seat_free = self.open_seat(slot)
            if len(own) > 1 or (own and seat_free is None):
                continue  # more than one meeting in the way: too far from a short chain
            options: list[tuple[Hashable, Hashable, Slot, int, int]]
            if own:
                assert seat_free is not None  # checked just above
                options = [(attendee, *own[0], seat_free)]
            else:
                options = [
                    (who, booth, slot, n, n)
                    for n, who in enumerate(self.seats[(slot.booth, slot.index)])
                    if who is not None
                ]
            for who, out_booth, out_slot, out_seat, seat in options:
                if (who, out_booth) in path or (who, out_booth) in self.pinned:
                    continue
                self.budget -= 1
                if self.budget < 0:
                    return False
                mark = len(self.log)
                self._take(who, out_slot, out_seat)
                self._put(attendee, slot, seat)
                if self._chain(who, out_booth, depth - 1, path | {(who, out_booth)}):
                    return True
                self._rollback(mark)
        return False

    def _apart(self, x: Slot, y: Slot) -> bool:
        return x.start >= y.end + self.gap or y.start >= x.end + self.gap

    def _put(self, attendee: Hashable, slot: Slot, seat: int) -> None:
        self.put(attendee, slot, seat)
        self.log.append(("put", attendee, slot, seat))

    def _take(self, attendee: Hashable, slot: Slot, seat: int) -> None:
        self.take(attendee, slot, seat)
        self.log.append(("take", attendee, slot, seat))

    def _rollback(self, mark: int) -> None:
        while len(self.log) > mark:
            op, attendee, slot, seat = self.log.pop()
            if op == "put":
                self.take(attendee, slot, seat)
            else:
                self.put(attendee, slot, seat)

    def meetings(
        self, weights: Mapping[tuple[Hashable, Hashable], float], skip: set[tuple[Hashable, Hashable]]
    ) -> list[Meeting]:
        out = []
        for (attendee, booth), (index, seat) in self.where.items():
            if (attendee, booth) in skip:
                continue
            out.append(Meeting(attendee, booth, index, seat, weights[(attendee, booth)]))
        out.sort(key=lambda m: (str(m.booth), m.slot, m.seat))
        return out


def _check(slots: Sequence[Slot], max_per_attendee: int, gap: int) -> None:
    if max_per_attendee < 1:
        raise ScheduleError("max_per_attendee must be at least 1")
    if gap < 0:
        raise ScheduleError("gap cannot be negative")
    seen = set()
    for slot in slots:
        if slot.capacity < 1 or slot.length < 1:
            raise ScheduleError(f"slot {slot.index} of booth {slot.booth!r} has no seat or no length")
        key = (slot.booth, slot.index)
        if key in seen:
            raise ScheduleError(f"slot {slot.index} of booth {slot.booth!r} is given twice")
        seen.add(key)


def _timetable_with_fixed(
    slots: Sequence[Slot], gap: int, fixed: Iterable[Meeting]
) -> tuple[_Timetable, set[tuple[Hashable, Hashable]], dict[Hashable, int]]:
    table = _Timetable(slots, gap)
    pairs: set[tuple[Hashable, Hashable]] = set()
    used: dict[Hashable, int] = defaultdict(int)
    for meeting in fixed:
        slot = table.by_key.get((meeting.booth, meeting.slot))
        if slot is None:
            raise ScheduleError(
                f"a fixed meeting is in slot {meeting.slot} of booth {meeting.booth!r}, which does not exist"
            )
        seats = table.seats[(slot.booth, slot.index)]
        if not 0 <= meeting.seat < len(seats) or seats[meeting.seat] is not None:
            raise ScheduleError(
                f"two fixed meetings share seat {meeting.seat} of slot {meeting.slot} at {meeting.booth!r}"
            )
        table.put(meeting.attendee, slot, meeting.seat)
        table.pinned.add((meeting.attendee, meeting.booth))
        pairs.add((meeting.attendee, meeting.booth))
        used[meeting.attendee] += 1
    return table, pairs, used


def _weights(
    candidates: Iterable[Candidate], priority: set[Hashable], bonus: float, floor: float
) -> dict[tuple[Hashable, Hashable], float]:
    weights: dict[tuple[Hashable, Hashable], float] = {}
    for c in candidates:
        if c.score <= floor:
            continue
        w = float(c.score) + (bonus if c.attendee in priority else 0.0)
        key = (c.attendee, c.booth)
        if w > weights.get(key, 0.0):
            weights[key] = w
    return weights


def greedy_schedule(
    candidates: Iterable[Candidate],
    slots: Sequence[Slot],
    *,
    max_per_attendee: int,
    gap: int = 0,
    priority: Iterable[Hashable] = (),
    priority_bonus: float = 0.0,
    floor: float = 0.0,
    fixed: Iterable[Meeting] = (),
) -> list[Meeting]:
    """The baseline: pairs best-first, each into the first slot where it fits."""
    _check(slots, max_per_attendee, gap)
    table, fixed_pairs, used = _timetable_with_fixed(slots, gap, fixed)
    weights = _weights(candidates, set(priority), priority_bonus, floor)
    for (attendee, booth), _w in sorted(weights.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if (attendee, booth) in fixed_pairs or used[attendee] >= max_per_attendee:
            continue
        if table.place(attendee, booth, repair=False):
            used[attendee] += 1
    return table.meetings(weights, fixed_pairs)


def schedule(
    candidates: Iterable[Candidate],
    slots: Sequence[Slot],
    *,
    max_per_attendee: int,
    gap: int = 0,
    priority: Iterable[Hashable] = (),
    priority_bonus: float = 0.0,
    floor: float = 0.0,
    fixed: Iterable[Meeting] = (),
    with_greedy: bool = True,
) -> Solution:
    """Schedule the candidates into the slots; see the module doc for what is optimal."""
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    fixed = list(fixed)
    candidates = list(candidates)
    priority = set(priority)
    _check(slots, max_per_attendee, gap)
    table, fixed_pairs, used = _timetable_with_fixed(slots, gap, fixed)
    weights = _weights(candidates, priority, priority_bonus, floor)
    pairs = [(a, b) for (a, b) in weights if (a, b) not in fixed_pairs]

    free_seats: dict[Hashable, int] = defaultdict(int)
    for (booth, _index), seats in table.seats.items():
        free_seats[booth] += sum(1 for s in seats if s is None)
    attendees = sorted({a for a, _ in pairs}, key=str)
    booths = sorted({b for _, b in pairs}, key=str)
    node_a = {a: 2 + n for n, a in enumerate(attendees)}
    node_b = {b: 2 + len(attendees) + n for n, b in enumerate(booths)}
    source, sink = 0, 1
    flow = min_cost_flow.SimpleMinCostFlow()
    supply = 0
    for a in attendees:
        left = max(0, max_per_attendee - used[a])
        supply += left
        flow.add_arc_with_capacity_and_unit_cost(source, node_a[a], left, 0)
    pair_arcs = []
    for a, b in pairs:
        arc = flow.add_arc_with_capacity_and_unit_cost(node_a[a], node_b[b], 1, -round(weights[(a, b)] * SCALE))
        pair_arcs.append((arc, a, b))
    for b in booths:
        flow.add_arc_with_capacity_and_unit_cost(node_b[b], sink, free_seats[b], 0)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)  # flow may stay unused
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    for node in list(node_a.values()) + list(node_b.values()):
        flow.set_node_supply(node, 0)
    notes: list[str] = []
    chosen: list[tuple[Hashable, Hashable]] = []
    bound = 0.0
    if supply and pairs:
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise ScheduleError(f"the flow solver stopped with status {status}")
        for arc, a, b in pair_arcs:
            if flow.flow(arc):
                chosen.append((a, b))
                bound += weights[(a, b)]

    # Timing: the attendees with the most meetings first (they are the hardest to fit), then
    # each attendee's best pairs first.
    load: dict[Hashable, int] = defaultdict(int)
    for a, _b in chosen:
        load[a] += 1
    booth_load: dict[Hashable, int] = defaultdict(int)
    for _a, b in chosen:
        booth_load[b] += 1
    order = sorted(chosen, key=lambda p: (-load[p[0]], -booth_load[p[1]], -weights[p], str(p)))
    untimed = []
    for a, b in order:
        if table.place(a, b, repair=True):
            used[a] += 1
        else:
            untimed.append((a, b))
    if untimed:
        notes.append(f"{len(untimed)} chosen pairs could not be timed; their seats were offered to others")
        chosen_set = set(chosen)
        for (a, b), _w in sorted(weights.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            if (a, b) in fixed_pairs or (a, b) in chosen_set or used[a] >= max_per_attendee:
                continue
            if table.place(a, b, repair=True):
                used[a] += 1

    meetings = table.meetings(weights, fixed_pairs)
    objective = sum(m.score for m in meetings)
    score_total = sum(
        weights[(m.attendee, m.booth)] - (priority_bonus if m.attendee in priority else 0.0) for m in meetings
    )
    meetings = [
        Meeting(
            m.attendee, m.booth, m.slot, m.seat, round(m.score - (priority_bonus if m.attendee in priority else 0.0), 6)
        )
        for m in meetings
    ]
    greedy = 0.0
    if with_greedy:
        baseline = greedy_schedule(
            candidates,
            slots,
            max_per_attendee=max_per_attendee,
            gap=gap,
            priority=priority,
            priority_bonus=priority_bonus,
            floor=floor,
            fixed=fixed,
        )
        greedy = sum(m.score for m in baseline)
    return Solution(
        meetings=meetings,
        objective=round(objective, 6),
        score_total=round(score_total, 6),
        bound=round(bound, 6),
        greedy=round(greedy, 6),
        chosen=len(chosen),
        untimed=len(untimed),
        seconds=time.perf_counter() - started,
        notes=notes,
    )
