"""The review chain shared by relief applications and ventures (``accounts.review_chain``); each app's
own tests walk it end to end through their services and pages."""

from types import SimpleNamespace

import pytest

from accounts.review_chain import Step, step_after, step_refusal
from relief.models import Decision
from ventures.models import ReviewStep


@pytest.mark.parametrize(
    ("step", "needs_upper", "after"),
    [
        (Step.HELPER, False, Step.ORGANIZER),
        (Step.HELPER, True, Step.ORGANIZER),
        (Step.ORGANIZER, False, None),
        (Step.ORGANIZER, True, Step.UPPER),
        (Step.UPPER, True, None),
    ],
)
def test_an_approval_leads_to_the_next_step_or_decides(step, needs_upper, after):
    assert step_after(step, needs_upper=needs_upper) == after


def test_whoever_decided_a_step_decides_no_other_in_the_request_s_own_words():
    user = SimpleNamespace(pk=7)
    decided = [SimpleNamespace(step=Step.HELPER, reviewer_id=7, reviewer=user)]
    words = "You have reviewed this application already; someone else decides the next step."
    for step in Step:
        refusal = step_refusal(user, step, unit=None, decisions=decided, helper=None, needs_upper=True, already=words)
        assert refusal == words
    assert step_refusal(user, Step.ORGANIZER, unit=None, decisions=decided, helper=None, needs_upper=False)


def test_both_logs_of_decisions_share_the_steps_and_the_columns():
    assert Decision.Step is ReviewStep.Step is Step
    shared = ["step", "reviewer", "approved", "note", "decided_at"]
    for model in (Decision, ReviewStep):
        names = [f.name for f in model._meta.fields]
        assert all(name in names for name in shared)
