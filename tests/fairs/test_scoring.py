"""Scores for the schedule come from stored matches, and from the matching engine for people the
stored lists do not reach."""

from __future__ import annotations

from typing import Any

import pytest

from fairs.models import Booth
from fairs.scoring import pair_scores
from households.models import MemberSkill
from matching.models import Match
from matching.services import forget_market
from skills.models import Skill
from tests.fairs.conftest import FairWorld, register

pytestmark = pytest.mark.django_db


def test_a_booths_score_is_the_best_stored_score_of_its_postings(world: FairWorld, people: Any) -> None:
    attendee = register(world.fair, world.li)
    world.pending.status, world.pending.code = Booth.Status.APPROVED, "A02"
    world.pending.save()
    world.pending.postings.add(world.posting)  # Frank's booth now also brings Eve's posting (0.8)
    scores = pair_scores([attendee], [world.booth, world.pending])
    assert scores == {(attendee.pk, world.booth.pk): 0.8, (attendee.pk, world.pending.pk): 0.8}


def test_a_person_without_stored_matches_is_scored_by_the_engine(world: FairWorld, people: Any) -> None:
    Match.objects.filter(member=world.li).delete()
    MemberSkill.objects.create(member=world.li, phrase="开叉车", skill=Skill.objects.get(code="logistics.forklift"))
    forget_market()
    attendee = register(world.fair, world.li)
    scores = pair_scores([attendee], [world.booth])
    assert scores.get((attendee.pk, world.booth.pk), 0.0) > 0.0
