"""The 创业援助 journey in a real browser, on a phone (in Chinese): Wang applies for an
interest-free loan, his helper Hana approves, the town's organizer Olga approves and asks for the
payment, the county's Alice approves the payment, Olga pays it out, Wang sees his schedule, Hana
records his first repayment and Wang sees the first instalment paid. Every yuan is on the ledger."""

from __future__ import annotations

import re
from typing import Any

import pytest

from funds import ledger
from funds.models import LedgerTransaction
from tests.browser.conftest import log_in
from tests.funds import conftest as funds_fixtures
from tests.ventures import conftest as ventures_fixtures
from ventures.models import Instalment, Loan, Venture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The fund world, the SQLite ledger triggers (dropped after a transactional test so the flush can
# empty the tables) and the loan products, from the funds and ventures test folders.
_ledger_triggers = funds_fixtures._ledger_triggers
purposes = funds_fixtures.purposes
world = funds_fixtures.world
products = ventures_fixtures.products


def _submit(page: Any, form: str, button: str = "button[type=submit]") -> None:
    page.click(f"{form} {button}")
    page.wait_for_load_state("networkidle")


def test_a_worker_applies_is_approved_paid_out_and_repays_from_a_phone(
    phone_page: Any, world: Any, people: Any, products: Any
) -> None:
    page = phone_page

    # Wang applies from his phone.
    log_in(page, "13847700001")
    page.goto("/ventures/apply/")
    page.select_option("[name=product]", str(products["free"].pk))
    page.fill("[name=business_name]", "王记牛肉面")
    page.fill("[name=business]", "牛肉面馆, 早餐和午餐")
    page.fill("[name=address]", "乌兰镇新华街 12 号")
    page.fill("[name=total_cost]", "40000")
    page.fill("[name=own_funds]", "8000")
    page.fill("[name=amount]", "12000")
    page.fill("[name=expected_monthly_income]", "6000")
    page.fill("[name=jobs_expected]", "2")
    page.click("form button.button-primary")
    page.wait_for_url(re.compile(r"/ventures/\d+/$"))
    venture = Venture.objects.get()
    assert venture.state == Venture.State.HELPER_REVIEW
    assert page.locator("[data-state=helper_review]").count() == 1

    # Hana, his helper, finds it in her queue and approves; then Olga, the town's organizer.
    for login in ("hana", "olga"):
        page.context.clear_cookies()
        log_in(page, login)
        page.goto("/ventures/review/")
        page.click(f"a[href='/ventures/{venture.pk}/']")
        _submit(page, f"form[action='/ventures/{venture.pk}/review/']", "button[value=approve]")
    venture.refresh_from_db()
    assert venture.state == Venture.State.APPROVED and venture.reviews.count() == 2

    # Olga asks for the loan's payment from the town's budget.
    _submit(page, f"form[action='/ventures/{venture.pk}/loan/']")
    loan = Loan.objects.get()
    assert page.locator(f"form[action='/ventures/loans/{loan.pk}/approve-payment/']").count() == 0  # her own request

    # Alice, at the county, approves the payment; Olga pays it out.
    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto(f"/ventures/{venture.pk}/")
    _submit(page, f"form[action='/ventures/loans/{loan.pk}/approve-payment/']")
    page.context.clear_cookies()
    log_in(page, "olga")
    page.goto(f"/ventures/{venture.pk}/")
    _submit(page, f"form[action='/ventures/loans/{loan.pk}/disburse/']")
    loan.refresh_from_db()
    assert loan.state == Loan.State.ACTIVE
    assert LedgerTransaction.objects.filter(kind="loan", reference=f"ventures.Loan:{loan.pk}").count() == 1

    # Wang sees his schedule and what is due next.
    page.context.clear_cookies()
    log_in(page, "13847700001")
    page.goto("/ventures/mine/")
    assert "¥1,000.00" in page.locator(".next-due").first.inner_text()
    page.click(f"a[href='/ventures/{venture.pk}/']")
    assert page.locator("table.schedule tbody tr").count() == 12

    # Hana records his first repayment.
    page.context.clear_cookies()
    log_in(page, "hana")
    page.goto(f"/ventures/{venture.pk}/")
    repay = f"form[action='/ventures/loans/{loan.pk}/repay/']"
    page.click(f"details:has({repay}) summary")
    page.fill(f"{repay} [name=amount]", "1000")
    _submit(page, repay)
    assert ledger.payee_outstanding(world.fund, world.wang.pk, world.purpose) == 11_000_00

    # Wang sees the first instalment paid.
    page.context.clear_cookies()
    log_in(page, "13847700001")
    page.goto(f"/ventures/{venture.pk}/")
    assert page.locator("tr[data-instalment='1'][data-state='paid']").count() == 1
    assert page.locator("tr[data-instalment='2'][data-state='due']").count() == 1
    assert Instalment.objects.get(loan=loan, number=1).state == Instalment.State.PAID
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
