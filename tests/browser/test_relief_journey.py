"""The 金秋助学 journey in a real browser, on a phone (in Chinese): Wang applies for his son's
golden-autumn student aid with the enrolment proof, his helper Hana approves, the town's organizer
Olga approves (and so asks for the payment), the county's Alice approves the payment (not Olga:
never the one who asked), Olga pays it, and Wang sees the plan's goal met and the money received."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from funds.models import LedgerTransaction
from households.models import PlanGoal
from relief.models import Application
from tests.browser.conftest import log_in
from tests.funds import conftest as funds_fixtures
from tests.relief import conftest as relief_fixtures
from tests.relief.conftest import plan_goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_ledger_triggers = funds_fixtures._ledger_triggers
purposes = funds_fixtures.purposes
world = funds_fixtures.world
relief = relief_fixtures.relief


def _submit(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def _as(page: Any, login: str) -> None:
    page.context.clear_cookies()
    log_in(page, login)


def test_a_worker_applies_for_student_aid_on_a_phone_and_it_is_paid_and_meets_the_goal(
    phone_page: Any, relief: Any, people: Any, tmp_path: Path
) -> None:
    page = phone_page
    goal = plan_goal(relief.household, "student_aid", member=relief.son)
    proof = tmp_path / "录取通知书.pdf"
    proof.write_bytes(b"%PDF-1.4 admission letter")

    # Wang applies from his phone, for his son, with the admission letter.
    log_in(page, "13847700001")
    page.goto("/relief/mine/")
    page.click("a[href='/relief/tracks/student_aid/apply/']")
    page.select_option("[name=member]", str(relief.son.pk))
    page.fill("[name=school]", "内蒙古大学")
    page.select_option("[name=level]", "college")
    page.fill("[name=admission_year]", "2025")
    page.check("[name=studies_away]")
    page.set_input_files("[name=enrolment_proof]", str(proof))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    _submit(page, "form.apply-form button.button-primary")
    page.wait_for_url(re.compile(r"/relief/applications/\d+/$"))
    application = Application.objects.get()
    assert application.state == Application.State.HELPER_REVIEW and application.amount == 350_000
    assert page.locator("[data-state=helper_review]").count() == 1

    # Hana, his helper, then Olga, the town's organizer, decide from their queue.
    for login in ("hana", "olga"):
        _as(page, login)
        page.goto("/relief/review/")
        page.click(f"a[href='/relief/applications/{application.pk}/']")
        _submit(page, "form.review-form button[value=approve]")
    application.refresh_from_db()
    assert application.state == Application.State.APPROVED
    assert page.locator(f"form[action='/relief/applications/{application.pk}/approve-payment/']").count() == 0

    # Alice approves the payment; Olga pays it.
    _as(page, "alice")
    page.goto(f"/relief/applications/{application.pk}/")
    _submit(page, f"form[action='/relief/applications/{application.pk}/approve-payment/'] button")
    _as(page, "olga")
    page.goto(f"/relief/applications/{application.pk}/")
    _submit(page, f"form[action='/relief/applications/{application.pk}/pay/'] button")
    application.refresh_from_db()
    assert application.state == Application.State.GIVEN
    assert page.locator("[data-goal-met]").count() == 1
    txn = LedgerTransaction.objects.get(purpose__code="student_aid")
    assert txn.requested_by == people.olga and txn.approved_by == people.alice and txn.payee == relief.son

    # Wang sees the goal met and the money received on his own page.
    goal.refresh_from_db()
    assert goal.status == PlanGoal.Status.MET
    _as(page, "13847700001")
    page.goto("/me/")
    assert page.locator("[data-goal-status=met]").count() == 1
    assert "¥3,500.00" in page.locator("#received").inner_text()
