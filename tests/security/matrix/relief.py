"""Relief tracks (送温暖, 金秋助学, medical aid, social assistance): an application, its benefit, a
campaign's list and a referral are the household's unit's (and the unit above's); a worker sees the
own household's only. The tracks themselves are the county's published rules."""

from __future__ import annotations

from tests.security.matrix import api, page, roles

RELIEF_STAFF = roles("helper", "organizer", "auditor", "admin")  # VIEW_RELIEF
REVIEWERS = roles("helper", "organizer", "admin")  # REVIEW_RELIEF
APPLICANTS = roles("worker", "helper", "organizer", "admin")  # APPLY_RELIEF or REVIEW_RELIEF
TRACK = "warmth"

ENTRIES = [
    api("GET /api/v1/relief/applications/{id}/", "relief_application"),
    api(
        "POST /api/v1/relief/applications/",
        body=lambda f: {"track": "assistance", "member": f["member"].pk, "consent_note": "户主同意"},
    ),
    api("POST /api/v1/relief/applications/{id}/review/", "relief_application", body=lambda f: {"approve": True}),
    api("POST /api/v1/relief/applications/{id}/approve-payment/", "relief_application"),
    api("POST /api/v1/relief/applications/{id}/pay/", "relief_application", body=lambda f: {"idempotency_key": "m-1"}),
    api("POST /api/v1/relief/applications/{id}/give/", "relief_application", body=lambda f: {"summary": "米面油"}),
    api("POST /api/v1/relief/applications/{id}/withdraw/", "relief_application"),
    api("GET /api/v1/relief/benefits/{id}/", "relief_benefit"),
    api(
        "GET /api/v1/relief/tracks/{code}/",
        "relief_track",
        may=roles("worker", "helper", "organizer", "auditor", "admin"),
        note="the county's published rules: everyone who applies or reviews reads them",
    ),
    api(
        "GET /api/v1/relief/tracks/{code}/worklist/",
        "relief_track",
        may=RELIEF_STAFF,
        note="the worklist lists the caller's own reach only (tests/relief)",
    ),
    api("GET /api/v1/relief/warmth/campaigns/{id}/", "warmth_campaign"),
    api("GET /api/v1/relief/warmth/campaigns/{id}/ranking/", "warmth_campaign"),
    page("relief:index", opens=roles("worker", "helper", "organizer", "auditor", "admin")),
    page("relief:queue", opens=REVIEWERS),
    page("relief:payments", opens=RELIEF_STAFF),
    page("relief:mine", opens=roles("worker", "admin")),
    page("relief:track", args=lambda f: [TRACK], opens=RELIEF_STAFF, note="the caller's own reach only"),
    page("relief:apply", args=lambda f: [TRACK], opens=APPLICANTS, note="members offered are the caller's own"),
    page("relief:application", "relief_application"),
    page("relief:review", "relief_application", body=lambda f: {"decision": "approve"}),
    page("relief:payment_approve", "relief_application"),
    page("relief:payment_retry", "relief_application"),
    page("relief:pay", "relief_application"),
    page("relief:give", "relief_application"),
    page("relief:withdraw", "relief_application"),
    page("relief:warmth:campaigns", opens=RELIEF_STAFF),
    page("relief:warmth:campaign_create", opens=roles("organizer", "admin")),
    page("relief:warmth:campaign", "warmth_campaign"),
    page("relief:warmth:campaign_list", "warmth_campaign"),
    page("relief:warmth:sign_off", "warmth_delivery", body=lambda f: {"received_by_name": "某某"}),
    page("relief:medical:cover", "member", body=lambda f: {"basic": "resident"}),
    page("relief:assistance:referrals", opens=RELIEF_STAFF),
    page("relief:assistance:outcome", "referral", body=lambda f: {"outcome": "granted"}),
    # Cases (issue 18): a case is its household's unit's (and the units above); a worker sees only
    # the own household's; opening one for another unit's member is 404.
    api("GET /api/v1/relief/cases/{id}/", "relief_case"),
    api(
        "POST /api/v1/relief/cases/",
        body=lambda f: {
            "track": "restructuring",
            "kind": "layoff_path",
            "member": f["member"].pk,
            "summary": "再就业",
            "office": "hrss",
        },
    ),
    api("POST /api/v1/relief/cases/{id}/steps/", "relief_case", body=lambda f: {"action": "电话催办"}),
    api("POST /api/v1/relief/cases/{id}/documents/", "relief_case"),
    api("POST /api/v1/relief/cases/{id}/close/", "relief_case", body=lambda f: {"outcome": "achieved"}),
    page("relief:cases", opens=RELIEF_STAFF, note="the caller's own reach only (tests/relief/test_cases.py)"),
    page(
        "relief:case_open",
        args=lambda f: [f["relief_case_track"].code],
        opens=REVIEWERS,
        note="members offered are the caller's own reach",
    ),
    page("relief:case", "relief_case"),
    page("relief:case_step", "relief_case", body=lambda f: {"on": "2026-01-05", "action": "x"}),
    page("relief:case_document", "relief_case"),
    page("relief:case_close", "relief_case", body=lambda f: {"outcome": "achieved", "on": "2026-01-05"}),
    page(
        "relief:case_document_file",
        args=lambda f: [f["relief_case_document"].case_id, f["relief_case_document"].pk],
    ),
    # Restructuring layoffs: enterprises and batches are the following unit's.
    api("GET /api/v1/relief/restructuring/enterprises/{id}/", "layoff_enterprise"),
    api(
        "POST /api/v1/relief/restructuring/enterprises/",
        may=roles("organizer", "admin"),
        body=lambda f: {"name": "某煤矿", "reason": "merger", "noted_on": "2026-01-05"},
        note="an organizer records an enterprise for their own unit (the unit is the caller's, never sent)",
    ),
    api("GET /api/v1/relief/restructuring/batches/{id}/", "layoff_batch"),
    api(
        "POST /api/v1/relief/restructuring/batches/",
        body=lambda f: {"enterprise": f["layoff_enterprise"].pk, "name": "x", "laid_off_on": "2026-01-05"},
    ),
    api("GET /api/v1/relief/restructuring/batches/{id}/workers/", "layoff_batch"),
    api(
        "POST /api/v1/relief/restructuring/batches/{id}/workers/",
        "layoff_batch",
        body=lambda f: {"workers": [{"member": f["member"].pk}]},
    ),
    api("GET /api/v1/relief/restructuring/batches/{id}/report/", "layoff_batch"),
    api("GET /api/v1/relief/restructuring/batches/{id}/advice/", "layoff_batch"),
    api(
        "POST /api/v1/relief/restructuring/workers/{id}/outcome/",
        "laid_off_worker",
        body=lambda f: {"outcome": "reemployed", "on": "2026-01-05"},
    ),
    page("relief:restructuring:enterprises", opens=RELIEF_STAFF, note="the caller's own reach only"),
    page("relief:restructuring:enterprise_create", opens=roles("organizer", "admin")),
    page("relief:restructuring:batch_create", opens=roles("organizer", "admin"), note="enterprises offered: own reach"),
    page("relief:restructuring:batch", "layoff_batch"),
    page("relief:restructuring:batch_add", "layoff_batch", body=lambda f: {"workers": "某某 150624198001010012"}),
    page("relief:restructuring:batch_advice", "layoff_batch"),
    page("relief:restructuring:worker_outcome", "laid_off_worker", body=lambda f: {"outcome": "reemployed"}),
    # Social insurance: statuses and arrears are the member's household's unit's.
    api(
        "POST /api/v1/relief/insurance/statuses/",
        body=lambda f: {"member": f["member"].pk, "kind": "pension", "insured": True},
    ),
    api(
        "POST /api/v1/relief/insurance/arrears/",
        body=lambda f: {
            "member": f["member"].pk,
            "employer": f["employer"].pk,
            "kind": "pension",
            "months": 2,
            "amount": 100,
        },
    ),
    api(
        "POST /api/v1/relief/insurance/arrears-cases/{id}/settle/",
        "insurance_arrears_case",
        body=lambda f: {"agreed_amount": 100},
    ),
    page("relief:insurance:uninsured", opens=RELIEF_STAFF, note="the caller's own reach only"),
    page("relief:insurance:employers", opens=RELIEF_STAFF, note="the caller's own reach only"),
    page("relief:insurance:member", "member", body=lambda f: {"kind": "pension", "insured": "on"}),
    page("relief:insurance:arrears_open", opens=REVIEWERS, note="members offered are the caller's own reach"),
    page("relief:insurance:arrears_settle", "insurance_arrears_case", body=lambda f: {"agreed_amount": "1"}),
    page("relief:migrant:households", opens=RELIEF_STAFF, note="the caller's own reach only"),
    # Care: the station register and rights-month events are the recording unit's; marks and health
    # checks the member's household's unit's.
    api("GET /api/v1/relief/care/stations/{id}/", "care_station"),
    api("GET /api/v1/relief/care/events/{id}/", "rights_event"),
    api(
        "POST /api/v1/relief/care/events/{id}/attendance/",
        "rights_event",
        body=lambda f: {"member": f["member"].pk},
        note="as on the page: another unit's event is not found; the member must be of the event's unit",
    ),
    api("GET /api/v1/relief/care/members/{id}/", "member"),
    api(
        "POST /api/v1/relief/care/members/{id}/mark/",
        "member",
        body=lambda f: {"sanitation_worker": True, "employer_name": "环卫处"},
    ),
    api(
        "POST /api/v1/relief/care/members/{id}/health-checks/",
        "member",
        body=lambda f: {"checked_on": "2026-01-05", "result": "正常"},
    ),
    page("relief:care:stations", opens=RELIEF_STAFF, note="an organizer records stations of their own unit"),
    page("relief:care:events", opens=RELIEF_STAFF, note="an organizer records events of their own unit"),
    page(
        "relief:care:member",
        "member",
        body=lambda f: {"what": "check", "checked_on": "2026-01-05", "result": "正常"},
    ),
    page("relief:care:event", "rights_event", body=lambda f: {"member": f["member"].pk}),
]
