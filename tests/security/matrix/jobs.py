"""阳光就业: another company's postings (in draft), applications, hires and follow-ups are its own
and its union unit's; a person is shown to a company only if they applied to it or agreed to be
found, and only while the company is verified."""

from __future__ import annotations

import datetime as dt

from tests.jobs.conftest import fresh_uscc
from tests.security.matrix import EVERYONE, SIGNED_IN, api, page, roles

TODAY = dt.date.today().isoformat()
JOBS_STAFF = roles("helper", "organizer", "auditor", "admin")
EMPLOYER = roles("employer", "admin")


def _posting_body(f: dict) -> dict:
    return {
        "employer": f["employer"].pk,
        "title": "仓库管理员",
        "headcount": 1,
        "region": "150624",
        "salary_min": 3000,
        "salary_max": 4000,
        "valid_until": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
    }


ENTRIES = [
    api(
        "POST /api/v1/employers/register/",
        may=EVERYONE,
        note="public sign-up: a new company, no one else's",
        body=lambda f: {
            "name": "新公司",
            "uscc": fresh_uscc(),
            "contact_name": "王",
            "contact_phone": "13947719191",
            "region": "150624",
            "industry": "retail",
            "username": "matrix_co",
            "password": "Grass-land-2026",
        },
    ),
    api("GET /api/v1/employers/{id}/", "employer"),
    api("PATCH /api/v1/employers/{id}/", "employer", body=lambda f: {"description": "改"}),
    api("POST /api/v1/employers/{id}/verify/", "employer", body=lambda f: {"approve": False, "note": "不符"}),
    api(
        "POST /api/v1/postings/",
        may=EMPLOYER,
        body=_posting_body,
        note="an employer always posts for its own company: the employer field is the union's",
    ),
    api("GET /api/v1/postings/{id}/", "posting"),
    api("PUT /api/v1/postings/{id}/", "posting", body=_posting_body),
    api("PATCH /api/v1/postings/{id}/", "posting", body=lambda f: {"title": "改"}),
    api("GET /api/v1/postings/{id}/applicants/", "posting"),
    api("POST /api/v1/postings/{id}/invite/", "posting", body=lambda f: {"member": f["member"].pk}),
    api("POST /api/v1/postings/{id}/review/", "posting", body=lambda f: {"approve": True}),
    api("POST /api/v1/postings/{id}/submit/", "posting"),
    api("POST /api/v1/postings/{id}/withdraw/", "posting"),
    api(
        "POST /api/v1/applications/",
        body=lambda f: {"posting": f["match_posting"].pk, "member": f["member"].pk, "consent_note": "电话同意"},
    ),
    api("GET /api/v1/applications/{id}/", "application"),
    api("POST /api/v1/applications/{id}/move/", "application", body=lambda f: {"to_state": "withdrawn"}),
    api(
        "POST /api/v1/applications/{id}/hire/",
        "application",
        body=lambda f: {"start_date": TODAY, "monthly_wage": 5000},
    ),
    api("GET /api/v1/candidates/{id}/", "member", may=(), note="candidates are shown to employers only"),
    api("POST /api/v1/retention-checks/{id}/record/", "retention_check", body=lambda f: {"outcome": "in_job"}),
    api(
        "POST /api/v1/employment-services/",
        body=lambda f: {"member": f["member"].pk, "kind": "counselling", "held_on": TODAY, "outcome": "谈话"},
    ),
    # pages
    page("jobs:search", opens=SIGNED_IN),
    page("jobs:my_applications", opens=roles("worker", "admin")),
    page("jobs:employer_register", opens=EVERYONE, note="public sign-up (signed-in users are sent home)"),
    page("jobs:company", opens=EMPLOYER),
    page("jobs:company_edit", opens=EMPLOYER),
    page("jobs:postings", opens=EMPLOYER),
    page("jobs:posting_create", opens=EMPLOYER),
    page("jobs:posting_hint", opens=SIGNED_IN),
    page("jobs:candidates", opens=EMPLOYER),
    page("jobs:review_employers", opens=roles("organizer", "admin")),
    page("jobs:review_postings", opens=roles("organizer", "admin")),
    page("jobs:stalled", opens=JOBS_STAFF),
    page("jobs:placements", opens=JOBS_STAFF),
    page("jobs:follow_ups", opens=JOBS_STAFF),
    page("jobs:services", opens=JOBS_STAFF),
    page("jobs:service_create", opens=roles("helper", "organizer", "admin")),
    page("jobs:detail", "posting"),
    page("jobs:apply", "posting"),
    page("jobs:apply_for", "posting"),
    page("jobs:posting_edit", "posting", may=(), note="an employer's own page"),
    page("jobs:posting_submit", "posting"),
    page("jobs:posting_withdraw", "posting"),
    page("jobs:pipeline", "posting", may=(), note="an employer's own page"),
    page("jobs:posting_review", "posting", body=lambda f: {"decision": "approve"}),
    page("jobs:application_move", "application", body=lambda f: {"to_state": "withdrawn"}),
    page("jobs:application_hire", "application", body=lambda f: {"start_date": TODAY, "monthly_wage": 5000}),
    page("jobs:candidate", "member", may=(), note="candidates are shown to employers only"),
    page("jobs:candidate_invite", "member"),
    page("jobs:employer_verify", "employer", body=lambda f: {"decision": "reject", "note": "不符"}),
    page("jobs:follow_up_record", "retention_check", body=lambda f: {"outcome": "in_job"}),
]
