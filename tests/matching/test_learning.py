"""Learning the match weights from organizers' and employers' outcomes (``matching.learning``): each
application is an outcome, scored with the engine; nothing goes live without winning the time split,
and the market uses learned weights once they are live."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from households.models import Household, Member
from jobs.models import Application, ApplicationEvent, Employer
from matching import learning, services
from matching.models import MatchWeights
from ml.matching import WEIGHTS
from tests.jobs.conftest import make_employer, make_posting
from tests.matching.world import FORKLIFT, WELDING, ask_skills, fresh_market, give_skills

pytestmark = pytest.mark.django_db
__all__ = ["fresh_market"]


@pytest.fixture
def employer(tree: Any, people: Any) -> Employer:
    return make_employer(people.eve, tree.county, name="鄂托克旗利民物流有限公司")


def test_each_application_is_an_outcome_with_the_parts_of_its_score(employer: Employer, household_a: Household) -> None:
    head = give_skills(household_a.members.get(relation=Member.Relation.HEAD), FORKLIFT)
    good = ask_skills(make_posting(employer, title="叉车司机"), FORKLIFT)
    other = ask_skills(make_posting(employer, title="电焊工"), WELDING)
    interviewed = Application.objects.create(member=head, posting=good, state=Application.State.INTERVIEW)
    ApplicationEvent.objects.create(application=interviewed, from_state="applied", to_state="interview")
    Application.objects.create(member=head, posting=other, state=Application.State.REJECTED)

    rows = learning.outcome_rows()
    assert sorted(r.good for r in rows) == [False, True]
    best = next(r for r in rows if r.good)
    assert best.parts["required"] > 0 and set(best.parts) == {
        "required",
        "certified",
        "preferred",
        "occupation",
        "text",
        "salary",
        "location",
    }


def test_too_few_outcomes_change_nothing_even_when_asked(employer: Employer, household_a: Household) -> None:
    call_command("learn_match_weights", "--apply")
    assert not MatchWeights.objects.exists()
    assert learning.current_weights() == WEIGHTS


def test_live_learned_weights_are_the_markets_weights(employer: Employer, household_a: Household) -> None:
    parts = {p: getattr(WEIGHTS, p) for p in ("required", "certified", "preferred", "occupation", "text", "salary")}
    parts["required"] -= 0.05
    parts["occupation"] += 0.05
    parts["location"] = WEIGHTS.location
    MatchWeights.objects.create(weights=parts, report={}, active=True)
    weights = learning.current_weights()
    assert weights.occupation == pytest.approx(WEIGHTS.occupation + 0.05)
    give_skills(household_a.members.get(relation=Member.Relation.HEAD), FORKLIFT)
    ask_skills(make_posting(employer), FORKLIFT)
    assert services.market().market.weights == weights
