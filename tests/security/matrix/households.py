"""一户一档: the archive is its unit's business (helpers, organizers and auditors of the unit and
the units above) and the household's own worker's; another unit's household is nobody else's."""

from __future__ import annotations

import datetime as dt

from tests.factories import fresh_id_number
from tests.security.matrix import api, page, roles

ARCHIVE = roles("helper", "organizer", "auditor", "admin")
EDITORS = roles("helper", "organizer", "admin")
TODAY = dt.date.today().isoformat()

ENTRIES = [
    api(
        "POST /api/v1/households/",
        body=lambda f: {"org_unit": f["org_unit"].pk, "region": "150624", "address": "棋盘井"},
    ),
    api("GET /api/v1/households/{id}/", "household"),
    api("PATCH /api/v1/households/{id}/", "household", body=lambda f: {"address": "改过的地址"}),
    api("POST /api/v1/households/{id}/activate/", "household"),
    api("POST /api/v1/households/{id}/close/", "household", body=lambda f: {"reason": "迁出"}),
    api("POST /api/v1/households/{id}/reenter/", "household", body=lambda f: {"reason": "返贫"}),
    api("GET /api/v1/households/{id}/history/", "household"),
    api(
        "POST /api/v1/members/",
        body=lambda f: {
            "household": f["household"].pk,
            "name": "新成员",
            "relation": "child",
            "id_number": fresh_id_number(),
        },
    ),
    api("GET /api/v1/members/{id}/", "member"),
    api("PATCH /api/v1/members/{id}/", "member", body=lambda f: {"major": "焊接"}),
    api("POST /api/v1/members/{id}/preferences/", "member", body=lambda f: {"desired_work": "保洁"}),
    api("POST /api/v1/members/{id}/reveal-id-number/", "member", body=lambda f: {"purpose": "casework"}),
    api("POST /api/v1/members/{id}/skills/", "member", body=lambda f: {"phrase": "开叉车"}),
    api("DELETE /api/v1/member-skills/{id}/", "member_skill"),
    api("POST /api/v1/plans/", body=lambda f: {"household": f["household"].pk, "summary": "就业帮扶"}),
    api("GET /api/v1/plans/{id}/", "plan"),
    api("GET /api/v1/goals/{id}/", "goal"),
    api(
        "POST /api/v1/goals/{id}/status/",
        "goal",
        body=lambda f: {"status": "met", "evidence": "已就业", "met_on": TODAY},
    ),
    api("POST /api/v1/pairings/", body=lambda f: {"household": f["household"].pk, "helper": f["pairing"].helper_id}),
    api(
        "POST /api/v1/visits/", body=lambda f: {"household": f["household"].pk, "visited_on": TODAY, "summary": "走访"}
    ),
    api("POST /api/v1/exit-requests/", body=lambda f: {"household": f["household"].pk, "reason": "目标达成"}),
    api("GET /api/v1/exit-requests/{id}/", "exit_request"),
    api("POST /api/v1/exit-requests/{id}/approve/", "exit_request"),
    api("POST /api/v1/exit-requests/{id}/reject/", "exit_request", body=lambda f: {"note": "不同意"}),
    # pages
    page("households:list", opens=ARCHIVE),
    page("households:create", opens=EDITORS),
    page("households:exits", opens=roles("organizer", "admin")),
    page("households:import", opens=roles("organizer", "admin")),
    page("households:import_template", opens=roles("organizer", "admin")),
    page("households:export", opens=roles("organizer", "admin")),
    page("households:id_referrals", opens=roles("organizer", "admin")),
    page("households:import_job", "import_job"),
    page("households:import_report", "import_job", may=(), note="this import has no report yet"),
    page("households:import_retry", "import_job"),
    page("households:exit_decide", "exit_request"),
    page("households:id_referral_resolve", "id_referral", body=lambda f: {"resolution": "同一人"}),
    page("households:detail", "household"),
    page("households:edit", "household"),
    page("households:activate", "household"),
    page("households:close", "household", body=lambda f: {"reason": "迁出"}),
    page("households:reenter", "household", body=lambda f: {"reason": "返贫"}),
    page("households:member_add", "household"),
    page("households:plan_create", "household"),
    page("households:goal_add", "household"),
    page("households:measure_add", "household"),
    page("households:pairing_assign", "household"),
    page("households:visit_record", "household", body=lambda f: {"visited_on": TODAY, "summary": "走访"}),
    page("households:exit_request", "household", body=lambda f: {"reason": "目标达成"}),
    page(
        "households:member_pick",
        opens=roles("helper", "organizer", "admin"),
        note="the people picker: those who act for others; it lists their own reach only",
    ),
    page("households:member_edit", "member"),
    page("households:member_reveal", "member", body=lambda f: {"purpose": "casework"}),
    page("households:member_account", "member"),
    page("households:member_password_reset", "member", note="POST only: a GET answers 405"),
    page("households:member_leave", "member", body=lambda f: {"reason": "迁出"}),
    page("households:goal_status", "goal", body=lambda f: {"status": "met", "evidence": "已就业"}),
    page("households:measure_status", "measure", body=lambda f: {"status": "done"}),
    # the worker's own pages
    page("me:home", opens=roles("worker", "admin"), note="an administrator is told there is no archive entry"),
    page("me:skill_add", opens=roles("worker")),
    page("me:preferences", opens=roles("worker")),
    page("me:skill_remove", "member_skill"),
]
