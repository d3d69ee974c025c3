"""The skill taxonomy and occupations: the union's shared reference, read by everyone signed in;
the review queue and imports belong to the roles that manage the taxonomy (organizers)."""

from __future__ import annotations

from tests.security.matrix import SIGNED_IN, api, page, roles

TAXONOMY = roles("organizer", "admin")

ENTRIES = [
    api("GET /api/v1/skills/{code}/", "skill", may=SIGNED_IN, note="shared reference data"),
    api("GET /api/v1/occupations/{code}/", "occupation", may=SIGNED_IN, note="shared reference data"),
    api("POST /api/v1/skills/import/", may=TAXONOMY, body=lambda f: {"lines": []}),
    api("GET /api/v1/review-phrases/{id}/", "review_phrase", may=TAXONOMY),
    api("POST /api/v1/review-phrases/{id}/answer/", "review_phrase", may=TAXONOMY),
    api("POST /api/v1/review-phrases/{id}/dismiss/", "review_phrase", may=TAXONOMY),
    page("skills:catalogue", opens=SIGNED_IN),
    page("skills:suggest", opens=SIGNED_IN),
    page("skills:resolve", opens=SIGNED_IN),
    page("skills:code_hint", opens=SIGNED_IN),
    page("skills:occupation_suggest", opens=SIGNED_IN),
    page("skills:review", opens=TAXONOMY),
    page("skills:review_answer", "review_phrase", may=TAXONOMY),
]
