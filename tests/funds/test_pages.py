"""The fund pages, driven through the test client: the auditor's reconciliation and ledger, the
organizer's approval queue (approve, reject, pay with a double click), asking for a payment,
reversing, resolving a flag; who may open what; and the bad inputs with their clear errors.

Pages are requested in English so that assertions hold whatever the Chinese catalogue says.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from funds import ledger
from funds.models import AnomalyFlag, LedgerTransaction, PaymentRequest
from tests.conftest import People
from tests.funds.conftest import PERIOD, FundWorld, approved, paid, request_for, yuan

pytestmark = pytest.mark.django_db


def browser(user: User) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_auditor_reads_the_reconciliation_and_the_ledger(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(2_345))
    client = browser(people.aude)
    page = client.get(reverse("funds:overview"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reconciliation" in text and world.fund.name in text
    assert "¥497,655.00" in text  # the fund's cash
    assert "¥97,655.00" in text  # the budget's remaining amount
    assert "0 · balanced" in text
    ledger_page = client.get(reverse("funds:ledger"))
    assert txn.short_id in ledger_page.content.decode()
    detail = client.get(reverse("funds:transaction", args=[txn.pk]))
    assert detail.status_code == 200 and "Reverse this posting" not in detail.content.decode()
    assert client.get(reverse("funds:queue")).status_code == 403
    assert client.post(reverse("funds:transaction_reverse", args=[txn.pk]), {"reason": "x"}).status_code == 404
    assert not LedgerTransaction.objects.filter(kind="reversal").exists()


def test_no_link_on_the_auditors_fund_overview_answers_403(world: FundWorld, people: People) -> None:
    request_for(world, people.olga, yuan(300))
    paid(world, people, yuan(1_000))
    client = browser(people.aude)
    html = client.get(reverse("funds:overview")).content.decode()
    assert "Requests waiting for approval" in html  # the count stays
    links = set(re.findall(r'href="(/funds/[^"#]*)', html))
    assert links and reverse("funds:queue") not in links
    for link in links:
        assert client.get(link).status_code == 200, link
    organizer = browser(people.alice).get(reverse("funds:overview")).content.decode()
    assert f'href="{reverse("funds:queue")}"' in organizer


def test_the_overview_folds_the_budgets_and_shows_the_latest_postings_only(world: FundWorld, people: People) -> None:
    # The overview was 17 phone screens on the demo (issue 19): each fund's budgets folded under
    # their count, the five latest postings, and the ledger (paginated, ten a page) for the rest.
    vouchers = [paid(world, people, yuan(100 + n)).short_id for n in range(10)]  # and the money in: 11
    client = browser(people.aude)
    html = client.get(reverse("funds:overview")).content.decode()
    assert '<details class="budgets" data-budgets>' in html and "1 budget</summary>" in html
    assert html.index("<details") < html.index("Budgeted")  # the budget table is inside
    assert sum(voucher in html for voucher in vouchers) == 5
    assert f'href="{reverse("funds:ledger")}"' in html
    ledger = client.get(reverse("funds:ledger"))
    second = client.get(reverse("funds:ledger"), {"page": 2})
    assert len(ledger.context["page"].object_list) == 10 and len(second.context["page"].object_list) == 1
    assert client.get(reverse("funds:ledger"), {"page": "abc"}).context["page"].number == 1
    last = client.get(reverse("funds:ledger"), {"page": "999999"}).context["page"]
    assert last.number == last.paginator.num_pages


def test_workers_and_employers_may_not_open_the_fund_pages(world: FundWorld, people: People) -> None:
    for user in (people.wang, people.eve):
        assert browser(user).get(reverse("funds:overview")).status_code == 403
    assert Client().get(reverse("funds:overview")).status_code == 302  # to the login page


def test_a_helper_asks_and_an_organizer_approves_and_pays_once_despite_a_double_click(
    world: FundWorld, people: People
) -> None:
    helper = browser(people.hana)
    form = helper.get(reverse("funds:request_create"))
    assert form.status_code == 200 and "Ask for a payment" in form.content.decode()
    sent = helper.post(
        reverse("funds:request_create"),
        {"budget": world.budget.pk, "kind": "grant", "payee": world.wang.pk, "amount": "800.50", "period": PERIOD},
    )
    assert sent.status_code == 302, sent.content.decode()
    request = PaymentRequest.objects.get()
    assert request.amount == 80050 and request.requested_by == people.hana

    organizer = browser(people.olga)
    queue = organizer.get(reverse("funds:queue"))
    assert world.wang.name in queue.content.decode() and "Approve" in queue.content.decode()
    organizer.post(reverse("funds:request_approve", args=[request.pk]), {"note": ""})
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.APPROVED and request.decided_by == people.olga

    cash = ledger.fund_cash(world.fund)
    click = {"idempotency_key": "page-double-click"}
    first = organizer.post(reverse("funds:request_pay", args=[request.pk]), click)
    second = organizer.post(reverse("funds:request_pay", args=[request.pk]), click)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]  # both land on the same voucher
    assert ledger.fund_cash(world.fund) == cash - 80050
    assert LedgerTransaction.objects.filter(kind="grant").count() == 1


def test_approving_ones_own_request_on_the_page_is_refused(world: FundWorld, people: People) -> None:
    request = request_for(world, people.olga, yuan(100))
    client = browser(people.olga)
    queue = client.get(reverse("funds:queue")).content.decode()
    assert "Your own request" in queue
    answer = client.post(reverse("funds:request_approve", args=[request.pk]), {"note": ""})
    assert answer.status_code == 403
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.REQUESTED


def test_a_zero_or_negative_amount_is_refused_on_the_form(world: FundWorld, people: People) -> None:
    client = browser(people.hana)
    for amount in ("0", "-20"):
        answer = client.post(
            reverse("funds:request_create"),
            {"budget": world.budget.pk, "kind": "grant", "payee": world.wang.pk, "amount": amount, "period": PERIOD},
        )
        assert answer.status_code == 400
        assert "more than zero" in answer.content.decode()
    assert not PaymentRequest.objects.exists()


def test_rejecting_needs_a_note(world: FundWorld, people: People) -> None:
    request = request_for(world, people.hana, yuan(100))
    client = browser(people.olga)
    answer = client.post(reverse("funds:request_reject", args=[request.pk]), {"note": ""})
    assert answer.status_code == 400 and "Say why" in answer.content.decode()
    client.post(reverse("funds:request_reject", args=[request.pk]), {"note": "材料不全"})
    request.refresh_from_db()
    assert request.state == PaymentRequest.State.REJECTED


def test_paying_beyond_the_remaining_budget_on_the_page_is_refused_with_a_message(
    world: FundWorld, people: People
) -> None:
    first, second = approved(world, people, yuan(60_000)), approved(world, people, yuan(60_000))
    client = browser(people.olga)
    client.post(reverse("funds:request_pay", args=[first.pk]), {"idempotency_key": "a"})
    answer = client.post(reverse("funds:request_pay", args=[second.pk]), {"idempotency_key": "b"})
    assert answer.status_code == 302 and any("go beyond" in m for m in flashed(answer))
    assert LedgerTransaction.objects.filter(kind="grant").count() == 1


def test_an_organizer_reverses_a_posting_with_a_reason(world: FundWorld, people: People) -> None:
    txn = paid(world, people, yuan(300))
    client = browser(people.alice)
    assert "Reverse this posting" in client.get(reverse("funds:transaction", args=[txn.pk])).content.decode()
    empty = client.post(reverse("funds:transaction_reverse", args=[txn.pk]), {"reason": ""})
    assert empty.status_code == 400
    done = client.post(reverse("funds:transaction_reverse", args=[txn.pk]), {"reason": "重复发放"})
    assert done.status_code == 302
    reversal = LedgerTransaction.objects.get(kind="reversal")
    assert reversal.reverses_id == txn.pk and reversal.memo == "重复发放"
    assert "Reversed by" in client.get(reverse("funds:transaction", args=[txn.pk])).content.decode()


def test_flags_are_listed_and_resolved_by_an_organizer(world: FundWorld, people: People) -> None:
    paid(world, people, yuan(100))
    paid(world, people, yuan(100))
    flag = AnomalyFlag.objects.get()
    assert "Same person paid twice" in browser(people.aude).get(reverse("funds:flags")).content.decode()
    assert (
        browser(people.aude).post(reverse("funds:flag_resolve", args=[flag.pk]), {"resolution": "x"}).status_code == 404
    )
    flag.refresh_from_db()
    assert flag.resolved_at is None  # auditors read, never change
    browser(people.alice).post(reverse("funds:flag_resolve", args=[flag.pk]), {"resolution": "冬季第二次补助, 已批准"})
    flag.refresh_from_db()
    assert flag.resolved_by == people.alice


def test_a_sibling_towns_organizer_gets_not_found_on_records_outside_their_reach(
    world: FundWorld, people: People
) -> None:
    txn = paid(world, people, yuan(100))
    request = request_for(world, people.hana, yuan(100))
    client = browser(people.bob)
    assert client.get(reverse("funds:transaction", args=[txn.pk])).status_code == 404
    assert client.get(reverse("funds:request", args=[request.pk])).status_code == 404
    assert client.post(reverse("funds:request_approve", args=[request.pk]), {"note": ""}).status_code == 404
