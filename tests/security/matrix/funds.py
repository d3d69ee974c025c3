"""The fund ledger: another unit's funds, budgets, payments and flags are its own and the units'
above it; the purposes are the union's shared list."""

from __future__ import annotations

from tests.security.matrix import SIGNED_IN, api, page, roles

FUNDS = roles("helper", "organizer", "auditor", "admin")

ENTRIES = [
    api("POST /api/v1/funds/", body=lambda f: {"name": "新资金", "kind": "union_budget", "org_unit": f["org_unit"].pk}),
    api("GET /api/v1/funds/{id}/", "fund"),
    api("POST /api/v1/funds/{id}/contributions/", "fund", body=lambda f: {"amount": "100.00", "idempotency_key": "m1"}),
    api("POST /api/v1/funds/{id}/repayments/", "fund", body=lambda f: {"amount": "100.00", "idempotency_key": "m2"}),
    api("GET /api/v1/funds/{id}/reconciliation/", "fund"),
    api("GET /api/v1/fund-purposes/{id}/", "purpose", may=SIGNED_IN, note="the union's shared list of purposes"),
    api(
        "POST /api/v1/budgets/",
        body=lambda f: {
            "source": f["fund"].pk,
            "year": 2026,
            "org_unit": f["org_unit"].pk,
            "purpose": f["budget"].purpose.code,
            "amount": "100.00",
        },
    ),
    api("GET /api/v1/budgets/{id}/", "budget"),
    api(
        "POST /api/v1/payment-requests/",
        body=lambda f: {"budget": f["budget"].pk, "amount": "10.00", "period": "2026", "payee": f["member"].pk},
    ),
    api("GET /api/v1/payment-requests/{id}/", "payment_request"),
    api("POST /api/v1/payment-requests/{id}/approve/", "payment_request"),
    api("POST /api/v1/payment-requests/{id}/reject/", "payment_request", body=lambda f: {"note": "不符"}),
    api("POST /api/v1/payment-requests/{id}/pay/", "payment_request", body=lambda f: {"idempotency_key": "m3"}),
    api("GET /api/v1/ledger/{id}/", "ledger_transaction"),
    api(
        "POST /api/v1/ledger/{id}/reverse/",
        "ledger_transaction",
        body=lambda f: {"reason": "错账", "idempotency_key": "m4"},
    ),
    api("GET /api/v1/anomalies/{id}/", "anomaly"),
    api("POST /api/v1/anomalies/{id}/resolve/", "anomaly", body=lambda f: {"resolution": "已核实"}),
    page("funds:overview", opens=FUNDS),
    page("funds:ledger", opens=FUNDS),
    page("funds:flags", opens=FUNDS),
    page("funds:queue", opens=roles("helper", "organizer", "admin")),
    page("funds:request_create", opens=roles("helper", "organizer", "admin")),
    page("funds:transaction", "ledger_transaction"),
    page("funds:transaction_reverse", "ledger_transaction", body=lambda f: {"reason": "错账"}),
    page("funds:flag_resolve", "anomaly", body=lambda f: {"resolution": "已核实"}),
    page("funds:request", "payment_request"),
    page("funds:request_approve", "payment_request"),
    page("funds:request_reject", "payment_request", body=lambda f: {"note": "不符"}),
    page("funds:request_pay", "payment_request"),
]
