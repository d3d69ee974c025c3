"""招聘会: a fair in draft is its organizers'; a fair's attendees, interviews and booths in waiting
are its organizers', the person's and the company's."""

from __future__ import annotations

import datetime as dt

from tests.security.matrix import api, page, roles

DAY = (dt.date.today() + dt.timedelta(days=30)).isoformat()

ENTRIES = [
    api(
        "POST /api/v1/fairs/",
        body=lambda f: {
            "name": "招聘会",
            "kind": "general",
            "org_unit": f["org_unit"].pk,
            "starts_on": DAY,
            "ends_on": DAY,
            "registration_opens": DAY,
            "registration_closes": DAY,
            "capacity": 10,
        },
    ),
    api("GET /api/v1/fairs/{id}/", "fair"),
    api("POST /api/v1/fairs/{id}/register/", "fair", body=lambda f: {"member": f["member"].pk}),
    api("POST /api/v1/fairs/{id}/booths/", "fair", body=lambda f: {"postings": [f["match_posting"].pk]}),
    api("POST /api/v1/fairs/{id}/checkin/", "fair", body=lambda f: {"scans": []}),
    api("POST /api/v1/fairs/{id}/schedule/", "fair"),
    api("GET /api/v1/fairs/{id}/report/", "fair"),
    api(
        "GET /api/v1/fairs/booths/{id}/",
        "booth",
        may=roles("worker", "admin"),
        note="an approved booth of a published fair is public to the people who may attend",
    ),
    api("POST /api/v1/fairs/booths/{id}/decide/", "booth", body=lambda f: {"approve": False, "note": "不符"}),
    api("POST /api/v1/fairs/booths/{id}/slots/", "booth", body=lambda f: {"slot_count": 4}),
    api("POST /api/v1/fairs/booths/{id}/walk-in/", "booth", body=lambda f: {"code": "ABCDEF", "slot": 0}),
    api("GET /api/v1/fairs/booths/{id}/interviews/", "booth"),
    api("POST /api/v1/fairs/interviews/{id}/outcome/", "interview", body=lambda f: {"outcome": "offer"}),
    page("fairs:list", opens=roles("worker", "employer", "helper", "organizer", "auditor", "admin")),
    page("fairs:create", opens=roles("organizer", "admin")),
    page("fairs:graduates", opens=roles("helper", "organizer", "auditor", "admin")),
    page("fairs:detail", "fair"),
    page("fairs:booth_apply", "fair"),
    page("fairs:register", "fair"),
    page("fairs:register_pick", "fair"),
    page("fairs:schedule", "fair"),
    page("fairs:mine", "fair", may=(), note="a worker's own registration: nobody else's"),
    page("fairs:checkin", "fair"),
    page("fairs:report", "fair"),
    page("fairs:booth", "booth"),
    page("fairs:booth_decide", "booth", body=lambda f: {"decision": "reject", "note": "不符"}),
    page("fairs:booth_slots", "booth", body=lambda f: {"slot_count": 4}),
    page("fairs:booth_walk_in", "booth", body=lambda f: {"code": "ABCDEF", "slot": 0}),
    page("fairs:outcome", "interview", body=lambda f: {"outcome": "offer"}),
    page("fairs:confirm", "interview"),
    page("fairs:cancel", "attendee"),
]
