"""技能培训: the catalogue (courses and their cohorts) is open to everyone who may learn or enrol
others; rosters, enrolments, attendance and certificates are the unit's and the trainee's."""

from __future__ import annotations

from tests.security.matrix import api, page, roles

CATALOGUE = roles("worker", "helper", "organizer", "auditor", "admin")
TRAINING_STAFF = roles("helper", "organizer", "auditor", "admin")

ENTRIES = [
    api("GET /api/v1/training/courses/{id}/", "course", may=CATALOGUE, note="the county's training catalogue"),
    api("GET /api/v1/training/cohorts/{id}/", "cohort", may=CATALOGUE, note="the county's training catalogue"),
    api("POST /api/v1/training/cohorts/{id}/enrol/", "cohort", body=lambda f: {"member": f["member"].pk}),
    api("GET /api/v1/training/enrolments/{id}/", "enrolment"),
    api("POST /api/v1/training/enrolments/{id}/cancel/", "enrolment"),
    api("POST /api/v1/training/enrolments/{id}/attendance/", "enrolment", body=lambda f: {"session": f["session"].pk}),
    api("POST /api/v1/training/enrolments/{id}/completion/", "enrolment", body=lambda f: {"passed": True}),
    api("POST /api/v1/training/enrolments/{id}/certificate/", "enrolment", body=lambda f: {"number": "C-1"}),
    api("POST /api/v1/training/enrolments/scan/", body=lambda f: {"session": f["session"].pk, "token": "x"}),
    api("GET /api/v1/training/certificates/{id}/", "certificate"),
    page("training:home", opens=CATALOGUE),
    page("training:catalogue", opens=CATALOGUE),
    page("training:mine", opens=roles("worker", "admin")),
    page("training:course_new", opens=roles("organizer", "admin")),
    page("training:cohorts", opens=TRAINING_STAFF),
    page("training:coverage", opens=TRAINING_STAFF),
    page("training:demand", opens=TRAINING_STAFF),
    page("training:course", "course", may=CATALOGUE, note="the county's training catalogue"),
    page("training:enrol", "cohort"),
    page("training:cohort_new", "course"),
    page("training:cohort", "cohort", may=TRAINING_STAFF, note="staff; the roster shows one's own reach only"),
    page("training:enrol_others", "cohort"),
    page("training:enrol_pick", "cohort"),
    page("training:cancel", "enrolment"),
    page("training:complete", "enrolment"),
    page("training:certify", "enrolment"),
    page(
        "training:session",
        "session",
        may=roles("helper", "organizer", "admin"),
        note="staff who take attendance; the roster shows one's own reach only",
    ),
    page("training:attendance", args=lambda f: [f["session"].pk, f["enrolment"].pk]),
    page("training:scan", "session"),
]
