"""Match quality of (attendee, booth) pairs, asked of ``matching/``: the score of a person for a booth
is their best score for any posting the booth brings.

Stored matches (``matching.models.Match``) are read first. A person with no stored match for any
of the fair's postings (a new profile, or only ranked below the stored top lists) is scored with
the matching engine's cached market, against every open posting, and the fair's postings picked
out. Pairs the engine finds infeasible (capacity, location) get no score and are never scheduled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fairs.models import Attendee, Booth
from matching.models import Match

log = logging.getLogger(__name__)


def pair_scores(attendees: Iterable[Attendee], booths: Iterable[Booth]) -> dict[tuple[int, int], float]:
    attendees = list(attendees)
    booths = list(booths)
    booths_of_posting: dict[int, list[int]] = {}
    for booth in booths:
        # ``.all()`` reads the postings the caller prefetched (one query for the fair, not one per booth).
        for posting_id in (p.pk for p in booth.postings.all()):
            booths_of_posting.setdefault(posting_id, []).append(booth.pk)
    attendee_of_member = {a.member_id: a.pk for a in attendees}
    scores: dict[tuple[int, int], float] = {}

    def keep(member_id: int, posting_id: int, score: float) -> None:
        attendee_id = attendee_of_member[member_id]
        for booth_id in booths_of_posting.get(posting_id, ()):
            key = (attendee_id, booth_id)
            if score > scores.get(key, 0.0):
                scores[key] = float(score)

    rows = Match.objects.filter(member_id__in=list(attendee_of_member), posting_id__in=list(booths_of_posting))
    for member_id, posting_id, score in rows.values_list("member_id", "posting_id", "score").iterator():
        keep(member_id, posting_id, score)

    scored = {a for a, _b in scores}
    missing = [m for m, a in attendee_of_member.items() if a not in scored]
    if missing and booths_of_posting:
        for member_id, posting_id, score in _engine_scores(missing, set(booths_of_posting)):
            keep(member_id, posting_id, score)
    return scores


def _engine_scores(member_ids: list[int], posting_ids: set[int]) -> list[tuple[int, int, float]]:
    from matching.services import market

    cached = market(current="both")
    out = []
    top_k = max(1, len(cached.postings))
    for member_id in member_ids:
        seeker = cached.seekers.get(member_id)
        if seeker is None:  # not a job seeker in the archive's sense (no capacity, not current)
            continue
        for posting_id, score in cached.market.postings_for(seeker, top_k=top_k):
            if int(posting_id) in posting_ids:
                out.append((member_id, int(posting_id), float(score)))
    return out
