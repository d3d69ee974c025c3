"""Assessment (考核): a unit's figures, targets, scorecard, evidence and work plan are the unit's
and the levels above's; a sibling unit sees none of them. Creating a work plan or importing
targets always acts for the caller's own unit."""

from __future__ import annotations

import datetime as dt

from tests.security.matrix import SIGNED_IN, api, page, roles

ASSESSORS = roles("helper", "organizer", "auditor", "admin")  # VIEW_ASSESSMENT
YEAR = dt.date.today().year

ENTRIES = [
    api("GET /api/v1/assessment/units/{code}/", "org_unit"),
    api("GET /api/v1/assessment/scorecards/{id}/", "scorecard"),
    api("POST /api/v1/assessment/scorecards/{id}/self-assessment/", "scorecard", body=lambda f: {"lines": []}),
    api("POST /api/v1/assessment/scorecards/{id}/evidence/", "scorecard"),
    api("POST /api/v1/assessment/scorecards/{id}/submit/", "scorecard"),
    api("POST /api/v1/assessment/scorecards/{id}/findings/", "scorecard", body=lambda f: {"text": "台账不全"}),
    api("POST /api/v1/assessment/scorecards/{id}/return/", "scorecard", body=lambda f: {"reason": "补充材料"}),
    api("POST /api/v1/assessment/scorecards/{id}/accept/", "scorecard"),
    api(
        "POST /api/v1/assessment/targets/",
        body=lambda f: {"unit": f["org_unit"].code, "year": YEAR, "indicator": "households_active", "value": "10"},
    ),
    api("POST /api/v1/assessment/targets/import/", note="a file of the caller's own units below (tests/assessment)"),
    api("GET /api/v1/assessment/work-plans/{id}/", "work_plan"),
    api(
        "POST /api/v1/assessment/work-plans/",
        may=roles("organizer", "admin"),
        body=lambda f: {"year": YEAR, "title": "年度工作计划"},
        note="always the caller's own unit's plan: nothing of another owner can be named",
    ),
    api(
        "POST /api/v1/assessment/work-plans/{id}/tasks/",
        "work_plan",
        body=lambda f: {"title": "入户走访", "owner": f["work_task"].owner_id, "deadline": f"{YEAR}-12-31"},
    ),
    api(
        "POST /api/v1/assessment/tasks/{id}/progress/",
        "work_task",
        body=lambda f: {"status": "doing", "progress": 50},
    ),
    api(
        "POST /api/v1/assessment/reviews/",
        body=lambda f: {
            "household": f["household"].pk,
            "outcome": "continue",
            "causes_checked": True,
            "income_checked": True,
            "plan_checked": True,
        },
    ),
    page("assessment:dashboard", opens=ASSESSORS),
    page("assessment:unit", args=lambda f: [f["org_unit"].code]),
    page("assessment:targets", opens=ASSESSORS),
    page("assessment:targets_import", opens=roles("organizer", "admin")),
    page("assessment:targets_template", opens=ASSESSORS),
    page("assessment:target_breakdown", args=lambda f: ["households_active"], opens=ASSESSORS),
    page("assessment:scheme", opens=ASSESSORS),
    page("assessment:scorecards_open", opens=roles("organizer", "admin"), note="for the caller's units below"),
    page("assessment:scorecards", opens=ASSESSORS),
    page("assessment:scorecard", "scorecard"),
    page("assessment:scorecard_write", "scorecard"),
    page("assessment:evidence_add", "scorecard"),
    page("assessment:finding_add", "scorecard", body=lambda f: {"text": "台账不全"}),
    page("assessment:scorecard_return", "scorecard", body=lambda f: {"reason": "补充材料"}),
    page("assessment:scorecard_accept", "scorecard"),
    page("assessment:evidence", "evidence"),
    page("assessment:evidence_remove", "evidence"),
    page("assessment:report", opens=ASSESSORS),
    page("assessment:work_plans", opens=ASSESSORS),
    page("assessment:work_plan", "work_plan"),
    page("assessment:my_tasks", opens=SIGNED_IN, note="the caller's own tasks"),
    page("assessment:task_progress", "work_task", body=lambda f: {"status": "doing", "progress": 50}),
    page("assessment:reviews", opens=ASSESSORS),
    page("assessment:review", "household", body=lambda f: {"outcome": "continue"}),
]
