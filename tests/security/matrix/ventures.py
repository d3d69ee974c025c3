"""创业援助: another unit's ventures, loans, claims and write-offs are its own and the units' above
it; the loan products are the union's shared list."""

from __future__ import annotations

import datetime as dt

from tests.security.matrix import SIGNED_IN, api, page, roles

TODAY = dt.date.today().isoformat()
STAFF = roles("helper", "organizer", "auditor", "admin")

ENTRIES = [
    api(
        "POST /api/v1/ventures/applications/",
        body=lambda f: {
            "member": f["member"].pk,
            "product": f["product"].pk,
            "business_name": "面馆",
            "business": "早餐",
            "address": "棋盘井",
            "total_cost": "30000.00",
            "amount": "10000.00",
        },
    ),
    api("GET /api/v1/ventures/applications/{id}/", "venture"),
    api("POST /api/v1/ventures/applications/{id}/submit/", "venture"),
    api("POST /api/v1/ventures/applications/{id}/review/", "venture", body=lambda f: {"approve": True}),
    api(
        "POST /api/v1/ventures/applications/{id}/guidance/",
        "venture",
        body=lambda f: {"mentor": "张老师", "held_on": TODAY, "notes": "指导"},
    ),
    api(
        "POST /api/v1/ventures/applications/{id}/loan/",
        "venture",
        body=lambda f: {"bank_name": "农商银行", "disbursed_on": TODAY},
    ),
    api(
        "POST /api/v1/ventures/applications/{id}/in-kind/",
        "venture",
        body=lambda f: {"supplier": "农资店", "items": [{"name": "羊", "quantity": 1, "unit_value": "100.00"}]},
    ),
    api("POST /api/v1/ventures/applications/{id}/employer/", "venture", body=lambda f: {"employer": f["employer"].pk}),
    api("POST /api/v1/ventures/applications/{id}/register-employer/", "venture"),
    api("GET /api/v1/ventures/loans/{id}/", "loan"),
    api("POST /api/v1/ventures/loans/{id}/approve-payment/", "loan", body=lambda f: {"approve": True}),
    api("POST /api/v1/ventures/loans/{id}/disburse/", "loan", body=lambda f: {"idempotency_key": "v1"}),
    api(
        "POST /api/v1/ventures/loans/{id}/repayments/",
        "loan",
        body=lambda f: {"amount": "100.00", "paid_on": TODAY, "idempotency_key": "v2"},
    ),
    api(
        "POST /api/v1/ventures/loans/{id}/subsidy-claims/",
        "loan",
        body=lambda f: {"period": "2026-11", "interest_paid": "100.00", "statement": "S1"},
    ),
    api("POST /api/v1/ventures/loans/{id}/write-off/", "loan", body=lambda f: {"amount": "100.00", "reason": "失败"}),
    api("GET /api/v1/ventures/products/{id}/", "product", may=SIGNED_IN, note="the union's shared loan products"),
    api("GET /api/v1/ventures/subsidy-claims/{id}/", "subsidy_claim"),
    api("POST /api/v1/ventures/subsidy-claims/{id}/pay/", "subsidy_claim", body=lambda f: {"idempotency_key": "v3"}),
    api("GET /api/v1/ventures/in-kind/{id}/", "in_kind"),
    api("POST /api/v1/ventures/in-kind/{id}/pay/", "in_kind", body=lambda f: {"idempotency_key": "v4"}),
    api("GET /api/v1/ventures/write-offs/{id}/", "write_off"),
    api("POST /api/v1/ventures/write-offs/{id}/approve/", "write_off"),
    api("POST /api/v1/ventures/write-offs/{id}/reject/", "write_off", body=lambda f: {"note": "不同意"}),
    page("ventures:home", opens=SIGNED_IN),
    page("ventures:apply", opens=roles("worker", "helper", "organizer", "admin")),
    page("ventures:mine", opens=roles("worker", "admin")),
    page("ventures:queue", opens=roles("helper", "organizer", "admin")),
    page("ventures:list", opens=STAFF),
    page("ventures:portfolio", opens=STAFF),
    page("ventures:overdue", opens=STAFF),
    page("ventures:write_offs", opens=STAFF),
    page("ventures:detail", "venture"),
    page("ventures:review", "venture", body=lambda f: {"decision": "approve"}),
    page("ventures:guidance", "venture", body=lambda f: {"mentor": "张老师", "held_on": TODAY, "notes": "指导"}),
    page("ventures:loan_open", "venture"),
    page("ventures:in_kind_create", "venture"),
    page("ventures:employer_link", "venture", body=lambda f: {"employer": f["employer"].pk}),
    page("ventures:payment_approve", "loan", body=lambda f: {"decision": "approve"}),
    page("ventures:disburse", "loan"),
    page("ventures:repay", "loan", body=lambda f: {"amount": "100.00", "paid_on": TODAY}),
    page("ventures:write_off_request", "loan", body=lambda f: {"amount": "100.00", "reason": "失败"}),
    page(
        "ventures:claim_create",
        "loan",
        body=lambda f: {"period": "2026-11", "interest_paid": "100.00", "statement": "S1"},
    ),
    page("ventures:claim_pay", "subsidy_claim"),
    page("ventures:in_kind_pay", "in_kind"),
    page("ventures:write_off_decide", "write_off", body=lambda f: {"decision": "approve"}),
]
