"""Learning the match weights from what happened: interviews and hires (``ml.outcomes``).

Every application (or invitation) is an outcome: good when it reached an interview, an offer or a
hire (its logged events, or a placement), otherwise not. Its features are the parts of the pair's
match score as the engine computes them now, under the weights in use. ``weights_learn`` fits new
weights on the earlier outcomes and scores them against the current weights on the later ones; only
when they do clearly better, and only when asked to apply them, does a ``MatchWeights`` row go
live: the next market is built with it (``current_weights``), and the engine version records it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from households.models import Member
from jobs.models import Application, ApplicationEvent, JobPosting, Placement
from matching import engine
from matching.models import MatchWeights
from ml.matching import WEIGHTS, Market, Weights
from ml.outcomes import LearningReport, OutcomeRow, learn_weights, weights_with

GOOD_STATES = (Application.State.INTERVIEW, Application.State.OFFERED, Application.State.HIRED)


def current_weights() -> Weights:
    """The weights in use: the newest active learned row, else the engine's own."""
    row = MatchWeights.objects.filter(active=True).first()
    if row is None:
        return WEIGHTS
    try:
        return weights_with(WEIGHTS, row.weights)
    except (KeyError, TypeError, ValueError):  # a row from an older engine: the engine's own
        return WEIGHTS


def outcome_rows(weights: Weights | None = None) -> list[OutcomeRow]:
    """Every application with its outcome and the parts of its pair's score (a few queries)."""
    reached = ApplicationEvent.objects.filter(application_id=OuterRef("pk"), to_state__in=GOOD_STATES)
    hired = Placement.objects.filter(member_id=OuterRef("member_id"), posting_id=OuterRef("posting_id"))
    applications = list(
        Application.objects.annotate(reached=Exists(reached), hired=Exists(hired))
        .values("member_id", "posting_id", "state", "created_at", "reached", "hired")
        .order_by("created_at", "id")
    )
    if not applications:
        return []
    members = engine.build_seekers(Member.objects.filter(pk__in={a["member_id"] for a in applications}))
    postings = engine.build_postings(JobPosting.objects.filter(pk__in={a["posting_id"] for a in applications}))
    # A filled or closed posting is scored as if open: the outcome is what is being explained.
    postings = [dataclasses.replace(p, open_seats=max(1, p.open_seats)) for p in postings]
    seekers = {int(s.id): s for s in members.seekers}
    by_id = {int(p.id): p for p in postings}
    market = Market(list(seekers.values()), postings, weights=weights or current_weights())
    rows = []
    for a in applications:
        seeker, posting = seekers.get(a["member_id"]), by_id.get(a["posting_id"])
        if seeker is None or posting is None:
            continue
        facts = market.explain(seeker, posting)
        if facts is None:  # the pair breaks a hard constraint now (moved, capacity changed)
            continue
        good = bool(a["reached"] or a["hired"] or a["state"] in GOOD_STATES)
        rows.append(OutcomeRow(parts=dict(facts.parts), good=good, at=a["created_at"].timestamp()))
    return rows


def weights_learn(*, apply: bool = False) -> tuple[LearningReport, MatchWeights | None]:
    """Learn, evaluate on the later outcomes, and (``apply``) put the weights live if they won."""
    current = current_weights()
    report = learn_weights(outcome_rows(current), current)
    if not (apply and report.adopt):
        return report, None
    with transaction.atomic():
        MatchWeights.objects.filter(active=True).update(active=False)
        row = MatchWeights.objects.create(weights=report.weights, report=_jsonable(report), active=True)
    return report, row


def _jsonable(report: LearningReport) -> dict[str, Any]:
    return dataclasses.asdict(report)


__all__ = ["current_weights", "outcome_rows", "weights_learn"]
